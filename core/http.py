"""HTTP details every app shares: who is calling, and how files are sent."""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse


def client_ip(request) -> str:
    """The caller's address.

    ``REMOTE_ADDR`` unless ``TRUSTED_PROXY_COUNT`` proxies stand in front of the app: then
    the address the outermost trusted proxy saw, counted from the right of
    ``X-Forwarded-For``. Entries further left are written by the client and never trusted.
    """
    remote = request.META.get("REMOTE_ADDR", "") or "unknown"
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [
        part.strip()
        for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if part.strip()
    ]
    if len(forwarded) < proxies:
        return remote
    return forwarded[-proxies]


def content_disposition(filename: str) -> str:
    """An ``attachment`` header that keeps a non-ASCII (Chinese) file name (RFC 6266)."""
    ascii_name = filename.encode("ascii", "replace").decode().replace('"', "").replace("?", "_")
    if ascii_name == filename:
        return f'attachment; filename="{filename}"'
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def attachment_response(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    """Bytes sent as a download, never shown inline."""
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response
