"""Demo question bank and papers: about two hundred safety-production questions for the
harbour construction company (``exams.demo_bank``), and the two theory papers of the seed
training's exam — a fixed one and a random draw — each worth 100 points.

Idempotent like the other ``seed_<part>`` steps: categories are found by path, questions by
category and fingerprint (type, stem and options, the duplicate key of the bank), papers by
title; only what is missing is created, through the services the pages use, with the demo
safety officer as the author.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from core.roles import Role
from courses.demo import TRAINING_TITLE
from exams import demo_bank
from exams.content import (
    TRUE_FALSE_TEXTS,
    OptionInput,
    QuestionInput,
    clean_input,
    fingerprint,
    question_input_errors,
)
from exams.models import Paper, Question, QuestionCategory, QuestionType
from exams.selectors.papers import RuleSpec
from exams.services.categories import categories_ensure_paths
from exams.services.papers import ItemSpec, paper_create
from exams.services.questions import questions_bulk_create
from people.demo import STAFF, SeedContext
from people.models import Employee

FIXED_PAPER_TITLE = "Safety production knowledge – theory exam (fixed)"
RANDOM_PAPER_TITLE = "Safety production knowledge – theory exam (random draw)"

# The fixed paper: how many questions of each type, worth how much each (100 points).
FIXED_LAYOUT = [
    (QuestionType.SINGLE, 20, Decimal(2)),
    (QuestionType.MULTIPLE, 10, Decimal(3)),
    (QuestionType.TRUE_FALSE, 10, Decimal(1)),
    (QuestionType.FILL_BLANK, 5, Decimal(2)),
    (QuestionType.SHORT_ANSWER, 2, Decimal(5)),
]


@dataclass(frozen=True)
class DemoRule:
    path: str
    question_type: str
    count: int
    points: Decimal


# The random paper: drawn per candidate from six categories, with their sub-categories
# (25 x 2 + 10 x 3 + 10 x 1 + 5 x 2 = 100 points).
RANDOM_RULES = [
    DemoRule(demo_bank.LAWS, QuestionType.SINGLE, 5, Decimal(2)),
    DemoRule(demo_bank.FIRE, QuestionType.SINGLE, 5, Decimal(2)),
    DemoRule(demo_bank.ELECTRICAL, QuestionType.SINGLE, 4, Decimal(2)),
    DemoRule(demo_bank.HEIGHT, QuestionType.SINGLE, 4, Decimal(2)),
    DemoRule(demo_bank.FIRST_AID, QuestionType.SINGLE, 3, Decimal(2)),
    DemoRule(demo_bank.MARITIME, QuestionType.SINGLE, 4, Decimal(2)),
    DemoRule(demo_bank.LAWS, QuestionType.MULTIPLE, 2, Decimal(3)),
    DemoRule(demo_bank.FIRE, QuestionType.MULTIPLE, 3, Decimal(3)),
    DemoRule(demo_bank.ELECTRICAL, QuestionType.MULTIPLE, 2, Decimal(3)),
    DemoRule(demo_bank.MARITIME, QuestionType.MULTIPLE, 3, Decimal(3)),
    DemoRule(demo_bank.LAWS, QuestionType.TRUE_FALSE, 4, Decimal(1)),
    DemoRule(demo_bank.HEIGHT, QuestionType.TRUE_FALSE, 3, Decimal(1)),
    DemoRule(demo_bank.MARITIME, QuestionType.TRUE_FALSE, 3, Decimal(1)),
    DemoRule(demo_bank.FIRST_AID, QuestionType.FILL_BLANK, 2, Decimal(2)),
    DemoRule(demo_bank.FIRE, QuestionType.FILL_BLANK, 3, Decimal(2)),
]

PAPER_DESCRIPTION = (
    "Theory exam of the “{training}”: laws and regulations, fire, electrical and gas safety, "
    "work at height, hazardous chemicals, confined spaces, first aid and maritime safety. "
    "{how}"
)


def question_input(path: str, row: tuple) -> QuestionInput:
    """One row of ``demo_bank.BANK`` as the input the services take."""
    kind, difficulty, stem, key, explanation, tags = row
    data = QuestionInput(
        type=kind,
        stem=stem,
        explanation=explanation,
        difficulty=difficulty,
        tags=[tag.strip() for tag in tags.split(",")],
        category_path=path,
    )
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        data.options = [OptionInput(text.removeprefix("*"), text.startswith("*")) for text in key]
    elif kind == QuestionType.TRUE_FALSE:
        data.options = [
            OptionInput(TRUE_FALSE_TEXTS[0], key is True),
            OptionInput(TRUE_FALSE_TEXTS[1], key is False),
        ]
    elif kind == QuestionType.FILL_BLANK:
        data.blanks = [blank.split("|") for blank in key]
    else:
        data.reference_answer = key
    return data


def demo_question_inputs() -> list[QuestionInput]:
    """Every demo question, in bank order, each with its ``category_path``."""
    return [question_input(path, row) for path, rows in demo_bank.BANK.items() for row in rows]


def _safety_officer():
    """The demo safety officer's user (the author of the bank), or None when missing."""
    officer = next(person for person in STAFF if person.role == Role.SAFETY_OFFICER)
    employee = (
        Employee.objects.select_related("user").filter(employee_no=officer.employee_no).first()
    )
    return employee.user if employee is not None else None


