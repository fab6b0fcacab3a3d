"""The answers graded by hand, for the grading queue of the API and the pages."""

from django.db.models import Q, QuerySet

from exams.models import Answer, AttemptStatus, Exam


def closed_answers(exam: Exam) -> QuerySet[Answer]:
    """Answers of the exam's closed attempts (an attempt in progress is not graded yet)."""
    return Answer.objects.filter(attempt__exam=exam).exclude(
        attempt__status=AttemptStatus.IN_PROGRESS
    )


def grading_answers(
    *, exam: Exam, state: str = "all", question_id: int | None = None
) -> QuerySet[Answer]:
    """The open answers of closed attempts: awaiting grading (``pending``), graded by someone
    (``graded``) or both (``all``); of one question (by the question id shown) when given."""
    answers = closed_answers(exam)
    if state == "pending":
        answers = answers.filter(needs_grading=True)
    elif state == "graded":
        answers = answers.filter(graded_at__isnull=False)
    else:
        answers = answers.filter(Q(needs_grading=True) | Q(graded_at__isnull=False))
    if question_id is not None:
        answers = answers.filter(attempt_question__question_id_shown=question_id)
    return answers
