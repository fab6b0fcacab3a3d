"""Questionnaire services: the default template, drafting, issuing and answering."""

import datetime
from importlib import import_module

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import Conflict, NotFound
from core.models import AuditEntry
from courses.models import (
    Answer,
    Enrollment,
    Question,
    QuestionChoice,
    QuestionKind,
    Questionnaire,
    QuestionnaireRecipient,
    Response,
)
from courses.selectors.questionnaires import (
    DEFAULT_TEMPLATE_TITLE,
    questionnaire_default_template,
)
from courses.services.questionnaires import (
    AnswerInput,
    QuestionDraft,
    question_add,
    question_delete,
    question_move,
    question_update,
    questionnaire_close,
    questionnaire_create,
    questionnaire_delete,
    questionnaire_issue,
    questionnaire_update,
    questions_reorder,
    response_submit,
)
from tests.courses.test_questionnaire_support import (
    full_answers,
    make_questionnaire,
    make_small_questionnaire,
    make_trainees,
    make_training,
    question_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def trainees():
    return make_trainees(3)


@pytest.fixture
def training(trainees):
    return make_training(trainees=trainees)


def texts(questionnaire):
    return list(questionnaire.questions.order_by("position").values_list("text", flat=True))


# The default template ------------------------------------------------------------------------


def test_default_template_is_created_by_the_migration():
    template = questionnaire_default_template()
    assert template is not None
    assert template.title == DEFAULT_TEMPLATE_TITLE
    assert template.is_template and template.training is None
    kinds = list(template.questions.order_by("position").values_list("kind", "text"))
    assert kinds == [
        ("rating", "The content was useful for my work"),
        ("rating", "The instructor explained clearly"),
        ("single", "The time was enough"),
        ("multiple", "Which parts helped you most?"),
        ("text", "What should change?"),
    ]
    timing = template.questions.get(kind=QuestionKind.SINGLE)
    assert [c.text for c in timing.choices.order_by("position")] == [
        "Too short",
        "About right",
        "Too long",
    ]


def test_default_template_migration_is_idempotent():
    migration = import_module("courses.migrations.0002_default_questionnaire")
    migration.create_default_template(django_apps, None)
    migration.create_default_template(django_apps, None)
    assert Questionnaire.objects.filter(title=DEFAULT_TEMPLATE_TITLE, is_template=True).count() == 1
    assert questionnaire_default_template().questions.count() == 5


# Drafting ------------------------------------------------------------------------------------


def test_create_from_template_copies_questions_and_options(training, safety_officer):
    template = questionnaire_default_template()
    questionnaire = questionnaire_create(
        actor=safety_officer.user, training=training, template=template, anonymous=True
    )
    assert questionnaire.title == template.title
    assert questionnaire.training == training
    assert questionnaire.anonymous and not questionnaire.is_template
    assert texts(questionnaire) == texts(template)
    copied = question_of(questionnaire, QuestionKind.SINGLE)
    original = question_of(template, QuestionKind.SINGLE)
    assert copied.pk != original.pk
    assert [c.text for c in copied.choices.all()] == [c.text for c in original.choices.all()]
    # The template itself is untouched.
    assert template.questions.count() == 5
    entry = AuditEntry.objects.get(action="questionnaire.created")
    assert entry.after["template"] == template.pk and entry.after["questions"] == 5


def test_create_blank_with_questions(training):
    questionnaire = questionnaire_create(
        actor=None,
        training=training,
        title="  Quick feedback  ",
        questions=[
            QuestionDraft(kind="rating", text="Useful?"),
            QuestionDraft(kind="single", text="Pace", choices=["Slow", " Fine ", ""]),
        ],
    )
    assert questionnaire.title == "Quick feedback"
    assert texts(questionnaire) == ["Useful?", "Pace"]
    assert list(question_of(questionnaire, "single").choices.values_list("text", flat=True)) == [
        "Slow",
        "Fine",
    ]


@pytest.mark.parametrize(
    ("draft", "field"),
    [
        (QuestionDraft(kind="single", text="Pace", choices=["Only one"]), "choices"),
        (QuestionDraft(kind="multiple", text="Parts", choices=["A", "a"]), "choices"),
        (QuestionDraft(kind="rating", text="Useful?", choices=["A", "B"]), "choices"),
        (QuestionDraft(kind="rating", text="   "), "text"),
        (QuestionDraft(kind="essay", text="Why?"), "kind"),
    ],
)
def test_create_refuses_unanswerable_questions(training, draft, field):
    with pytest.raises(ValidationError) as error:
        questionnaire_create(actor=None, training=training, title="T", questions=[draft])
    assert field in error.value.message_dict
    assert not Questionnaire.objects.filter(training=training).exists()


def test_create_refuses_a_non_template_as_template(training):
    other = make_questionnaire(training, issue=False)
    with pytest.raises(ValidationError) as error:
        questionnaire_create(actor=None, training=training, template=other)
    assert "template" in error.value.message_dict


def test_create_needs_a_title(training):
    with pytest.raises(ValidationError) as error:
        questionnaire_create(actor=None, training=training, title=" ")
    assert "title" in error.value.message_dict


def test_edit_questions_before_issue(training):
    questionnaire = make_questionnaire(training, issue=False)
    added = question_add(
        actor=None, questionnaire=questionnaire, kind="text", text="Anything else?"
    )
    assert added.position == 6
    rating = question_of(questionnaire, "rating")
    question_update(
        actor=None, question=rating, kind="single", text="Level", choices=["Low", "High"]
    )
    rating.refresh_from_db()
    assert (rating.kind, rating.text) == ("single", "Level")
    assert list(rating.choices.values_list("text", flat=True)) == ["Low", "High"]
    question_move(actor=None, question=added, offset=-1)
    assert texts(questionnaire)[-2:] == ["Anything else?", "What should change?"]
    question_delete(actor=None, question=added)
    assert questionnaire.questions.count() == 5
    assert list(questionnaire.questions.values_list("position", flat=True)) == [1, 2, 3, 4, 5]
    order = list(questionnaire.questions.order_by("-position").values_list("pk", flat=True))
    questions_reorder(actor=None, questionnaire=questionnaire, order=order)
    assert texts(questionnaire)[0] == "What should change?"
    with pytest.raises(ValidationError):
        questions_reorder(actor=None, questionnaire=questionnaire, order=order[1:])


def test_a_choice_question_changed_to_rating_loses_its_options(training):
    questionnaire = make_questionnaire(training, issue=False)
    single = question_of(questionnaire, "single")
    question_update(actor=None, question=single, kind="rating")
    assert not QuestionChoice.objects.filter(question=single).exists()


def test_editing_after_issue_is_refused(training):
    questionnaire = make_questionnaire(training)
    question = question_of(questionnaire, "rating")
    before = texts(questionnaire)
    for attempt in (
        lambda: question_add(actor=None, questionnaire=questionnaire, kind="text", text="New?"),
        lambda: question_update(actor=None, question=question, text="Changed"),
        lambda: question_delete(actor=None, question=question),
        lambda: question_move(actor=None, question=question, offset=1),
        lambda: questions_reorder(
            actor=None,
            questionnaire=questionnaire,
            order=list(questionnaire.questions.values_list("pk", flat=True)),
        ),
        lambda: questionnaire_update(actor=None, questionnaire=questionnaire, anonymous=True),
    ):
        with pytest.raises(Conflict, match="already issued"):
            attempt()
    assert texts(questionnaire) == before
    questionnaire.refresh_from_db()
    assert not questionnaire.anonymous


# Issuing -------------------------------------------------------------------------------------


def test_issue_reaches_every_enrolled_trainee(training, trainees, safety_officer):
    questionnaire = make_questionnaire(training, issue=False)
    added = questionnaire_issue(actor=safety_officer.user, questionnaire=questionnaire)
    assert added == 3
    questionnaire.refresh_from_db()
    assert questionnaire.issued_at is not None
    assert set(questionnaire.recipients.values_list("employee_id", flat=True)) == {
        t.pk for t in trainees
    }
    assert AuditEntry.objects.get(action="questionnaire.issued").after["added"] == 3


def test_issuing_twice_adds_only_newly_enrolled(training, trainees):
    questionnaire = make_questionnaire(training)
    first_issue = Questionnaire.objects.get(pk=questionnaire.pk).issued_at
    assert questionnaire_issue(actor=None, questionnaire=questionnaire) == 0
    assert questionnaire.recipients.count() == 3
    (late,) = make_trainees(1)
    Enrollment.objects.create(training=training, employee=late)
    assert questionnaire_issue(actor=None, questionnaire=questionnaire) == 1
    assert questionnaire.recipients.count() == 4
    assert QuestionnaireRecipient.objects.filter(employee=late).count() == 1
    assert Questionnaire.objects.get(pk=questionnaire.pk).issued_at == first_issue


def test_issue_to_some_trainees(training, trainees):
    questionnaire = make_questionnaire(training, issue=False)
    assert questionnaire_issue(actor=None, questionnaire=questionnaire, employees=trainees[:2]) == 2
    assert set(questionnaire.recipients.values_list("employee_id", flat=True)) == {
        trainees[0].pk,
        trainees[1].pk,
    }


def test_issue_refuses_people_outside_the_training(training):
    questionnaire = make_questionnaire(training, issue=False)
    (outsider,) = make_trainees(1, name="外来人员")
    with pytest.raises(ValidationError, match="外来人员"):
        questionnaire_issue(actor=None, questionnaire=questionnaire, employees=[outsider])
    questionnaire.refresh_from_db()
    assert questionnaire.issued_at is None and not questionnaire.recipients.exists()


def test_issue_refuses_templates_empty_questionnaires_and_empty_trainings(training):
    with pytest.raises(ValidationError):
        questionnaire_issue(actor=None, questionnaire=questionnaire_default_template())
    empty = questionnaire_create(actor=None, training=training, title="Empty")
    with pytest.raises(ValidationError, match="at least one question"):
        questionnaire_issue(actor=None, questionnaire=empty)
    lonely = make_questionnaire(make_training(title="Nobody enrolled"), issue=False)
    with pytest.raises(ValidationError, match="Nobody"):
        questionnaire_issue(actor=None, questionnaire=lonely)


def test_issue_with_a_closing_time(training):
    questionnaire = make_questionnaire(training, issue=False)
    with pytest.raises(ValidationError) as error:
        questionnaire_issue(
            actor=None,
            questionnaire=questionnaire,
            closes_at=timezone.now() - datetime.timedelta(minutes=1),
        )
    assert "closes_at" in error.value.message_dict
    closes = timezone.now() + datetime.timedelta(days=2)
    questionnaire_issue(actor=None, questionnaire=questionnaire, closes_at=closes)
    questionnaire.refresh_from_db()
    assert questionnaire.closes_at == closes


def test_close_stops_answering(training, trainees):
    questionnaire = make_questionnaire(training)
    questionnaire_close(actor=None, questionnaire=questionnaire)
    with pytest.raises(Conflict, match="closed"):
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
        )
    with pytest.raises(Conflict):
        questionnaire_close(actor=None, questionnaire=questionnaire)


