"""An exam: one sitting of a paper, with who may sit, when, for how long and how it counts;
per-person overrides; practical-exam scores entered by examiners."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from exams.models.papers import Paper
from people.models import Department, Employee

DEFAULT_PERFORMANCE_BANDS = [[90, 10], [80, 6], [60, 3], [0, 0]]


class ExamKind(models.TextChoices):
    THEORY = "theory", _("Theory (online)")
    PRACTICAL = "practical", _("Practical (scores entered by examiners)")


class AttemptCounts(models.TextChoices):
    HIGHEST = "highest", _("Highest score")
    LAST = "last", _("Last attempt")


class ResultsVisible(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately after submitting")
    AFTER_CLOSE = "after_close", _("After the exam closes")
    NEVER = "never", _("Never")


class MultipleScoring(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PARTIAL = "partial", _("Partial credit (a wrong option voids the question)")


class Exam(models.Model):
    """Who may sit: the training's trainees (when a training is set), the members of the
    listed departments (with sub-departments) and the listed people. A candidate's window is
    ``opens_at``-``closes_at`` and each attempt lasts at most ``duration_minutes`` (overrides
    may change both for one person)."""

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ExamKind.choices, default=ExamKind.THEORY
    )
    paper = models.ForeignKey(
        Paper,
        verbose_name=_("paper"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exams",
    )
    training = models.ForeignKey(
        Training,
        verbose_name=_("training"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exams",
    )
    departments = models.ManyToManyField(
        Department, verbose_name=_("departments"), blank=True, related_name="+"
    )
    people = models.ManyToManyField(
        Employee, verbose_name=_("people"), blank=True, related_name="+"
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    duration_minutes = models.PositiveIntegerField(
        _("duration (minutes)"), validators=[MinValueValidator(1), MaxValueValidator(24 * 60)]
    )
    max_attempts = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    attempt_counts = models.CharField(
        _("attempt that counts"),
        max_length=10,
        choices=AttemptCounts.choices,
        default=AttemptCounts.HIGHEST,
    )
    pass_score = models.DecimalField(
        _("pass score"), max_digits=7, decimal_places=2, default=Decimal("60")
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_options = models.BooleanField(
        _("shuffle options"),
        default=True,
        help_text=_(
            "Each candidate sees the options in another order. Off: in the order written, "
            "which often puts the right answer first."
        ),
    )
    multiple_scoring = models.CharField(
        _("multiple-choice scoring"),
        max_length=16,
        choices=MultipleScoring.choices,
        default=MultipleScoring.ALL_OR_NOTHING,
    )
    min_attendance_rate = models.DecimalField(
        _("minimum attendance rate to sit (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    results_visible = models.CharField(
        _("results visible"),
        max_length=16,
        choices=ResultsVisible.choices,
        default=ResultsVisible.IMMEDIATELY,
    )
    review_visible = models.BooleanField(
        _("trainees may review questions, key and explanations"),
        default=True,
        help_text=_(
            "Once results are visible, and only when no one can still sit the same paper: "
            "after the exam closes, or once every candidate has used their attempts. The "
            "score alone may show earlier."
        ),
    )
    anonymous_grading = models.BooleanField(_("grade open answers anonymously"), default=True)
    reward_top_n = models.PositiveSmallIntegerField(_("reward the top N scorers"), default=7)
    performance_bands = models.JSONField(
        _("performance points by score"),
        default=list,
        blank=True,
        help_text=_("Pairs [minimum score, points], highest first."),
    )
    closed_early_at = models.DateTimeField(_("closed early at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exam")
        verbose_name_plural = _("exams")
        ordering = ["-opens_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")),
                name="exam_closes_after_open",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def effective_close(self):
        """The close time, or the moment it was closed early."""
        if self.closed_early_at and self.closed_early_at < self.closes_at:
            return self.closed_early_at
        return self.closes_at

    @property
    def bands(self) -> list[list]:
        return self.performance_bands or DEFAULT_PERFORMANCE_BANDS


class ExamOverride(models.Model):
    """Different terms for one candidate: extra minutes per attempt, extra attempts, other
    dates. Always with a reason."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="overrides"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="+"
    )
    extra_minutes = models.PositiveIntegerField(_("extra minutes"), default=0)
    extra_attempts = models.PositiveSmallIntegerField(_("extra attempts"), default=0)
    opens_at = models.DateTimeField(_("opens at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exam override")
        verbose_name_plural = _("exam overrides")
        constraints = [
            models.UniqueConstraint(fields=["exam", "employee"], name="exam_override_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}: {self.employee_id}"


class PracticalScore(models.Model):
    """A practical-exam score entered by an examiner (for certificates)."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="practical_scores"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("practical score")
        verbose_name_plural = _("practical scores")
        constraints = [
            models.UniqueConstraint(fields=["exam", "employee"], name="practical_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}: {self.employee_id} {self.score}"
