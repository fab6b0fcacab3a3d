"""Writes to exams: create, update, delete, per-person overrides."""

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.audit import audit_record, diff
from courses.models import Training
from courses.services.trainings import training_set_requires_exam
from exams.models import (
    AttemptCounts,
    Exam,
    ExamKind,
    ExamOverride,
    MultipleScoring,
    Paper,
    ResultsVisible,
)
from exams.selectors.papers import paper_summary
from people.models import Department, Employee

# Examiners mark a practical exam out of 100, the scale the certificate rules compare its
# result with (a type's practical pass score).
PRACTICAL_FULL_MARKS = Decimal(100)


@dataclass
class ExamSpec:
    """An exam as written on the form or in the API."""

    title: str
    opens_at: object
    closes_at: object
    duration_minutes: int
    paper: Paper | None = None
    training: Training | None = None
    kind: str = ExamKind.THEORY
    departments: list[Department] = field(default_factory=list)
    people: list[Employee] = field(default_factory=list)
    max_attempts: int = 1
    attempt_counts: str = AttemptCounts.HIGHEST
    pass_score: Decimal = Decimal("60")
    shuffle_questions: bool = False
    # On unless the author says otherwise: banks (and imports) usually list the right option
    # first, so the written order would tell the key.
    shuffle_options: bool = True
    multiple_scoring: str = MultipleScoring.ALL_OR_NOTHING
    min_attendance_rate: Decimal | None = None
    results_visible: str = ResultsVisible.IMMEDIATELY
    review_visible: bool = True
    anonymous_grading: bool = True
    reward_top_n: int = 7
    performance_bands: list = field(default_factory=list)


FIELDS = [
    "title",
    "kind",
    "paper",
    "training",
    "opens_at",
    "closes_at",
    "duration_minutes",
    "max_attempts",
    "attempt_counts",
    "pass_score",
    "shuffle_questions",
    "shuffle_options",
    "multiple_scoring",
    "min_attendance_rate",
    "results_visible",
    "review_visible",
    "anonymous_grading",
    "reward_top_n",
    "performance_bands",
]


def _clean_bands(bands) -> list[list]:
    """[[minimum score, points], ...] highest first; refuses anything else."""
    if not bands:
        return []
    message = _("Performance points are pairs of [minimum score, points].")
    if not isinstance(bands, list) or len(bands) > 20:
        raise ValidationError({"performance_bands": [message]})
    cleaned = []
    for pair in bands:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise ValidationError({"performance_bands": [message]})
        try:
            low, points = Decimal(str(pair[0])), Decimal(str(pair[1]))
        except (InvalidOperation, ValueError) as error:
            raise ValidationError({"performance_bands": [message]}) from error
        if not low.is_finite() or not points.is_finite() or low < 0:
            raise ValidationError({"performance_bands": [message]})
        cleaned.append([float(low), float(points)])
    return sorted(cleaned, key=lambda pair: -pair[0])


