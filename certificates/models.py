"""Operation certificates for special-type workers: types (the national catalogue and the
company's own permits), certificates with signed printed fields and a public token, reviews,
violations, reminders sent, and the counters that number certificates without gaps."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from courses.models import Course
from exams.models import Exam
from people.models import Employee


class CertificateType(models.Model):
    """A special operation (e.g. Electrical work / Low-voltage electrician) or a company
    permit (e.g. Forklift operation). ``national`` marks the national catalogue (seeded)."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    category = models.CharField(_("category"), max_length=100)
    operation_item = models.CharField(_("operation item"), max_length=100)
    national = models.BooleanField(_("national catalogue"), default=False)
    validity_years = models.PositiveSmallIntegerField(
        _("valid for (years)"), default=6, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    review_interval_years = models.PositiveSmallIntegerField(
        _("review every (years)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    pass_score = models.DecimalField(
        _("pass score (of 100, theory and practical)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
    )
    refresher_hours = models.DecimalField(
        _("refresher hours before review"), max_digits=5, decimal_places=1, default=Decimal("8")
    )
    theory_exams = models.ManyToManyField(
        Exam, verbose_name=_("qualifying theory exams"), blank=True, related_name="+"
    )
    practical_exams = models.ManyToManyField(
        Exam, verbose_name=_("qualifying practical exams"), blank=True, related_name="+"
    )
    refresher_courses = models.ManyToManyField(
        Course,
        verbose_name=_("refresher courses"),
        blank=True,
        related_name="+",
        help_text=_("Hours attended in trainings of these courses count towards a review."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("certificate type")
        verbose_name_plural = _("certificate types")
        ordering = ["-national", "category", "operation_item"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "operation_item"], name="certificate_type_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.operation_item}"


class CertificateStatus(models.TextChoices):
    VALID = "valid", _("Valid")
    REVIEW_DUE = "review_due", _("Review due")
    SUSPENDED = "suspended", _("Suspended")
    EXPIRED = "expired", _("Expired")
    REVOKED = "revoked", _("Revoked")


class StatusReasonCategory(models.TextChoices):
    """Why a certificate is suspended or revoked, in words fit for anyone: the public verify
    page and API show only this; the officer's own words (``status_reason``) stay with staff."""

    REVIEW_OVERDUE = "review_overdue", _("Periodic review overdue")
    VIOLATION = "violation", _("Safety violation")
    FAILED_REVIEW = "failed_review", _("Review not passed")
    HOLDER_REQUEST = "holder_request", _("At the holder's request")
    ISSUED_IN_ERROR = "issued_in_error", _("Issued in error")
    OTHER = "other", pgettext_lazy("reason", "Other")


class Certificate(models.Model):
    """One certificate held by one person. ``status`` is kept current by the services (daily
    command and on every read): review due from 60 days before the review, suspended when the
    review is overdue (or by decision), expired after ``expires_on``, revoked by decision.

    The printed fields (holder name, number, type, dates) are signed: ``signature`` is an HMAC
    of them with the server's secret, so the verify page can show they are the ones issued.
    ``token`` (at least 128 random bits) is what the QR code carries. An external certificate
    (issued by an authority outside the company) is registered, not issued here.
    """

    number = models.CharField(_("number"), max_length=40, unique=True)
    token = models.CharField(_("public token"), max_length=64, unique=True, editable=False)
    holder = models.ForeignKey(
        Employee, verbose_name=_("holder"), on_delete=models.PROTECT, related_name="certificates"
    )
    certificate_type = models.ForeignKey(
        CertificateType,
        verbose_name=_("type"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    holder_name = models.CharField(_("holder name as printed"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("valid until"))
    review_interval_years = models.PositiveSmallIntegerField(_("review every (years)"), default=3)
    next_review_due = models.DateField(_("next review due"), null=True, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=CertificateStatus.choices,
        default=CertificateStatus.VALID,
    )
    suspended_by_decision = models.BooleanField(_("suspended by decision"), default=False)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_reason_category = models.CharField(
        _("reason category"), max_length=20, choices=StatusReasonCategory.choices, blank=True
    )
    theory_exam = models.ForeignKey(
        Exam,
        verbose_name=_("theory exam"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    practical_exam = models.ForeignKey(
        Exam,
        verbose_name=_("practical exam"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    theory_score = models.DecimalField(
        _("theory score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    practical_score = models.DecimalField(
        _("practical score"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    override_reason = models.CharField(
        _("issued despite the rules because"), max_length=500, blank=True
    )
    renewed_from = models.OneToOneField(
        "self",
        verbose_name=_("renews"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="renewed_by",
    )
    external = models.BooleanField(_("registered, issued elsewhere"), default=False)
    issuing_authority = models.CharField(_("issuing authority"), max_length=200, blank=True)
    scan = models.FileField(_("scan"), upload_to="certificates/scans/%Y/", blank=True)
    photo = models.ImageField(_("photo"), upload_to="certificates/photos/%Y/", blank=True)
    signature = models.CharField(_("signature"), max_length=128, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    status_checked_on = models.DateField(_("status checked on"), null=True, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-issued_on", "number"]
        indexes = [
            models.Index(fields=["status", "next_review_due"]),
            models.Index(fields=["expires_on"]),
            models.Index(fields=["holder", "certificate_type"]),
        ]
        constraints = [
            # One live certificate per person and type: concurrent issues give one.
            models.UniqueConstraint(
                fields=["holder", "certificate_type"],
                condition=~models.Q(status__in=["revoked", "expired"]) & models.Q(external=False),
                name="certificate_one_live_per_type",
            ),
        ]
        permissions = [
            ("issue_with_override", _("Can issue a certificate although a rule fails")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_final(self) -> bool:
        return self.status in (CertificateStatus.REVOKED, CertificateStatus.EXPIRED)


class CertificateReview(models.Model):
    """A periodic review (复审) recorded for a certificate."""

    certificate = models.ForeignKey(
        Certificate, verbose_name=_("certificate"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewed_on = models.DateField(_("reviewed on"))
    passed = models.BooleanField(_("passed"))
    refresher_hours = models.DecimalField(_("refresher hours"), max_digits=6, decimal_places=1)
    note = models.TextField(_("note"), blank=True)
    extended_interval = models.BooleanField(
        _("review every 6 years from now on"),
        default=False,
        help_text=_("10 or more consecutive years in the trade and no violation; approved."),
    )
    years_in_trade = models.PositiveSmallIntegerField(
        _("consecutive years in the trade"), null=True, blank=True
    )
    previous_due = models.DateField(_("review that was due"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate review")
        verbose_name_plural = _("certificate reviews")
        ordering = ["-reviewed_on", "-id"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.reviewed_on}"


class Violation(models.Model):
    """A recorded violation by the holder while working under the certificate."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="violations",
    )
    occurred_on = models.DateField(_("occurred on"))
    serious = models.BooleanField(_("serious"), default=False)
    description = models.CharField(_("description"), max_length=500)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("violation")
        verbose_name_plural = _("violations")
        ordering = ["-occurred_on", "-id"]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.occurred_on}"


class NumberCounter(models.Model):
    """The last serial used for one number prefix (e.g. year and type). Issuing locks the row,
    so numbers have no gaps and no duplicates under concurrent issuing."""

    key = models.CharField(_("key"), max_length=64, unique=True)
    last = models.PositiveIntegerField(_("last serial"), default=0)

    class Meta:
        verbose_name = _("number counter")
        verbose_name_plural = _("number counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.last}"


class ReminderKind(models.TextChoices):
    REVIEW = "review", _("Review")
    EXPIRY = "expiry", _("Expiry")


class ReminderSent(models.Model):
    """A reminder e-mail already sent, so the daily command never sends it twice."""

    certificate = models.ForeignKey(
        Certificate,
        verbose_name=_("certificate"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=ReminderKind.choices)
    due_on = models.DateField(_("due on"))
    days_before = models.PositiveSmallIntegerField(_("days before"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "kind", "due_on", "days_before"], name="reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id}: {self.kind} {self.due_on} -{self.days_before}"


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same day ``years`` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)
