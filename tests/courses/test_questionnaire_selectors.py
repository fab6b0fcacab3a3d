"""Questionnaire selectors: who sees what, what a trainee still has to answer, and the
summary's figures checked by hand."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.errors import NotFound
from courses.models import Answer, QuestionKind, Questionnaire, QuestionnaireRecipient, Response
from courses.selectors.questionnaires import (
    percentage,
    questionnaire_get_for_user,
    questionnaire_list_for_user,
    questionnaire_response_rows,
    questionnaire_summary,
    questionnaires_open_for_employee,
)
from courses.services.questionnaires import AnswerInput, questionnaire_issue, response_submit
from people.models import Employee
from tests.courses.test_questionnaire_support import (
    full_answers,
    make_questionnaire,
    make_small_questionnaire,
    make_trainees,
    make_training,
    question_of,
)
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


def answer_all(questionnaire, employees, **kwargs):
    for employee in employees:
        response_submit(
            questionnaire=questionnaire,
            employee=employee,
            answers=full_answers(questionnaire, **kwargs),
        )


# Access --------------------------------------------------------------------------------------


def test_access_by_role(safety_officer, hr, instructor):
    trainees = make_trainees(2)
    training = make_training(trainees=trainees)
    issued = make_questionnaire(training, issue=False)
    questionnaire_issue(actor=None, questionnaire=issued, employees=trainees[:1])
    draft = make_questionnaire(training, issue=False)

    assert set(questionnaire_list_for_user(safety_officer.user, training=training)) == {
        issued,
        draft,
    }
    assert set(questionnaire_list_for_user(hr.user, training=training)) == {issued, draft}
    assert list(questionnaire_list_for_user(trainees[0].user, training=training)) == [issued]
    assert list(questionnaire_list_for_user(trainees[1].user, training=training)) == []
    assert list(questionnaire_list_for_user(instructor.user, training=training)) == []

    assert questionnaire_get_for_user(user=trainees[0].user, questionnaire_id=issued.pk) == issued
    for user, questionnaire in [
        (trainees[1].user, issued),
        (trainees[0].user, draft),
        (instructor.user, issued),
    ]:
        with pytest.raises(NotFound):
            questionnaire_get_for_user(user=user, questionnaire_id=questionnaire.pk)
    template = Questionnaire.objects.get(is_template=True)
    assert questionnaire_get_for_user(user=safety_officer.user, questionnaire_id=template.pk)
    with pytest.raises(NotFound):
        questionnaire_get_for_user(user=hr.user, questionnaire_id=template.pk)
    with pytest.raises(NotFound):
        questionnaire_get_for_user(user=safety_officer.user, questionnaire_id=999999)


def test_open_questionnaires_for_a_trainee():
    trainee, other = make_trainees(2)
    training = make_training(trainees=[trainee, other])
    answered = make_small_questionnaire(training)
    waiting = make_small_questionnaire(training)
    closed = make_small_questionnaire(training)
    make_questionnaire(training, issue=False)  # a draft: not shown
    Questionnaire.objects.filter(pk=closed.pk).update(
        closes_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    answer_all(answered, [trainee])
    assert list(questionnaires_open_for_employee(trainee)) == [waiting]
    assert list(questionnaires_open_for_employee(other)) == [answered, waiting]


# Summary -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(27, 27, Decimal("100.0")), (1, 27, Decimal("3.7")), (2, 3, Decimal("66.7")), (0, 5, 0)],
)
def test_percentage(part, whole, expected):
    assert percentage(part, whole) == expected


def test_percentage_of_nothing_is_none():
    assert percentage(0, 0) is None


def test_summary_before_issue_has_no_rate():
    questionnaire = make_questionnaire(make_training(), issue=False)
    summary = questionnaire_summary(questionnaire)
    assert (summary.issued, summary.returned, summary.feedback_rate) == (0, 0, None)
    assert len(summary.questions) == 5


def test_summary_of_the_first_summary_27_issued_27_returned():
    trainees = make_trainees(27)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    answer_all(questionnaire, trainees[:20], rating=5)
    answer_all(questionnaire, trainees[20:], rating=4)
    summary = questionnaire_summary(questionnaire)
    assert (summary.issued, summary.returned, summary.feedback_rate) == (27, 27, Decimal("100.0"))
    content = summary.questions[0]
    assert content.kind == QuestionKind.RATING and content.answered == 27
    # (20 * 5 + 7 * 4) / 27 = 128 / 27 = 4.7407...
    assert content.average == Decimal("4.74")
    assert [(o.value, o.count) for o in content.distribution] == [
        (1, 0),
        (2, 0),
        (3, 0),
        (4, 7),
        (5, 20),
    ]
    assert content.distribution[4].percent == Decimal("74.1")  # 20 / 27
    timing = summary.questions[2]
    assert [(o.label, o.count, o.percent) for o in timing.choices] == [
        ("Too short", 27, Decimal("100.0")),
        ("About right", 0, Decimal("0.0")),
        ("Too long", 0, Decimal("0.0")),
    ]
    parts = summary.questions[3]
    assert [o.count for o in parts.choices] == [27, 27, 0, 0]  # two picked by everyone
    opinions = summary.questions[4]
    assert opinions.texts == ["More practice, please."] * 27


def test_summary_one_of_27_returned():
    trainees = make_trainees(27)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    answer_all(questionnaire, trainees[:1], rating=3)
    summary = questionnaire_summary(questionnaire)
    assert (summary.issued, summary.returned, summary.feedback_rate) == (27, 1, Decimal("3.7"))
    assert summary.questions[0].average == Decimal("3.00")


def test_summary_mixes_answers_and_skips_unanswered_optional_questions():
    trainees = make_trainees(3)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    rating = question_of(questionnaire, QuestionKind.RATING)
    single = question_of(questionnaire, QuestionKind.SINGLE)
    options = list(single.choices.order_by("position"))
    required = [a for a in full_answers(questionnaire) if a.question not in (rating.pk, single.pk)]
    required = [
        a for a in required if questionnaire.questions.get(pk=a.question).required
    ]  # the second rating only
    for employee, score, option in zip(trainees, (1, 2, 5), (0, 1, 1), strict=True):
        response_submit(
            questionnaire=questionnaire,
            employee=employee,
            answers=[
                AnswerInput(question=rating.pk, rating=score),
                AnswerInput(question=single.pk, choices=[options[option].pk]),
                *required,
            ],
        )
    summary = questionnaire_summary(questionnaire)
    first = summary.questions[0]
    assert first.average == Decimal("2.67")  # 8 / 3
    assert [o.count for o in first.distribution] == [1, 1, 0, 0, 1]
    assert [o.percent for o in summary.questions[2].choices] == [
        Decimal("33.3"),
        Decimal("66.7"),
        Decimal("0.0"),
    ]
    assert summary.questions[3].answered == 0
    assert [o.percent for o in summary.questions[3].choices] == [None] * 4
    assert summary.questions[4].texts == []


def test_anonymous_summary_lists_texts_without_names():
    trainees = make_trainees(2, name="王小明")
    questionnaire = make_small_questionnaire(make_training(trainees=trainees), anonymous=True)
    response_submit(
        questionnaire=questionnaire,
        employee=trainees[0],
        answers=full_answers(questionnaire, text="Zebra crossing drill was good"),
    )
    response_submit(
        questionnaire=questionnaire,
        employee=trainees[1],
        answers=full_answers(questionnaire, text="Add a fire drill"),
    )
    assert not Response.objects.filter(respondent__isnull=False).exists()
    summary = questionnaire_summary(questionnaire)
    # In text order, not in the order they came in.
    assert summary.questions[1].texts == ["Add a fire drill", "Zebra crossing drill was good"]
    assert "王小明" not in repr(summary)
    _questions, rows = questionnaire_response_rows(questionnaire)
    assert all(row.respondent is None and row.submitted_at is None for row in rows)
    assert [row.values[1] for row in rows] == [
        "Add a fire drill",
        "Zebra crossing drill was good",
    ]


def bulk_responses(questionnaire, count: int) -> None:
    """``count`` recipients who all answered, written in bulk."""
    department = DepartmentFactory()
    users = User.objects.bulk_create(
        User(username=f"bulk{questionnaire.pk}-{i}") for i in range(count)
    )
    employees = Employee.objects.bulk_create(
        Employee(
            user=user,
            employee_no=f"B{questionnaire.pk}-{i:04d}",
            name=f"B {i}",
            department=department,
        )
        for i, user in enumerate(users)
    )
    now = timezone.now()
    QuestionnaireRecipient.objects.bulk_create(
        QuestionnaireRecipient(questionnaire=questionnaire, employee=e, responded_at=now)
        for e in employees
    )
    responses = Response.objects.bulk_create(
        Response(questionnaire=questionnaire, respondent=e) for e in employees
    )
    questions = list(questionnaire.questions.prefetch_related("choices"))
    answers = []
    links = []
    for index, response in enumerate(responses):
        for question in questions:
            answers.append(
                Answer(
                    response=response,
                    question=question,
                    rating=index % 5 + 1 if question.kind == QuestionKind.RATING else None,
                    text=f"Opinion {index}" if question.kind == QuestionKind.TEXT else "",
                )
            )
    answers = Answer.objects.bulk_create(answers)
    choices = {q.pk: [c.pk for c in q.choices.all()] for q in questions}
    for index, answer in enumerate(answers):
        options = choices[answer.question_id]
        if options:
            links.append(
                Answer.choices.through(
                    answer_id=answer.pk, questionchoice_id=options[index % len(options)]
                )
            )
    Answer.choices.through.objects.bulk_create(links)


def test_summary_and_rows_cost_the_same_queries_for_10_and_200_responses():
    counts = []
    for size in (10, 200):
        questionnaire = make_questionnaire(make_training(), issue=False)
        Questionnaire.objects.filter(pk=questionnaire.pk).update(issued_at=timezone.now())
        questionnaire.refresh_from_db()
        bulk_responses(questionnaire, size)
        with CaptureQueriesContext(connection) as summary_queries:
            summary = questionnaire_summary(questionnaire)
        with CaptureQueriesContext(connection) as row_queries:
            _questions, rows = questionnaire_response_rows(questionnaire)
        assert summary.returned == size and summary.feedback_rate == Decimal("100.0")
        assert len(summary.questions[4].texts) == size
        assert len(rows) == size
        counts.append((len(summary_queries), len(row_queries)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8
