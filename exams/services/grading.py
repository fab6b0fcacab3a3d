"""Grading by people: the open-answer queue, key corrections with regrading, practical-exam
scores. Every grade change is written to the audit log with before and after."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from core.audit import AuditChange, audit_record, audit_record_many
from core.errors import Conflict
from courses.services.trainings import enrollment_record_exam
from exams import live
from exams.content import normalize_text
from exams.grading import score_answer
from exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Exam,
    ExamKind,
    ExamResult,
    PracticalScore,
    QuestionType,
    QuestionVersion,
)
from exams.selectors.exams import exam_candidates
from exams.services.exams import PRACTICAL_FULL_MARKS
from exams.services.results import attempt_finish_grading, result_refresh
from people.models import Employee


def _score(value, points: Decimal) -> Decimal:
    try:
        score = Decimal(str(value))
    except (InvalidOperation, ValueError, TypeError) as error:
        raise ValidationError({"score": [_("The score is a number.")]}) from error
    if not score.is_finite() or score < 0 or score > points:
        # number_format, not normalize() alone, which writes 50 as "5E+1".
        raise ValidationError(
            {"score": [_("The score is from 0 to %s.") % number_format(points.normalize())]}
        )
    return score.quantize(Decimal("0.01"))


@transaction.atomic
def answer_grade(*, actor, answer: Answer, score, comment: str = "") -> Answer:
    """Grade an open answer (or change its grade). The attempt's score is final when no answer
    of it awaits grading; then the candidate's result and the training are updated. Refuses an
    answer of an attempt still in progress and a score outside 0-points."""
    answer = (
        Answer.objects.select_for_update()
        .select_related("attempt_question__version", "attempt__exam", "attempt__employee")
        .get(pk=answer.pk)
    )
    attempt = answer.attempt
    if answer.attempt_question.version.type != QuestionType.SHORT_ANSWER:
        raise ValidationError(_("Only open answers are graded by hand; correct the key instead."))
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise Conflict(_("The attempt is still in progress."))
    score = _score(score, answer.attempt_question.points)
    comment = (comment or "").strip()[:2000]
    before = {"score": answer.score, "comment": answer.grader_comment}
    answer.score, answer.grader_comment, answer.needs_grading = score, comment, False
    answer.graded_by = actor if actor is not None and actor.is_authenticated else None
    answer.graded_at = timezone.now()
    answer.save(
        update_fields=["score", "grader_comment", "needs_grading", "graded_by", "graded_at"]
    )
    audit_record(
        actor=actor,
        action="answer.graded",
        target=attempt,
        before=before,
        after={"score": score, "comment": comment, "answer": answer.pk},
    )
    attempt_before = {"status": attempt.status, "score": attempt.score}
    attempt_finish_grading(attempt)
    result_refresh(exam=attempt.exam, employee=attempt.employee)
    if attempt.status == AttemptStatus.GRADED:
        live.attempt_graded(attempt)
    if attempt.status == AttemptStatus.GRADED and attempt_before["score"] != attempt.score:
        audit_record(
            actor=actor,
            action="attempt.graded",
            target=attempt,
            before=attempt_before,
            after={"status": attempt.status, "score": attempt.score, "passed": attempt.passed},
        )
    return answer


@dataclass
class KeyCorrection:
    version: QuestionVersion
    answers_changed: int
    attempts_changed: int


@transaction.atomic
def question_key_correct(
    *,
    actor,
    version: QuestionVersion,
    reason: str,
    correct_positions: list[int] | None = None,
    blanks: list[list[str]] | None = None,
) -> KeyCorrection:
    """Correct the key of a version already shown in attempts (what the candidates saw does
    not change: only which options are right, or which texts a blank accepts), then regrade
    every closed attempt that showed it. Every changed answer score and attempt score is
    audit-logged; results and training passes follow."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    version = QuestionVersion.objects.select_for_update().get(pk=version.pk)
    options = list(version.options.order_by("position"))
    before = {"correct": [o.position for o in options if o.correct], "blanks": version.blanks}
    if version.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        positions = sorted(set(correct_positions or []))
        if not positions or any(p not in range(len(options)) for p in positions):
            raise ValidationError(
                {"correct_positions": [_("Choose correct options of this question.")]}
            )
        if version.type != QuestionType.MULTIPLE and len(positions) != 1:
            raise ValidationError({"correct_positions": [_("Exactly one option is correct.")]})
        for option in options:
            option.correct = option.position in positions
        type(options[0]).objects.bulk_update(options, ["correct"])
    elif version.type == QuestionType.FILL_BLANK:
        cleaned = [[t.strip() for t in blank if normalize_text(t)] for blank in (blanks or [])]
        if len(cleaned) != len(version.blanks) or any(not blank for blank in cleaned):
            raise ValidationError(
                {
                    "blanks": [
                        _("Give accepted answers for each of the %d blanks.") % len(version.blanks)
                    ]
                }
            )
        version.blanks = cleaned
        version.save(update_fields=["blanks"])
    else:
        raise ValidationError(_("Open answers are graded by hand; there is no key to correct."))
    audit_record(
        actor=actor,
        action="question.key_corrected",
        target=version.question,
        before=before,
        after={"correct": [o.position for o in options if o.correct], "blanks": version.blanks},
        note=reason,
    )
    answers_changed, attempts_changed = _regrade_version(
        actor=actor, version=version, options=options, reason=reason
    )
    return KeyCorrection(version, answers_changed, attempts_changed)