def test_delete_only_while_nobody_answered(training, trainees):
    questionnaire = make_questionnaire(training)
    response_submit(
        questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
    )
    with pytest.raises(Conflict):
        questionnaire_delete(actor=None, questionnaire=questionnaire)
    assert Questionnaire.objects.filter(pk=questionnaire.pk).exists()
    unanswered = make_questionnaire(training)
    questionnaire_delete(actor=None, questionnaire=unanswered)
    assert not Questionnaire.objects.filter(pk=unanswered.pk).exists()
    assert AuditEntry.objects.filter(action="questionnaire.deleted").count() == 1


# Answering -----------------------------------------------------------------------------------


def test_submit_stores_every_answer(training, trainees):
    questionnaire = make_questionnaire(training)
    trainee = trainees[0]
    response = response_submit(
        questionnaire=questionnaire, employee=trainee, answers=full_answers(questionnaire)
    )
    assert response.respondent == trainee
    assert response.answers.count() == 5
    multiple = response.answers.get(question__kind=QuestionKind.MULTIPLE)
    assert multiple.choices.count() == 2
    assert response.answers.get(question__kind=QuestionKind.TEXT).text == "More practice, please."
    assert QuestionnaireRecipient.objects.get(employee=trainee).responded_at is not None


def test_answering_twice_is_refused_and_the_first_response_stays(training, trainees):
    questionnaire = make_questionnaire(training)
    trainee = trainees[0]
    first = response_submit(
        questionnaire=questionnaire, employee=trainee, answers=full_answers(questionnaire, rating=5)
    )
    with pytest.raises(Conflict, match="already answered"):
        response_submit(
            questionnaire=questionnaire,
            employee=trainee,
            answers=full_answers(questionnaire, rating=1, text="Changed my mind"),
        )
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    assert set(first.answers.exclude(rating=None).values_list("rating", flat=True)) == {5}
    assert not Answer.objects.filter(text="Changed my mind").exists()


