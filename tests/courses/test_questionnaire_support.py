"""Helpers the questionnaire tests share: a training with trainees, a questionnaire copied
from the default template, answers that fill every question. No tests here."""

import datetime

from core.roles import Role
from courses.models import Course, Enrollment, QuestionKind, Questionnaire, Training
from courses.selectors.questionnaires import questionnaire_default_template
from courses.services.questionnaires import (
    AnswerInput,
    QuestionDraft,
    questionnaire_create,
    questionnaire_issue,
)
from tests.factories import EmployeeFactory


def make_training(*, trainees=(), title="Safety production knowledge training") -> Training:
    course = Course.objects.create(title="Safety production knowledge", hours=20)
    training = Training.objects.create(
        course=course,
        title=title,
        starts_on=datetime.date(2026, 1, 16),
        ends_on=datetime.date(2026, 1, 18),
    )
    Enrollment.objects.bulk_create(Enrollment(training=training, employee=e) for e in trainees)
    return training


def make_trainees(count: int, **kwargs) -> list:
    return [EmployeeFactory(roles=[Role.TRAINEE], **kwargs) for _ in range(count)]


def make_questionnaire(
    training: Training, *, anonymous: bool = False, issue: bool = True, actor=None
) -> Questionnaire:
    """A copy of the default template for ``training``, issued to its trainees."""
    questionnaire = questionnaire_create(
        actor=actor,
        training=training,
        template=questionnaire_default_template(),
        anonymous=anonymous,
    )
    if issue:
        questionnaire_issue(actor=actor, questionnaire=questionnaire)
    return questionnaire


def make_small_questionnaire(training: Training, *, anonymous: bool = False) -> Questionnaire:
    """One required rating and one optional text question, issued."""
    questionnaire = questionnaire_create(
        actor=None,
        training=training,
        title="Quick feedback",
        anonymous=anonymous,
        questions=[
            QuestionDraft(kind=QuestionKind.RATING, text="Useful?"),
            QuestionDraft(kind=QuestionKind.TEXT, text="Remarks", required=False),
        ],
    )
    questionnaire_issue(actor=None, questionnaire=questionnaire)
    return questionnaire


def full_answers(
    questionnaire: Questionnaire, *, rating: int = 4, text: str = "More practice, please."
) -> list[AnswerInput]:
    """An answer to every question: ``rating`` for ratings, the first option (and for
    multiple choice the first two), ``text`` for free text."""
    answers = []
    for question in questionnaire.questions.prefetch_related("choices").order_by("position"):
        options = [choice.pk for choice in question.choices.all()]
        if question.kind == QuestionKind.RATING:
            answers.append(AnswerInput(question=question.pk, rating=rating))
        elif question.kind == QuestionKind.SINGLE:
            answers.append(AnswerInput(question=question.pk, choices=options[:1]))
        elif question.kind == QuestionKind.MULTIPLE:
            answers.append(AnswerInput(question=question.pk, choices=options[:2]))
        else:
            answers.append(AnswerInput(question=question.pk, text=text))
    return answers


def answers_as_json(answers: list[AnswerInput]) -> list[dict]:
    body = []
    for answer in answers:
        item = {"question": answer.question}
        if answer.rating is not None:
            item["rating"] = answer.rating
        if answer.choices:
            item["choices"] = list(answer.choices)
        if answer.text:
            item["text"] = answer.text
        body.append(item)
    return body


def question_of(questionnaire: Questionnaire, kind: str):
    return questionnaire.questions.filter(kind=kind).order_by("position").first()