def _regrade_version(*, actor, version, options, reason) -> tuple[int, int]:
    correct = {o.pk for o in options if o.correct}
    answers = list(
        Answer.objects.select_related(
            "attempt_question__version", "attempt__exam", "attempt__employee"
        )
        .filter(attempt_question__version=version)
        .exclude(attempt__status=AttemptStatus.IN_PROGRESS)
    )
    changes, touched = [], defaultdict(list)
    for answer in answers:
        new = score_answer(
            question_type=version.type,
            points=answer.attempt_question.points,
            correct_option_ids=correct,
            blanks_key=version.blanks,
            numeric_tolerance=version.numeric_tolerance,
            selected=answer.selected,
            blanks=answer.blanks,
            text=answer.text,
            multiple_scoring=answer.attempt.exam.multiple_scoring,
        )
        if new != answer.score:
            changes.append(
                AuditChange(
                    "answer.regraded",
                    answer.attempt,
                    {"answer": answer.pk, "score": answer.score},
                    {"answer": answer.pk, "score": new},
                    reason,
                )
            )
            answer.score = new
            touched[answer.attempt_id].append(answer)
    Answer.objects.bulk_update(
        [a for group in touched.values() for a in group], ["score"], batch_size=500
    )
    audit_record_many(actor=actor, changes=changes)
    attempts = Attempt.objects.select_related("exam", "employee").filter(pk__in=list(touched))
    for attempt in attempts:
        before = {"score": attempt.score, "passed": attempt.passed}
        attempt_finish_grading(attempt)
        result_refresh(exam=attempt.exam, employee=attempt.employee)
        if attempt.status == AttemptStatus.GRADED:
            live.attempt_graded(attempt)
        audit_record(
            actor=actor,
            action="attempt.regraded",
            target=attempt,
            before=before,
            after={"score": attempt.score, "passed": attempt.passed},
            note=reason,
        )
    return len(changes), len(touched)


@transaction.atomic
def practical_scores_set(
    *, actor, exam: Exam, scores: list[tuple[Employee, object]]
) -> list[PracticalScore]:
    """Enter practical-exam scores (examiners' marks, from 0 to ``PRACTICAL_FULL_MARKS``; a
    score outside is refused with the range). Only for a practical exam and its candidates;
    all or nothing. Each change is audit-logged and becomes the candidate's result."""
    if exam.kind != ExamKind.PRACTICAL:
        raise Conflict(_("Scores are entered only for a practical exam."))
    allowed = set(exam_candidates(exam).values_list("pk", flat=True))
    errors = []
    cleaned = []
    seen = set()
    for index, (employee, value) in enumerate(scores, start=1):
        if employee.pk not in allowed:
            errors.append(
                _("Row %(n)d: %(name)s does not sit this exam.")
                % {"n": index, "name": employee.name}
            )
            continue
        if employee.pk in seen:
            errors.append(
                _("Row %(n)d: %(name)s is listed twice.") % {"n": index, "name": employee.name}
            )
            continue
        seen.add(employee.pk)
        try:
            cleaned.append((employee, _score(value, PRACTICAL_FULL_MARKS)))
        except ValidationError:
            errors.append(
                _("Row %(n)d: the score is a number from 0 to %(max)s.")
                % {"n": index, "max": number_format(PRACTICAL_FULL_MARKS)}
            )
    if errors:
        raise ValidationError({"scores": errors})
    now = timezone.now()
    saved = []
    for employee, score in cleaned:
        existing = PracticalScore.objects.filter(exam=exam, employee=employee).first()
        before = {"score": existing.score, "passed": existing.passed} if existing else None
        passed = score >= exam.pass_score
        record, _created = PracticalScore.objects.update_or_create(
            exam=exam,
            employee=employee,
            defaults={
                "score": score,
                "passed": passed,
                "entered_by": actor if actor is not None and actor.is_authenticated else None,
            },
        )
        ExamResult.objects.update_or_create(
            exam=exam,
            employee=employee,
            defaults={
                "department_id": employee.department_id,
                "attempt": None,
                "score": score,
                "passed": passed,
                "duration_seconds": 0,
                "submitted_at": now,
            },
        )
        if exam.training_id:
            enrollment_record_exam(training=exam.training, passed={employee.pk: passed})
        audit_record(
            actor=actor,
            action="practical_score.set",
            target=exam,
            before=before,
            after={"employee": employee.pk, "score": score, "passed": passed},
        )
        saved.append(record)
    return saved
