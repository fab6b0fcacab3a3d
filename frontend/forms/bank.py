"""Forms of the question-bank pages: the bank's search, categories, the question editor and
the import upload. They read and shape input; every rule about a question is checked by
``exams.content.question_input_errors`` and the services."""

import re
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from exams.content import TRUE_FALSE_TEXTS, OptionInput, QuestionInput
from exams.models import (
    CHOICE_TYPES,
    OPTION_LETTERS,
    Question,
    QuestionCategory,
    QuestionType,
)

# Three no-break spaces per level: ordinary spaces would be collapsed inside <option>.
_INDENT = "\u00a0" * 3
# Tags and a blank's accepted answers may be separated by ASCII or full-width punctuation.
_TAG_SEPARATORS = re.compile(r"[,，、]")
_ALTERNATIVE_SEPARATORS = re.compile(r"[;；]")

STATE_CHOICES = [
    ("active", _("Active")),
    ("inactive", _("Inactive")),
    ("retired", _("Retired")),
    ("all", _("All")),
]
DIFFICULTY_CHOICES = [(level, str(level)) for level in range(1, 6)]


class CategoryChoiceField(forms.ModelChoiceField):
    """Categories in tree order, each indented by its depth."""

    def __init__(self, **kwargs):
        super().__init__(queryset=QuestionCategory.objects.order_by("path"), **kwargs)

    def label_from_instance(self, obj: QuestionCategory) -> str:
        return f"{_INDENT * obj.depth}{obj.name}"


# The bank's search ---------------------------------------------------------------------------


class QuestionFilterForm(forms.Form):
    """The bank's search, read from the query string. A category picked in the tree travels
    in a hidden field. ``searched`` marks a submitted form, so an unticked "include
    sub-categories" box is told apart from a first visit (where sub-categories are included)."""

    q = forms.CharField(
        label=_("Stem text"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Words in the stem"), "autocomplete": "off"}
        ),
    )
    tag = forms.CharField(label=_("Tag"), required=False, max_length=40)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *QuestionType.choices]
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("Any difficulty")), *DIFFICULTY_CHOICES],
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=STATE_CHOICES)
    sub = forms.BooleanField(label=_("Include sub-categories"), required=False)
    category = forms.ModelChoiceField(
        queryset=QuestionCategory.objects.all(), required=False, widget=forms.HiddenInput
    )
    searched = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, data=None, **kwargs):
        if data is not None and not data.get("searched"):
            data = data.copy()
            data["sub"] = "on"
        super().__init__(data, **kwargs)
        self.fields["searched"].initial = "1"
        self.fields["sub"].initial = True

    def selector_arguments(self) -> dict:
        """The valid filters as keyword arguments of ``exams.selectors.bank.question_search``;
        an invalid one (a category that no longer exists) is left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "category": data.get("category"),
            "include_subcategories": bool(data.get("sub", True)),
            "text": data.get("q") or "",
            "tag": data.get("tag") or "",
            "type": data.get("type") or "",
            "difficulty": data.get("difficulty"),
            "state": data.get("state") or "active",
        }

    def is_filtered(self) -> bool:
        """True when anything but the default "active questions, everywhere" is asked."""
        arguments = self.selector_arguments()
        return any(
            arguments[name] for name in ("category", "text", "tag", "type", "difficulty")
        ) or (arguments["state"] != "active")


# Categories ---------------------------------------------------------------------------------


class CategoryForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("category", "Name"), max_length=100)
    parent = CategoryChoiceField(
        label=_("Parent category"), required=False, empty_label=_("(top level)")
    )


# The question editor ------------------------------------------------------------------------


def option_field_names(letter: str) -> tuple[str, str]:
    """The form fields holding option ``letter``'s text and its "correct" box."""
    return f"option_{letter.lower()}", f"correct_{letter.lower()}"


