"""What the attempt API answers: an attempt with its questions as the candidate sees them,
and, once review is allowed (or for the safety officer), with the key.

Built as plain dicts from one read of the attempt's questions, answers and options, so it is
plain to see which fields leave the server: the key (``correct``, accepted answers, the
reference answer, the explanation) only when ``with_key`` is true. Questions and options are
named by the attempt's own random identifiers, never by the bank's ids (whose order tells
the key: authors and imports list the right option first).
"""

from django.core.signing import salted_hmac
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone

from exams.api.exam_serializers import decimal, when
from exams.models import Answer, Attempt, AttemptQuestion, QuestionOption, QuestionType


def attempt_code(attempt_id: int) -> str:
    """A short code standing for an attempt in the anonymous grading queue: stable, and
    telling nothing about the candidate or the attempt's id."""
    return salted_hmac("exams.grading.attempt", str(attempt_id)).hexdigest()[:8].upper()


def _questions(attempt: Attempt, *, with_key: bool):
    option_fields = ["id", "version_id", "text", *(["correct"] if with_key else [])]
    return (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("version", "answer")
        .prefetch_related(
            Prefetch("version__options", queryset=QuestionOption.objects.only(*option_fields))
        )
        .order_by("position")
    )


def _answer(answer: Answer | None, option_key_of: dict[int, str], *, with_scores: bool) -> dict:
    if answer is None:
        return {"selected": [], "text": "", "blanks": [], "flagged": False, "sequence": 0}
    data = {
        "selected": [option_key_of[o] for o in answer.selected if o in option_key_of],
        "text": answer.text,
        "blanks": answer.blanks,
        "flagged": answer.flagged,
        "sequence": answer.sequence,
        "saved_at": when(answer.saved_at),
    }
    if with_scores:
        data["score"] = decimal(answer.score)
        data["awaits_grading"] = answer.needs_grading
        data["comment"] = answer.grader_comment
    return data


def question_payload(aq: AttemptQuestion, *, with_key: bool, with_scores: bool) -> dict:
    """One question of an attempt: what was shown (options in the attempt's order), the
    candidate's answer, and the key only ``with_key``."""
    version = aq.version
    by_id = {option.pk: option for option in version.options.all()}
    option_key_of = aq.option_key_of()
    options = []
    for option_id in aq.option_order:
        option = by_id.get(option_id)
        if option is None:
            continue
        item = {"id": option_key_of[option_id], "text": option.text}
        if with_key:
            item["correct"] = option.correct
        options.append(item)
    data = {
        "id": aq.key,
        "position": aq.position + 1,
        "type": version.type,
        "stem": version.stem,
        "image": (
            reverse("attempt_question_image", args=[aq.attempt_id, aq.key])
            if version.image
            else None
        ),
        "points": decimal(aq.points),
        "options": options,
        "blanks": len(version.blanks) if version.type == QuestionType.FILL_BLANK else 0,
        "answer": _answer(getattr(aq, "answer", None), option_key_of, with_scores=with_scores),
    }
    if with_key:
        data["accepted_answers"] = version.blanks
        data["reference_answer"] = version.reference_answer
        data["explanation"] = version.explanation
    return data


def attempt_payload(
    attempt: Attempt,
    *,
    show_results: bool,
    with_key: bool,
    with_questions: bool = True,
    with_candidate: bool = False,
) -> dict:
    """An attempt: its state and times, the score and pass only ``show_results``, the
    questions with the candidate's answers (and the key only ``with_key``), the candidate
    only ``with_candidate`` (for staff)."""
    data = {
        "id": attempt.pk,
        "exam": attempt.exam_id,
        "number": attempt.number,
        "status": attempt.status,
        "started_at": when(attempt.started_at),
        "deadline": when(attempt.deadline),
        "submitted_at": when(attempt.submitted_at),
        "server_time": when(timezone.now()),
        "close_reason": attempt.close_reason,
        "score": decimal(attempt.score) if show_results else None,
        "max_score": decimal(attempt.max_score),
        "passed": attempt.passed if show_results else None,
        "duration_seconds": attempt.duration_seconds,
        "results_visible": show_results,
        "review_visible": with_key,
    }
    if with_candidate:
        employee = attempt.employee
        data.update(
            employee=employee.pk,
            employee_no=employee.employee_no,
            name=employee.name,
            department=employee.department.path,
            reopened_reason=attempt.reopened_reason,
        )
    if with_questions:
        data["questions"] = [
            question_payload(aq, with_key=with_key, with_scores=show_results)
            for aq in _questions(attempt, with_key=with_key)
        ]
    return data


def submit_payload(attempt: Attempt, *, show_results: bool) -> dict:
    return {
        "id": attempt.pk,
        "status": attempt.status,
        "score": decimal(attempt.score) if show_results else None,
        "passed": attempt.passed if show_results else None,
    }
