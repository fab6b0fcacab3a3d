"""Live events of exams: the proctor board of an exam and each candidate's exam page.

Groups: ``exam.<id>.proctor`` (the safety officer's board) and ``attempt.<id>`` (the
candidate's page). Events never carry a key, a score of another candidate or an explanation:
the candidate group only ever gets the deadline and the server time.
"""

from django.utils import timezone

from core.live import broadcast_on_commit, group_name
from exams.models import Attempt, Exam


def proctor_group(exam_id: int) -> str:
    return group_name("exam", exam_id, "proctor")


def attempt_group(attempt_id: int) -> str:
    return group_name("attempt", attempt_id)


def _attempt_state(attempt: Attempt, answered: int | None = None) -> dict:
    data = {
        "attempt": attempt.pk,
        "employee": attempt.employee_id,
        "status": attempt.status,
        "deadline": attempt.deadline.isoformat(),
        "submitted_at": attempt.submitted_at.isoformat() if attempt.submitted_at else None,
    }
    if answered is not None:
        data["answered"] = answered
    return data


def attempt_started(attempt: Attempt, *, questions: int) -> None:
    broadcast_on_commit(
        proctor_group(attempt.exam_id),
        "attempt.started",
        {**_attempt_state(attempt, answered=0), "questions": questions},
    )


def answer_saved(
    *, exam_id: int, attempt_id: int, employee_id: int, question_id: int, answered: bool
) -> None:
    """One answer saved: the board keeps the set of answered questions per attempt."""
    broadcast_on_commit(
        proctor_group(exam_id),
        "answer.saved",
        {
            "attempt": attempt_id,
            "employee": employee_id,
            "question": question_id,
            "answered": answered,
        },
    )


def attempt_closed(attempt: Attempt) -> None:
    broadcast_on_commit(proctor_group(attempt.exam_id), "attempt.closed", _attempt_state(attempt))
    broadcast_on_commit(
        attempt_group(attempt.pk),
        "attempt.closed",
        {
            "attempt": attempt.pk,
            "status": attempt.status,
            "server_time": timezone.now().isoformat(),
        },
    )


def attempt_graded(attempt: Attempt) -> None:
    """An attempt's score became final (the last open answer graded, or a regrade): the board
    shows it. Sent to the board only; the candidate's page has nothing to do."""
    broadcast_on_commit(proctor_group(attempt.exam_id), "attempt.closed", _attempt_state(attempt))


def deadline_changed(attempt: Attempt) -> None:
    """Extra time: the candidate's countdown and the board move at once."""
    broadcast_on_commit(proctor_group(attempt.exam_id), "attempt.deadline", _attempt_state(attempt))
    broadcast_on_commit(
        attempt_group(attempt.pk),
        "attempt.deadline",
        {
            "attempt": attempt.pk,
            "deadline": attempt.deadline.isoformat(),
            "server_time": timezone.now().isoformat(),
        },
    )


def exam_closed(exam: Exam) -> None:
    broadcast_on_commit(
        proctor_group(exam.pk),
        "exam.closed",
        {
            "exam": exam.pk,
            "closed_at": exam.closed_early_at.isoformat() if exam.closed_early_at else None,
        },
    )
