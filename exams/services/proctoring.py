"""What the safety officer does to attempts while an exam runs: reopen a closed attempt, give
extra time, close the exam early. Each is audited and moves the candidates' countdown live."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict
from exams import live
from exams.models import Answer, Attempt, AttemptStatus, CloseReason, Exam, ExamOverride
from exams.services.attempts import attempt_close
from exams.services.results import result_refresh
from people.models import Employee


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give a reason.")]})
    if len(reason) > 500:
        raise ValidationError({"reason": [_("A reason has at most 500 characters.")]})
    return reason


def _minutes(minutes: int, field: str = "minutes") -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 1 <= minutes <= 24 * 60:
        raise ValidationError({field: [_("Give a number of minutes from 1 to 1440.")]})
    return minutes


@transaction.atomic
def attempt_reopen(*, actor, attempt: Attempt, reason: str, minutes: int, now=None) -> Attempt:
    """Let a candidate continue a closed attempt for ``minutes`` more (a crash, a power cut),
    with a reason. Its score is withdrawn until it closes again. Refuses when another attempt
    of the candidate is in progress."""
    now = now or timezone.now()
    reason, minutes = _reason(reason), _minutes(minutes)
    attempt = (
        Attempt.objects.select_for_update().select_related("exam", "employee").get(pk=attempt.pk)
    )
    if attempt.status == AttemptStatus.IN_PROGRESS:
        raise Conflict(_("The attempt is still in progress."))
    if Attempt.objects.filter(
        exam=attempt.exam, employee=attempt.employee, status=AttemptStatus.IN_PROGRESS
    ).exists():
        raise Conflict(_("Another attempt of this candidate is in progress."))
    before = {
        "status": attempt.status,
        "score": attempt.score,
        "passed": attempt.passed,
        "deadline": attempt.deadline,
    }
    attempt.status, attempt.score, attempt.passed = AttemptStatus.IN_PROGRESS, None, None
    attempt.deadline = now + timedelta(minutes=minutes)
    attempt.submitted_at, attempt.close_reason, attempt.reopened_reason = None, "", reason
    attempt.save(
        update_fields=[
            "status",
            "score",
            "passed",
            "deadline",
            "submitted_at",
            "close_reason",
            "reopened_reason",
        ]
    )
    Answer.objects.filter(attempt=attempt).update(closed=False)
    result_refresh(exam=attempt.exam, employee=attempt.employee)
    audit_record(
        actor=actor,
        action="attempt.reopened",
        target=attempt,
        before=before,
        after={
            "status": attempt.status,
            "score": None,
            "passed": None,
            "deadline": attempt.deadline,
        },
        note=reason,
    )
    live.deadline_changed(attempt)
    return attempt


@transaction.atomic
def attempts_extend(
    *, actor, exam: Exam, minutes: int, reason: str, employee: Employee | None = None
) -> int:
    """Give extra time: to one candidate (their attempt in progress, and any later attempt,
    through their override) or to everyone with an attempt in progress. Candidates' pages
    update their countdown at once. Returns how many attempts moved."""
    reason, minutes = _reason(reason), _minutes(minutes)
    attempts = Attempt.objects.select_for_update().filter(
        exam=exam, status=AttemptStatus.IN_PROGRESS
    )
    if employee is not None:
        attempts = attempts.filter(employee=employee)
        override, _created = ExamOverride.objects.get_or_create(
            exam=exam, employee=employee, defaults={"reason": reason, "created_by": actor}
        )
        override.extra_minutes += minutes
        override.reason = reason
        override.save(update_fields=["extra_minutes", "reason"])
    moved = list(attempts)
    for attempt in moved:
        before = attempt.deadline
        attempt.deadline = attempt.deadline + timedelta(minutes=minutes)
        attempt.save(update_fields=["deadline"])
        audit_record(
            actor=actor,
            action="attempt.extended",
            target=attempt,
            before={"deadline": before},
            after={"deadline": attempt.deadline},
            note=reason,
        )
        live.deadline_changed(attempt)
    return len(moved)


def exam_close_early(*, actor, exam: Exam, reason: str, now=None) -> int:
    """Close the exam now for everyone: no new attempts, attempts in progress closed with
    their answers. Returns how many attempts were closed."""
    now = now or timezone.now()
    reason = _reason(reason)
    with transaction.atomic():
        exam = Exam.objects.select_for_update().get(pk=exam.pk)
        if exam.closed_early_at is not None or now >= exam.closes_at:
            raise Conflict(_("The exam is already closed."))
        exam.closed_early_at = now
        exam.save(update_fields=["closed_early_at"])
        audit_record(
            actor=actor,
            action="exam.closed_early",
            target=exam,
            before={"closes_at": exam.closes_at},
            after={"closed_at": now},
            note=reason,
        )
        live.exam_closed(exam)
    ids = list(
        Attempt.objects.filter(exam=exam, status=AttemptStatus.IN_PROGRESS).values_list(
            "pk", flat=True
        )
    )
    for attempt_id in ids:
        attempt_close(attempt_id=attempt_id, reason=CloseReason.EXAM_CLOSED, now=now)
    return len(ids)
