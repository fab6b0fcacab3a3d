"""Forms of the safety officer's exam pages: the exam itself, per-person overrides, reopening
an attempt, grading an open answer, correcting a key and entering practical scores.

They read and shape input (is it a number, a date, one of the choices); what an exam may be
is decided by ``exams.services`` and a refusal comes back onto the form through
``add_service_error``.
"""

import re
from collections import defaultdict
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F, Q, Sum
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from courses.models import Training
from exams.models import (
    DEFAULT_PERFORMANCE_BANDS,
    AttemptCounts,
    Exam,
    ExamKind,
    MultipleScoring,
    Paper,
    PaperItem,
    PaperRule,
    QuestionType,
    QuestionVersion,
    ResultsVisible,
)
from exams.services.exams import ExamSpec
from people.models import Department, Employee

_INDENT = "\u00a0" * 3
BAND_LINE = re.compile(r"^\s*([^:：]+?)\s*[:：]\s*(.+?)\s*$")
MAX_BANDS = 20


def number_text(value) -> str:
    """``2.00`` as ``2``, ``1.50`` as ``1.5``, ``90.0`` as ``90``; nothing for None."""
    if value is None:
        return ""
    text = f"{Decimal(str(value)):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text or "0"


def bands_text(bands: list) -> str:
    """Performance bands as the form shows them: one "minimum score: points" a line."""
    return "\n".join(f"{number_text(low)}: {number_text(points)}" for low, points in bands or [])


def _bands_help() -> str:
    # Formatted when shown, so that it is in the reader's language.
    defaults = "; ".join(f"{low}: {points}" for low, points in DEFAULT_PERFORMANCE_BANDS)
    return (
        gettext("One “minimum score: points” a line, e.g. “90: 10”. Empty: the defaults (%s).")
        % defaults
    )


class DateTimeInput(forms.DateTimeInput):
    """A browser date-and-time picker, read in the server's time zone."""

    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def paper_totals() -> dict[int, Decimal]:
    """Each paper's total points (fixed questions plus draw rules), in two queries."""
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for row in PaperItem.objects.values("paper_id").annotate(total=Sum("points")).order_by():
        totals[row["paper_id"]] += row["total"] or 0
    rules = PaperRule.objects.values("paper_id").annotate(total=Sum(F("points") * F("count")))
    for row in rules.order_by():
        totals[row["paper_id"]] += row["total"] or 0
    return totals


class PaperChoiceField(forms.ModelChoiceField):
    """Papers by title, each with its total points."""

    def __init__(self, **kwargs):
        super().__init__(queryset=Paper.objects.order_by("title", "pk"), **kwargs)
        self._totals: dict[int, Decimal] | None = None

    def label_from_instance(self, obj: Paper) -> str:
        if self._totals is None:
            self._totals = paper_totals()
        points = number_text(self._totals.get(obj.pk, Decimal(0)))
        return _("%(title)s (%(points)s points)") % {"title": obj.title, "points": points}


class TrainingChoiceField(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Training.objects.order_by("-starts_on", "pk"), **kwargs)

    def label_from_instance(self, obj: Training) -> str:
        return f"{obj.title} ({obj.starts_on:%Y-%m-%d})"


class DepartmentsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(queryset=Department.objects.order_by("path"), **kwargs)

    def label_from_instance(self, obj: Department) -> str:
        return f"{_INDENT * obj.depth}{obj.name}"


class PeopleField(forms.ModelMultipleChoiceField):
    """Employees as "number name (department)"."""

    def __init__(self, queryset=None, **kwargs):
        if queryset is None:
            queryset = Employee.objects.filter(user__is_active=True)
        super().__init__(
            queryset=queryset.select_related("department").order_by("employee_no"), **kwargs
        )

    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.employee_no} {obj.name} ({obj.department.path})"


class CandidateField(forms.ModelChoiceField):
    def __init__(self, queryset, **kwargs):
        super().__init__(
            queryset=queryset.select_related("department").order_by("employee_no"), **kwargs
        )

    def label_from_instance(self, obj: Employee) -> str:
        return f"{obj.employee_no} {obj.name} ({obj.department.path})"


# The exam ------------------------------------------------------------------------------------


