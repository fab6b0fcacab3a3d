"""HTTP details every app shares: who is calling, how files are sent, and refusing a NUL
character before it reaches the database."""

from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.template import loader
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views import defaults


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


# Refusing a NUL character ------------------------------------------------------------------

NUL = "\x00"


def _holds_nul(query) -> bool:
    return any(NUL in key or any(NUL in value for value in values) for key, values in query.lists())


class RefuseNulMiddleware:
    """Answers 400 to a request whose path, query string or (on the pages) form fields hold a
    NUL character: PostgreSQL cannot store or compare it in text and raises DataError, a 500,
    wherever such a value reaches a query. The API answers ``{"detail": ...}`` as for any
    bad input; its request bodies are checked by ``core.parsers``, so that API uploads keep
    their own error answers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        api = request.path_info.startswith("/api/")
        if (
            NUL in request.path_info
            or _holds_nul(request.GET)
            or (not api and request.method == "POST" and _holds_nul(request.POST))
        ):
            return nul_refused_response(request, api=api)
        return self.get_response(request)


def bad_request(request, exception):
    """Django's 400 page (``handler400``), or the API's JSON answer under ``/api/``."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    return defaults.bad_request(request, exception)


def page_not_found(request, exception):
    """Django's 404 page (``handler404``), or the API's JSON answer under ``/api/``: a path
    that matches no route (``/api/v1/modules/abc/``) is answered like a missing object."""
    if request.path_info.startswith("/api/"):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


def nul_refused_response(request, *, api: bool) -> HttpResponse:
    # Django's own wording (forms and DRF's CharField say the same), already translated.
    message = _("Null characters are not allowed.")
    if api:
        return JsonResponse({"detail": message}, status=400)
    return HttpResponseBadRequest(
        loader.render_to_string("400.html", {"message": message, "LANGUAGE_CODE": get_language()})
    )
