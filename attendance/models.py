"""Attendance: sign-in windows with rotating codes, one record per trainee and session, and
the per-training rules (what counts as attended, where sign-in is allowed)."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Session, Training
from people.models import Employee


class Status(models.TextChoices):
    PRESENT = "present", _("Present")
    LATE = "late", _("Late")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excused")


ATTENDED = (Status.PRESENT, Status.LATE)


class Method(models.TextChoices):
    SELF_SIGN_IN = "self_sign_in", _("Self sign-in")
    ROLL_CALL = "roll_call", _("Roll call")
    IMPORT = "import", _("Import")
    CORRECTION = "correction", _("Correction")


class ProxyCheck(models.TextChoices):
    OFF = "off", _("Off")
    DEVICE = "device", _("Same device")
    DEVICE_OR_IP = "device_or_ip", _("Same device or same network address")


class AttendancePolicy(models.Model):
    """How a training counts attendance and where trainees may sign in themselves."""

    training = models.OneToOneField(
        Training,
        verbose_name=_("training"),
        on_delete=models.CASCADE,
        related_name="attendance_policy",
    )
    excused_counts_as_attended = models.BooleanField(
        _("excused absence counts as attended"),
        default=True,
        help_text=_("For the attendance rate and full attendance; hours are never credited."),
    )
    allowed_networks = models.TextField(
        _("sign-in allowed from networks"),
        blank=True,
        help_text=_("One network per line, e.g. 10.8.0.0/16. Empty: from anywhere."),
    )
    proxy_check = models.CharField(
        _("refuse signing in for someone else"),
        max_length=20,
        choices=ProxyCheck.choices,
        default=ProxyCheck.DEVICE,
    )
    proxy_window_minutes = models.PositiveIntegerField(
        _("within minutes"),
        default=30,
        help_text=_(
            "A second trainee signing in from the same device within this time is refused."
        ),
    )

    class Meta:
        verbose_name = _("attendance policy")
        verbose_name_plural = _("attendance policies")

    def __str__(self) -> str:
        return str(self.training)


def new_window_secret() -> str:
    return secrets.token_urlsafe(32)


class SignInWindow(models.Model):
    """Self sign-in for one session: open from ``opens_at`` to ``closes_at``, with a code that
    changes every ``rotation_seconds``. Codes are derived from ``secret`` and the time slot,
    so every web worker computes the same code without sharing memory."""

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="sign_in_window"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    late_after_minutes = models.PositiveIntegerField(
        _("late after (minutes after the start)"), default=10
    )
    rotation_seconds = models.PositiveIntegerField(_("code changes every (seconds)"), default=15)
    grace_seconds = models.PositiveIntegerField(
        _("previous code still accepted for (seconds)"), default=5
    )
    secret = models.CharField(max_length=64, default=new_window_secret, editable=False)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-in window")
        verbose_name_plural = _("sign-in windows")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="sign_in_window_closes_after_opening",
            ),
            models.CheckConstraint(
                condition=models.Q(rotation_seconds__gte=5), name="sign_in_rotation_at_least_5s"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.session} ({self.opens_at:%H:%M}-{self.closes_at:%H:%M})"


class AttendanceRecord(models.Model):
    """A trainee's attendance at one session, once. Keeps how and by whom it was made."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendance"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="attendance"
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    method = models.CharField(_("how recorded"), max_length=20, choices=Method.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    signed_in_at = models.DateTimeField(_("signed in at"), null=True, blank=True)
    client_ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("attendance record")
        verbose_name_plural = _("attendance records")
        constraints = [
            models.UniqueConstraint(fields=["session", "employee"], name="attendance_once"),
            models.CheckConstraint(
                condition=~models.Q(status="excused") | ~models.Q(reason=""),
                name="attendance_excused_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["session", "device"])]

    def __str__(self) -> str:
        return f"{self.employee} · {self.session}: {self.status}"


class ProxySignInAttempt(models.Model):
    """A refused sign-in from a device or address that had just signed in someone else;
    shown to the instructor."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="proxy_attempts"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("refused trainee"), on_delete=models.CASCADE, related_name="+"
    )
    first_employee = models.ForeignKey(
        Employee,
        verbose_name=_("trainee signed in before"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    client_ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    device = models.CharField(_("device"), max_length=64, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("refused proxy sign-in")
        verbose_name_plural = _("refused proxy sign-ins")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.employee} after {self.first_employee} at {self.at:%H:%M}"


class SignInFailureScope(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    ADDRESS = "address", _("Network address")


class SignInFailure(models.Model):
    """Wrong codes given to one session's self sign-in, counted per trainee and per network
    address; at the limit the trainee (or every sign-in from the address) is locked out of
    the session's self sign-in, and the instructor is told.

    Kept in the database rather than the cache so that every web worker counts the same row
    and the limit still holds while Redis is down: a count is raised by one conditional
    ``UPDATE`` and the lock is set once by another (``locked_at`` still empty)."""

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="+"
    )
    scope = models.CharField(_("counted per"), max_length=10, choices=SignInFailureScope.choices)
    # The trainee's id, or the address (an IPv6 address by its /64 network).
    key = models.CharField(_("key"), max_length=64)
    employee = models.ForeignKey(
        Employee,
        verbose_name=_("trainee"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("Per trainee: the trainee. Per address: the last trainee tried from it."),
    )
    client_ip = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    failures = models.PositiveIntegerField(_("wrong codes"), default=0)
    first_failed_at = models.DateTimeField(_("first wrong code at"))
    last_failed_at = models.DateTimeField(_("last wrong code at"))
    locked_at = models.DateTimeField(_("locked out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("wrong sign-in codes")
        verbose_name_plural = _("wrong sign-in codes")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "scope", "key"], name="sign_in_failure_once_per_key"
            ),
        ]
        indexes = [models.Index(fields=["session", "locked_at"])]

    def __str__(self) -> str:
        return f"{self.session} · {self.scope} {self.key}: {self.failures}"
