"""Forms of the certificate pages: the officer's filters, issuing (one or a batch), reviews,
violations and decisions, external certificates, certificate types, batch printing and the
roster compliance check.

They read and shape input (a known employee number, a date, a PDF or a picture); whether a
certificate may be issued, reviewed or revoked is decided by ``certificates.services`` and a
refusal comes back onto the form through ``add_service_error``.
"""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from certificates.models import (
    Certificate,
    CertificateStatus,
    CertificateType,
    StatusReasonCategory,
)
from core.uploads import check_upload_size
from courses.filetypes import detect_file_type
from courses.models import Course
from exams.models import Exam, ExamKind
from frontend.forms.people import DepartmentChoiceField
from frontend.forms.trainings import DateInput
from people.models import Employee

SCAN_MAX_SIZE = 10 * 1024 * 1024
PHOTO_MAX_SIZE = 5 * 1024 * 1024
ROSTER_MAX_SIZE = 10 * 1024 * 1024
SCAN_TYPES = ("pdf", "png", "jpeg")
PRINT_LAYOUTS = [
    ("a4", _("One certificate per A4 page")),
    ("cards", _("Wallet cards on A4 sheets, with crop marks")),
]


# Shared fields ------------------------------------------------------------------------------


class HolderField(forms.CharField):
    """An employee given by employee number (a list of every employee would be too long)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Holder (employee number)"))
        kwargs.setdefault("max_length", 32)
        kwargs.setdefault("widget", forms.TextInput(attrs={"autocomplete": "off"}))
        super().__init__(**kwargs)

    def clean(self, value) -> Employee | None:
        number = super().clean(value).strip()
        if not number:
            return None
        employee = Employee.objects.select_related("department").filter(employee_no=number).first()
        if employee is None:
            raise ValidationError(
                gettext("No employee has the number %(number)s.") % {"number": number}
            )
        return employee


class TypeChoiceField(forms.ModelChoiceField):
    def __init__(self, *, active_only: bool = True, **kwargs):
        types = CertificateType.objects.all()
        if active_only:
            types = types.filter(is_active=True)
        kwargs.setdefault("label", _("Certificate type"))
        kwargs.setdefault("empty_label", _("Choose a type"))
        super().__init__(
            queryset=types.order_by("-national", "category", "operation_item"), **kwargs
        )

    def label_from_instance(self, obj: CertificateType) -> str:
        return f"{obj.code} · {obj.category} / {obj.operation_item}"


def _exams(kind: str):
    return Exam.objects.filter(kind=kind).order_by("-opens_at", "id")


class ExamChoiceField(forms.ModelChoiceField):
    def __init__(self, *, kind: str, **kwargs):
        super().__init__(queryset=_exams(kind), **kwargs)

    def label_from_instance(self, obj: Exam) -> str:
        return f"{obj.title} ({obj.opens_at:%Y-%m-%d})"


class ExamsField(forms.ModelMultipleChoiceField):
    def __init__(self, *, kind: str, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.SelectMultiple(attrs={"size": 6}))
        super().__init__(queryset=_exams(kind), **kwargs)

    def label_from_instance(self, obj: Exam) -> str:
        return f"{obj.title} ({obj.opens_at:%Y-%m-%d})"


def _today() -> datetime.date:
    return timezone.localdate()


# The officer's list -------------------------------------------------------------------------


class CertificateFilterForm(forms.Form):
    """The list's search and filters, read from the query string."""

    EXTERNAL_CHOICES = [
        ("", _("Issued here and external")),
        ("no", _("Issued here")),
        ("yes", _("External")),
    ]

    q = forms.CharField(
        label=_("Search"),
        required=False,
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Number, holder name or employee number"),
                "autocomplete": "off",
            }
        ),
    )
    certificate_type = TypeChoiceField(
        active_only=False, required=False, label=_("Type"), empty_label=_("All types")
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All states")), *CertificateStatus.choices],
    )
    department = DepartmentChoiceField(
        label=_("Department"), required=False, empty_label=_("All departments")
    )
    external = forms.ChoiceField(label=_("Issued by"), required=False, choices=EXTERNAL_CHOICES)

    def selector_arguments(self) -> dict:
        """The valid filters as keyword arguments of ``certificate_search``; an invalid one
        (a type that no longer exists) is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "text": data.get("q", ""),
            "certificate_type": data.get("certificate_type"),
            "status": data.get("status", ""),
            "department": data.get("department"),
            "external": {"yes": True, "no": False}.get(data.get("external") or ""),
        }


class BatchPrintForm(forms.Form):
    """Certificates chosen on a page (``ids``) to print as one PDF."""

    ids = forms.ModelMultipleChoiceField(
        queryset=Certificate.objects.all(),
        widget=forms.MultipleHiddenInput,
        error_messages={"required": _("Select at least one certificate to print.")},
    )
    layout = forms.ChoiceField(label=_("Layout"), choices=PRINT_LAYOUTS, initial="a4")


# Issuing ------------------------------------------------------------------------------------


class IssueForm(forms.Form):
    holder = HolderField()
    certificate_type = TypeChoiceField()
    theory_exam = ExamChoiceField(
        kind=ExamKind.THEORY, label=_("Theory exam"), empty_label=_("Choose an exam")
    )
    practical_exam = ExamChoiceField(
        kind=ExamKind.PRACTICAL,
        label=_("Practical exam"),
        required=False,
        empty_label=_("None"),
    )
    issued_on = forms.DateField(
        label=_("Issued on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )
    photo = forms.ImageField(
        label=_("Photo"),
        required=False,
        help_text=_("A PNG or JPEG picture of the holder, at most 5 MB (optional)."),
    )

    def __init__(self, *args, allow_override: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if allow_override:
            self.fields["override_reason"] = forms.CharField(
                label=_("Issue anyway because"),
                required=False,
                max_length=500,
                widget=forms.Textarea(attrs={"rows": 2}),
                help_text=_(
                    "Only when a rule fails: the certificate is issued despite it and this "
                    "reason is recorded."
                ),
            )

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        if photo:
            check_upload_size(photo, PHOTO_MAX_SIZE)
            if getattr(getattr(photo, "image", None), "format", None) not in ("PNG", "JPEG"):
                raise ValidationError(gettext("The photo must be a PNG or JPEG picture."))
        return photo


class BatchIssueForm(forms.Form):
    certificate_type = TypeChoiceField()
    theory_exam = ExamChoiceField(
        kind=ExamKind.THEORY,
        label=_("Theory exam"),
        empty_label=_("Choose an exam"),
        help_text=_("Everyone with a result in this exam is considered."),
    )
    practical_exam = ExamChoiceField(
        kind=ExamKind.PRACTICAL,
        label=_("Practical exam"),
        required=False,
        empty_label=_("None"),
    )
    issued_on = forms.DateField(
        label=_("Issued on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )


# Decisions on one certificate -----------------------------------------------------------------


class ReviewForm(forms.Form):
    PASSED_CHOICES = [("yes", _("Passed")), ("no", _("Not passed"))]

    reviewed_on = forms.DateField(label=_("Reviewed on"), widget=DateInput(), initial=_today)
    passed = forms.TypedChoiceField(
        label=_("Result"),
        choices=PASSED_CHOICES,
        coerce=lambda value: value == "yes",
        initial="yes",
        widget=forms.RadioSelect,
    )
    refresher_hours = forms.DecimalField(
        label=_("Refresher hours"),
        required=False,
        min_value=0,
        max_digits=6,
        decimal_places=1,
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    extended_interval = forms.BooleanField(
        label=_("Review every 6 years from now on"),
        required=False,
        help_text=_("Approved for 10 or more consecutive years in the trade and no violation."),
    )
    years_in_trade = forms.IntegerField(
        label=_("Consecutive years in the trade"), required=False, min_value=0, max_value=80
    )

    def __init__(self, *args, attended_hours=None, **kwargs):
        """``attended_hours``: the hours counted from attendance when the type names
        refresher courses; the field then shows them and is not typed in."""
        super().__init__(*args, **kwargs)
        if attended_hours is not None:
            field = self.fields["refresher_hours"]
            field.disabled = True
            field.initial = attended_hours
            field.help_text = _(
                "Counted from attendance in the type's refresher courses since the last review."
            )


class ViolationForm(forms.Form):
    occurred_on = forms.DateField(label=_("Occurred on"), widget=DateInput(), initial=_today)
    description = forms.CharField(label=_("Description"), max_length=500)
    serious = forms.BooleanField(label=_("Serious violation"), required=False)


class ReasonForm(forms.Form):
    """Suspending or reinstating: a reason is required (the service says so too)."""

    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonCategoryField(forms.ChoiceField):
    """The kind of reason: what the public verify page shows instead of the officer's words."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Kind of reason (shown to the public)"),
            choices=[("", _("Choose…")), *StatusReasonCategory.choices],
            help_text=_(
                "The verify page shows only this; the reason in your words is seen by staff only."
            ),
            **kwargs,
        )


