"""Scores of attempts and the result that counts per candidate.

``attempt_total`` sums an attempt's answers; ``result_refresh`` keeps ``ExamResult`` (what
rankings read) and the training's enrolment (``exam_passed``) current. Both run inside the
transaction of the change that called them.
"""

from decimal import Decimal

from django.db.models import Sum

from courses.services.trainings import enrollment_record_exam
from exams.models import Answer, Attempt, AttemptCounts, AttemptStatus, Exam, ExamResult
from people.models import Employee


def attempt_finish_grading(attempt: Attempt) -> None:
    """Set the attempt's score and pass from its answers once none awaits grading (status
    graded); while one does, the attempt stays submitted with no score. Saves the attempt."""
    pending = Answer.objects.filter(attempt=attempt, needs_grading=True).exists()
    if pending:
        attempt.status, attempt.score, attempt.passed = AttemptStatus.SUBMITTED, None, None
    else:
        total = Answer.objects.filter(attempt=attempt).aggregate(total=Sum("score"))["total"]
        attempt.status = AttemptStatus.GRADED
        attempt.score = total or Decimal(0)
        attempt.passed = attempt.score >= attempt.exam.pass_score
    attempt.save(update_fields=["status", "score", "passed"])


def result_refresh(*, exam: Exam, employee: Employee) -> ExamResult | None:
    """Recompute the result that counts for one candidate from their graded attempts (the
    highest score, ties to the shorter then earlier attempt; or the last graded attempt, per
    the exam), and report pass or fail to the training. No graded attempt: no result."""
    graded = Attempt.objects.filter(exam=exam, employee=employee, status=AttemptStatus.GRADED)
    if exam.attempt_counts == AttemptCounts.LAST:
        counting = graded.order_by("-number").first()
    else:
        counting = graded.order_by("-score", "duration_seconds", "submitted_at").first()
    if counting is None:
        ExamResult.objects.filter(exam=exam, employee=employee).delete()
        passed = None
        result = None
    else:
        result, _created = ExamResult.objects.update_or_create(
            exam=exam,
            employee=employee,
            defaults={
                "department_id": employee.department_id,
                "attempt": counting,
                "score": counting.score,
                "passed": bool(counting.passed),
                "duration_seconds": counting.duration_seconds or 0,
                "submitted_at": counting.submitted_at,
            },
        )
        passed = result.passed
    if exam.training_id:
        enrollment_record_exam(training=exam.training, passed={employee.pk: passed})
    return result
