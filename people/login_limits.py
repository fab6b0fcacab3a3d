"""Limits on guessing passwords at the login page and the API token endpoint.

Failed sign-ins are counted per client address and user name in the shared cache (Redis in
production, so every web worker sees the same count). The window is fixed: it starts at the
first failure and lasts ``settings.LOGIN_FAILURE_WINDOW_SECONDS``; once
``settings.LOGIN_FAILURE_LIMIT`` failures are counted, the login page refuses further
attempts for that pair without checking the password until the window ends.

Password spraying (a few guesses at each of many user names) stays under that limit, so
every failure is also counted per client address alone: once
``settings.LOGIN_ADDRESS_FAILURE_LIMIT`` failures come from one address within the window,
sign-ins from it are refused for every user name until the window ends. A success does not
clear the address count, or an attacker could reset it with an account of their own.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

from core.http import client_ip

_KEY_PREFIX = "login-failures"


def client_address(request) -> str:
    """The address the request came from (see ``core.http.client_ip`` for proxies)."""
    return client_ip(request)


def _key(*, client_ip: str, username: str) -> str:
    # Hashed so any user name (spaces, Chinese, very long) makes a valid cache key.
    # Lower-cased so changing the case of a name does not start a fresh count.
    raw = f"{client_ip}\n{username.strip().lower()}".encode()
    return f"{_KEY_PREFIX}:{hashlib.sha256(raw).hexdigest()}"


def login_failure_count(*, client_ip: str, username: str) -> int:
    """How many failed sign-ins are counted for this address and user name right now."""
    return int(cache.get(_key(client_ip=client_ip, username=username), 0))


def login_blocked(*, client_ip: str, username: str) -> bool:
    """True when the limit is reached and the login page must refuse this pair."""
    return login_failure_count(client_ip=client_ip, username=username) >= (
        settings.LOGIN_FAILURE_LIMIT
    )


def login_failure_record(*, client_ip: str, username: str) -> int:
    """Count one failed sign-in and return the new count.

    The first failure opens the window; later ones do not extend it (``incr`` keeps the
    expiry on the local-memory and Redis caches). The failure counts for the address too.
    """
    login_address_failure_record(client_ip=client_ip)
    key = _key(client_ip=client_ip, username=username)
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        # The window ended between add() and incr(): this failure opens a new one.
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def login_failures_clear(*, client_ip: str, username: str) -> None:
    """Forget the failures of this pair, after a successful sign-in."""
    cache.delete(_key(client_ip=client_ip, username=username))


# Per address, whatever the user name --------------------------------------------------------

_ADDRESS_KEY_PREFIX = "login-failures-address"


def _address_key(*, client_ip: str) -> str:
    return f"{_ADDRESS_KEY_PREFIX}:{hashlib.sha256(client_ip.encode()).hexdigest()}"


def login_address_failure_count(*, client_ip: str) -> int:
    """How many failed sign-ins, for any user name, are counted for this address right now."""
    return int(cache.get(_address_key(client_ip=client_ip), 0))


def login_address_blocked(*, client_ip: str) -> bool:
    """True when this address reached the limit and every sign-in from it must be refused."""
    return login_address_failure_count(client_ip=client_ip) >= (
        settings.LOGIN_ADDRESS_FAILURE_LIMIT
    )


def login_address_failure_record(*, client_ip: str) -> int:
    """Count one failed sign-in from this address (``login_failure_record`` calls this)."""
    key = _address_key(client_ip=client_ip)
    cache.add(key, 0, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    try:
        return cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=settings.LOGIN_FAILURE_WINDOW_SECONDS)
        return 1


def blocked_message(*, per_address: bool = False) -> str:
    """What a refused sign-in is told, on the login page and by the token endpoint."""
    minutes = max(1, settings.LOGIN_FAILURE_WINDOW_SECONDS // 60)
    if per_address:
        message = ngettext(
            "Too many failed sign-in attempts from your network address. "
            "Please wait up to %(minutes)d minute and try again.",
            "Too many failed sign-in attempts from your network address. "
            "Please wait up to %(minutes)d minutes and try again.",
            minutes,
        )
    else:
        message = ngettext(
            "Too many failed sign-in attempts for this user name. "
            "Please wait up to %(minutes)d minute and try again.",
            "Too many failed sign-in attempts for this user name. "
            "Please wait up to %(minutes)d minutes and try again.",
            minutes,
        )
    return message % {"minutes": minutes}
