"""A training is one scheduled run of a course: its trainees, required audience and sessions."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.catalog import Course
from people.models import Department, Employee


class Training(models.Model):
    """One run of a course for a set of trainees.

    A trainee counts as trained when their attendance rate reaches
    ``completion_attendance_rate`` and, where the training has an exam, they passed it. The
    attendance and exam apps report those facts onto the enrolment (``Enrollment``), since
    they sit to the right of this app.
    """

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.PROTECT, related_name="trainings"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    instructors = models.ManyToManyField(
        Employee, verbose_name=_("instructors"), blank=True, related_name="trainings_taught"
    )
    departments = models.ManyToManyField(
        Department,
        verbose_name=_("enrolled departments"),
        blank=True,
        related_name="trainings",
        help_text=_("The current members of these departments were enrolled."),
    )
    completion_attendance_rate = models.DecimalField(
        _("attendance needed to count as trained (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    requires_exam = models.BooleanField(
        _("requires a passed exam"),
        default=False,
        help_text=_("Set when an exam belongs to the training."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-starts_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="training_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(completion_attendance_rate__gte=0)
                & models.Q(completion_attendance_rate__lte=100),
                name="training_completion_rate_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class TrainingAudience(models.Model):
    """One rule of the required audience: everyone in ``department`` (with its
    sub-departments) holding ``position``; an empty field matches all. The training rate is
    trained / required over the union of the rules."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="audience"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), null=True, blank=True, on_delete=models.CASCADE
    )
    position = models.CharField(_("position"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("required audience")
        verbose_name_plural = _("required audience")
        constraints = [
            models.UniqueConstraint(
                fields=["training", "department", "position"], name="training_audience_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department or '*'} / {self.position or '*'}"


class EnrollmentSource(models.TextChoices):
    INDIVIDUAL = "individual", _("One by one")
    DEPARTMENT = "department", _("By department")
    POSITION = "position", _("By position")
    IMPORT = "import", _("Import")


class Enrollment(models.Model):
    """A trainee in a training, once. ``attendance_rate`` and ``exam_passed`` are reported by
    the attendance and exam apps; None means not known yet."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="enrollments"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("trainee"), on_delete=models.CASCADE, related_name="enrollments"
    )
    source = models.CharField(
        _("enrolled"), max_length=20, choices=EnrollmentSource.choices, default="individual"
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enrolled by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    attendance_rate = models.DecimalField(
        _("attendance rate (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    exam_passed = models.BooleanField(_("exam passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["training", "employee__employee_no"]
        constraints = [
            models.UniqueConstraint(fields=["training", "employee"], name="enrollment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.employee} in {self.training}"


class Session(models.Model):
    """One class meeting of a training, on the timetable."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="sessions"
    )
    topic = models.CharField(_("topic"), max_length=200, blank=True)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    location = models.CharField(_("location"), max_length=200, blank=True)
    instructor = models.ForeignKey(
        Employee,
        verbose_name=_("instructor"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="sessions_taught",
    )

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="session_ends_after_start",
            )
        ]
        indexes = [models.Index(fields=["instructor", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.training}: {self.starts_at:%Y-%m-%d %H:%M} {self.topic}".strip()

    @property
    def duration_hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600