class SuspendForm(ReasonForm):
    reason_category = ReasonCategoryField()

    field_order = ["reason_category", "reason"]


class RevokeForm(ReasonForm):
    reason_category = ReasonCategoryField()

    field_order = ["reason_category", "reason", "confirm"]

    confirm = forms.BooleanField(
        label=_("I understand that a revoked certificate can never be reviewed or renewed."),
        error_messages={"required": _("Tick the box to confirm the revocation.")},
    )


class RenewForm(forms.Form):
    issued_on = forms.DateField(
        label=_("New certificate issued on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for today."),
    )


# External certificates ------------------------------------------------------------------------


class ExternalCertificateForm(forms.Form):
    holder = HolderField()
    certificate_type = TypeChoiceField()
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    issuing_authority = forms.CharField(label=_("Issuing authority"), max_length=200)
    issued_on = forms.DateField(label=_("Issued on"), widget=DateInput())
    expires_on = forms.DateField(label=_("Valid until"), widget=DateInput())
    next_review_due = forms.DateField(
        label=_("Next review due"), required=False, widget=DateInput()
    )
    scan = forms.FileField(
        label=_("Scan"),
        required=False,
        help_text=_("A PDF, PNG or JPEG of the certificate, at most 10 MB."),
    )

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            return scan
        check_upload_size(scan, SCAN_MAX_SIZE)
        detected = detect_file_type(scan)
        if detected.accepted is None or detected.accepted.key not in SCAN_TYPES:
            raise ValidationError(
                gettext("The scan must be a PDF, PNG or JPEG file; this file is not one."),
                code="type_refused",
            )
        return scan


