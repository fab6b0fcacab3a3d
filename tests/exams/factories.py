"""Question-bank test data, written through the services so every invariant holds."""

import itertools

from exams.content import OptionInput, QuestionInput
from exams.models import Question, QuestionCategory
from exams.services.categories import categories_ensure_paths
from exams.services.questions import question_create

_numbers = itertools.count(1)


def category(path: str = "Fire safety") -> QuestionCategory:
    return categories_ensure_paths(actor=None, paths=[path])[path]


def single_input(
    stem: str | None = None, *, correct: int = 0, options: int = 4, **extra
) -> QuestionInput:
    stem = stem or f"Single-choice question {next(_numbers)}?"
    return QuestionInput(
        type="single",
        stem=stem,
        options=[
            OptionInput(f"Option {letter}", index == correct)
            for index, letter in enumerate("ABCDEFGH"[:options])
        ],
        explanation="Because the regulation says so.",
        **extra,
    )


def make_question(
    path: str = "Fire safety",
    *,
    data: QuestionInput | None = None,
    actor=None,
    is_active: bool = True,
    **extra,
) -> Question:
    """A question in the category at ``path`` (created when missing); a single-choice one
    unless ``data`` says otherwise."""
    return question_create(
        actor=actor,
        category=category(path),
        data=data or single_input(**extra),
        is_active=is_active,
    )


def make_questions(count: int, path: str = "Fire safety", **extra) -> list[Question]:
    return [make_question(path, **extra) for _ in range(count)]


def every_type_inputs() -> list[QuestionInput]:
    """One valid question of each of the five types."""
    return [
        QuestionInput(
            type="single",
            stem="Which number reports a fire in China?",
            options=[OptionInput("110"), OptionInput("119", True), OptionInput("120")],
            explanation="119 is the fire emergency number.",
            difficulty=1,
            tags=["fire", "emergency"],
        ),
        QuestionInput(
            type="multiple",
            stem="Which extinguishers suit an electrical fire?",
            options=[
                OptionInput("Carbon dioxide", True),
                OptionInput("Dry powder", True),
                OptionInput("Water"),
                OptionInput("Foam"),
            ],
            explanation="Water and foam conduct electricity.",
            difficulty=3,
        ),
        QuestionInput(
            type="true_false",
            stem="A safety belt must be hooked above the worker (high hook, low use).",
            options=[OptionInput("True", True), OptionInput("False")],
            explanation="High hanging and low use limits the fall.",
            difficulty=2,
        ),
        QuestionInput(
            type="fill_blank",
            stem="Work at a height of ___ metres or more is work at height.",
            blanks=[["2", "two"]],
            explanation="GB/T 3608.",
            difficulty=2,
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the steps before entering a confined space.",
            reference_answer="Permit, isolate, ventilate, test the air, attendant outside.",
            difficulty=4,
        ),
    ]


def make_paper(*, questions=None, points=None, title: str = "Theory exam"):
    """A fixed paper of the given questions (default: one of each type, 2 points each)."""
    from decimal import Decimal

    from exams.services.papers import ItemSpec, paper_create

    if questions is None:
        mixed = category(f"Mixed {next(_numbers)}")
        questions = [
            question_create(actor=None, category=mixed, data=data) for data in every_type_inputs()
        ]
    return paper_create(
        actor=None,
        title=title,
        items=[ItemSpec(q, Decimal(points or 2)) for q in questions],
    )


def make_exam(*, paper=None, candidates=(), training=None, now=None, **fields):
    """An exam open from an hour ago for two hours, 30 minutes per attempt, sat by
    ``candidates`` (employees) and the trainees of ``training``."""
    import datetime

    from django.utils import timezone

    from exams.services.exams import ExamSpec, exam_create

    now = now or timezone.now()
    spec = ExamSpec(
        title=fields.pop("title", "Safety theory exam"),
        opens_at=fields.pop("opens_at", now - datetime.timedelta(hours=1)),
        closes_at=fields.pop("closes_at", now + datetime.timedelta(hours=2)),
        duration_minutes=fields.pop("duration_minutes", 30),
        paper=paper if paper is not None else make_paper(),
        training=training,
        people=list(candidates),
        **fields,
    )
    return exam_create(actor=None, spec=spec)


def save_by_bank_ids(*, attempt_id: int, question_id: int, selected=None, **answer):
    """``answer_save`` for tests that think in the bank's ids: the question by its bank id
    and the options by theirs, sent as the identifiers the attempt shows (an option of
    another question becomes an identifier the attempt does not have)."""
    from exams.models import AttemptQuestion
    from exams.services.attempts import answer_save

    aq = AttemptQuestion.objects.get(attempt_id=attempt_id, question_id_shown=question_id)
    if selected is not None and isinstance(selected, list):
        key_of = aq.option_key_of()
        selected = [key_of.get(o, f"not-shown-{o}") for o in selected]
    return answer_save(attempt_id=attempt_id, question=aq.key, selected=selected, **answer)


def answer_everything_right(attempt, user):
    """Save the key as the answer to every question of the attempt (short answers get text)."""
    for aq in attempt.questions.select_related("version").prefetch_related("version__options"):
        version = aq.version
        if version.type in ("single", "multiple", "true_false"):
            save_by_bank_ids(
                user=user,
                attempt_id=attempt.pk,
                question_id=aq.question_id_shown,
                selected=[o.pk for o in version.options.all() if o.correct],
            )
        elif version.type == "fill_blank":
            save_by_bank_ids(
                user=user,
                attempt_id=attempt.pk,
                question_id=aq.question_id_shown,
                blanks=[blank[0] for blank in version.blanks],
            )
        else:
            save_by_bank_ids(
                user=user, attempt_id=attempt.pk, question_id=aq.question_id_shown, text="My answer"
            )
