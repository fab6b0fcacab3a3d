"""The public verify pages, no login: the page a certificate's QR code opens, the lookup by
number and name, and the holder's photo shown on the page.

Every verification (a token page, a submitted lookup) counts against the caller's address
(``certificates.throttle``); over the limit the answer is 429 saying when to try again. An
unknown token and an unmatched lookup get one uniform "not found" that reveals nothing. The
pages are never cached or indexed.
"""

import mimetypes

from django import forms
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from certificates.selectors import certificate_for_token, certificate_lookup, public_view
from certificates.throttle import throttled_message, verify_attempt, verify_blocked
from core.http import client_ip

TEMPLATES = "frontend/verify/"
PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif"}


class VerifyLookupForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    name = forms.CharField(
        label=_("Holder's full name"),
        max_length=100,
        help_text=_("As printed on the certificate."),
    )


def _private(response: HttpResponse) -> HttpResponse:
    # The token in the address is the certificate's key: keep the page out of search
    # engines (the template also says noindex) and out of every cache (never_cache).
    response["X-Robots-Tag"] = "noindex"
    return response


def _throttled(request, retry_after: int) -> HttpResponse:
    response = render(
        request,
        TEMPLATES + "throttled.html",
        {"message": throttled_message(retry_after)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return _private(response)


def _certificate_page(request, certificate) -> HttpResponse:
    view = public_view(
        certificate, photo_url=reverse("verify_photo", kwargs={"token": certificate.token})
    )
    return _private(render(request, TEMPLATES + "certificate.html", {"view": view}))


@never_cache
@require_GET
def verify_token(request, token: str):
    """The page a certificate's QR code opens: its state, printed fields and masked holder."""
    allowed, retry_after = verify_attempt(client_ip(request))
    if not allowed:
        return _throttled(request, retry_after)
    certificate = certificate_for_token(token)
    if certificate is None:
        return _private(render(request, TEMPLATES + "not_found.html", status=404))
    return _certificate_page(request, certificate)


@never_cache
@require_http_methods(["GET", "POST"])
def verify_lookup(request):
    """Find a certificate by its number and the holder's full name. Only an exact pair
    shows it; a wrong number and a wrong name get the same "no match" answer."""
    if request.method == "GET":
        return _private(render(request, TEMPLATES + "lookup.html", {"form": VerifyLookupForm()}))
    allowed, retry_after = verify_attempt(client_ip(request))
    if not allowed:
        return _throttled(request, retry_after)
    form = VerifyLookupForm(request.POST)
    if not form.is_valid():
        return _private(render(request, TEMPLATES + "lookup.html", {"form": form}, status=400))
    certificate = certificate_lookup(
        number=form.cleaned_data["number"], name=form.cleaned_data["name"]
    )
    if certificate is None:
        context = {"form": form, "no_match": True}
        return _private(render(request, TEMPLATES + "lookup.html", context, status=404))
    return _certificate_page(request, certificate)


@never_cache
@require_GET
def verify_photo(request, token: str):
    """The holder's photo of the certificate with this token, and nothing else (never the
    scan, never a file by its storage path). Loaded by the verify page, so a found photo is
    not counted again; an unknown token counts like any verification, so this address
    cannot be used to guess tokens past the limit."""
    ip = client_ip(request)
    blocked, retry_after = verify_blocked(ip)
    if blocked:
        return _throttled(request, retry_after)
    certificate = certificate_for_token(token)
    content_type = mimetypes.guess_type(certificate.photo.name or "")[0] if certificate else None
    if content_type not in PHOTO_TYPES:
        if certificate is None:
            verify_attempt(ip)
        return _private(render(request, TEMPLATES + "not_found.html", status=404))
    try:
        photo = certificate.photo.open("rb")
    except OSError:
        return _private(render(request, TEMPLATES + "not_found.html", status=404))
    response = FileResponse(photo, content_type=content_type)
    response["Content-Disposition"] = "inline"
    response["X-Content-Type-Options"] = "nosniff"
    return _private(response)
