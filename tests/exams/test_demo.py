import random
from collections import Counter
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper

from core.models import AuditEntry
from exams import demo_bank
from exams.content import clean_input, fingerprint, question_input_errors
from exams.demo import (
    FIXED_LAYOUT,
    FIXED_PAPER_TITLE,
    RANDOM_PAPER_TITLE,
    RANDOM_RULES,
    demo_question_inputs,
    seed_exams,
)
from exams.models import (
    Paper,
    PaperItem,
    PaperRule,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionType,
    QuestionVersion,
)
from exams.selectors.papers import paper_draw, paper_summary
from exams.services.papers import paper_delete
from people.demo import SeedContext, seed_people

INPUTS = demo_question_inputs()


def context() -> SeedContext:
    return SeedContext(stdout=OutputWrapper(StringIO()))


def counts() -> dict[str, int]:
    return {
        "categories": QuestionCategory.objects.count(),
        "questions": Question.objects.count(),
        "versions": QuestionVersion.objects.count(),
        "options": QuestionOption.objects.count(),
        "papers": Paper.objects.count(),
        "items": PaperItem.objects.count(),
        "rules": PaperRule.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


# The bank as written (no database).


def test_the_bank_holds_at_least_150_questions_of_all_five_types():
    assert len(INPUTS) >= 150
    assert {data.type for data in INPUTS} == set(QuestionType.values)
    for kind, count in Counter(data.type for data in INPUTS).items():
        assert count >= 10, kind


@pytest.mark.parametrize("data", INPUTS, ids=lambda data: data.stem[:50])
def test_every_question_is_valid_and_explained(data):
    assert question_input_errors(data) == {}
    assert data.explanation.strip()
    assert 1 <= len(data.tags) <= 5 and all(tag.strip() for tag in data.tags)
    if data.type == QuestionType.FILL_BLANK:
        # One ___ in the stem per blank, so candidates see where each answer goes.
        assert data.stem.count("___") == len(data.blanks)
    else:
        assert "___" not in data.stem
    if data.type == QuestionType.SHORT_ANSWER:
        assert data.reference_answer.strip()


def test_no_question_is_written_twice():
    prints = Counter((data.category_path, fingerprint(clean_input(data))) for data in INPUTS)
    stems = Counter(data.stem for data in INPUTS)
    assert [key for key, n in prints.items() if n > 1] == []
    assert [stem for stem, n in stems.items() if n > 1] == []


def test_difficulty_is_spread_over_one_to_five():
    spread = Counter(data.difficulty for data in INPUTS)
    assert set(spread) == {1, 2, 3, 4, 5}
    # Mostly easy to medium, some hard, a few very hard.
    assert spread[2] + spread[3] > len(INPUTS) / 2
    assert spread[1] >= len(INPUTS) / 10 and spread[4] >= len(INPUTS) / 10
    assert 0 < spread[5] < spread[4]


def test_every_topic_of_the_training_has_its_category():
    paths = {data.category_path for data in INPUTS}
    for topic in (
        "Laws and regulations",
        "Fire safety/Extinguishers",
        "Fire safety/Evacuation",
        "Electrical safety",
        "Gas safety",
        "Work at height",
        "Hazardous chemicals",
        "Confined space",
        "First aid",
        "Maritime safety",
    ):
        assert topic in paths
    for path, count in Counter(data.category_path for data in INPUTS).items():
        assert count >= 10, path


def test_the_random_paper_draws_from_categories_of_at_least_20_questions():
    for path in {rule.path for rule in RANDOM_RULES}:
        in_tree = [
            data
            for data in INPUTS
            if data.category_path == path or data.category_path.startswith(path + "/")
        ]
        assert len(in_tree) >= 20, path
    for rule in RANDOM_RULES:
        pool = [
            data
            for data in INPUTS
            if data.type == rule.question_type
            and (data.category_path == rule.path or data.category_path.startswith(rule.path + "/"))
        ]
        # Room to draw: neighbours get different questions.
        assert len(pool) > rule.count, rule


def test_the_key_facts_of_the_brief_are_asked():
    text = " ".join(
        " ".join(
            [data.stem, data.explanation, data.reference_answer]
            + [option.text for option in data.options if option.correct]
            + [answer for blank in data.blanks for answer in blank]
        )
        for data in INPUTS
    )
    for fact in (
        "119",
        "120",
        "110",
        "2 m",
        "36 V",
        "24 V",
        "12 V",
        "three-level safety education",
        "carbon dioxide",
        "19.5",
        "23.5",
        "30:2",
        "100-120",
        "5-6 cm",
        "Pull the pin",
        "principal person in charge",
        "three simultaneities",
        "hot-work permit",
        "lock-out",
        "life jacket",
        "Man overboard",
    ):
        assert fact.casefold() in text.casefold(), fact


# Seeding.


@pytest.mark.django_db
def test_seed_creates_the_bank_through_the_services():
    seed_people(context())

    seed_exams(context())

    assert Question.objects.count() == len(INPUTS)
    assert set(Question.objects.values_list("type", flat=True)) == set(QuestionType.values)
    fire = QuestionCategory.objects.get(path="Fire safety")
    assert {c.name for c in fire.children.all()} >= {"Extinguishers", "Evacuation"}
    # Written by the demo safety officer, with an audit entry per question.
    assert set(Question.objects.values_list("created_by__username", flat=True)) == {"officer"}
    officer_entries = AuditEntry.objects.filter(actor__username="officer")
    assert officer_entries.filter(action="question.created").count() == len(INPUTS)
    assert officer_entries.filter(action="paper.created").count() == 2
    for question in Question.objects.select_related("current_version"):
        assert question.current_version.explanation


@pytest.mark.django_db
def test_a_second_run_creates_nothing():
    seed_exams(context())
    first = counts()

    seed_exams(context())

    assert counts() == first
    assert first["questions"] == len(INPUTS)
    assert first["papers"] == 2


@pytest.mark.django_db
def test_the_fixed_paper_is_worth_100_points_and_asks_every_topic():
    seed_exams(context())
    paper = Paper.objects.get(title=FIXED_PAPER_TITLE)

    summary = paper_summary(paper=paper)

    assert summary.total_points == Decimal(100)
    assert summary.question_count == sum(count for _kind, count, _points in FIXED_LAYOUT)
    assert summary.drawable and not summary.rules
    by_type = Counter(item.question.type for item in summary.items)
    assert by_type == {kind: count for kind, count, _points in FIXED_LAYOUT}
    for item in summary.items:
        expected = next(p for kind, _count, p in FIXED_LAYOUT if kind == item.question.type)
        assert item.points == expected
    topics = {item.question.category.path for item in summary.items}
    assert len(topics) == len(demo_bank.BANK)
    assert len(paper_draw(paper=paper)) == summary.question_count


@pytest.mark.django_db
def test_the_random_paper_is_worth_100_points_and_drawable():
    seed_exams(context())
    paper = Paper.objects.get(title=RANDOM_PAPER_TITLE)

    summary = paper_summary(paper=paper)

    assert summary.total_points == Decimal(100)
    assert summary.drawable
    assert len(summary.rules) == len(RANDOM_RULES)
    assert summary.question_count == sum(rule.count for rule in RANDOM_RULES)
    drawn = paper_draw(paper=paper, rng=random.Random(1))
    assert len(drawn) == summary.question_count
    assert len({d.question.pk for d in drawn}) == len(drawn)
    assert sum(d.points for d in drawn) == Decimal(100)
    # Neighbours get different papers.
    other = paper_draw(paper=paper, rng=random.Random(2))
    assert {d.question.pk for d in other} != {d.question.pk for d in drawn}


@pytest.mark.django_db
def test_seed_recreates_only_a_deleted_paper():
    seed_exams(context())
    paper_delete(actor=None, paper=Paper.objects.get(title=RANDOM_PAPER_TITLE))
    questions = Question.objects.count()

    seed_exams(context())

    assert Question.objects.count() == questions
    assert Paper.objects.filter(title=RANDOM_PAPER_TITLE).count() == 1
    assert Paper.objects.count() == 2


@pytest.mark.django_db
def test_a_bank_too_thin_for_the_random_paper_leaves_a_note_not_a_failure():
    seed_exams(context())
    Paper.objects.all().delete()
    Question.objects.filter(category__path=demo_bank.LAWS, type=QuestionType.SINGLE).update(
        is_active=False
    )
    ctx = context()

    seed_exams(ctx)

    assert list(Paper.objects.values_list("title", flat=True)) == [FIXED_PAPER_TITLE]
    assert any(RANDOM_PAPER_TITLE in note for note in ctx.notes)
    # Switched-off questions are not created again.
    assert Question.objects.count() == len(INPUTS)


@pytest.mark.django_db
def test_seed_demo_reports_the_questions_and_papers(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", stdout=out, stderr=StringIO())

    assert f"{len(INPUTS)} questions" in out.getvalue()
    # The bank's two papers, and the certificate step's trade papers.
    assert Paper.objects.filter(title__in=[FIXED_PAPER_TITLE, RANDOM_PAPER_TITLE]).count() == 2
    assert f"{Paper.objects.count()} papers" in out.getvalue()