def _seed_questions(
    actor, inputs: list[QuestionInput], categories: dict[str, QuestionCategory]
) -> None:
    """Create the questions not yet in their category (any state: a question the officer
    retired is not brought back)."""
    existing = set(
        Question.objects.filter(category__in=categories.values()).values_list(
            "category_id", "fingerprint"
        )
    )
    missing = []
    for data in inputs:
        errors = question_input_errors(data)
        if errors:
            raise CommandError(f"Demo question “{data.stem[:60]}” is invalid: {errors}")
        category = categories[data.category_path]
        key = (category.pk, fingerprint(clean_input(data)))
        if key not in existing:
            existing.add(key)
            missing.append((category, data))
    if missing:
        questions_bulk_create(actor=actor, items=missing, audit_action="question.created")


def _bank_questions(
    inputs: list[QuestionInput], categories: dict[str, QuestionCategory]
) -> dict[str, dict[str, list[Question]]]:
    """The demo questions that may go on a paper (active, not retired), by type and category
    path, in bank order."""
    by_key = {
        (q.category_id, q.fingerprint): q
        for q in Question.objects.filter(
            category__in=categories.values(), is_active=True, retired_at__isnull=True
        )
    }
    result: dict[str, dict[str, list[Question]]] = defaultdict(lambda: defaultdict(list))
    for data in inputs:
        category = categories[data.category_path]
        question = by_key.get((category.pk, fingerprint(clean_input(data))))
        if question is not None:
            result[data.type][data.category_path].append(question)
    return result


def _first_option_right(question: Question) -> bool:
    return question.current_version.options.all()[0].correct


def _next_of(queue: list[Question], kind: str, chosen: list[Question]) -> Question:
    """The next question of a category's queue; for true/false the next whose key is "true"
    and "false" in turn, so that answering the same everywhere earns only half."""
    if kind == QuestionType.TRUE_FALSE:
        wanted = len(chosen) % 2 == 0
        for index, question in enumerate(queue):
            if _first_option_right(question) == wanted:
                return queue.pop(index)
    return queue.pop(0)


def fixed_paper_items(bank: dict[str, dict[str, list[Question]]]) -> list[ItemSpec] | None:
    """The fixed paper's questions: for each type of ``FIXED_LAYOUT``, taken in turn from
    each category so that every topic is asked, the true/false keys half true and half
    false. None when the bank has too few."""
    items = []
    for kind, count, points in FIXED_LAYOUT:
        queues = [list(questions) for questions in bank[kind].values()]
        chosen: list[Question] = []
        while len(chosen) < count and any(queues):
            for queue in queues:
                if queue and len(chosen) < count:
                    chosen.append(_next_of(queue, kind, chosen))
        if len(chosen) < count:
            return None
        items.extend(ItemSpec(question=question, points=points) for question in chosen)
    return items


def _seed_papers(
    ctx: SeedContext,
    actor,
    inputs: list[QuestionInput],
    categories: dict[str, QuestionCategory],
) -> None:
    titles = set(
        Paper.objects.filter(title__in=[FIXED_PAPER_TITLE, RANDOM_PAPER_TITLE]).values_list(
            "title", flat=True
        )
    )
    if FIXED_PAPER_TITLE not in titles:
        items = fixed_paper_items(_bank_questions(inputs, categories))
        if items is None:
            ctx.notes.append(f"Too few demo questions are active for “{FIXED_PAPER_TITLE}”.")
        else:
            _create_paper(
                ctx,
                actor=actor,
                title=FIXED_PAPER_TITLE,
                description=PAPER_DESCRIPTION.format(
                    training=TRAINING_TITLE,
                    how="Every candidate answers the same 47 questions.",
                ),
                items=items,
            )
    if RANDOM_PAPER_TITLE not in titles:
        _create_paper(
            ctx,
            actor=actor,
            title=RANDOM_PAPER_TITLE,
            description=PAPER_DESCRIPTION.format(
                training=TRAINING_TITLE,
                how="Each candidate draws 50 questions of his own from the bank.",
            ),
            rules=[
                RuleSpec(
                    category=categories[rule.path],
                    count=rule.count,
                    points=rule.points,
                    include_subcategories=True,
                    question_type=rule.question_type,
                )
                for rule in RANDOM_RULES
            ],
        )


def _create_paper(ctx: SeedContext, **arguments) -> None:
    # paper_create runs in its own savepoint: a refusal (the officer switched off too many
    # demo questions) leaves the rest of the seed intact.
    try:
        paper_create(**arguments)
    except ValidationError as error:
        ctx.notes.append(f"Demo paper “{arguments['title']}” not created: {error}")


def seed_exams(ctx: SeedContext) -> None:
    """The demo question bank (category tree and questions) and the fixed and random papers
    of the seed training's theory exam."""
    actor = _safety_officer()
    inputs = demo_question_inputs()
    paths = [data.category_path for data in inputs] + [rule.path for rule in RANDOM_RULES]
    categories = categories_ensure_paths(actor=actor, paths=list(dict.fromkeys(paths)))
    _seed_questions(actor, inputs, categories)
    _seed_papers(ctx, actor, inputs, categories)