def test_the_unique_constraint_backs_up_the_lock(training, trainees):
    """Should the recipient's mark be missing (a concurrent writer got past the lock), the
    partial unique constraint still refuses a second response from the same person."""
    questionnaire = make_questionnaire(training)
    trainee = trainees[0]
    Response.objects.create(questionnaire=questionnaire, respondent=trainee)
    with pytest.raises(Conflict, match="already answered"):
        response_submit(
            questionnaire=questionnaire, employee=trainee, answers=full_answers(questionnaire)
        )
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    assert not Answer.objects.exists()
    assert QuestionnaireRecipient.objects.get(employee=trainee).responded_at is None


def test_an_answer_to_a_question_of_another_questionnaire_is_refused(training, trainees):
    questionnaire = make_questionnaire(training)
    other = make_questionnaire(training)
    foreign = question_of(other, QuestionKind.RATING)
    answers = [*full_answers(questionnaire), AnswerInput(question=foreign.pk, rating=3)]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert error.value.message_dict == {
        "answers": [f"Question {foreign.pk} is not part of this questionnaire."]
    }
    assert not Response.objects.exists() and not Answer.objects.exists()
    assert not QuestionnaireRecipient.objects.exclude(responded_at=None).exists()


@pytest.mark.parametrize("rating", [0, 6, -1, 10])
def test_rating_out_of_range_is_refused(training, trainees, rating):
    questionnaire = make_questionnaire(training)
    question = question_of(questionnaire, QuestionKind.RATING)
    answers = [
        AnswerInput(question=a.question, rating=rating) if a.question == question.pk else a
        for a in full_answers(questionnaire)
    ]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert list(error.value.message_dict) == [f"question_{question.pk}"]
    assert "1 to 5" in error.value.message_dict[f"question_{question.pk}"][0]
    assert not Response.objects.exists()