class ExamForm(forms.Form):
    """Every setting of an exam; ``spec()`` hands it to ``exam_create`` / ``exam_update``."""

    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ExamKind.choices, initial=ExamKind.THEORY)
    paper = PaperChoiceField(
        label=_("Paper"),
        required=False,
        help_text=_("Needed for an online exam. It cannot change once someone has started."),
    )
    training = TrainingChoiceField(
        label=_("Training"),
        required=False,
        help_text=_("Its trainees sit the exam, and passing it becomes part of the training."),
    )
    departments = DepartmentsField(
        label=_("Departments"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("Everyone in these departments (and their sub-departments) sits the exam."),
    )
    people = PeopleField(
        label=_("People"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10, "data-searchable": "true"}),
        help_text=_("Named people who sit the exam. Hold Ctrl (⌘ on a Mac) to choose several."),
    )
    opens_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    closes_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())
    duration_minutes = forms.IntegerField(
        label=_("Duration (minutes)"), initial=60, help_text=_("Per attempt, 1 to 1440.")
    )
    max_attempts = forms.IntegerField(label=_("Attempts allowed"), initial=1)
    attempt_counts = forms.ChoiceField(
        label=_("Attempt that counts"),
        choices=AttemptCounts.choices,
        initial=AttemptCounts.HIGHEST,
    )
    pass_score = forms.DecimalField(
        label=_("Pass score"), max_digits=7, decimal_places=2, initial=Decimal("60")
    )
    shuffle_questions = forms.BooleanField(label=_("Shuffle questions"), required=False)
    shuffle_options = forms.BooleanField(
        label=_("Shuffle options"),
        required=False,
        initial=True,
        help_text=_(
            "Each candidate sees the options in another order. Off: in the order written, "
            "which often puts the right answer first."
        ),
    )
    multiple_scoring = forms.ChoiceField(
        label=_("Multiple-choice scoring"),
        choices=MultipleScoring.choices,
        initial=MultipleScoring.ALL_OR_NOTHING,
    )
    min_attendance_rate = forms.DecimalField(
        label=_("Minimum attendance rate to sit (%)"),
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text=_("Empty: no minimum. Needs the exam's training."),
    )
    results_visible = forms.ChoiceField(
        label=_("Results visible"),
        choices=ResultsVisible.choices,
        initial=ResultsVisible.IMMEDIATELY,
    )
    review_visible = forms.BooleanField(
        label=_("Trainees may review questions, key and explanations"),
        required=False,
        initial=True,
        help_text=_(
            "Once results are visible, and only when no one can still sit the same paper: "
            "after the exam closes, or once every candidate has used their attempts, so an "
            "early finisher cannot pass the key on. The score alone may show earlier."
        ),
    )
    anonymous_grading = forms.BooleanField(
        label=_("Grade open answers anonymously"), required=False, initial=True
    )
    reward_top_n = forms.IntegerField(label=_("Reward the top N scorers"), initial=7)
    performance_bands = forms.CharField(
        label=_("Performance points by score"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=lazy(_bands_help, str)(),
    )

    def __init__(self, *args, exam: Exam | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if exam is not None:
            # People already listed stay choosable after their account was closed.
            listed = Q(user__is_active=True) | Q(pk__in=exam.people.values("pk"))
            self.fields["people"].queryset = (
                Employee.objects.filter(listed).select_related("department").order_by("employee_no")
            )

    @classmethod
    def initial_for(cls, exam: Exam) -> dict:
        """The form's values for an existing exam."""
        return {
            "title": exam.title,
            "kind": exam.kind,
            "paper": exam.paper_id,
            "training": exam.training_id,
            "departments": list(exam.departments.values_list("pk", flat=True)),
            "people": list(exam.people.values_list("pk", flat=True)),
            "opens_at": exam.opens_at,
            "closes_at": exam.closes_at,
            "duration_minutes": exam.duration_minutes,
            "max_attempts": exam.max_attempts,
            "attempt_counts": exam.attempt_counts,
            "pass_score": exam.pass_score,
            "shuffle_questions": exam.shuffle_questions,
            "shuffle_options": exam.shuffle_options,
            "multiple_scoring": exam.multiple_scoring,
            "min_attendance_rate": exam.min_attendance_rate,
            "results_visible": exam.results_visible,
            "review_visible": exam.review_visible,
            "anonymous_grading": exam.anonymous_grading,
            "reward_top_n": exam.reward_top_n,
            "performance_bands": bands_text(exam.performance_bands),
        }

    def clean_performance_bands(self) -> list[list[Decimal]]:
        bands = []
        lines = [
            line for line in self.cleaned_data["performance_bands"].splitlines() if line.strip()
        ]
        if len(lines) > MAX_BANDS:
            raise ValidationError(_("At most %d lines.") % MAX_BANDS)
        for number, line in enumerate(lines, start=1):
            match = BAND_LINE.match(line)
            try:
                if match is None:
                    raise InvalidOperation
                low, points = Decimal(match.group(1)), Decimal(match.group(2))
                if not low.is_finite() or not points.is_finite():
                    raise InvalidOperation
            except InvalidOperation as error:
                raise ValidationError(
                    _("Line %(n)d: write “minimum score: points”, e.g. “90: 10”.") % {"n": number}
                ) from error
            bands.append([low, points])
        return bands

    def spec(self) -> ExamSpec:
        data = self.cleaned_data
        return ExamSpec(
            title=data["title"],
            kind=data["kind"],
            paper=data["paper"],
            training=data["training"],
            departments=list(data["departments"]),
            people=list(data["people"]),
            opens_at=data["opens_at"],
            closes_at=data["closes_at"],
            duration_minutes=data["duration_minutes"],
            max_attempts=data["max_attempts"],
            attempt_counts=data["attempt_counts"],
            pass_score=data["pass_score"],
            shuffle_questions=data["shuffle_questions"],
            shuffle_options=data["shuffle_options"],
            multiple_scoring=data["multiple_scoring"],
            min_attendance_rate=data["min_attendance_rate"],
            results_visible=data["results_visible"],
            review_visible=data["review_visible"],
            anonymous_grading=data["anonymous_grading"],
            reward_top_n=data["reward_top_n"],
            performance_bands=data["performance_bands"],
        )


# Overrides and reopening ----------------------------------------------------------------------


class OverrideForm(forms.Form):
    """Other terms for one candidate; saving replaces their previous override."""

    employee = CandidateField(queryset=Employee.objects.none(), label=_("Candidate"))
    extra_minutes = forms.IntegerField(
        label=_("Extra minutes per attempt"), initial=0, required=False
    )
    extra_attempts = forms.IntegerField(label=_("Extra attempts"), initial=0, required=False)
    opens_at = forms.DateTimeField(
        label=_("Opens at (for this person)"), required=False, widget=DateTimeInput()
    )
    closes_at = forms.DateTimeField(
        label=_("Closes at (for this person)"), required=False, widget=DateTimeInput()
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = candidates.select_related("department").order_by(
            "employee_no"
        )

    def arguments(self) -> dict:
        data = self.cleaned_data
        return {
            "employee": data["employee"],
            "reason": data["reason"],
            "extra_minutes": data["extra_minutes"] or 0,
            "extra_attempts": data["extra_attempts"] or 0,
            "opens_at": data["opens_at"],
            "closes_at": data["closes_at"],
        }


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    minutes = forms.IntegerField(
        label=_("Minutes to continue"), initial=15, help_text=_("From 1 to 1440.")
    )


# Grading --------------------------------------------------------------------------------------


class GradeForm(forms.Form):
    """A score and a comment for one open answer. The field names carry the answer's id so
    that several forms on one page stay apart."""

    score = forms.DecimalField(
        label=_("Score"),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 5}),
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class KeyCorrectionForm(forms.Form):
    """The corrected key of one question version: the correct options, or the accepted
    answers of each blank (one a line), and the reason."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Written to the audit log with every changed score."),
    )

    def __init__(self, *args, version: QuestionVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.version = version
        options = list(version.options.order_by("position"))
        if version.type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
            self.fields["correct"] = forms.TypedChoiceField(
                label=_("Correct option"),
                choices=[(o.position, o.text) for o in options],
                coerce=int,
                widget=forms.RadioSelect,
                initial=next((o.position for o in options if o.correct), None),
            )
        elif version.type == QuestionType.MULTIPLE:
            self.fields["correct"] = forms.TypedMultipleChoiceField(
                label=_("Correct options"),
                choices=[(o.position, o.text) for o in options],
                coerce=int,
                widget=forms.CheckboxSelectMultiple,
                initial=[o.position for o in options if o.correct],
            )
        elif version.type == QuestionType.FILL_BLANK:
            for index, accepted in enumerate(version.blanks):
                self.fields[f"blank_{index}"] = forms.CharField(
                    label=_("Blank %d: accepted answers") % (index + 1),
                    widget=forms.Textarea(attrs={"rows": 3}),
                    initial="\n".join(accepted),
                    help_text=_("One accepted answer a line."),
                    max_length=10_000,
                )
        # The reason last, after the key.
        self.order_fields([name for name in self.fields if name != "reason"] + ["reason"])

    @property
    def has_key(self) -> bool:
        return len(self.fields) > 1

    def arguments(self) -> dict:
        data = self.cleaned_data
        arguments = {"reason": data["reason"]}
        if "correct" in data:
            correct = data["correct"]
            arguments["correct_positions"] = (
                list(correct) if isinstance(correct, list) else [correct]
            )
        else:
            arguments["blanks"] = [
                [line for line in data[f"blank_{index}"].splitlines() if line.strip()]
                for index in range(len(self.version.blanks))
            ]
        return arguments


# Practical scores ------------------------------------------------------------------------------


class PracticalScoresForm(forms.Form):
    """A score field per candidate (``score_<employee id>``); an empty field leaves that
    candidate's score as it is."""

    def __init__(self, *args, candidates: list[Employee], scores: dict[int, Decimal], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        for employee in candidates:
            self.fields[f"score_{employee.pk}"] = forms.DecimalField(
                label=_("Score of %(name)s") % {"name": employee.name},
                required=False,
                max_digits=7,
                decimal_places=2,
                initial=number_text(scores.get(employee.pk)),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 6}),
            )

    def rows(self) -> list[tuple[Employee, Decimal]]:
        """(employee, score) for every filled-in field."""
        return [
            (employee, self.cleaned_data[f"score_{employee.pk}"])
            for employee in self.candidates
            if self.cleaned_data.get(f"score_{employee.pk}") is not None
        ]

    def field_of(self, employee: Employee):
        return self[f"score_{employee.pk}"]