class QuestionForm(forms.Form):
    """Every field a question can have; the page shows the ones its type uses, and
    ``question_input`` reads only those. Content rules are left to the services."""

    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    category = CategoryChoiceField(label=_("Category"), empty_label=_("Choose a category"))
    stem = forms.CharField(
        label=_("Stem"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    image = forms.FileField(
        label=_("Image"),
        required=False,
        help_text=_("Optional: a PNG, JPEG, GIF or WebP picture shown with the stem."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/gif,.webp"}),
    )
    remove_image = forms.BooleanField(label=_("Remove the image"), required=False)
    true_false = forms.ChoiceField(
        label=_("Correct answer"),
        required=False,
        choices=[("true", _("True")), ("false", _("False"))],
        widget=forms.RadioSelect,
    )
    blanks = forms.CharField(
        label=_("Accepted answers"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One line per blank, in the order of the blanks; separate the answers a blank "
            "accepts with a semicolon, e.g. “119; one one nine”."
        ),
    )
    numeric_tolerance = forms.DecimalField(
        label=_("Numeric tolerance"),
        required=False,
        max_digits=12,
        decimal_places=4,
        help_text=_("Optional: a number within this distance of a numeric answer is accepted."),
    )
    reference_answer = forms.CharField(
        label=_("Reference answer"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: shown to the graders."),
    )
    explanation = forms.CharField(
        label=_("Explanation"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    difficulty = forms.TypedChoiceField(
        label=_("Difficulty"),
        coerce=int,
        choices=DIFFICULTY_CHOICES,
        initial=3,
        help_text=_("1 is the easiest, 5 the hardest."),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=1000,
        help_text=_("Separated by commas, e.g. “fire, extinguisher”."),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Only active questions are offered to papers and random draws."),
    )

    def __init__(self, *args, question: Question | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in OPTION_LETTERS:
            text_name, correct_name = option_field_names(letter)
            self.fields[text_name] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": letter},
                required=False,
                strip=False,
                max_length=5000,
            )
            self.fields[correct_name] = forms.BooleanField(label=_("Correct"), required=False)
        if question is None or not question.current_version.image:
            del self.fields["remove_image"]

    @classmethod
    def initial_for(cls, question: Question, data: QuestionInput) -> dict:
        """Start values for editing ``question``, whose current content is ``data``."""
        initial = {
            "type": data.type,
            "category": question.category_id,
            "stem": data.stem,
            "blanks": "\n".join("; ".join(accepted) for accepted in data.blanks),
            "numeric_tolerance": data.numeric_tolerance,
            "reference_answer": data.reference_answer,
            "explanation": data.explanation,
            "difficulty": data.difficulty,
            "tags": ", ".join(data.tags),
            "is_active": question.is_active,
        }
        if data.type == QuestionType.TRUE_FALSE and data.options:
            initial["true_false"] = "true" if data.options[0].correct else "false"
        elif data.type in CHOICE_TYPES:
            for letter, option in zip(OPTION_LETTERS, data.options, strict=False):
                text_name, correct_name = option_field_names(letter)
                initial[text_name] = option.text
                initial[correct_name] = option.correct
        return initial

    def option_rows(self) -> list[tuple[str, forms.BoundField, forms.BoundField]]:
        """(letter, text field, correct box) for each of the options A-H."""
        rows = []
        for letter in OPTION_LETTERS:
            text_name, correct_name = option_field_names(letter)
            rows.append((letter, self[text_name], self[correct_name]))
        return rows

    def _value(self, name: str, default=None):
        # Fields that failed to parse are left out of cleaned_data; the question is then
        # checked without them, and the field's own error is shown.
        return getattr(self, "cleaned_data", {}).get(name, default)

    def question_input(self) -> QuestionInput:
        """The question as written, reading only the fields its type uses (a hidden
        section's leftovers never reach the checks). Call after ``is_valid``."""
        kind = self._value("type") or (self.data.get("type") or "")
        options: list[OptionInput] = []
        if kind == QuestionType.TRUE_FALSE:
            answer = self._value("true_false") or ""
            options = [
                OptionInput(TRUE_FALSE_TEXTS[0], answer == "true"),
                OptionInput(TRUE_FALSE_TEXTS[1], answer == "false"),
            ]
        elif kind in CHOICE_TYPES:
            options = self._choice_options()
        blanks: list[list[str]] = []
        tolerance: Decimal | None = None
        if kind == QuestionType.FILL_BLANK:
            blanks = [
                [text.strip() for text in _ALTERNATIVE_SEPARATORS.split(line)]
                for line in (self._value("blanks") or "").splitlines()
                if line.strip()
            ]
            tolerance = self._value("numeric_tolerance")
        reference = self._value("reference_answer") or ""
        return QuestionInput(
            type=kind,
            stem=self._value("stem") or "",
            options=options,
            blanks=blanks,
            numeric_tolerance=tolerance,
            reference_answer=reference if kind == QuestionType.SHORT_ANSWER else "",
            explanation=self._value("explanation") or "",
            difficulty=self._value("difficulty", 3),
            tags=[tag.strip() for tag in _TAG_SEPARATORS.split(self._value("tags") or "")],
        )

    def _choice_options(self) -> list[OptionInput]:
        # Options up to the last one written or ticked: an empty option between two others
        # stays, so the checks can name it.
        options = []
        for letter in OPTION_LETTERS:
            text_name, correct_name = option_field_names(letter)
            options.append(
                OptionInput(self._value(text_name) or "", bool(self._value(correct_name)))
            )
        while options and not options[-1].text.strip() and not options[-1].correct:
            options.pop()
        return options


# Import -------------------------------------------------------------------------------------


class QuestionImportForm(forms.Form):
    FORMAT_CHOICES = [
        ("", _("By file name")),
        ("xlsx", _("Excel (.xlsx)")),
        ("moodle_xml", _("Moodle XML")),
        ("gift", _("GIFT")),
    ]

    file = forms.FileField(
        label=_("Question file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.xml,.gift,.txt"}),
    )
    format = forms.ChoiceField(label=_("Format"), required=False, choices=FORMAT_CHOICES)


class QuestionImportConfirmForm(forms.Form):
    """The second step: which checked upload to import (its key), and whether to skip the
    items the bank cannot hold."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=100)
    confirm_unsupported = forms.BooleanField(
        label=_("Skip them and import the rest"), required=False
    )
