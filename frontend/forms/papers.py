"""Forms of the paper builder.

The builder is one plain HTML form with repeated fields: ``item-0-question``,
``item-0-points`` for each fixed question, ``rule-0-category``, ``rule-0-count`` … for each
draw rule, and ``search-…`` for finding questions in the bank. Every button posts the whole
form back with an ``action`` (add a rule, add a question, move one up, save …), so the page
works without JavaScript; htmx only swaps the result in place. Rows are renumbered on every
round trip, so removing or moving a row is building a new list.

The forms read and shape input (is it a number, is the category one of the bank's); what a
paper may hold is decided by ``exams.services.papers`` and its refusals come back onto the
builder through ``PaperBuilder.add_service_error``.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from exams.models import Question, QuestionType
from exams.selectors.bank import CategoryNode, question_search
from exams.selectors.papers import RuleSpec
from exams.services.papers import ItemSpec

ITEM_KEY = re.compile(r"^item-(\d{1,4})-question$")
RULE_KEY = re.compile(r"^rule-(\d{1,4})-category$")
ITEM_FIELDS = ("question", "points")
RULE_FIELDS = (
    "category",
    "include_subcategories",
    "difficulty",
    "question_type",
    "count",
    "points",
)
DEFAULT_POINTS = "1"

DIFFICULTY_CHOICES = [("", _("Any difficulty")), *[(str(n), str(n)) for n in range(1, 6)]]
TYPE_CHOICES = [("", _("Any type")), *QuestionType.choices]


def points_text(value: Decimal | None) -> str:
    """``2.00`` as ``2``, ``1.50`` as ``1.5``."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def category_choices(tree: list[CategoryNode]) -> list[tuple[str, str]]:
    """The bank's categories in tree order, indented by depth, with their question counts."""
    return [
        (
            str(node.category.pk),
            "\u00a0\u00a0\u00a0" * node.depth + f"{node.category.name} ({node.total_count})",
        )
        for node in tree
    ]


class PaperForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional. Shown to nobody but the safety officers."),
    )


class ItemForm(forms.Form):
    """One fixed question of the paper and its points."""

    question = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=10**18)
    points = forms.DecimalField(
        label=_("Points"),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
    )


class RuleForm(forms.Form):
    """One draw rule: how many questions of which category, difficulty and type, and what
    each is worth."""

    category = forms.TypedChoiceField(label=_("Category"), coerce=int)
    include_subcategories = forms.BooleanField(label=_("With sub-categories"), required=False)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        choices=DIFFICULTY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )
    question_type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, required=False)
    count = forms.IntegerField(
        label=_("Questions"),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 4}),
    )
    points = forms.DecimalField(
        label=_("Points each"),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
    )

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("Choose a category")), *categories]


class BankSearchForm(forms.Form):
    """Finding questions to put on the paper: stem text, category, type and difficulty."""

    text = forms.CharField(label=_("Stem contains"), required=False, max_length=200)
    category = forms.TypedChoiceField(
        label=_("Category"), coerce=int, empty_value=None, required=False
    )
    type = forms.ChoiceField(label=_("Type"), choices=TYPE_CHOICES, required=False)
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        choices=DIFFICULTY_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args, categories: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", _("All categories")), *categories]


@dataclass
class ItemRow:
    form: ItemForm
    question: Question | None  # None when the id is not in the bank


@dataclass
class RuleRow:
    form: RuleForm
    number: int
    figure: object = None  # the live figures of this rule, set by the view


def _rows(data, pattern: re.Pattern, prefix: str, fields: tuple[str, ...]) -> list[dict]:
    """The repeated rows of ``data`` in the order of their numbers, as plain dicts."""
    numbers = sorted({int(match[1]) for key in data if (match := pattern.match(key))})
    return [
        {name: data.get(f"{prefix}-{number}-{name}", "") for name in fields} for number in numbers
    ]


def _bound(row: dict, prefix: str) -> dict:
    return {f"{prefix}-{name}": value for name, value in row.items() if value not in ("", None)}