def _check(spec: ExamSpec) -> ExamSpec:
    errors: dict[str, list[str]] = {}

    def add(name, message):
        errors.setdefault(name, []).append(message)

    spec.title = (spec.title or "").strip()
    if not spec.title:
        add("title", _("An exam needs a title."))
    elif len(spec.title) > 200:
        add("title", _("A title has at most 200 characters."))
    if spec.kind not in ExamKind.values:
        add("kind", _("Unknown kind of exam."))
    if spec.kind == ExamKind.THEORY:
        if spec.paper is None:
            add("paper", _("An online exam needs a paper."))
        elif not paper_summary(paper=spec.paper).drawable:
            add(
                "paper",
                _("The paper cannot be drawn: a rule asks for more questions than the bank holds."),
            )
    if spec.opens_at and spec.closes_at and spec.closes_at <= spec.opens_at:
        add("closes_at", _("The exam must close after it opens."))
    if not isinstance(spec.duration_minutes, int) or not 1 <= spec.duration_minutes <= 24 * 60:
        add("duration_minutes", _("The duration is from 1 to 1440 minutes."))
    if not isinstance(spec.max_attempts, int) or not 1 <= spec.max_attempts <= 20:
        add("max_attempts", _("Allow from 1 to 20 attempts."))
    if spec.attempt_counts not in AttemptCounts.values:
        add("attempt_counts", _("Unknown rule for the attempt that counts."))
    if spec.multiple_scoring not in MultipleScoring.values:
        add("multiple_scoring", _("Unknown multiple-choice scoring."))
    if spec.results_visible not in ResultsVisible.values:
        add("results_visible", _("Unknown result visibility."))
    if spec.pass_score is None or spec.pass_score < 0 or spec.pass_score > 10000:
        add("pass_score", _("The pass score is from 0 to 10000."))
    elif spec.kind == ExamKind.PRACTICAL and spec.pass_score > PRACTICAL_FULL_MARKS:
        add(
            "pass_score",
            _("A practical exam is marked from 0 to %(max)s; its pass score cannot be higher.")
            % {"max": number_format(PRACTICAL_FULL_MARKS)},
        )
    if spec.min_attendance_rate is not None:
        if not 0 <= spec.min_attendance_rate <= 100:
            add("min_attendance_rate", _("The attendance rate is from 0 to 100."))
        elif spec.training is None:
            add("min_attendance_rate", _("A minimum attendance needs the exam's training."))
    if not isinstance(spec.reward_top_n, int) or not 0 <= spec.reward_top_n <= 1000:
        add("reward_top_n", _("Reward from 0 to 1000 top scorers."))
    if spec.training is None and not spec.departments and not spec.people:
        add("people", _("Say who sits the exam: a training, departments or people."))
    try:
        spec.performance_bands = _clean_bands(spec.performance_bands)
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            errors.setdefault(name, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    return spec


def _snapshot(exam: Exam) -> dict:
    data = {name: getattr(exam, name) for name in FIELDS}
    data["paper"], data["training"] = exam.paper_id, exam.training_id
    data["departments"] = sorted(exam.departments.values_list("pk", flat=True))
    data["people"] = sorted(exam.people.values_list("pk", flat=True))
    return data


@transaction.atomic
def exam_create(*, actor, spec: ExamSpec) -> Exam:
    """Create an exam. Refuses no title, an online exam without a drawable paper, closing
    before opening, a duration outside 1-1440 minutes, nobody to sit it, and a minimum
    attendance without a training. An exam of a training makes the training require a pass."""
    spec = _check(spec)
    exam = Exam(created_by=actor if actor is not None and actor.is_authenticated else None)
    for name in FIELDS:
        setattr(exam, name, getattr(spec, name))
    exam.save()
    exam.departments.set(spec.departments)
    exam.people.set(spec.people)
    if exam.training_id:
        training_set_requires_exam(training=exam.training, requires_exam=True)
    audit_record(actor=actor, action="exam.created", target=exam, after=_snapshot(exam))
    return exam


@transaction.atomic
def exam_update(*, actor, exam: Exam, spec: ExamSpec) -> Exam:
    """Change an exam (same checks as ``exam_create``). Attempts already started keep their
    questions and deadline; once anyone has started, the paper can no longer change."""
    exam = Exam.objects.select_for_update().get(pk=exam.pk)
    spec = _check(spec)
    if exam.attempts.exists() and spec.paper is not None and spec.paper.pk != exam.paper_id:
        raise ValidationError(
            {"paper": [_("Candidates have started this exam: its paper can no longer change.")]}
        )
    before = _snapshot(exam)
    old_training = exam.training
    for name in FIELDS:
        setattr(exam, name, getattr(spec, name))
    exam.save()
    exam.departments.set(spec.departments)
    exam.people.set(spec.people)
    if (
        old_training is not None
        and old_training.pk != exam.training_id
        and not old_training.exams.exclude(pk=exam.pk).exists()
    ):
        training_set_requires_exam(training=old_training, requires_exam=False)
    if exam.training_id:
        training_set_requires_exam(training=exam.training, requires_exam=True)
    changed_before, changed_after = diff(before, _snapshot(exam))
    if changed_after:
        audit_record(
            actor=actor,
            action="exam.updated",
            target=exam,
            before=changed_before,
            after=changed_after,
        )
    return exam


@transaction.atomic
def exam_delete(*, actor, exam: Exam) -> None:
    """Delete an exam nobody has started. Refuses one with attempts or practical scores."""
    if exam.attempts.exists() or exam.practical_scores.exists():
        raise ValidationError(_("Candidates have sat “%s”: it cannot be deleted.") % exam.title)
    training = exam.training
    audit_record(actor=actor, action="exam.deleted", target=exam, before=_snapshot(exam))
    exam.delete()
    if training is not None and not training.exams.exists():
        training_set_requires_exam(training=training, requires_exam=False)


@transaction.atomic
def override_set(
    *,
    actor,
    exam: Exam,
    employee: Employee,
    reason: str,
    extra_minutes: int = 0,
    extra_attempts: int = 0,
    opens_at=None,
    closes_at=None,
) -> ExamOverride:
    """Give one candidate other terms (extra minutes per attempt, extra attempts, other
    dates), with a reason. Replaces their previous override."""
    errors: dict[str, list[str]] = {}
    reason = (reason or "").strip()
    if not reason:
        errors["reason"] = [_("Give a reason.")]
    elif len(reason) > 500:
        errors["reason"] = [_("A reason has at most 500 characters.")]
    if not isinstance(extra_minutes, int) or not 0 <= extra_minutes <= 24 * 60:
        errors["extra_minutes"] = [_("Extra minutes are from 0 to 1440.")]
    if not isinstance(extra_attempts, int) or not 0 <= extra_attempts <= 20:
        errors["extra_attempts"] = [_("Extra attempts are from 0 to 20.")]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("The exam must close after it opens.")]
    if errors:
        raise ValidationError(errors)
    override = ExamOverride.objects.filter(exam=exam, employee=employee).first()
    before = (
        {
            "extra_minutes": override.extra_minutes,
            "extra_attempts": override.extra_attempts,
            "opens_at": override.opens_at,
            "closes_at": override.closes_at,
        }
        if override
        else None
    )
    override = override or ExamOverride(exam=exam, employee=employee)
    override.extra_minutes, override.extra_attempts = extra_minutes, extra_attempts
    override.opens_at, override.closes_at, override.reason = opens_at, closes_at, reason
    override.created_by = actor if actor is not None and actor.is_authenticated else None
    override.save()
    audit_record(
        actor=actor,
        action="exam.override_set",
        target=exam,
        before=before,
        after={
            "employee": employee.pk,
            "extra_minutes": extra_minutes,
            "extra_attempts": extra_attempts,
            "opens_at": opens_at,
            "closes_at": closes_at,
        },
        note=reason,
    )
    return override


@transaction.atomic
def override_delete(*, actor, override: ExamOverride) -> None:
    audit_record(
        actor=actor,
        action="exam.override_deleted",
        target=override.exam,
        before={"employee": override.employee_id, "reason": override.reason},
    )
    override.delete()
