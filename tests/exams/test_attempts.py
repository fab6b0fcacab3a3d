import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import Conflict, NotFound
from core.models import AuditEntry
from exams.models import Answer, Attempt, AttemptStatus, CloseReason, ExamResult, QuestionType
from exams.services.attempts import (
    attempt_close_if_expired,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
)
from exams.services.grading import answer_grade, question_key_correct
from exams.services.proctoring import attempt_reopen, attempts_extend, exam_close_early
from exams.services.questions import question_update
from tests.exams.factories import (
    answer_everything_right,
    make_exam,
    make_paper,
    make_questions,
    save_by_bank_ids,
    single_input,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _aq(attempt, qtype):
    return (
        attempt.questions.select_related("version")
        .prefetch_related("version__options")
        .get(version__type=qtype)
    )


def test_start_freezes_questions_and_server_deadline(trainee):
    now = timezone.now()
    exam = make_exam(candidates=[trainee], now=now)
    result = attempt_start(employee=trainee, exam=exam, now=now)
    attempt = result.attempt
    assert result.created
    assert attempt.deadline == now + datetime.timedelta(minutes=30)
    assert attempt.questions.count() == 5 and Answer.objects.filter(attempt=attempt).count() == 5
    assert attempt.max_score == Decimal(10)
    assert all(aq.version.used_at is not None for aq in attempt.questions.select_related("version"))


def test_deadline_is_capped_by_the_close_time(trainee):
    now = timezone.now()
    exam = make_exam(candidates=[trainee], closes_at=now + datetime.timedelta(minutes=10), now=now)
    attempt = attempt_start(employee=trainee, exam=exam, now=now).attempt
    assert attempt.deadline == exam.closes_at


def test_second_start_resumes_the_attempt(trainee):
    exam = make_exam(candidates=[trainee])
    first = attempt_start(employee=trainee, exam=exam).attempt
    again = attempt_start(employee=trainee, exam=exam)
    assert again.attempt.pk == first.pk and not again.created


def test_start_refused_when_not_open_closed_or_no_attempts(trainee):
    now = timezone.now()
    later = make_exam(
        candidates=[trainee],
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=2),
    )
    with pytest.raises(Conflict, match="opens at"):
        attempt_start(employee=trainee, exam=later, now=now)
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    attempt_submit(attempt=attempt)
    with pytest.raises(Conflict, match="all 1 of your attempts"):
        attempt_start(employee=trainee, exam=exam)


def test_save_and_submit_grades_objective_questions(trainee):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    attempt = attempt_submit(attempt=attempt)
    # The short answer waits for a grader.
    assert attempt.status == AttemptStatus.SUBMITTED and attempt.score is None
    open_answer = Answer.objects.get(attempt=attempt, needs_grading=True)
    answer_grade(actor=None, answer=open_answer, score=Decimal("1.5"))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("9.50")
    result = ExamResult.objects.get(exam=exam, employee=trainee)
    assert result.score == Decimal("9.50")
    assert AuditEntry.objects.filter(action="answer.graded").exists()


def test_submit_is_idempotent(trainee):
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=make_questions(2)))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    first = attempt_submit(attempt=attempt)
    second = attempt_submit(attempt=Attempt.objects.get(pk=attempt.pk))
    assert (
        (first.status, first.score)
        == (second.status, second.score)
        == (AttemptStatus.GRADED, Decimal(0))
    )
    assert AuditEntry.objects.filter(action="attempt.closed").count() == 1


def test_older_sequence_never_overwrites_newer(trainee):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = _aq(attempt, QuestionType.SINGLE)
    options = [o.pk for o in aq.version.options.all()]
    assert save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        selected=[options[1]],
        sequence=5,
    ).saved
    late = save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        selected=[options[0]],
        sequence=4,
    )
    assert late.saved is False and late.sequence == 5
    assert Answer.objects.get(attempt_question=aq).selected == [options[1]]


def test_saving_to_another_persons_attempt_is_not_found(trainee):
    other = EmployeeFactory()
    exam = make_exam(candidates=[trainee, other])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = _aq(attempt, QuestionType.SHORT_ANSWER)
    with pytest.raises(NotFound):
        save_by_bank_ids(
            user=other.user, attempt_id=attempt.pk, question_id=aq.question_id_shown, text="mine"
        )
    assert Answer.objects.get(attempt_question=aq).text == ""


def test_option_of_another_question_and_oversized_answers_are_refused(trainee):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    single, multiple = _aq(attempt, QuestionType.SINGLE), _aq(attempt, QuestionType.MULTIPLE)
    foreign = multiple.version.options.first().pk
    with pytest.raises(ValidationError):
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=single.question_id_shown,
            selected=[foreign],
        )
    with pytest.raises(ValidationError):
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=single.question_id_shown,
            selected=list(range(10_000)),
        )
    short = _aq(attempt, QuestionType.SHORT_ANSWER)
    with pytest.raises(ValidationError):
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=short.question_id_shown,
            text="x" * 1_000_000,
        )
    assert not Answer.objects.filter(attempt=attempt, sequence__gt=0).exists()


def test_save_after_deadline_and_grace_is_refused_and_closes(trainee):
    now = timezone.now()
    exam = make_exam(candidates=[trainee], now=now)
    attempt = attempt_start(employee=trainee, exam=exam, now=now).attempt
    aq = _aq(attempt, QuestionType.SHORT_ANSWER)
    within_grace = attempt.deadline + datetime.timedelta(seconds=20)
    assert save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        text="late but ok",
        now=within_grace,
    ).saved
    too_late = attempt.deadline + datetime.timedelta(seconds=31)
    with pytest.raises(Conflict):
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=aq.question_id_shown,
            text="too late",
            now=too_late,
        )
    attempt.refresh_from_db()
    assert (
        attempt.status != AttemptStatus.IN_PROGRESS and attempt.close_reason == CloseReason.DEADLINE
    )
    assert attempt.submitted_at == attempt.deadline
    assert Answer.objects.get(attempt_question=aq).text == "late but ok"


