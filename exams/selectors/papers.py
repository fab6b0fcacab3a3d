"""Reads of papers: the pool each draw rule draws from, a paper's summary, and drawing a
paper for one candidate (or for a preview)."""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from exams.models import (
    Paper,
    PaperItem,
    PaperRule,
    Question,
    QuestionCategory,
    QuestionOption,
    QuestionVersion,
)
from exams.selectors.bank import category_scope


@dataclass
class RuleSpec:
    """A draw rule as written (saved or not yet)."""

    category: QuestionCategory
    count: int
    points: Decimal
    include_subcategories: bool = True
    difficulty: int | None = None
    question_type: str = ""

    @classmethod
    def of(cls, rule: PaperRule) -> "RuleSpec":
        return cls(
            category=rule.category,
            count=rule.count,
            points=rule.points,
            include_subcategories=rule.include_subcategories,
            difficulty=rule.difficulty,
            question_type=rule.question_type,
        )


def rule_pool(rule: RuleSpec) -> QuerySet[Question]:
    """The questions a rule may draw: active, not retired, in the category (and its
    sub-categories when asked), of the difficulty and type when set."""
    pool = Question.objects.filter(
        category_scope(rule.category, include_subcategories=rule.include_subcategories),
        is_active=True,
        retired_at__isnull=True,
    )
    if rule.difficulty:
        pool = pool.filter(difficulty=rule.difficulty)
    if rule.question_type:
        pool = pool.filter(type=rule.question_type)
    return pool


@dataclass
class RuleCheck:
    rule: RuleSpec
    pool_size: int  # questions matching the rule
    available: int  # what it can surely draw after fixed items and the rules before it

    @property
    def enough(self) -> bool:
        return self.available >= self.rule.count


def rules_check(rules: list[RuleSpec], *, fixed_question_ids: set[int]) -> list[RuleCheck]:
    """How many questions each rule can draw from, in the rules' order.

    Rules are drawn narrowest pool first, each excluding the fixed items and what was drawn
    before. ``available`` is the worst case of that: the pool without the fixed items, less
    what each earlier-drawn overlapping rule might take from it. When every rule has
    ``enough``, drawing can never come up short, whichever questions the dice pick. One query
    per rule.
    """
    pools = [
        set(rule_pool(rule).values_list("id", flat=True)) - fixed_question_ids for rule in rules
    ]
    order = sorted(range(len(rules)), key=lambda index: (len(pools[index]), index))
    available = {}
    for position, index in enumerate(order):
        worst = len(pools[index])
        for earlier in order[:position]:
            worst -= min(rules[earlier].count, len(pools[earlier] & pools[index]))
        available[index] = max(worst, 0)
    return [
        RuleCheck(rule=rule, pool_size=len(pools[index]), available=available[index])
        for index, rule in enumerate(rules)
    ]


@dataclass
class PaperSummary:
    paper: Paper
    items: list[PaperItem]
    rules: list[RuleCheck]
    total_points: Decimal
    question_count: int

    @property
    def drawable(self) -> bool:
        return all(check.enough for check in self.rules)


def paper_summary(*, paper: Paper) -> PaperSummary:
    """The paper's fixed items (with current versions), its rules with their pools, the total
    points and the number of questions a candidate gets."""
    items = list(
        PaperItem.objects.filter(paper=paper)
        .select_related("question__current_version", "question__category")
        .order_by("position")
    )
    rules = [
        RuleSpec.of(rule)
        for rule in PaperRule.objects.filter(paper=paper)
        .select_related("category")
        .order_by("position")
    ]
    checks = rules_check(rules, fixed_question_ids={item.question_id for item in items})
    total = sum((item.points for item in items), Decimal(0)) + sum(
        (rule.points * rule.count for rule in rules), Decimal(0)
    )
    count = len(items) + sum(rule.count for rule in rules)
    return PaperSummary(
        paper=paper, items=items, rules=checks, total_points=total, question_count=count
    )


@dataclass
class DrawnQuestion:
    question: Question
    version: QuestionVersion
    points: Decimal


class PaperNotDrawable(Exception):
    """A rule's pool no longer holds enough questions (some were retired or switched off)."""


def paper_draw(*, paper: Paper, rng: random.Random | None = None) -> list[DrawnQuestion]:
    """The questions one candidate gets: the fixed items in order, then each rule's random
    draw (no question twice), with the current versions and their options. Each candidate's
    draw is independent, so neighbours get different questions with the same total.

    Raises ``PaperNotDrawable`` when a rule can no longer be satisfied.
    """
    rng = rng or random.SystemRandom()
    items = list(PaperItem.objects.filter(paper=paper).order_by("position"))
    rules = list(
        PaperRule.objects.filter(paper=paper).select_related("category").order_by("position")
    )
    taken = {item.question_id for item in items}
    pools = [list(rule_pool(RuleSpec.of(rule)).values_list("id", flat=True)) for rule in rules]
    drawn_by_rule: dict[int, list[int]] = {}
    for index in sorted(range(len(rules)), key=lambda i: (len(pools[i]), i)):
        candidates = [qid for qid in pools[index] if qid not in taken]
        if len(candidates) < rules[index].count:
            raise PaperNotDrawable(rules[index].category.path)
        chosen = rng.sample(candidates, rules[index].count)
        taken.update(chosen)
        drawn_by_rule[index] = chosen
    order = [(item.question_id, item.points) for item in items]
    for index, rule in enumerate(rules):
        order.extend((qid, rule.points) for qid in drawn_by_rule[index])
    questions = (
        Question.objects.select_related("current_version", "category")
        .prefetch_related(
            Prefetch(
                "current_version__options", queryset=QuestionOption.objects.order_by("position")
            )
        )
        .in_bulk([qid for qid, _points in order])
    )
    return [
        DrawnQuestion(
            question=questions[qid], version=questions[qid].current_version, points=points
        )
        for qid, points in order
        if qid in questions
    ]
