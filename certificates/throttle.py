"""How often one client address may verify certificates.

Every verification request (a QR token page, a number-and-name lookup on the page or through
the API) is counted per client address in the shared cache: Redis in production, so every
web worker sees the same count. The window is fixed: it opens at the first request and lasts
``settings.VERIFY_RATE_WINDOW_SECONDS``; once ``settings.VERIFY_RATE_LIMIT`` requests are
counted, further ones are refused until it closes. A guesser of numbers, names or tokens gets
no more than the limit of answers per window.

Counting is atomic: ``cache.add`` creates the counter only if it is missing, and
``cache.incr`` is one server-side operation (INCR on Redis, a locked update in the
local-memory cache), so concurrent requests in any number of workers never lose a count.

While Redis is unreachable the cache answers from each worker's own memory (``core.cache``):
the limit then holds per worker, never lifted and never refusing everyone.
"""

import hashlib
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.utils.translation import ngettext

_KEY_PREFIX = "verify-attempts"


def _keys(ip: str) -> tuple[str, str]:
    # Hashed: any address (IPv6, "unknown") makes a short, valid cache key.
    digest = hashlib.sha256((ip or "unknown").encode()).hexdigest()
    return f"{_KEY_PREFIX}:{digest}", f"{_KEY_PREFIX}:{digest}:opened"


def _open_window(count_key: str, opened_key: str, window: int, now: float) -> None:
    cache.add(count_key, 0, timeout=window)
    # When the window opened, to tell a refused client how long to wait. Written by the
    # first request only (add), so later ones never move the end of the window.
    cache.add(opened_key, now, timeout=window)


def verify_attempt(ip: str) -> tuple[bool, int]:
    """Count one verification request from ``ip``.

    Returns ``(allowed, retry_after_seconds)``: ``(True, 0)`` while the address has made at
    most ``VERIFY_RATE_LIMIT`` requests in the current window, else ``False`` and the whole
    seconds (at least 1) until the window closes. Refused requests are counted too, but
    never extend the window.
    """
    limit = settings.VERIFY_RATE_LIMIT
    window = max(1, settings.VERIFY_RATE_WINDOW_SECONDS)
    count_key, opened_key = _keys(ip)
    now = time.time()
    _open_window(count_key, opened_key, window, now)
    try:
        count = cache.incr(count_key)
    except ValueError:
        # The window closed between add() and incr(): this request opens a new one.
        cache.delete(opened_key)
        _open_window(count_key, opened_key, window, now)
        count = cache.incr(count_key)
    if count <= limit:
        return True, 0
    return False, _retry_after(opened_key, window, now)


def verify_blocked(ip: str) -> tuple[bool, int]:
    """Whether ``ip`` is already refused in the current window, without counting a request:
    ``(blocked, retry_after_seconds)``. For follow-up requests of a verification that was
    counted once already (the photo on the verify page)."""
    window = max(1, settings.VERIFY_RATE_WINDOW_SECONDS)
    count_key, opened_key = _keys(ip)
    if int(cache.get(count_key, 0)) <= settings.VERIFY_RATE_LIMIT:
        return False, 0
    return True, _retry_after(opened_key, window, time.time())


def _retry_after(opened_key: str, window: int, now: float) -> int:
    opened = cache.get(opened_key, now)
    return max(1, math.ceil(opened + window - now))


def throttled_message(retry_after: int) -> str:
    """What a refused verifier is told: when to try again, in whole minutes."""
    minutes = max(1, (retry_after + 59) // 60)
    return ngettext(
        "Too many verification requests from your network. Try again in %(minutes)d minute.",
        "Too many verification requests from your network. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
