"""A holder's own certificates, and the PDF downloads (A4 certificate, wallet card) shared by
the holder and the officer. ``certificate_get_for_user`` decides who may see which: another
person's certificate is a 404 to a holder."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from certificates import pdf
from certificates.selectors import certificate_list_for_user, verify_url
from certificates.services import certificate_refresh_status
from core.http import attachment_response
from frontend.views.certificates_admin import certificate_or_404


@login_required
@require_GET
def my_certificates(request):
    """The signed-in person's own certificates (an officer sees only theirs here too), with
    the status brought up to date."""
    certificates = [
        certificate_refresh_status(certificate=certificate)
        for certificate in certificate_list_for_user(request.user)
        .filter(holder__user=request.user)
        .order_by("-issued_on", "number")
    ]
    return render(
        request,
        "frontend/certificates/mine.html",
        {"rows": [(certificate, verify_url(certificate)) for certificate in certificates]},
    )


@login_required
@require_GET
def certificate_pdf(request, pk: int):
    certificate = certificate_or_404(request, pk)
    return attachment_response(
        pdf.certificate_a4(certificate),
        filename=f"certificate-{certificate.number}.pdf",
        content_type="application/pdf",
    )


@login_required
@require_GET
def certificate_card(request, pk: int):
    certificate = certificate_or_404(request, pk)
    return attachment_response(
        pdf.wallet_card(certificate),
        filename=f"card-{certificate.number}.pdf",
        content_type="application/pdf",
    )
