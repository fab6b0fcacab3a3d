"""The certificate dashboard (reviews due, overdue, validity ending) and the roster compliance
check: upload the people assigned to special work at a site, see per row whether each holds
a valid certificate of that work, and download the answer.

Between the check and the download the uploaded roster stays on the server, in the cache
under a random key that only the uploader may use; the download checks it again, so the
answer is the one for the file checked and never anything the browser sends back.
"""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from certificates import compliance, exports
from certificates.selectors import certificates_due, user_manages_certificates
from core.errors import ServiceError
from frontend.forms import add_refused_upload_error, add_service_error
from frontend.forms.certificates import ComplianceUploadForm
from frontend.responses import xlsx_attachment
from frontend.views.certificates_admin import officer_required, reader_required

ROSTER_KEPT_SECONDS = 60 * 60
_CACHE_PREFIX = "certificate-compliance:"


@reader_required
@require_GET
def certificates_due_page(request):
    return render(
        request,
        "frontend/certificates/due.html",
        {"due": certificates_due(), "manages": user_manages_certificates(request.user)},
    )


@reader_required
@require_GET
def certificates_due_xlsx(request):
    return xlsx_attachment(exports.due_xlsx(certificates_due()), "certificates-due.xlsx")


def _keep_roster(*, user, data: bytes, filename: str) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(
        _CACHE_PREFIX + token,
        {"user": user.pk, "data": data, "filename": filename},
        ROSTER_KEPT_SECONDS,
    )
    return token


def _kept_roster(*, user, token: str) -> dict | None:
    kept = cache.get(_CACHE_PREFIX + (token or "")[:64])
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        return None
    return kept


@officer_required
def compliance_check_page(request):
    """Upload a roster and see the answer per row (or the file's errors)."""
    posted = request.method == "POST"
    form = ComplianceUploadForm(request.POST if posted else None, request.FILES if posted else None)
    result = token = None
    filename = ""
    if posted and not add_refused_upload_error(request, form) and form.is_valid():
        upload = form.cleaned_data["file"]
        data, filename = upload.read(), upload.name
        try:
            result = compliance.compliance_check(data=data)
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            if not result.errors:
                token = _keep_roster(user=request.user, data=data, filename=filename)
            form = ComplianceUploadForm()
    return render(
        request,
        "frontend/certificates/compliance.html",
        {"form": form, "result": result, "token": token, "filename": filename},
    )


@officer_required
@require_GET
def compliance_answer_xlsx(request):
    """The answer for the roster checked a moment ago, as a workbook."""
    kept = _kept_roster(user=request.user, token=request.GET.get("token", ""))
    if kept is None:
        messages.error(
            request,
            _("The checked roster is no longer kept on the server. Please upload it again."),
        )
        return redirect("certificate_compliance")
    result = compliance.compliance_check(data=kept["data"])
    return xlsx_attachment(compliance.compliance_xlsx(result), "compliance-check.xlsx")
