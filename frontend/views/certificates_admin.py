"""The safety officer's certificate pages: the list with filters and batch printing, and one
certificate with its reviews, violations and the decisions on it (review, violation, suspend,
reinstate, revoke, renew). HR may read the list and a certificate; only the safety officer
acts. Every decision is a service call; a refusal is shown on the form that asked for it."""

import io

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from certificates import pdf, services
from certificates.models import Certificate
from certificates.selectors import (
    certificate_get_for_user,
    certificate_search,
    user_manages_certificates,
    verify_url,
)
from core.errors import NotFound, ServiceError
from core.http import content_disposition
from core.roles import Role
from courses.filetypes import detect_file_type, download_response
from frontend.access import role_required
from frontend.forms import add_service_error
from frontend.forms.certificates import (
    BatchPrintForm,
    CertificateFilterForm,
    ReasonForm,
    RenewForm,
    ReviewForm,
    RevokeForm,
    SuspendForm,
    ViolationForm,
)
from frontend.responses import render_page_or_partial

CERTIFICATES_PER_PAGE = 50

officer_required = role_required(Role.SAFETY_OFFICER)
reader_required = role_required(Role.SAFETY_OFFICER, Role.HR)


def certificate_or_404(request, pk: int) -> Certificate:
    try:
        return certificate_get_for_user(user=request.user, certificate_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


# The list and batch printing ------------------------------------------------------------------


@reader_required
@require_GET
def certificate_list(request):
    filters = CertificateFilterForm(request.GET)
    arguments = filters.selector_arguments()
    certificates = certificate_search(**arguments)
    page = Paginator(certificates, CERTIFICATES_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/certificates/list.html",
        partial="frontend/certificates/_results.html",
        context={
            "filters": filters,
            "page": page,
            "manages": user_manages_certificates(request.user),
            "print_form": BatchPrintForm(),
            "filtered": any(value not in ("", None) for value in arguments.values()),
        },
    )


def pdf_stream_response(chunks, filename: str) -> StreamingHttpResponse:
    """A PDF built piece by piece (a batch of 1,000 is never held in memory whole)."""
    response = StreamingHttpResponse(chunks, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@reader_required
@require_POST
def certificate_batch_print(request):
    """The chosen certificates (or, with ``scope=all``, every one the list's filters select)
    as one PDF: one certificate per A4 page, or wallet cards on A4 sheets with crop marks."""
    form = BatchPrintForm(request.POST)
    if form.is_valid():
        certificates = form.cleaned_data["ids"].select_related(
            "holder__department", "certificate_type"
        )
    elif request.POST.get("scope") == "all" and not form.has_error("layout"):
        filters = CertificateFilterForm(request.POST)
        certificates = certificate_search(**filters.selector_arguments())
    else:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        back = request.POST.get("back", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = reverse("certificate_list")
        return redirect(back)
    certificates = certificates.order_by("number")
    if form.cleaned_data.get("layout", request.POST.get("layout")) == "cards":
        return pdf_stream_response(pdf.cards_sheet_stream(certificates), "certificate-cards.pdf")
    return pdf_stream_response(pdf.certificates_stream(certificates), "certificates.pdf")


# One certificate ------------------------------------------------------------------------------


def _attended_hours(certificate: Certificate):
    """Hours from attendance when the type names refresher courses, else None (typed in)."""
    if not certificate.certificate_type.refresher_courses.exists():
        return None
    last = certificate.reviews.filter(passed=True).order_by("-reviewed_on").first()
    return services.refresher_hours_attended(
        certificate=certificate,
        since=last.reviewed_on if last else certificate.issued_on,
        until=timezone.localdate(),
    )


def _detail(request, certificate: Certificate, **forms):
    manages = user_manages_certificates(request.user)
    reviews = certificate.reviews.select_related("recorded_by")
    violations = certificate.violations.select_related("recorded_by")
    context = {
        "certificate": certificate,
        "manages": manages,
        "verify_url": verify_url(certificate),
        "reviews": reviews,
        "violations": violations,
        "renewed_by": Certificate.objects.filter(renewed_from=certificate).first(),
        "type": certificate.certificate_type,
    }
    if manages:
        attended = _attended_hours(certificate)
        context.update(
            attended_hours=attended,
            review_form=forms.get("review_form") or ReviewForm(attended_hours=attended),
            violation_form=forms.get("violation_form") or ViolationForm(),
            suspend_form=forms.get("suspend_form") or SuspendForm(prefix="suspend"),
            reinstate_form=forms.get("reinstate_form") or ReasonForm(prefix="reinstate"),
            renew_form=forms.get("renew_form") or RenewForm(),
        )
    return render(request, "frontend/certificates/detail.html", context)


@reader_required
@require_GET
def certificate_detail(request, pk: int):
    return _detail(request, certificate_or_404(request, pk))


def _act(request, pk: int, *, form_class, form_name: str, act, prefix=None):
    """Run one decision: a valid form goes to ``act(certificate, data)`` (a service call);
    a refused one is shown again on the certificate's page with the reason."""
    certificate = certificate_or_404(request, pk)
    form_kwargs = {}
    if form_class is ReviewForm:
        form_kwargs["attended_hours"] = _attended_hours(certificate)
    form = form_class(request.POST, prefix=prefix, **form_kwargs)
    if form.is_valid():
        try:
            message = act(certificate, form.cleaned_data)
        except ServiceError as error:
            # The certificate's state forbids it (e.g. already revoked): said at the top,
            # since the form that asked may not be offered in that state.
            messages.error(request, error.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, message)
            return redirect("certificate_detail", pk=certificate.pk)
    return _detail(request, certificate, **{form_name: form})


@officer_required
@require_POST
def certificate_review(request, pk: int):
    def act(certificate, data):
        review = services.certificate_review(
            actor=request.user,
            certificate=certificate,
            reviewed_on=data["reviewed_on"],
            passed=data["passed"],
            refresher_hours=data.get("refresher_hours"),
            note=data["note"],
            extended_interval=data["extended_interval"],
            years_in_trade=data["years_in_trade"],
        )
        if review.passed:
            return _("The review was recorded; the certificate is valid again.")
        return _("The review was recorded as not passed.")

    return _act(request, pk, form_class=ReviewForm, form_name="review_form", act=act)


@officer_required
@require_POST
def certificate_violation(request, pk: int):
    def act(certificate, data):
        services.violation_record(
            actor=request.user,
            certificate=certificate,
            occurred_on=data["occurred_on"],
            description=data["description"],
            serious=data["serious"],
        )
        return _("The violation was recorded.")

    return _act(request, pk, form_class=ViolationForm, form_name="violation_form", act=act)


@officer_required
@require_POST
def certificate_suspend(request, pk: int):
    def act(certificate, data):
        services.certificate_suspend(
            actor=request.user,
            certificate=certificate,
            reason=data["reason"],
            reason_category=data["reason_category"],
        )
        return _("Certificate %s was suspended.") % certificate.number

    return _act(
        request, pk, form_class=SuspendForm, form_name="suspend_form", prefix="suspend", act=act
    )


@officer_required
@require_POST
def certificate_reinstate(request, pk: int):
    def act(certificate, data):
        services.certificate_reinstate(
            actor=request.user, certificate=certificate, reason=data["reason"]
        )
        return _("Certificate %s was reinstated.") % certificate.number

    return _act(
        request,
        pk,
        form_class=ReasonForm,
        form_name="reinstate_form",
        prefix="reinstate",
        act=act,
    )


@officer_required
def certificate_renew(request, pk: int):
    if request.method != "POST":
        return redirect("certificate_detail", pk=pk)
    certificate = certificate_or_404(request, pk)
    form = RenewForm(request.POST)
    if form.is_valid():
        try:
            new = services.certificate_renew(
                actor=request.user,
                certificate=certificate,
                issued_on=form.cleaned_data["issued_on"],
            )
        except ServiceError as error:
            messages.error(request, error.message)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(new)s renews %(old)s.")
                % {"new": new.number, "old": certificate.number},
            )
            return redirect("certificate_detail", pk=new.pk)
    return _detail(request, certificate, renew_form=form)


@officer_required
def certificate_revoke(request, pk: int):
    """A page of its own: revoking is final, so it asks for a reason and a confirmation."""
    certificate = certificate_or_404(request, pk)
    form = RevokeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_revoke(
                actor=request.user,
                certificate=certificate,
                reason=form.cleaned_data["reason"],
                reason_category=form.cleaned_data["reason_category"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Certificate %s was revoked.") % certificate.number)
            return redirect("certificate_detail", pk=certificate.pk)
    return render(
        request,
        "frontend/certificates/revoke.html",
        {"certificate": certificate, "form": form},
    )


# Files of one certificate ---------------------------------------------------------------------


@reader_required
@require_GET
def certificate_qr(request, pk: int):
    """The QR code the printed certificate carries, as an SVG picture (our own drawing: it
    holds nothing but the verify address)."""
    certificate = certificate_or_404(request, pk)
    out = io.BytesIO()
    segno.make(verify_url(certificate), error="m").save(out, kind="svg", scale=4, border=2)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@reader_required
@require_GET
def certificate_file(request, pk: int, kind: str):
    """The scan of an external certificate or the holder's photo, as a download."""
    certificate = certificate_or_404(request, pk)
    stored = certificate.scan if kind == "scan" else certificate.photo
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    detected = detect_file_type(handle)
    content_type = detected.accepted.content_type if detected.accepted else ""
    extension = detected.accepted.extensions[0] if detected.accepted else ""
    return download_response(
        handle, filename=f"{certificate.number}-{kind}{extension}", content_type=content_type
    )
