"""Grading pages: the open-answer queue (anonymous by default, one question at a time, htmx
grading in place, regrading), the questions an exam showed, and key corrections with
regrading; who may open them."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from exams.models import Answer, AttemptStatus, ExamResult, QuestionType
from exams.services.attempts import attempt_start, attempt_submit
from tests.courses.factories import EnrollmentFactory, TrainingFactory
from tests.exams.factories import (
    answer_everything_right,
    make_exam,
    make_paper,
    make_questions,
    save_by_bank_ids,
)
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def _client(employee) -> Client:
    client = Client()
    client.force_login(employee.user)
    return client


@pytest.fixture
def training(instructor, trainee):
    training = TrainingFactory()
    training.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=trainee)
    return training


@pytest.fixture
def other(training):
    employee = EmployeeFactory(name="周其他")
    EnrollmentFactory(training=training, employee=employee)
    return employee


def _sit(exam, employee):
    attempt = attempt_start(employee=employee, exam=exam).attempt
    answer_everything_right(attempt, employee.user)
    return attempt_submit(attempt=attempt)


@pytest.fixture
def exam(training, trainee, other):
    """One question of each type (2 points each) sat by two candidates: the objective ones
    are graded (8 points), the short answer awaits a grader."""
    exam = make_exam(training=training, title="Confined space theory")
    _sit(exam, trainee)
    _sit(exam, other)
    return exam


def _pending(exam):
    return Answer.objects.filter(attempt__exam=exam, needs_grading=True).order_by("attempt_id")


def _grading(exam) -> str:
    return reverse("exam_grading", args=[exam.pk])


def _grade_url(exam, answer) -> str:
    return reverse("exam_grading_answer", args=[exam.pk, answer.pk])


def _grade(answer, score, comment="") -> dict:
    return {f"answer-{answer.pk}-score": score, f"answer-{answer.pk}-comment": comment}


# Who may grade ---------------------------------------------------------------------------------


def test_the_officer_and_the_trainings_instructor_open_the_queue(
    officer_client, instructor_client, exam
):
    assert officer_client.get(_grading(exam)).status_code == 200
    assert instructor_client.get(_grading(exam)).status_code == 200
    index = _text(instructor_client.get(reverse("exam_grading_index")))
    assert "Confined space theory" in index


def test_others_may_not_grade(trainee_client, hr_client, exam):
    answer = _pending(exam).first()
    stranger = _client(EmployeeFactory(roles=[Role.INSTRUCTOR]))
    assert stranger.get(_grading(exam)).status_code == 404
    assert stranger.post(_grade_url(exam, answer), _grade(answer, "2")).status_code == 404
    assert "Confined space theory" not in _text(stranger.get(reverse("exam_grading_index")))
    for client in (trainee_client, hr_client):
        assert client.get(_grading(exam)).status_code == 403
        assert client.post(_grade_url(exam, answer), _grade(answer, "2")).status_code == 403
        assert client.get(reverse("exam_grading_index")).status_code == 403
    answer.refresh_from_db()
    assert answer.needs_grading and answer.score is None


def test_key_correction_is_the_officers(instructor_client, trainee_client, exam):
    version = _pending(exam).first().attempt_question.version
    url = reverse("exam_key_correct", args=[exam.pk, version.pk])
    assert instructor_client.get(url).status_code == 403
    assert trainee_client.get(url).status_code == 403
    assert instructor_client.get(reverse("exam_admin_questions", args=[exam.pk])).status_code == 403


# The queue --------------------------------------------------------------------------------------


def test_the_queue_is_anonymous(officer_client, exam, trainee, other):
    text = _text(officer_client.get(_grading(exam)))
    assert "Describe the steps before entering a confined space." in text
    assert "Permit, isolate, ventilate" in text  # the reference answer
    assert "Candidate 1" in text and "Candidate 2" in text
    assert "2 answers await grading." in text
    assert text.count("My answer") == 2
    for person in (trainee, other):
        assert person.name not in text
        assert person.employee_no not in text


def test_the_queue_names_candidates_when_the_exam_says_so(officer_client, trainee):
    exam = make_exam(candidates=[trainee], anonymous_grading=False)
    _sit(exam, trainee)
    text = _text(officer_client.get(_grading(exam)))
    assert trainee.name in text and trainee.employee_no in text


def test_grading_in_place_finalizes_the_attempt(instructor_client, instructor, exam, trainee):
    first, second = _pending(exam)
    response = instructor_client.post(
        _grade_url(exam, first),
        _grade(first, "1.5", "Forgot the gas test"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    text = _text(response)
    assert f'id="answer-{first.pk}"' in text and "The grade was saved." in text
    assert 'hx-swap-oob="true"' in text and "1 answer awaits grading." in text
    assert "<html" not in text
    first.refresh_from_db()
    assert (first.score, first.needs_grading) == (Decimal("1.5"), False)
    assert first.grader_comment == "Forgot the gas test" and first.graded_by == instructor.user
    attempt = first.attempt
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("9.5")
    assert ExamResult.objects.get(exam=exam, employee=attempt.employee).score == Decimal("9.5")
    second.refresh_from_db()
    assert second.needs_grading
    # Without htmx the queue comes back on the same question.
    response = instructor_client.post(_grade_url(exam, second), _grade(second, "2"))
    assert response.status_code == 302
    question = second.attempt_question.question_id_shown
    assert response["Location"] == f"{_grading(exam)}?question={question}#answer-{second.pk}"
    text = _text(instructor_client.get(_grading(exam)))
    assert "Nothing awaits grading: the results are final." in text
    assert "Already graded" in text and "Forgot the gas test" in text


def test_a_graded_answer_is_graded_again(officer_client, exam):
    answer = _pending(exam).first()
    officer_client.post(_grade_url(exam, answer), _grade(answer, "2"))
    response = officer_client.post(
        _grade_url(exam, answer),
        _grade(answer, "0.5", "On second reading"),
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "Grade again" in _text(response)
    answer.refresh_from_db()
    assert answer.score == Decimal("0.5")
    answer.attempt.refresh_from_db()
    assert answer.attempt.score == Decimal("8.5")
    assert AuditEntry.objects.filter(action="answer.graded").count() == 2


@pytest.mark.parametrize(
    ("score", "message"), [("5", "from 0 to 2"), ("abc", "number"), ("", "required")]
)
def test_a_bad_grade_writes_nothing(officer_client, exam, score, message):
    answer = _pending(exam).first()
    response = officer_client.post(
        _grade_url(exam, answer), _grade(answer, score), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert message in _text(response) and "The grade was saved." not in _text(response)
    answer.refresh_from_db()
    assert answer.needs_grading and answer.score is None
    # Without htmx the whole queue is shown again with the error.
    response = officer_client.post(_grade_url(exam, answer), _grade(answer, score))
    assert response.status_code == 200 and message in _text(response)
    assert "<html" in _text(response)


def test_an_answer_in_progress_or_of_another_exam_is_not_graded(officer_client, exam, trainee):
    elsewhere = make_exam(candidates=[trainee])
    _sit(elsewhere, trainee)
    foreign = _pending(elsewhere).first()
    assert officer_client.post(_grade_url(exam, foreign), _grade(foreign, "1")).status_code == 404
    running = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=running).attempt
    open_answer = attempt.answers.get(attempt_question__version__type=QuestionType.SHORT_ANSWER)
    url = _grade_url(running, open_answer)
    assert officer_client.post(url, _grade(open_answer, "1")).status_code == 404
    foreign.refresh_from_db()
    assert foreign.needs_grading


def test_the_queue_switches_questions_and_says_when_results_are_final(officer_client, trainee):
    exam = make_exam(candidates=[trainee], paper=make_paper(questions=make_questions(2)))
    text = _text(officer_client.get(_grading(exam), {"question": "nonsense"}))
    assert "Nothing awaits grading: the results are final." in text


# Key corrections --------------------------------------------------------------------------------


@pytest.fixture
def objective(trainee, other):
    """Two single-choice questions (2 points each) answered right by both candidates."""
    exam = make_exam(
        candidates=[trainee, other], paper=make_paper(questions=make_questions(2, path="Keys"))
    )
    _sit(exam, trainee)
    _sit(exam, other)
    return exam


def test_correcting_a_key_regrades_every_attempt(officer_client, objective, trainee):
    aq = objective.attempts.get(employee=trainee).questions.select_related("version").first()
    url = reverse("exam_key_correct", args=[objective.pk, aq.version_id])
    page = _text(officer_client.get(url))
    assert aq.version.stem in page and "shown in 2 attempts" in page
    response = officer_client.post(
        url, {"correct": "1", "reason": "The regulation changed"}, follow=True
    )
    assert "The key was corrected: 2 answers and 2 attempts changed." in _text(response)
    assert [o.correct for o in aq.version.options.order_by("position")] == [
        False,
        True,
        False,
        False,
    ]
    for attempt in objective.attempts.all():
        assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("2")
    assert AuditEntry.objects.filter(action="attempt.regraded").count() == 2
    listing = _text(officer_client.get(reverse("exam_admin_questions", args=[objective.pk])))
    assert url in listing


def test_a_bad_key_correction_changes_nothing(officer_client, objective, trainee):
    aq = objective.attempts.get(employee=trainee).questions.first()
    url = reverse("exam_key_correct", args=[objective.pk, aq.version_id])
    for data in ({"correct": "1", "reason": ""}, {"correct": "9", "reason": "x"}, {"reason": "x"}):
        response = officer_client.post(url, data)
        assert response.status_code == 200 and response.context["form"].errors
    assert aq.version.options.get(position=0).correct
    assert all(a.score == Decimal("4") for a in objective.attempts.all())


def test_correcting_accepted_answers_of_a_blank(officer_client, exam, trainee):
    answer = Answer.objects.get(
        attempt__exam=exam, attempt__employee=trainee, attempt_question__version__type="fill_blank"
    )
    url = reverse("exam_key_correct", args=[exam.pk, answer.attempt_question.version_id])
    response = officer_client.post(url, {"blank_0": "3\nthree", "reason": "Typo in the key"})
    assert response.status_code == 302
    answer.refresh_from_db()
    assert answer.score == Decimal("0")
    assert answer.attempt_question.version.__class__.objects.get(
        pk=answer.attempt_question.version_id
    ).blanks == [["3", "three"]]


def test_key_pages_refuse_what_the_exam_did_not_show(officer_client, exam, objective):
    version = objective.attempts.first().questions.first().version_id
    url = reverse("exam_key_correct", args=[exam.pk, version])
    assert officer_client.get(url).status_code == 404
    assert officer_client.post(url, {"correct": "1", "reason": "x"}).status_code == 404
    short = _pending(exam).first().attempt_question.version_id
    text = _text(officer_client.get(reverse("exam_key_correct", args=[exam.pk, short])))
    assert "there is no key to correct" in text and 'name="reason"' not in text


def test_the_trainee_saved_answer_shows_on_the_attempt_page(officer_client, trainee):
    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = attempt.questions.get(version__type=QuestionType.SHORT_ANSWER)
    save_by_bank_ids(
        user=trainee.user,
        attempt_id=attempt.pk,
        question_id=aq.question_id_shown,
        text="Ventilate first",
    )
    text = _text(officer_client.get(reverse("exam_admin_attempt", args=[attempt.pk])))
    assert "Ventilate first" in text and "Reopen the attempt" not in text
