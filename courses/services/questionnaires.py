"""Writes for training-effectiveness questionnaires: drafting, issuing and answering.

A questionnaire is drafted (from scratch or copied from a template), edited while nobody has
received it, then issued to trainees of its training. Once issued its questions are fixed.
Each recipient answers once: the recipient row is locked while the answer is written and, for
a questionnaire that is not anonymous, a unique constraint backs the rule up.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, NotFound
from courses.models import (
    Answer,
    Question,
    QuestionChoice,
    QuestionKind,
    Questionnaire,
    QuestionnaireRecipient,
    Response,
    Training,
)
from people.models import Employee

TITLE_MAX = 200
QUESTION_MAX = 500
CHOICE_MAX = 300
TEXT_ANSWER_MAX = 5000
CHOICE_KINDS = (QuestionKind.SINGLE, QuestionKind.MULTIPLE)


@dataclass(frozen=True)
class QuestionDraft:
    """A question as someone typed it: ``choices`` only for single and multiple choice."""

    kind: str
    text: str
    required: bool = True
    choices: Sequence[str] = ()


@dataclass(frozen=True)
class AnswerInput:
    """One answer as submitted: the field that fits the question's kind is filled."""

    question: int
    rating: int | None = None
    choices: Sequence[int] = field(default_factory=tuple)
    text: str = ""


# Drafting ------------------------------------------------------------------------------------