def test_replayed_save_after_submit_is_a_conflict(trainee):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = _aq(attempt, QuestionType.SHORT_ANSWER)
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        text="a",
        sequence=1,
    )
    attempt_submit(attempt=attempt)
    with pytest.raises(Conflict):
        save_by_bank_ids(
            user=trainee.user,
            attempt_id=attempt.pk,
            question_id=aq.question_id_shown,
            text="b",
            sequence=2,
        )


def test_close_expired_command_path_keeps_answers(trainee):
    now = timezone.now()
    exam = make_exam(candidates=[trainee], now=now, paper=make_paper(questions=make_questions(3)))
    attempt = attempt_start(employee=trainee, exam=exam, now=now).attempt
    answer_everything_right(attempt, trainee.user)
    assert attempts_close_expired(now=now).closed == 0
    assert attempts_close_expired(now=attempt.deadline + datetime.timedelta(minutes=1)).closed == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal(6)
    assert attempt.close_reason == CloseReason.DEADLINE


def test_extend_moves_deadline_and_reopen_continues(trainee, safety_officer):
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=make_questions(2)))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    deadline = attempt.deadline
    assert (
        attempts_extend(
            actor=safety_officer.user, exam=exam, minutes=10, reason="Power cut", employee=trainee
        )
        == 1
    )
    attempt.refresh_from_db()
    assert attempt.deadline == deadline + datetime.timedelta(minutes=10)
    with pytest.raises(ValidationError):
        attempts_extend(actor=safety_officer.user, exam=exam, minutes=10, reason="")
    attempt = attempt_submit(attempt=attempt)
    reopened = attempt_reopen(
        actor=safety_officer.user, attempt=attempt, reason="Browser crashed", minutes=5
    )
    assert reopened.status == AttemptStatus.IN_PROGRESS and reopened.score is None
    assert not ExamResult.objects.filter(exam=exam, employee=trainee).exists()


def test_close_early_closes_attempts_in_progress(trainee, safety_officer):
    late = EmployeeFactory()
    exam = make_exam(candidates=[trainee, late], paper=make_paper(questions=make_questions(2)))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    assert exam_close_early(actor=safety_officer.user, exam=exam, reason="Fire alarm") == 1
    attempt.refresh_from_db()
    assert attempt.close_reason == CloseReason.EXAM_CLOSED
    with pytest.raises(Conflict, match="closed"):
        attempt_start(employee=late, exam=exam)
    with pytest.raises(NotFound):
        attempt_start(employee=EmployeeFactory(), exam=exam)


def test_editing_a_question_after_start_keeps_the_attempts_version(trainee):
    questions = make_questions(2)
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=questions))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    shown = attempt.questions.get(question_id_shown=questions[0].pk).version
    question_update(
        actor=None,
        question=questions[0],
        category=questions[0].category,
        data=single_input("New stem?"),
    )
    assert attempt.questions.get(question_id_shown=questions[0].pk).version_id == shown.pk
    questions[0].refresh_from_db()
    assert questions[0].current_version_id != shown.pk


def test_key_correction_regrades_closed_attempts(trainee):
    questions = make_questions(1)
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=questions, points=10))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = attempt.questions.select_related("version").get()
    wrong = aq.version.options.get(position=1)
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        selected=[wrong.pk],
    )
    attempt = attempt_submit(attempt=attempt)
    assert attempt.score == 0
    correction = question_key_correct(
        actor=None, version=aq.version, correct_positions=[1], reason="Key was wrong"
    )
    assert (correction.answers_changed, correction.attempts_changed) == (1, 1)
    attempt.refresh_from_db()
    assert attempt.score == Decimal(10)
    assert ExamResult.objects.get(exam=exam, employee=trainee).score == Decimal(10)
    assert AuditEntry.objects.filter(action="attempt.regraded").exists()


def test_shuffled_options_differ_between_candidates():
    people = [EmployeeFactory() for _ in range(6)]
    exam = make_exam(
        candidates=people,
        shuffle_options=True,
        shuffle_questions=True,
        paper=make_paper(questions=make_questions(6)),
    )
    orders = set()
    for index, person in enumerate(people):
        attempt = attempt_start(employee=person, exam=exam, rng=random.Random(index)).attempt
        orders.add(tuple(tuple(aq.option_order) for aq in attempt.questions.order_by("position")))
    assert len(orders) > 1


def test_close_expired_attempts_command(trainee, monkeypatch):
    from io import StringIO

    from django.core.management import call_command

    start = timezone.now() - datetime.timedelta(hours=1)
    exam = make_exam(candidates=[trainee], now=start, paper=make_paper(questions=make_questions(2)))
    attempt = attempt_start(employee=trainee, exam=exam, now=start).attempt
    out = StringIO()
    call_command("close_expired_attempts", stdout=out)
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and "Closed 1" in out.getvalue()


def test_reading_an_expired_attempt_closes_it(trainee):
    start = timezone.now() - datetime.timedelta(hours=1)
    exam = make_exam(candidates=[trainee], now=start, paper=make_paper(questions=make_questions(2)))
    attempt = attempt_start(employee=trainee, exam=exam, now=start).attempt
    attempt = attempt_close_if_expired(attempt=attempt)
    assert attempt.status == AttemptStatus.GRADED and attempt.submitted_at == attempt.deadline