def test_missing_required_answer_is_refused(training, trainees):
    questionnaire = make_questionnaire(training)
    question = question_of(questionnaire, QuestionKind.SINGLE)
    answers = [a for a in full_answers(questionnaire) if a.question != question.pk]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert error.value.message_dict == {
        f"question_{question.pk}": ["“The time was enough” needs an answer."]
    }
    assert not Response.objects.exists()


def test_optional_questions_may_be_left_out(training, trainees):
    questionnaire = make_questionnaire(training)
    optional = set(questionnaire.questions.filter(required=False).values_list("pk", flat=True))
    answers = [a for a in full_answers(questionnaire) if a.question not in optional]
    response = response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert response.answers.count() == 3


def test_an_empty_required_text_is_refused(training, trainees):
    questionnaire = make_questionnaire(training)
    text = question_of(questionnaire, QuestionKind.TEXT)
    Question.objects.filter(pk=text.pk).update(required=True)
    answers = [
        AnswerInput(question=a.question, text="   ") if a.question == text.pk else a
        for a in full_answers(questionnaire)
    ]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert f"question_{text.pk}" in error.value.message_dict


@pytest.mark.parametrize("case", ["two_for_single", "option_of_another", "empty_multiple"])
def test_bad_choices_are_refused(training, trainees, case):
    questionnaire = make_questionnaire(training)
    single = question_of(questionnaire, QuestionKind.SINGLE)
    multiple = question_of(questionnaire, QuestionKind.MULTIPLE)
    Question.objects.filter(pk=multiple.pk).update(required=True)
    single_options = list(single.choices.values_list("pk", flat=True))
    multiple_options = list(multiple.choices.values_list("pk", flat=True))
    target, wrong = {
        "two_for_single": (single, single_options[:2]),
        "option_of_another": (multiple, [multiple_options[0], single_options[0]]),
        "empty_multiple": (multiple, []),
    }[case]
    answers = [
        AnswerInput(question=a.question, choices=wrong) if a.question == target.pk else a
        for a in full_answers(questionnaire)
    ]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert list(error.value.message_dict) == [f"question_{target.pk}"]
    assert not Response.objects.exists()


