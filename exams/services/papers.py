"""Writes to papers: create, replace items and rules, delete."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, diff
from exams.models import Paper, PaperItem, PaperRule, Question, QuestionType
from exams.selectors.papers import RuleSpec, rules_check

MAX_POINTS = Decimal("1000")
MAX_QUESTIONS = 500


@dataclass
class ItemSpec:
    question: Question
    points: Decimal


def _snapshot(title: str, description: str, items: list[ItemSpec], rules: list[RuleSpec]) -> dict:
    return {
        "title": title,
        "description": description,
        "items": [[item.question.pk, str(item.points)] for item in items],
        "rules": [
            [
                rule.category.path,
                rule.include_subcategories,
                rule.difficulty,
                rule.question_type,
                rule.count,
                str(rule.points),
            ]
            for rule in rules
        ],
    }


def _check(*, title: str, items: list[ItemSpec], rules: list[RuleSpec]) -> str:
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    title = (title or "").strip()
    if not title:
        add("title", _("A paper needs a title."))
    elif len(title) > 200:
        add("title", _("A title has at most 200 characters."))
    if not items and not rules:
        add("items", _("A paper needs at least one question or one draw rule."))
    seen = set()
    for number, item in enumerate(items, start=1):
        if item.question.pk in seen:
            add("items", _("Question #%d is on the paper twice.") % item.question.pk)
        seen.add(item.question.pk)
        if item.question.is_retired or not item.question.is_active:
            add(
                "items",
                _("Question #%d is retired or switched off and cannot be put on a paper.")
                % item.question.pk,
            )
        if not Decimal(0) < item.points <= MAX_POINTS:
            add(
                "items",
                _("Question %(n)d: points must be above 0 and at most %(max)s.")
                % {"n": number, "max": MAX_POINTS},
            )
    for number, rule in enumerate(rules, start=1):
        if rule.count < 1:
            add("rules", _("Rule %d: draw at least one question.") % number)
        if not Decimal(0) < rule.points <= MAX_POINTS:
            add(
                "rules",
                _("Rule %(n)d: points must be above 0 and at most %(max)s.")
                % {"n": number, "max": MAX_POINTS},
            )
        if rule.difficulty is not None and not 1 <= rule.difficulty <= 5:
            add("rules", _("Rule %d: difficulty is from 1 to 5.") % number)
        if rule.question_type and rule.question_type not in QuestionType.values:
            add("rules", _("Rule %d: unknown question type.") % number)
    if len(items) + sum(max(rule.count, 0) for rule in rules) > MAX_QUESTIONS:
        add("items", _("A paper has at most %d questions.") % MAX_QUESTIONS)
    if not errors.get("rules") and rules:
        checks = rules_check(rules, fixed_question_ids={item.question.pk for item in items})
        for number, check in enumerate(checks, start=1):
            if not check.enough:
                add(
                    "rules",
                    _(
                        "Rule %(n)d asks for %(count)d questions of “%(category)s” but only "
                        "%(available)d can be drawn (%(pool)d match the rule)."
                    )
                    % {
                        "n": number,
                        "count": check.rule.count,
                        "category": check.rule.category.path,
                        "available": check.available,
                        "pool": check.pool_size,
                    },
                )
    if errors:
        raise ValidationError(errors)
    return title


def _write_parts(paper: Paper, items: list[ItemSpec], rules: list[RuleSpec]) -> None:
    PaperItem.objects.bulk_create(
        PaperItem(paper=paper, question=item.question, position=position, points=item.points)
        for position, item in enumerate(items)
    )
    PaperRule.objects.bulk_create(
        PaperRule(
            paper=paper,
            position=position,
            category=rule.category,
            include_subcategories=rule.include_subcategories,
            difficulty=rule.difficulty,
            question_type=rule.question_type,
            count=rule.count,
            points=rule.points,
        )
        for position, rule in enumerate(rules)
    )


@transaction.atomic
def paper_create(
    *,
    actor,
    title: str,
    description: str = "",
    items: list[ItemSpec] = (),
    rules: list[RuleSpec] = (),
) -> Paper:
    """A paper with fixed items and draw rules. Refuses no title, no question at all, a
    question twice, a retired or switched-off question, points outside 0-1000, and a rule that
    asks for more questions than it can surely draw (fixed items and overlapping rules
    counted)."""
    items, rules = list(items), list(rules)
    title = _check(title=title, items=items, rules=rules)
    paper = Paper.objects.create(
        title=title,
        description=(description or "").strip(),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _write_parts(paper, items, rules)
    audit_record(
        actor=actor,
        action="paper.created",
        target=paper,
        after=_snapshot(title, paper.description, items, rules),
    )
    return paper


@transaction.atomic
def paper_update(
    *,
    actor,
    paper: Paper,
    title: str,
    description: str = "",
    items: list[ItemSpec] = (),
    rules: list[RuleSpec] = (),
) -> Paper:
    """Replace a paper's title, items and rules (same checks as ``paper_create``). Attempts
    already started keep the questions they drew."""
    paper = Paper.objects.select_for_update().get(pk=paper.pk)
    items, rules = list(items), list(rules)
    title = _check(title=title, items=items, rules=rules)
    before = _snapshot(
        paper.title,
        paper.description,
        [
            ItemSpec(i.question, i.points)
            for i in paper.items.select_related("question").order_by("position")
        ],
        [RuleSpec.of(r) for r in paper.rules.select_related("category").order_by("position")],
    )
    paper.items.all().delete()
    paper.rules.all().delete()
    paper.title, paper.description = title, (description or "").strip()
    paper.save(update_fields=["title", "description", "updated_at"])
    _write_parts(paper, items, rules)
    changed_before, changed_after = diff(before, _snapshot(title, paper.description, items, rules))
    if changed_after:
        audit_record(
            actor=actor,
            action="paper.updated",
            target=paper,
            before=changed_before,
            after=changed_after,
        )
    return paper


@transaction.atomic
def paper_delete(*, actor, paper: Paper) -> None:
    """Delete a paper. Refuses one an exam uses."""
    if hasattr(paper, "exams") and paper.exams.exists():
        raise ValidationError(_("An exam uses “%s”; it cannot be deleted.") % paper.title)
    audit_record(actor=actor, action="paper.deleted", target=paper, before={"title": paper.title})
    paper.delete()
