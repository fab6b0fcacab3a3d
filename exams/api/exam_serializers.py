"""Serializers of the exam API: exams (as the safety officer, HR and instructors see them,
and as a candidate sees them with their eligibility), overrides, extra time, closing,
practical scores, the grading queue and key corrections.

They check shape and type only; every rule (a drawable paper, closing after opening, who
may sit) is the services' and comes back through the exception handler. Nothing here shows
a key: attempts and their questions are built in ``exams.api.attempt_payloads``.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from courses.models import Training
from exams.models import (
    AttemptCounts,
    Exam,
    ExamKind,
    ExamOverride,
    MultipleScoring,
    Paper,
    ResultsVisible,
)
from exams.selectors.exams import Eligibility
from exams.services.exams import ExamSpec
from people.models import Department, Employee

_stamp = serializers.DateTimeField()


def when(value) -> str | None:
    """A datetime as the API writes it (ISO 8601 in the server's time zone), or None."""
    return _stamp.to_representation(value) if value is not None else None


def decimal(value) -> str | None:
    """A score or points as the API writes decimals: a string with two places."""
    return None if value is None else f"{Decimal(value):.2f}"


# Exams ---------------------------------------------------------------------------------------

# What a candidate sees of an exam: the rules they sit under, never who else sits, the
# reward or performance settings, or how grading is done.
CANDIDATE_FIELDS = [
    "id",
    "title",
    "kind",
    "paper",
    "training",
    "opens_at",
    "closes_at",
    "closed_early_at",
    "duration_minutes",
    "max_attempts",
    "attempt_counts",
    "pass_score",
    "shuffle_questions",
    "shuffle_options",
    "multiple_scoring",
    "min_attendance_rate",
    "results_visible",
    "review_visible",
]


class ExamSerializer(serializers.ModelSerializer):
    """An exam as the safety officer, HR and the training's instructors see it. Writing:
    every field of ``ExamSpec``; PUT sends the whole exam, PATCH only what changes."""

    paper = serializers.PrimaryKeyRelatedField(
        queryset=Paper.objects.all(), allow_null=True, required=False
    )
    training = serializers.PrimaryKeyRelatedField(
        queryset=Training.objects.all(), allow_null=True, required=False
    )
    departments = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.all(), required=False
    )
    people = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Employee.objects.all(), required=False
    )
    kind = serializers.ChoiceField(ExamKind.choices, default=ExamKind.THEORY)
    attempt_counts = serializers.ChoiceField(AttemptCounts.choices, default=AttemptCounts.HIGHEST)
    multiple_scoring = serializers.ChoiceField(
        MultipleScoring.choices, default=MultipleScoring.ALL_OR_NOTHING
    )
    results_visible = serializers.ChoiceField(
        ResultsVisible.choices, default=ResultsVisible.IMMEDIATELY
    )
    performance_bands = serializers.JSONField(
        required=False,
        help_text="Pairs [minimum score, points], highest first; empty: the default bands.",
    )

    class Meta:
        model = Exam
        fields = [
            "id",
            "title",
            "kind",
            "paper",
            "training",
            "departments",
            "people",
            "opens_at",
            "closes_at",
            "closed_early_at",
            "duration_minutes",
            "max_attempts",
            "attempt_counts",
            "pass_score",
            "shuffle_questions",
            "shuffle_options",
            "multiple_scoring",
            "min_attendance_rate",
            "results_visible",
            "review_visible",
            "anonymous_grading",
            "reward_top_n",
            "performance_bands",
        ]
        read_only_fields = ["closed_early_at"]
        # The services check ranges, with messages in the users' words.
        extra_kwargs = {
            "duration_minutes": {"validators": []},
            "max_attempts": {"validators": []},
            "min_attendance_rate": {"validators": []},
        }

    def spec(self, exam: Exam | None = None) -> ExamSpec:
        """The validated body as an ExamSpec; for a PATCH the exam's current values fill in
        what was not sent."""
        data = dict(self.validated_data)
        if exam is not None and self.partial:
            current = {
                name: getattr(exam, name)
                for name in self.Meta.fields
                if name not in ("id", "closed_early_at", "departments", "people")
            }
            current["departments"] = list(exam.departments.all())
            current["people"] = list(exam.people.all())
            data = {**current, **data}
        names = set(ExamSpec.__dataclass_fields__)
        return ExamSpec(**{name: value for name, value in data.items() if name in names})


class EligibilitySerializer(serializers.Serializer):
    """Whether the candidate may start an attempt now, and why not."""

    can_start = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())
    attempts_used = serializers.IntegerField()
    attempts_allowed = serializers.IntegerField()
    opens_at = serializers.DateTimeField()
    closes_at = serializers.DateTimeField()
    duration_minutes = serializers.IntegerField()
    in_progress_attempt = serializers.IntegerField(
        allow_null=True, help_text="The attempt to resume, if one is in progress."
    )

    def to_representation(self, instance: Eligibility):
        return {
            "can_start": instance.can_start,
            "reasons": [str(reason) for reason in instance.reasons],
            "attempts_used": instance.attempts_used,
            "attempts_allowed": instance.attempts_allowed,
            "opens_at": when(instance.opens_at),
            "closes_at": when(instance.closes_at),
            "duration_minutes": instance.duration_minutes,
            "in_progress_attempt": instance.in_progress.pk if instance.in_progress else None,
        }