class PaperBuilder:
    """The builder page's whole input: title and description, fixed questions, draw rules
    and the bank search, read from (possibly bad) posted data and kept as it was typed, so
    the page can always be shown again."""

    def __init__(self, data, *, tree: list[CategoryNode]):
        self.tree = tree
        self.categories = {node.category.pk: node.category for node in tree}
        self.category_choices = category_choices(tree)
        self.title = data.get("title", "")
        self.description = data.get("description", "")
        self.items = _rows(data, ITEM_KEY, "item", ITEM_FIELDS)
        self.rules = _rows(data, RULE_KEY, "rule", RULE_FIELDS)
        self.search_form = BankSearchForm(data, prefix="search", categories=self.category_choices)
        self.show_errors = False
        self.item_errors: list[str] = []
        self.rule_errors: list[str] = []
        self.notices: list[str] = []
        self._bind()

    @classmethod
    def empty(cls, *, tree: list[CategoryNode]) -> "PaperBuilder":
        return cls({}, tree=tree)

    @classmethod
    def of_paper(cls, *, paper, items, rules: list[RuleSpec], tree) -> "PaperBuilder":
        """The builder showing a saved paper's title, items (``PaperItem`` rows) and rules."""
        data = {"title": paper.title, "description": paper.description}
        for number, item in enumerate(items):
            data[f"item-{number}-question"] = str(item.question_id)
            data[f"item-{number}-points"] = points_text(item.points)
        for number, rule in enumerate(rules):
            data.update(
                {
                    f"rule-{number}-category": str(rule.category.pk),
                    f"rule-{number}-include_subcategories": (
                        "on" if rule.include_subcategories else ""
                    ),
                    f"rule-{number}-difficulty": str(rule.difficulty or ""),
                    f"rule-{number}-question_type": rule.question_type or "",
                    f"rule-{number}-count": str(rule.count),
                    f"rule-{number}-points": points_text(rule.points),
                }
            )
        return cls(data, tree=tree)

    # Building the forms ------------------------------------------------------------------

    def _bind(self) -> None:
        self.paper_form = PaperForm({"title": self.title, "description": self.description})
        ids = self.chosen_ids()
        questions = question_search(state="all").in_bulk(ids) if ids else {}
        self.item_rows = []
        for number, row in enumerate(self.items):
            prefix = f"item-{number}"
            form = ItemForm(_bound(row, prefix), prefix=prefix)
            question = None
            if form.is_valid():
                question = questions.get(form.cleaned_data["question"])
                if question is None:
                    form.add_error(None, _("This question is no longer in the bank."))
            self.item_rows.append(ItemRow(form=form, question=question))
        self.rule_rows = [
            RuleRow(
                form=RuleForm(
                    _bound(row, f"rule-{number}"),
                    prefix=f"rule-{number}",
                    categories=self.category_choices,
                ),
                number=number + 1,
            )
            for number, row in enumerate(self.rules)
        ]

    # Actions of the buttons ----------------------------------------------------------------

    def apply(self, action: str) -> None:
        """Carry out a button's action on the rows; unknown actions only re-show the page."""
        name, _sep, argument = (action or "").partition(":")
        try:
            index = int(argument) if argument else None
        except ValueError:
            index = None
        if name == "rule_add":
            last = self.rules[-1]["points"] if self.rules else DEFAULT_POINTS
            self.rules.append(
                {
                    "category": "",
                    "include_subcategories": "on",
                    "difficulty": "",
                    "question_type": "",
                    "count": "",
                    "points": last or DEFAULT_POINTS,
                }
            )
        elif name == "rule_remove" and index is not None and 0 <= index < len(self.rules):
            del self.rules[index]
        elif name == "item_add" and index is not None:
            self._add_item(index)
        elif name == "item_remove" and index is not None and 0 <= index < len(self.items):
            del self.items[index]
        elif name == "item_up" and index is not None and 0 < index < len(self.items):
            self.items[index - 1], self.items[index] = self.items[index], self.items[index - 1]
        elif name == "item_down" and index is not None and 0 <= index < len(self.items) - 1:
            self.items[index + 1], self.items[index] = self.items[index], self.items[index + 1]
        self._bind()

    def _add_item(self, question_id: int) -> None:
        if question_id in self.chosen_ids():
            self.notices.append(_("That question is already on the paper."))
            return
        last = self.items[-1]["points"] if self.items else DEFAULT_POINTS
        self.items.append({"question": str(question_id), "points": last or DEFAULT_POINTS})

    # Reading the input ---------------------------------------------------------------------

    def chosen_ids(self) -> set[int]:
        ids = set()
        for row in self.items:
            value = str(row["question"] or "")
            if value.isdecimal() and len(value) < 19:  # what fits a database id
                ids.add(int(value))
        return ids

    def search_arguments(self) -> dict:
        """Arguments for ``question_search``: active questions matching the search fields."""
        if not self.search_form.is_valid():
            return {"state": "active"}
        data = self.search_form.cleaned_data
        return {
            "text": data["text"],
            "category": self.categories.get(data["category"]),
            "type": data["type"],
            "difficulty": data["difficulty"],
            "state": "active",
        }

    def valid_items(self) -> list[ItemSpec]:
        """The fixed questions that read well (for the live figures)."""
        return [
            ItemSpec(question=row.question, points=row.form.cleaned_data["points"])
            for row in self.item_rows
            if row.form.is_valid() and row.question is not None
        ]

    def _rule_spec(self, form: RuleForm) -> RuleSpec:
        data = form.cleaned_data
        return RuleSpec(
            category=self.categories[data["category"]],
            count=data["count"],
            points=data["points"],
            include_subcategories=data["include_subcategories"],
            difficulty=data["difficulty"],
            question_type=data["question_type"],
        )

    def valid_rules(self) -> list[tuple[int, RuleSpec]]:
        """The draw rules that read well, with their row index (for the live figures)."""
        return [
            (index, self._rule_spec(row.form))
            for index, row in enumerate(self.rule_rows)
            if row.form.is_valid()
        ]

    def is_valid(self) -> bool:
        """Every field reads well (numbers are numbers, categories exist). Whether the paper
        is acceptable is the service's to say."""
        forms_ = [self.paper_form, *(r.form for r in self.item_rows)]
        forms_ += [r.form for r in self.rule_rows]
        return all([form.is_valid() for form in forms_])  # every form cleaned: all errors

    def specs(self) -> dict:
        """The service's arguments; only after ``is_valid``."""
        return {
            "title": self.paper_form.cleaned_data["title"],
            "description": self.paper_form.cleaned_data["description"],
            "items": self.valid_items(),
            "rules": [spec for _index, spec in self.valid_rules()],
        }

    def add_service_error(self, error: ValidationError) -> None:
        """Show a service's refusal: title errors on the title, item and rule errors above
        their sections, anything else at the top."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.paper_form.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                if field == "items":
                    self.item_errors.append(message)
                elif field == "rules":
                    self.rule_errors.append(message)
                elif field in self.paper_form.fields:
                    self.paper_form.add_error(field, message)
                else:
                    self.paper_form.add_error(None, message)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.paper_form.errors
            or self.item_errors
            or self.rule_errors
            or any(row.form.errors for row in self.item_rows)
            or any(row.form.errors for row in self.rule_rows)
        )


__all__ = [
    "BankSearchForm",
    "ItemForm",
    "PaperBuilder",
    "PaperForm",
    "RuleForm",
    "points_text",
]
