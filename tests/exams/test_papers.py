import io
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from core.models import AuditEntry
from exams.models import Paper, PaperItem, PaperRule
from exams.pdf import paper_pdf
from exams.selectors.papers import (
    PaperNotDrawable,
    RuleSpec,
    paper_draw,
    paper_summary,
    rules_check,
)
from exams.services.papers import ItemSpec, paper_create, paper_delete, paper_update
from exams.services.questions import question_create, question_delete, question_versions_mark_used
from tests.exams.factories import category, every_type_inputs, make_question, make_questions

pytestmark = pytest.mark.django_db


def test_fixed_paper_total_and_audit(safety_officer):
    first, second = make_questions(2)
    paper = paper_create(
        actor=safety_officer.user,
        title=" Theory exam ",
        items=[ItemSpec(first, Decimal("2")), ItemSpec(second, Decimal("3.5"))],
    )
    summary = paper_summary(paper=paper)
    assert paper.title == "Theory exam"
    assert (summary.total_points, summary.question_count) == (Decimal("5.5"), 2)
    assert AuditEntry.objects.filter(action="paper.created", actor=safety_officer.user).exists()


def test_random_rule_asking_more_than_the_bank_holds_is_refused():
    make_questions(20, "Fire safety")
    with pytest.raises(ValidationError) as error:
        paper_create(
            actor=None, title="Random", rules=[RuleSpec(category("Fire safety"), 30, Decimal(2))]
        )
    message = error.value.message_dict["rules"][0]
    assert "30" in message and "20" in message
    assert not Paper.objects.exists()


def test_rule_counts_sub_categories_difficulty_and_type():
    make_questions(3, "Fire safety/Extinguishers", difficulty=2)
    make_questions(2, "Fire safety", difficulty=4)
    fire = category("Fire safety")
    [check] = rules_check([RuleSpec(fire, 1, Decimal(1))], fixed_question_ids=set())
    assert check.pool_size == 5
    [check] = rules_check(
        [RuleSpec(fire, 1, Decimal(1), include_subcategories=False)], fixed_question_ids=set()
    )
    assert check.pool_size == 2
    [check] = rules_check([RuleSpec(fire, 1, Decimal(1), difficulty=2)], fixed_question_ids=set())
    assert check.pool_size == 3
    [check] = rules_check(
        [RuleSpec(fire, 1, Decimal(1), question_type="true_false")], fixed_question_ids=set()
    )
    assert check.pool_size == 0


def test_overlapping_rules_are_checked_in_the_worst_case():
    make_questions(5, "Fire safety", difficulty=3)
    make_questions(5, "Fire safety", difficulty=1)
    fire = category("Fire safety")
    rules = [RuleSpec(fire, 8, Decimal(1)), RuleSpec(fire, 4, Decimal(1), difficulty=3)]
    # The narrow rule is drawn first (4 of 5), leaving 6 for the broad rule: 8 cannot be met.
    with pytest.raises(ValidationError):
        paper_create(actor=None, title="Overlap", rules=rules)
    rules[0].count = 6
    paper = paper_create(actor=None, title="Overlap", rules=rules)
    for seed in range(20):
        drawn = paper_draw(paper=paper, rng=random.Random(seed))
        assert len({d.question.pk for d in drawn}) == 10


def test_fixed_items_are_not_drawn_again():
    questions = make_questions(4, "Fire safety")
    paper = paper_create(
        actor=None,
        title="Mixed",
        items=[ItemSpec(questions[0], Decimal(10))],
        rules=[RuleSpec(category("Fire safety"), 3, Decimal(2))],
    )
    summary = paper_summary(paper=paper)
    assert summary.rules[0].available == 3 and summary.total_points == Decimal(16)
    drawn = paper_draw(paper=paper, rng=random.Random(1))
    assert drawn[0].question == questions[0] and drawn[0].points == Decimal(10)
    assert len({d.question.pk for d in drawn}) == 4