# Certificate types ------------------------------------------------------------------------


class CertificateTypeForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16)
    category = forms.CharField(label=_("Category"), max_length=100)
    operation_item = forms.CharField(label=_("Operation item"), max_length=100)
    validity_years = forms.IntegerField(
        label=_("Valid for (years)"), min_value=1, max_value=20, initial=6
    )
    review_interval_years = forms.IntegerField(
        label=_("Review every (years)"), min_value=1, max_value=20, initial=3
    )
    pass_score = forms.DecimalField(
        label=_("Pass score (of 100, theory and practical)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=80,
    )
    refresher_hours = forms.DecimalField(
        label=_("Refresher hours before review"),
        min_value=0,
        max_digits=5,
        decimal_places=1,
        initial=8,
    )
    theory_exams = ExamsField(kind=ExamKind.THEORY, label=_("Qualifying theory exams"))
    practical_exams = ExamsField(kind=ExamKind.PRACTICAL, label=_("Qualifying practical exams"))
    refresher_courses = forms.ModelMultipleChoiceField(
        label=_("Refresher courses"),
        queryset=Course.objects.order_by("title"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text=_("Hours attended in trainings of these courses count towards a review."),
    )
    is_active = forms.BooleanField(label=_("Active (may be issued)"), required=False, initial=True)

    def __init__(self, *args, national: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if national:
            # The national catalogue's names and codes are fixed; its rules may be set.
            for name in ("code", "category", "operation_item"):
                self.fields[name].disabled = True

    def service_arguments(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.fields}


# The roster compliance check ----------------------------------------------------------------


class ComplianceUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Roster (Excel .xlsx)"),
        help_text=_(
            "One row per person assigned to special work: employee number or ID number, "
            "name, special work."
        ),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        check_upload_size(upload, ROSTER_MAX_SIZE)
        return upload
