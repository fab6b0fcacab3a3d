"""What "the same device" means for the proxy sign-in rule, the same for the page and the API.

A client names its device with an id it keeps: the sign-in page keeps one in a long-lived
cookie (issued by the page), an app calling the API sends its own in the ``X-Device-Id``
header (one per installation). A client that names none (a script with a token, say) is
still one device: it is identified by its network address and its user agent, so signing
in a second trainee from the same machine is refused as it is on the page, instead of the
rule being skipped because there is no cookie.
"""

import hashlib
import re
import secrets

DEVICE_COOKIE = "device_id"
DEVICE_HEADER = "X-Device-Id"

# Ids a client may present; anything else is ignored (the client then counts as unnamed).
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
# Ids the sign-in page issues; a cookie that is not one of them is replaced.
_ISSUED_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Keys of unnamed clients carry a character no presented id has, so the two never match.
_UNNAMED_PREFIX = "net:"


def device_id_new() -> str:
    """A fresh random device id, for the page's cookie."""
    return secrets.token_urlsafe(24)


def device_id_is_issued(value: str) -> bool:
    """Whether a cookie holds an id of the form the page issues."""
    return bool(_ISSUED_DEVICE_ID.fullmatch(value or ""))


def device_key(*, device_id: str, client_ip: str | None, user_agent: str = "") -> str:
    """The device a sign-in comes from, as the proxy rule compares it: the id the client
    presents when it is well formed; else, for a client with a network address, a digest of
    the address and the user agent; else "" (a call made on the server, with no client)."""
    device_id = (device_id or "").strip()
    if _DEVICE_ID.fullmatch(device_id):
        return device_id
    if not client_ip:
        return ""
    digest = hashlib.sha256(f"{client_ip}\n{user_agent or ''}".encode()).hexdigest()
    return f"{_UNNAMED_PREFIX}{digest[:40]}"