def test_neighbours_get_different_draws_with_the_same_total():
    make_questions(30, "Fire safety")
    paper = paper_create(
        actor=None, title="R", rules=[RuleSpec(category("Fire safety"), 10, Decimal(2))]
    )
    draws = [paper_draw(paper=paper) for _ in range(5)]
    assert len({tuple(sorted(d.question.pk for d in draw)) for draw in draws}) > 1
    assert {sum(d.points for d in draw) for draw in draws} == {Decimal(20)}


def test_draw_refuses_when_the_pool_shrank():
    questions = make_questions(3, "Fire safety")
    paper = paper_create(
        actor=None, title="R", rules=[RuleSpec(category("Fire safety"), 3, Decimal(1))]
    )
    question_versions_mark_used(version_ids=[questions[0].current_version_id])
    question_delete(actor=None, question=questions[0])
    with pytest.raises(PaperNotDrawable):
        paper_draw(paper=paper)
    assert paper_summary(paper=paper).drawable is False


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"title": ""}, "title"),
        ({"items": [], "rules": []}, "items"),
        ({"points": Decimal(0)}, "items"),
        ({"points": Decimal(1001)}, "items"),
        ({"twice": True}, "items"),
    ],
)
def test_bad_papers_are_refused(kwargs, field):
    question = make_question()
    items = [ItemSpec(question, kwargs.get("points", Decimal(1)))]
    if kwargs.get("twice"):
        items.append(ItemSpec(question, Decimal(1)))
    if "items" in kwargs:
        items = kwargs["items"]
    with pytest.raises(ValidationError) as error:
        paper_create(
            actor=None, title=kwargs.get("title", "P"), items=items, rules=kwargs.get("rules", [])
        )
    assert field in error.value.message_dict
    assert not Paper.objects.exists()


def test_retired_question_cannot_be_put_on_a_paper():
    question = make_question(is_active=False)
    with pytest.raises(ValidationError, match="retired or switched off"):
        paper_create(actor=None, title="P", items=[ItemSpec(question, Decimal(1))])


def test_update_replaces_items_and_rules_and_logs_the_difference():
    first, second = make_questions(2)
    paper = paper_create(actor=None, title="P", items=[ItemSpec(first, Decimal(1))])
    paper_update(
        actor=None,
        paper=paper,
        title="P2",
        items=[ItemSpec(second, Decimal(4))],
        rules=[RuleSpec(category("Fire safety"), 1, Decimal(1))],
    )
    assert list(PaperItem.objects.values_list("question_id", "points")) == [(second.pk, Decimal(4))]
    assert PaperRule.objects.count() == 1
    entry = AuditEntry.objects.get(action="paper.updated")
    assert entry.before["title"] == "P" and entry.after["title"] == "P2"


def test_question_on_a_paper_is_retired_not_deleted():
    question = make_question()
    paper_create(actor=None, title="P", items=[ItemSpec(question, Decimal(1))])
    assert question_delete(actor=None, question=question) is False


def test_delete_paper():
    paper = paper_create(actor=None, title="P", items=[ItemSpec(make_question(), Decimal(1))])
    paper_delete(actor=None, paper=paper)
    assert not Paper.objects.exists()


def test_paper_pdf_has_key_only_on_the_answer_sheet():
    questions = [
        question_create(actor=None, category=category("Mixed"), data=d) for d in every_type_inputs()
    ]
    paper = paper_create(
        actor=None, title="Theory exam", items=[ItemSpec(q, Decimal(2)) for q in questions]
    )
    drawn = paper_draw(paper=paper)

    def text(with_key):
        data = paper_pdf(paper=paper, questions=drawn, with_key=with_key)
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)

    candidate, key = text(False), text(True)
    assert "Which number reports a fire" in candidate and "10 points" in candidate
    assert "Explanation" not in candidate and "Answer:" not in candidate
    assert "119 is the fire emergency number" in key and "Answer: B" in key
    assert "Blank 1 accepts: 2 / two" in key
