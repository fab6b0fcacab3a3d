"""Attempts: one sitting of one candidate, its frozen questions, the answers, and the result
that counts per candidate (what rankings read)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.models.bank import QuestionVersion
from exams.models.exams import Exam
from people.models import Department, Employee


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted, awaiting grading")
    GRADED = "graded", _("Graded")


class CloseReason(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted by the candidate")
    DEADLINE = "deadline", _("Closed at the deadline")
    EXAM_CLOSED = "exam_closed", _("Closed with the exam")


class Attempt(models.Model):
    """One sitting. ``deadline`` is computed by the server at the start (min of start +
    duration + extra time, and the close time) and only the server moves it (extra time). At
    most one attempt per candidate and exam is in progress: a partial unique constraint."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="attempts"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    status = models.CharField(
        _("status"), max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    close_reason = models.CharField(
        _("closed by"), max_length=16, choices=CloseReason.choices, blank=True
    )
    max_score = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=0)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("time taken (seconds)"), null=True, blank=True)
    reopened_reason = models.CharField(_("reopened because"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        ordering = ["exam_id", "employee_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "employee"],
                condition=models.Q(status="in_progress"),
                name="attempt_one_in_progress",
            ),
            models.UniqueConstraint(
                fields=["exam", "employee", "number"], name="attempt_number_unique"
            ),
        ]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.exam_id}/{self.employee_id}#{self.number}"

    @property
    def in_progress(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS


class AttemptQuestion(models.Model):
    """A question as this attempt shows it: the version, its points and the option order."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    version = models.ForeignKey(
        QuestionVersion,
        verbose_name=_("question version"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    question_id_shown = models.PositiveIntegerField(_("question"))
    # What the candidate sees instead of the bank's ids: random per attempt, so neither their
    # order nor a comparison between two candidates tells anything about the key.
    key = models.CharField(_("identifier shown"), max_length=16)
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    option_order = models.JSONField(_("option order"), default=list, blank=True)
    option_keys = models.JSONField(
        _("option identifiers shown"),
        default=list,
        blank=True,
        help_text=_("One random identifier per option, in the order of the option order."),
    )

    class Meta:
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        ordering = ["attempt_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="attempt_question_position_unique"
            ),
            models.UniqueConstraint(
                fields=["attempt", "question_id_shown"], name="attempt_question_unique"
            ),
            models.UniqueConstraint(fields=["attempt", "key"], name="attempt_question_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.position}"

    def option_key_of(self) -> dict[int, str]:
        """Option id -> the identifier the candidate sees."""
        return dict(zip(self.option_order, self.option_keys, strict=False))

    def option_id_of(self) -> dict[str, int]:
        """The identifier the candidate sees -> option id."""
        return dict(zip(self.option_keys, self.option_order, strict=False))


class Answer(models.Model):
    """The candidate's answer to one question of an attempt; made empty at the start so that
    each save is one conditional update. ``sequence`` rises with every save from the page:
    an older save arriving late changes nothing. ``closed`` is set when the attempt closes, in
    the same update that writes the scores, so a save racing the close cannot slip in."""

    attempt = models.ForeignKey(
        Attempt, verbose_name=_("attempt"), on_delete=models.CASCADE, related_name="answers"
    )
    attempt_question = models.OneToOneField(
        AttemptQuestion, verbose_name=_("question"), on_delete=models.CASCADE, related_name="answer"
    )
    selected = models.JSONField(_("selected options"), default=list, blank=True)
    text = models.TextField(_("text"), blank=True)
    blanks = models.JSONField(_("blanks"), default=list, blank=True)
    flagged = models.BooleanField(_("flagged for review"), default=False)
    sequence = models.PositiveBigIntegerField(_("sequence"), default=0)
    saved_at = models.DateTimeField(_("saved at"), null=True, blank=True)
    closed = models.BooleanField(_("closed"), default=False)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    needs_grading = models.BooleanField(_("awaits grading"), default=False)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("graded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)
    grader_comment = models.TextField(_("grader's comment"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt_id", "attempt_question_id"]
        indexes = [
            models.Index(
                fields=["needs_grading"],
                condition=models.Q(needs_grading=True),
                name="answer_needs_grading",
            )
        ]

    def __str__(self) -> str:
        return f"{self.attempt_id}: {self.attempt_question_id}"

    @property
    def is_answered(self) -> bool:
        return bool(self.selected or self.text.strip() or any(str(b).strip() for b in self.blanks))


class ExamResult(models.Model):
    """The result that counts for one candidate in one exam (highest or last graded attempt,
    per the exam), kept current by the grading services. Rankings read this table with
    window functions; ``department`` is copied so a department ranking needs no join."""

    exam = models.ForeignKey(
        Exam, verbose_name=_("exam"), on_delete=models.CASCADE, related_name="results"
    )
    employee = models.ForeignKey(
        Employee, verbose_name=_("candidate"), on_delete=models.CASCADE, related_name="exam_results"
    )
    department = models.ForeignKey(
        Department, verbose_name=_("department"), on_delete=models.PROTECT, related_name="+"
    )
    attempt = models.OneToOneField(
        Attempt, verbose_name=_("attempt"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    duration_seconds = models.PositiveIntegerField(_("time taken (seconds)"))
    submitted_at = models.DateTimeField(_("submitted at"))

    class Meta:
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        constraints = [
            models.UniqueConstraint(fields=["exam", "employee"], name="exam_result_unique")
        ]
        indexes = [
            models.Index(
                "exam",
                models.F("score").desc(),
                "duration_seconds",
                "submitted_at",
                name="exam_result_rank",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.exam_id}: {self.employee_id} {self.score}"