class CandidateExamSerializer(serializers.ModelSerializer):
    """An exam as a candidate sees it, with their own eligibility (from the context's
    ``eligibility`` map by exam id)."""

    eligibility = serializers.SerializerMethodField()

    class Meta:
        model = Exam
        fields = [*CANDIDATE_FIELDS, "eligibility"]

    def get_eligibility(self, exam) -> EligibilitySerializer:
        eligibility = self.context.get("eligibility", {}).get(exam.pk)
        return EligibilitySerializer(eligibility).data if eligibility is not None else None


# Attempt list, overrides, extra time, closing ----------------------------------------------------


class AttemptRowSerializer(serializers.Serializer):
    """One attempt in the safety officer's and HR's list of an exam's attempts."""

    id = serializers.IntegerField()
    employee = serializers.IntegerField(source="employee_id")
    employee_no = serializers.CharField(source="employee.employee_no")
    name = serializers.CharField(source="employee.name")
    department = serializers.CharField(source="employee.department.path")
    number = serializers.IntegerField()
    status = serializers.CharField()
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    close_reason = serializers.CharField()
    score = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    max_score = serializers.DecimalField(max_digits=8, decimal_places=2)
    passed = serializers.BooleanField(allow_null=True)
    duration_seconds = serializers.IntegerField(allow_null=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500)


class ReopenSerializer(ReasonSerializer):
    minutes = serializers.IntegerField(help_text="Minutes the candidate gets from now (1-1440).")


class ExtendSerializer(ReasonSerializer):
    minutes = serializers.IntegerField(help_text="Extra minutes (1-1440).")
    employee = serializers.PrimaryKeyRelatedField(
        queryset=Employee.objects.all(),
        required=False,
        allow_null=True,
        help_text="One candidate; omitted: everyone with an attempt in progress.",
    )


class ExtendedSerializer(serializers.Serializer):
    extended = serializers.IntegerField(help_text="How many attempts in progress moved.")


class ClosedSerializer(serializers.Serializer):
    closed_early_at = serializers.DateTimeField()
    attempts_closed = serializers.IntegerField()


class OverrideSerializer(serializers.ModelSerializer):
    """Other terms for one candidate, always with a reason."""

    reason = serializers.CharField(max_length=500)
    extra_minutes = serializers.IntegerField(required=False, default=0)
    extra_attempts = serializers.IntegerField(required=False, default=0)
    opens_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    closes_at = serializers.DateTimeField(required=False, allow_null=True, default=None)

    class Meta:
        model = ExamOverride
        fields = [
            "employee",
            "extra_minutes",
            "extra_attempts",
            "opens_at",
            "closes_at",
            "reason",
            "created_at",
        ]
        read_only_fields = ["employee", "created_at"]


class PracticalScoreSerializer(serializers.Serializer):
    employee = serializers.IntegerField()
    score = serializers.DecimalField(max_digits=9, decimal_places=2)
    passed = serializers.BooleanField(read_only=True)


def practical_rows(rows: list[dict]) -> list[tuple[Employee, Decimal]]:
    """Validated practical-score rows as (employee, score); an unknown employee id is a 400."""
    found = Employee.objects.in_bulk([row["employee"] for row in rows])
    missing = sorted({row["employee"] for row in rows} - set(found))
    if missing:
        raise serializers.ValidationError(
            {"employee": [_("No employee with id %s.") % ", ".join(map(str, missing))]}
        )
    return [(found[row["employee"]], row["score"]) for row in rows]


# Grading -------------------------------------------------------------------------------------


class GradingQuerySerializer(serializers.Serializer):
    question = serializers.IntegerField(
        required=False, help_text="Only the answers to this question (a question id)."
    )
    state = serializers.ChoiceField(
        [("pending", "pending"), ("graded", "graded"), ("all", "all")],
        default="pending",
        help_text="pending (default): awaiting a grade; graded: graded by hand; all.",
    )


class GradingItemSerializer(serializers.Serializer):
    """One open answer in the grading queue. With anonymous grading (the exam's default) the
    candidate is only an attempt code; otherwise also ``employee``, ``employee_no``,
    ``name``."""

    id = serializers.IntegerField(help_text="The answer id (PUT /answers/{id}/grade/).")
    attempt = serializers.CharField(help_text="A code standing for the attempt.")
    question = serializers.IntegerField()
    version = serializers.IntegerField()
    stem = serializers.CharField()
    reference_answer = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    text = serializers.CharField()
    needs_grading = serializers.BooleanField()
    score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True)
    comment = serializers.CharField()
    graded_at = serializers.DateTimeField(allow_null=True)


class GradeSerializer(serializers.Serializer):
    score = serializers.DecimalField(max_digits=8, decimal_places=2)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class KeyCorrectionSerializer(serializers.Serializer):
    correct_positions = serializers.ListField(
        child=serializers.IntegerField(min_value=0),
        required=False,
        max_length=20,
        help_text="Choice questions: the positions (0 = A) of the correct options.",
    )
    blanks = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(max_length=1000), max_length=20),
        required=False,
        max_length=20,
        help_text="Fill in the blank: the accepted answers of each blank.",
    )
    reason = serializers.CharField(max_length=500)


class KeyCorrectedSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    answers_changed = serializers.IntegerField()
    attempts_changed = serializers.IntegerField()
