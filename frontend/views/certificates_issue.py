"""Issuing certificates (one, or a batch from an exam), registering external ones, and the
certificate types. The rules are checked by ``certificates.services``; these pages show every
rule that failed and, to an officer holding the override permission, the way to issue anyway
with a recorded reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from certificates import services
from certificates.models import CertificateType
from certificates.selectors import user_manages_certificates
from certificates.services import OVERRIDE_PERMISSION, RulesNotMet
from core.errors import Forbidden, ServiceError
from frontend.forms import add_refused_upload_error, add_service_error
from frontend.forms.certificates import (
    BatchIssueForm,
    BatchPrintForm,
    CertificateTypeForm,
    ExternalCertificateForm,
    IssueForm,
)
from frontend.views.certificates_admin import officer_required, reader_required


@officer_required
def certificate_issue(request):
    """Issue one certificate. A refusal lists each failed rule; an officer with the override
    permission is then offered a reason field to issue anyway (the service records it)."""
    may_override = request.user.has_perm(OVERRIDE_PERMISSION)
    posted = request.method == "POST"

    def issue_form(*, allow_override: bool) -> IssueForm:
        return IssueForm(
            request.POST if posted else None,
            request.FILES if posted else None,
            allow_override=allow_override,
        )

    # The reason field is offered after a refusal, to the permitted; a reason sent by anyone
    # else goes to the service, which refuses it (Forbidden, shown on the form).
    posted_reason = "override_reason" in request.POST
    reason_sent = request.POST.get("override_reason", "").strip()
    form = issue_form(allow_override=bool(reason_sent) or (may_override and posted_reason))
    failures = []
    if posted and not add_refused_upload_error(request, form, "photo") and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.certificate_issue(
                actor=request.user,
                holder=data["holder"],
                certificate_type=data["certificate_type"],
                theory_exam=data["theory_exam"],
                practical_exam=data["practical_exam"],
                override_reason=data.get("override_reason", ""),
                issued_on=data["issued_on"],
                photo=data["photo"] or None,
            )
        except RulesNotMet as refused:
            failures = refused.failures
            if may_override and "override_reason" not in form.fields:
                form = issue_form(allow_override=True)
                form.is_valid()
            form.add_error(None, _("The certificate was not issued: a rule is not met."))
        except Forbidden as error:
            form.add_error(None, error.message)
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Certificate %(number)s was issued to %(holder)s.")
                % {"number": certificate.number, "holder": certificate.holder_name},
            )
            return redirect("certificate_detail", pk=certificate.pk)
    return render(
        request,
        "frontend/certificates/issue.html",
        {"form": form, "failures": failures, "may_override": may_override},
    )


@officer_required
def certificate_batch_issue(request):
    """Issue to everyone eligible from an exam; the report lists who got one (with a button
    to print them) and who did not, with the rules each failed."""
    form = BatchIssueForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            batch = services.certificates_issue_batch(
                actor=request.user,
                certificate_type=data["certificate_type"],
                theory_exam=data["theory_exam"],
                practical_exam=data["practical_exam"],
                issued_on=data["issued_on"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.info(
                request,
                ngettext(
                    "%(issued)d certificate was issued, %(refused)d refused.",
                    "%(issued)d certificates were issued, %(refused)d refused.",
                    len(batch.issued),
                )
                % {"issued": len(batch.issued), "refused": len(batch.refused)},
            )
            return render(
                request,
                "frontend/certificates/batch_report.html",
                {
                    "batch": batch,
                    "certificate_type": data["certificate_type"],
                    "theory_exam": data["theory_exam"],
                    "print_form": BatchPrintForm(
                        initial={"ids": [certificate.pk for certificate in batch.issued]}
                    ),
                },
            )
    return render(
        request,
        "frontend/certificates/batch_issue.html",
        {"form": form},
    )


@officer_required
def certificate_register_external(request):
    posted = request.method == "POST"
    form = ExternalCertificateForm(
        request.POST if posted else None, request.FILES if posted else None
    )
    if posted and not add_refused_upload_error(request, form, "scan") and form.is_valid():
        data = form.cleaned_data
        try:
            certificate = services.certificate_register_external(
                actor=request.user,
                holder=data["holder"],
                certificate_type=data["certificate_type"],
                number=data["number"],
                issuing_authority=data["issuing_authority"],
                issued_on=data["issued_on"],
                expires_on=data["expires_on"],
                next_review_due=data["next_review_due"],
                scan=data["scan"] or None,
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("External certificate %(number)s of %(holder)s was registered.")
                % {"number": certificate.number, "holder": certificate.holder_name},
            )
            return redirect("certificate_detail", pk=certificate.pk)
    return render(
        request,
        "frontend/certificates/external.html",
        {"form": form},
    )


# Certificate types ----------------------------------------------------------------------------


@reader_required
def certificate_type_list(request):
    types = CertificateType.objects.prefetch_related(
        "theory_exams", "practical_exams", "refresher_courses"
    ).order_by("-national", "category", "operation_item")
    return render(
        request,
        "frontend/certificates/types.html",
        {
            "national": [t for t in types if t.national],
            "company": [t for t in types if not t.national],
            "manages": user_manages_certificates(request.user),
        },
    )


@officer_required
def certificate_type_create(request):
    form = CertificateTypeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.certificate_type_create(
                actor=request.user, **form.service_arguments()
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Certificate type “%s” was added.") % created)
            return redirect("certificate_type_list")
    return render(
        request,
        "frontend/certificates/type_form.html",
        {"form": form, "certificate_type": None},
    )


@officer_required
def certificate_type_edit(request, pk: int):
    certificate_type = get_object_or_404(CertificateType, pk=pk)
    initial = {
        "code": certificate_type.code,
        "category": certificate_type.category,
        "operation_item": certificate_type.operation_item,
        "validity_years": certificate_type.validity_years,
        "review_interval_years": certificate_type.review_interval_years,
        "pass_score": certificate_type.pass_score,
        "refresher_hours": certificate_type.refresher_hours,
        "theory_exams": list(certificate_type.theory_exams.all()),
        "practical_exams": list(certificate_type.practical_exams.all()),
        "refresher_courses": list(certificate_type.refresher_courses.all()),
        "is_active": certificate_type.is_active,
    }
    form = CertificateTypeForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        national=certificate_type.national,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.certificate_type_update(
                actor=request.user, certificate_type=certificate_type, **form.service_arguments()
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Certificate type “%s” was saved.") % certificate_type)
            return redirect("certificate_type_list")
    return render(
        request,
        "frontend/certificates/type_form.html",
        {"form": form, "certificate_type": certificate_type},
    )