def test_a_question_answered_twice_is_refused(training, trainees):
    questionnaire = make_questionnaire(training)
    answers = full_answers(questionnaire)
    with pytest.raises(ValidationError) as error:
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=[*answers, answers[0]]
        )
    assert "answers" in error.value.message_dict


def test_an_answer_of_the_wrong_kind_is_refused(training, trainees):
    questionnaire = make_questionnaire(training)
    rating = question_of(questionnaire, QuestionKind.RATING)
    answers = [
        AnswerInput(question=a.question, text="Five stars") if a.question == rating.pk else a
        for a in full_answers(questionnaire)
    ]
    with pytest.raises(ValidationError) as error:
        response_submit(questionnaire=questionnaire, employee=trainees[0], answers=answers)
    assert f"question_{rating.pk}" in error.value.message_dict


def test_someone_not_a_recipient_is_refused(training, trainees):
    questionnaire = make_questionnaire(training, issue=False)
    questionnaire_issue(actor=None, questionnaire=questionnaire, employees=trainees[:1])
    (outsider,) = make_trainees(1)
    for employee in (outsider, trainees[1]):
        with pytest.raises(NotFound):
            response_submit(
                questionnaire=questionnaire, employee=employee, answers=full_answers(questionnaire)
            )
    assert not Response.objects.exists()


def test_an_unissued_questionnaire_cannot_be_answered(training, trainees):
    questionnaire = make_questionnaire(training, issue=False)
    with pytest.raises(NotFound):
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
        )


def test_a_closed_questionnaire_cannot_be_answered(training, trainees):
    questionnaire = make_questionnaire(training)
    Questionnaire.objects.filter(pk=questionnaire.pk).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(Conflict, match="closed"):
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
        )
    assert not Response.objects.exists()


def test_anonymous_response_records_nobody(training, trainees):
    questionnaire = make_small_questionnaire(training, anonymous=True)
    response = response_submit(
        questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
    )
    response.refresh_from_db()
    assert response.respondent is None
    recipient = QuestionnaireRecipient.objects.get(
        questionnaire=questionnaire, employee=trainees[0]
    )
    assert recipient.responded_at is not None
    # Answering twice is still refused, by the recipient row.
    with pytest.raises(Conflict):
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
        )
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
    # Nothing in the audit log links the person to the answer.
    assert not AuditEntry.objects.filter(action__startswith="response").exists()