def _ensure_not_issued(questionnaire: Questionnaire) -> None:
    if questionnaire.issued_at is not None:
        raise Conflict(
            _("The questionnaire was already issued; its questions can no longer change.")
        )


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """The questionnaire's row, locked, so an edit and an issue never interleave."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("A title is required.")]})
    if len(title) > TITLE_MAX:
        raise ValidationError({"title": [_("A title has at most 200 characters.")]})
    return title


def _clean_draft(draft: QuestionDraft, field_name: str = "questions") -> QuestionDraft:
    """The draft with its text and choices trimmed; refuses what could not be answered."""
    if draft.kind not in QuestionKind.values:
        raise ValidationError({"kind": [_("Unknown kind of question: %s.") % draft.kind]})
    text = (draft.text or "").strip()
    if not text:
        raise ValidationError({"text": [_("The question needs a text.")]})
    if len(text) > QUESTION_MAX:
        raise ValidationError({"text": [_("A question has at most 500 characters.")]})
    choices = [(choice or "").strip() for choice in draft.choices]
    choices = [choice for choice in choices if choice]
    if draft.kind in CHOICE_KINDS:
        if len(choices) < 2:
            raise ValidationError({"choices": [_("A choice question needs at least two options.")]})
        if any(len(choice) > CHOICE_MAX for choice in choices):
            raise ValidationError({"choices": [_("An option has at most 300 characters.")]})
        if len({choice.casefold() for choice in choices}) != len(choices):
            raise ValidationError({"choices": [_("The options must differ from each other.")]})
    elif choices:
        raise ValidationError(
            {"choices": [_("Only single and multiple choice questions have options.")]}
        )
    return QuestionDraft(kind=draft.kind, text=text, required=bool(draft.required), choices=choices)


def _question_create(questionnaire: Questionnaire, draft: QuestionDraft, position: int) -> Question:
    question = Question.objects.create(
        questionnaire=questionnaire,
        position=position,
        kind=draft.kind,
        text=draft.text,
        required=draft.required,
    )
    QuestionChoice.objects.bulk_create(
        QuestionChoice(question=question, position=index, text=text)
        for index, text in enumerate(draft.choices, start=1)
    )
    return question


def _next_position(questionnaire: Questionnaire) -> int:
    last = questionnaire.questions.order_by("-position").values_list("position", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def questionnaire_create(
    *,
    actor,
    training: Training | None,
    title: str = "",
    introduction: str | None = None,
    anonymous: bool = False,
    template: Questionnaire | None = None,
    questions: Iterable[QuestionDraft] = (),
) -> Questionnaire:
    """Draft a questionnaire for ``training`` (a template when ``training`` is None).

    With ``template`` its introduction, questions and options are copied, and its title used
    when ``title`` is empty; ``questions`` are added after the copied ones. Refuses a
    ``template`` that is not a template, and any question that could not be answered (no
    text, a choice question with fewer than two options).
    """
    if template is not None and not template.is_template:
        raise ValidationError({"template": [_("This questionnaire is not a template.")]})
    drafts = [_clean_draft(draft) for draft in questions]
    if template is not None:
        copied = [
            QuestionDraft(
                kind=question.kind,
                text=question.text,
                required=question.required,
                choices=[choice.text for choice in question.choices.all()],
            )
            for question in template.questions.prefetch_related("choices").order_by(
                "position", "id"
            )
        ]
        drafts = copied + drafts
    if not (title or "").strip() and template is not None:
        title = template.title
    if introduction is None:
        introduction = template.introduction if template is not None else ""
    questionnaire = Questionnaire.objects.create(
        training=training,
        title=_clean_title(title),
        introduction=introduction.strip(),
        anonymous=bool(anonymous),
        is_template=training is None,
    )
    for position, draft in enumerate(drafts, start=1):
        _question_create(questionnaire, draft, position)
    audit_record(
        actor=actor,
        action="questionnaire.created",
        target=questionnaire,
        after={
            "training": training.pk if training is not None else None,
            "title": questionnaire.title,
            "anonymous": questionnaire.anonymous,
            "template": template.pk if template is not None else None,
            "questions": len(drafts),
        },
    )
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *,
    actor,
    questionnaire: Questionnaire,
    title: str | None = None,
    introduction: str | None = None,
    anonymous: bool | None = None,
) -> Questionnaire:
    """Change the title, introduction or anonymity of a questionnaire not yet issued.

    After issue it refuses (Conflict): people answered what they were shown, under the
    anonymity they were promised.
    """
    locked = _lock(questionnaire)
    _ensure_not_issued(locked)
    fields = []
    if title is not None:
        locked.title = _clean_title(title)
        fields.append("title")
    if introduction is not None:
        locked.introduction = introduction.strip()
        fields.append("introduction")
    if anonymous is not None:
        locked.anonymous = bool(anonymous)
        fields.append("anonymous")
    if fields:
        locked.save(update_fields=fields)
    return locked


@transaction.atomic
def questionnaire_delete(*, actor, questionnaire: Questionnaire) -> None:
    """Delete a questionnaire with its questions. Refuses (Conflict) once anyone answered,
    so returned feedback is never lost."""
    locked = _lock(questionnaire)
    if locked.responses.exists():
        raise Conflict(_("People have answered this questionnaire; it cannot be deleted."))
    audit_record(
        actor=actor,
        action="questionnaire.deleted",
        target=locked,
        before={
            "training": locked.training_id,
            "title": locked.title,
            "issued_at": locked.issued_at,
            "recipients": locked.recipients.count(),
        },
    )
    locked.delete()


@transaction.atomic
def question_add(
    *,
    actor,
    questionnaire: Questionnaire,
    kind: str,
    text: str,
    required: bool = True,
    choices: Sequence[str] = (),
) -> Question:
    """Add a question at the end. Refuses once the questionnaire is issued (Conflict)."""
    locked = _lock(questionnaire)
    _ensure_not_issued(locked)
    draft = _clean_draft(QuestionDraft(kind=kind, text=text, required=required, choices=choices))
    return _question_create(locked, draft, _next_position(locked))


@transaction.atomic
def question_update(
    *,
    actor,
    question: Question,
    kind: str | None = None,
    text: str | None = None,
    required: bool | None = None,
    choices: Sequence[str] | None = None,
) -> Question:
    """Change a question; arguments left as None stay as they are. ``choices`` replaces the
    options. Refuses once the questionnaire is issued (Conflict)."""
    _ensure_not_issued(_lock(question.questionnaire))
    question = Question.objects.get(pk=question.pk)
    current = [choice.text for choice in question.choices.all()]
    new_kind = kind if kind is not None else question.kind
    if choices is None:
        # Options stay with a choice question and go when it becomes another kind.
        choices = current if new_kind in CHOICE_KINDS else []
    draft = _clean_draft(
        QuestionDraft(
            kind=new_kind,
            text=text if text is not None else question.text,
            required=required if required is not None else question.required,
            choices=choices,
        )
    )
    question.kind, question.text, question.required = draft.kind, draft.text, draft.required
    question.save(update_fields=["kind", "text", "required"])
    if list(draft.choices) != current:
        question.choices.all().delete()
        QuestionChoice.objects.bulk_create(
            QuestionChoice(question=question, position=index, text=choice)
            for index, choice in enumerate(draft.choices, start=1)
        )
    return question


@transaction.atomic
def question_delete(*, actor, question: Question) -> None:
    """Remove a question. Refuses once the questionnaire is issued (Conflict)."""
    questionnaire = _lock(question.questionnaire)
    _ensure_not_issued(questionnaire)
    question.delete()
    _renumber(questionnaire, list(questionnaire.questions.order_by("position", "id")))


def _renumber(questionnaire: Questionnaire, questions: list[Question]) -> None:
    for position, item in enumerate(questions, start=1):
        item.position = position
    Question.objects.bulk_update(questions, ["position"])


@transaction.atomic
def question_move(*, actor, question: Question, offset: int) -> None:
    """Move a question up (-1) or down (+1). Refuses once the questionnaire is issued."""
    questionnaire = _lock(question.questionnaire)
    _ensure_not_issued(questionnaire)
    questions = list(questionnaire.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(questions) if q.pk == question.pk)
    target = max(0, min(len(questions) - 1, index + offset))
    questions.insert(target, questions.pop(index))
    _renumber(questionnaire, questions)


@transaction.atomic
def questions_reorder(*, actor, questionnaire: Questionnaire, order: Sequence[int]) -> None:
    """Put the questions in ``order`` (their ids, every one exactly once). Refuses once the
    questionnaire is issued (Conflict)."""
    questionnaire = _lock(questionnaire)
    _ensure_not_issued(questionnaire)
    questions = {q.pk: q for q in questionnaire.questions.all()}
    order = list(order)
    if sorted(order) != sorted(questions):
        raise ValidationError(
            {"order": [_("List every question of this questionnaire exactly once.")]}
        )
    _renumber(questionnaire, [questions[pk] for pk in order])


# Issuing -------------------------------------------------------------------------------------


@transaction.atomic
def questionnaire_issue(
    *,
    actor,
    questionnaire: Questionnaire,
    employees: Iterable[Employee] | None = None,
    closes_at: datetime.datetime | None = None,
) -> int:
    """Hand the questionnaire to trainees of its training; returns how many were added.

    By default every enrolled trainee; ``employees`` picks some of them. Issuing again adds
    only people who have not received it yet (a unique constraint keeps anyone from getting it
    twice), so it reaches trainees enrolled since. ``closes_at`` sets when answering stops.
    Refuses templates, a questionnaire without questions, people not enrolled in the
    training, a closing time in the past, and a first issue that would reach nobody.
    """
    questionnaire = _lock(questionnaire)
    if questionnaire.is_template or questionnaire.training_id is None:
        raise ValidationError(_("A template cannot be issued; copy it first."))
    if not questionnaire.questions.exists():
        raise ValidationError(_("Add at least one question before issuing."))
    now = timezone.now()
    if closes_at is not None and closes_at <= now:
        raise ValidationError({"closes_at": [_("The closing time must be in the future.")]})
    still_closed = (
        closes_at is None and questionnaire.closes_at is not None and questionnaire.closes_at <= now
    )
    enrolled = set(questionnaire.training.enrollments.values_list("employee_id", flat=True))
    if employees is None:
        wanted = enrolled
    else:
        chosen = list(employees)
        outside = [e for e in chosen if e.pk not in enrolled]
        if outside:
            raise ValidationError(
                {
                    "employees": [
                        _("Not enrolled in this training: %s.") % ", ".join(e.name for e in outside)
                    ]
                }
            )
        wanted = {e.pk for e in chosen}
    already = set(questionnaire.recipients.values_list("employee_id", flat=True))
    new = sorted(wanted - already)
    if not new and not already:
        raise ValidationError(
            {"employees": [_("Nobody to issue it to: the training has no trainees yet.")]}
        )
    if new and still_closed:
        raise Conflict(_("The questionnaire is closed; set a new closing time to issue it."))
    QuestionnaireRecipient.objects.bulk_create(
        [QuestionnaireRecipient(questionnaire=questionnaire, employee_id=pk) for pk in new],
        batch_size=500,
        ignore_conflicts=True,
    )
    fields = []
    if questionnaire.issued_at is None:
        questionnaire.issued_at = now
        fields.append("issued_at")
    if closes_at is not None:
        questionnaire.closes_at = closes_at
        fields.append("closes_at")
    if not new and not fields:
        return 0
    if fields:
        questionnaire.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="questionnaire.issued",
        target=questionnaire,
        after={
            "added": len(new),
            "recipients": len(already) + len(new),
            "closes_at": questionnaire.closes_at,
        },
    )
    return len(new)


@transaction.atomic
def questionnaire_close(*, actor, questionnaire: Questionnaire) -> Questionnaire:
    """Stop answering now. Refuses a questionnaire not issued or already closed (Conflict)."""
    questionnaire = _lock(questionnaire)
    now = timezone.now()
    if questionnaire.issued_at is None:
        raise Conflict(_("The questionnaire has not been issued."))
    if questionnaire.closes_at is not None and questionnaire.closes_at <= now:
        raise Conflict(_("The questionnaire is already closed."))
    before = questionnaire.closes_at
    questionnaire.closes_at = now
    questionnaire.save(update_fields=["closes_at"])
    audit_record(
        actor=actor,
        action="questionnaire.closed",
        target=questionnaire,
        before={"closes_at": before},
        after={"closes_at": now},
    )
    return questionnaire


# Answering -----------------------------------------------------------------------------------


def _answer_errors(
    questionnaire: Questionnaire, answers: list[AnswerInput]
) -> tuple[dict[str, list[str]], list[tuple[Question, AnswerInput]]]:
    """Every problem with ``answers``, keyed ``question_<id>`` for a question of this
    questionnaire and ``answers`` for the rest; and the answers worth storing."""
    questions = {q.pk: q for q in questionnaire.questions.prefetch_related("choices")}
    errors: dict[str, list[str]] = {}
    seen: set[int] = set()
    keep: list[tuple[Question, AnswerInput]] = []

    def add(key: str, message: str) -> None:
        errors.setdefault(key, []).append(message)

    for answer in answers:
        question = questions.get(answer.question)
        if question is None:
            add(
                "answers",
                _("Question %(id)s is not part of this questionnaire.") % {"id": answer.question},
            )
            continue
        key = f"question_{question.pk}"
        if question.pk in seen:
            add("answers", _("“%(question)s” is answered twice.") % {"question": question.text})
            continue
        seen.add(question.pk)
        choice_ids = list(answer.choices or [])
        text = (answer.text or "").strip()
        label = {"question": question.text}
        if question.kind == QuestionKind.RATING:
            if choice_ids or text:
                add(key, _("“%(question)s” takes a rating from 1 to 5 only.") % label)
            elif answer.rating is not None:
                rating = answer.rating
                if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
                    add(key, _("“%(question)s”: the rating must be from 1 to 5.") % label)
                else:
                    keep.append((question, answer))
        elif question.kind in CHOICE_KINDS:
            options = {choice.pk for choice in question.choices.all()}
            if answer.rating is not None or text:
                add(key, _("“%(question)s” takes options only.") % label)
            elif len(set(choice_ids)) != len(choice_ids):
                add(key, _("“%(question)s”: an option is chosen twice.") % label)
            elif any(pk not in options for pk in choice_ids):
                add(key, _("“%(question)s”: an option chosen is not one of its options.") % label)
            elif question.kind == QuestionKind.SINGLE and len(choice_ids) > 1:
                add(key, _("“%(question)s”: choose exactly one option.") % label)
            elif choice_ids:
                keep.append((question, answer))
        else:
            if answer.rating is not None or choice_ids:
                add(key, _("“%(question)s” takes a written answer only.") % label)
            elif len(text) > TEXT_ANSWER_MAX:
                add(key, _("“%(question)s”: write at most 5,000 characters.") % label)
            elif text:
                keep.append((question, answer))
    answered = {question.pk for question, _answer in keep}
    for question in sorted(questions.values(), key=lambda q: (q.position, q.pk)):
        key = f"question_{question.pk}"
        if question.required and question.pk not in answered and key not in errors:
            add(key, _("“%(question)s” needs an answer.") % {"question": question.text})
    return errors, keep


@transaction.atomic
def response_submit(
    *, questionnaire: Questionnaire, employee: Employee, answers: Iterable[AnswerInput]
) -> Response:
    """Store one recipient's answers, all or nothing, exactly once.

    Refuses, before writing anything: someone the questionnaire was not issued to (NotFound,
    whether it exists or not); a closed questionnaire or a second answer (Conflict, the first
    response stays as it was); and any bad answer (ValidationError naming each question: an
    answer to a question of another questionnaire, a rating outside 1 to 5, not exactly one
    option for a single choice, an option of another question, a question answered twice, a
    required question left out). The recipient row is locked while the answer is written, so
    two concurrent submissions store one response. An anonymous questionnaire's response
    records nobody; the recipient row alone says that the employee answered.
    """
    recipient = (
        QuestionnaireRecipient.objects.select_for_update()
        .select_related("questionnaire")
        .filter(questionnaire_id=questionnaire.pk, employee_id=employee.pk)
        .first()
    )
    if recipient is None:
        raise NotFound(_("Questionnaire not found."))
    questionnaire = recipient.questionnaire
    now = timezone.now()
    if recipient.responded_at is not None:
        raise Conflict(_("You have already answered this questionnaire."))
    if questionnaire.closes_at is not None and questionnaire.closes_at <= now:
        raise Conflict(_("The questionnaire is closed."))
    errors, keep = _answer_errors(questionnaire, list(answers))
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            response = Response.objects.create(
                questionnaire=questionnaire,
                respondent=None if questionnaire.anonymous else employee,
                submitted_at=None if questionnaire.anonymous else now,
            )
    except IntegrityError as error:  # the constraint, should the lock above be bypassed
        raise Conflict(_("You have already answered this questionnaire.")) from error
    stored = Answer.objects.bulk_create(
        Answer(
            response=response,
            question=question,
            rating=answer.rating if question.kind == QuestionKind.RATING else None,
            text=(answer.text or "").strip() if question.kind == QuestionKind.TEXT else "",
        )
        for question, answer in keep
    )
    links = [
        Answer.choices.through(answer_id=row.pk, questionchoice_id=choice_id)
        for row, (_question, answer) in zip(stored, keep, strict=True)
        for choice_id in answer.choices or ()
    ]
    Answer.choices.through.objects.bulk_create(links)
    recipient.responded_at = now
    recipient.save(update_fields=["responded_at"])
    return response
