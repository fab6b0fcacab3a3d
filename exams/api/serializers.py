"""Serializers of the question-bank and paper API.

They check shape and type only (a list where a list is expected, a number where a number
is); every rule about content (one correct option, difficulty 1-5, no duplicates, enough
questions for a rule) is the services' and comes back through the exception handler.

Every serializer here shows the key (correct options, accepted answers, explanations,
reference answers): only the safety officer's API uses them. ``PreviewQuestionSerializer``
shows it only when asked with ``with_key``.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from exams.content import TRUE_FALSE_TEXTS, OptionInput, QuestionInput
from exams.models import Question, QuestionCategory, QuestionType, QuestionVersion
from exams.selectors.bank import CategoryNode
from exams.selectors.papers import DrawnQuestion, PaperSummary, RuleSpec
from exams.services.papers import ItemSpec

STATES = [
    ("active", "active"),
    ("inactive", "inactive"),
    ("retired", "retired"),
    ("all", "all"),
]
IMPORT_FORMATS = [("xlsx", "xlsx"), ("moodle_xml", "moodle_xml"), ("gift", "gift")]
EXPORT_FORMATS = [("xlsx", "xlsx"), ("moodle_xml", "moodle_xml")]

_tolerance = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
_points = serializers.DecimalField(max_digits=12, decimal_places=2)
_stamp = serializers.DateTimeField()


def image_url(version: QuestionVersion) -> str | None:
    return version.image.url if version.image else None


def accepted_answers(blanks: list[list[str]]) -> list[str]:
    """Every accepted text of every blank, in order: the flat list the API calls
    ``accepted_answers``."""
    return [text for blank in blanks for text in blank]


class PatchableSerializer(serializers.Serializer):
    """With ``patch=True`` every top-level field is optional and has no default, so a PATCH
    changes only what it sends. DRF's own ``partial`` is not used: it would also stop
    checking the required fields of each nested option or rule."""

    def __init__(self, *args, patch: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if patch:
            for field in self.fields.values():
                field.required = False
                field.default = empty


# Categories ---------------------------------------------------------------------------------


class CategorySerializer(serializers.Serializer):
    """A category; ``question_count`` counts active questions with its sub-categories,
    ``own_question_count`` those directly in it."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(allow_blank=True, trim_whitespace=False)
    parent = serializers.PrimaryKeyRelatedField(
        queryset=QuestionCategory.objects.all(), allow_null=True, required=False
    )
    path = serializers.CharField(read_only=True)
    depth = serializers.IntegerField(read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    own_question_count = serializers.IntegerField(read_only=True)

    def to_representation(self, node: CategoryNode) -> dict:
        category = node.category
        return {
            "id": category.pk,
            "name": category.name,
            "parent": category.parent_id,
            "path": category.path,
            "depth": category.depth,
            "question_count": node.total_count,
            "own_question_count": node.own_count,
        }


# Questions ----------------------------------------------------------------------------------


class OptionSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    correct = serializers.BooleanField(default=False)


class QuestionContentSerializer(serializers.Serializer):
    """What one version of a question shows and expects (the key included)."""

    type = serializers.ChoiceField(choices=QuestionType.choices)
    stem = serializers.CharField()
    options = OptionSerializer(many=True)
    blanks = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        help_text="One list of accepted answers per blank (fill in the blank).",
    )
    accepted_answers = serializers.ListField(
        child=serializers.CharField(), help_text="Every accepted answer of every blank."
    )
    numeric_tolerance = serializers.DecimalField(max_digits=12, decimal_places=4, allow_null=True)
    reference_answer = serializers.CharField()
    explanation = serializers.CharField()
    image = serializers.CharField(allow_null=True, help_text="URL of the stem's picture.")

    def content(self, version: QuestionVersion) -> dict:
        return {
            "type": version.type,
            "stem": version.stem,
            "options": [
                {"id": option.pk, "text": option.text, "correct": option.correct}
                for option in version.options.all()
            ],
            "blanks": version.blanks,
            "accepted_answers": accepted_answers(version.blanks),
            "numeric_tolerance": _tolerance.to_representation(version.numeric_tolerance)
            if version.numeric_tolerance is not None
            else None,
            "reference_answer": version.reference_answer,
            "explanation": version.explanation,
            "image": image_url(version),
        }


class BankQuestionSerializer(QuestionContentSerializer):
    """A question with its current version's content. ``version`` is the current version's
    number, ``retired`` whether it was retired (kept for attempts, never drawn again)."""

    id = serializers.IntegerField()
    category = serializers.IntegerField()
    category_path = serializers.CharField()
    difficulty = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    is_active = serializers.BooleanField()
    retired = serializers.BooleanField()
    version = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()

    def to_representation(self, question: Question) -> dict:
        return {
            "id": question.pk,
            **self.content(question.current_version),
            "category": question.category_id,
            "category_path": question.category.path,
            "difficulty": question.difficulty,
            "tags": question.tag_list,
            "is_active": question.is_active,
            "retired": question.is_retired,
            "version": question.current_version.number,
            "created_at": _stamp.to_representation(question.created_at),
            "updated_at": _stamp.to_representation(question.updated_at),
        }


class QuestionUpdatedSerializer(BankQuestionSerializer):
    new_version = serializers.BooleanField(
        help_text="True when the edit made a new version (the old one was shown in an attempt)."
    )


class QuestionVersionSerializer(QuestionContentSerializer):
    """One version of a question, as it was written."""

    number = serializers.IntegerField()
    current = serializers.BooleanField()
    used_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()
    created_by = serializers.CharField(allow_null=True)

    def to_representation(self, version: QuestionVersion) -> dict:
        return {
            "number": version.number,
            "current": version.pk == self.context.get("current_version_id"),
            **self.content(version),
            "used_at": _stamp.to_representation(version.used_at) if version.used_at else None,
            "created_at": _stamp.to_representation(version.created_at),
            "created_by": version.created_by.get_username() if version.created_by else None,
        }


class BankQuestionWriteSerializer(PatchableSerializer):
    """A question as written through the API.

    Fill in the blank: ``blanks`` is one list of accepted answers per blank; without
    ``blanks``, ``accepted_answers`` is one blank with those alternatives. True/false:
    ``options`` (two, one correct) or simply ``answer`` (true or false).
    """

    type = serializers.ChoiceField(choices=QuestionType.choices)
    stem = serializers.CharField(allow_blank=True, trim_whitespace=False)
    category = serializers.PrimaryKeyRelatedField(queryset=QuestionCategory.objects.all())
    options = OptionSerializer(many=True, required=False)
    answer = serializers.BooleanField(
        required=False,
        allow_null=True,
        help_text="True/false questions: the correct answer, instead of ``options``.",
    )
    blanks = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        required=False,
    )
    accepted_answers = serializers.ListField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    numeric_tolerance = serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, required=False
    )
    reference_answer = serializers.CharField(allow_blank=True, required=False)
    explanation = serializers.CharField(allow_blank=True, required=False)
    difficulty = serializers.IntegerField(required=False)
    tags = serializers.ListField(child=serializers.CharField(allow_blank=True), required=False)
    is_active = serializers.BooleanField(required=False)

    def question_input(self, base: QuestionInput | None = None) -> QuestionInput:
        """The validated fields over ``base`` (PATCH: the current content; create and PUT:
        nothing, so an absent field is empty)."""
        data = self.validated_data
        base = base or QuestionInput(type=data["type"], stem="")
        kind = data.get("type", base.type)
        options = base.options
        if "options" in data:
            options = [OptionInput(o["text"], o["correct"]) for o in data["options"]]
        if kind == QuestionType.TRUE_FALSE and data.get("answer") is not None:
            truth = data["answer"]
            options = [
                OptionInput(TRUE_FALSE_TEXTS[0], truth),
                OptionInput(TRUE_FALSE_TEXTS[1], not truth),
            ]
        blanks = base.blanks
        if "blanks" in data:
            blanks = data["blanks"]
        elif "accepted_answers" in data:
            blanks = [data["accepted_answers"]] if data["accepted_answers"] else []
        return QuestionInput(
            type=kind,
            stem=data.get("stem", base.stem),
            options=options,
            blanks=blanks,
            numeric_tolerance=data.get("numeric_tolerance", base.numeric_tolerance),
            reference_answer=data.get("reference_answer", base.reference_answer),
            explanation=data.get("explanation", base.explanation),
            difficulty=data.get("difficulty", base.difficulty),
            tags=data.get("tags", base.tags),
        )


class QuestionImageSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class QuestionFilterSerializer(serializers.Serializer):
    """Filters of the question list and export. Without ``category``: the whole bank; with
    it, its sub-categories too unless ``include_subcategories=0``."""

    category = serializers.PrimaryKeyRelatedField(
        queryset=QuestionCategory.objects.all(), required=False, allow_null=True
    )
    include_subcategories = serializers.BooleanField(default=True)
    search = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="part of the stem"
    )
    tag = serializers.CharField(required=False, allow_blank=True, max_length=100)
    type = serializers.ChoiceField(choices=QuestionType.choices, required=False, allow_blank=True)
    difficulty = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    state = serializers.ChoiceField(choices=STATES, default="active")

    def search_arguments(self) -> dict:
        data = self.validated_data
        return {
            "category": data.get("category"),
            "include_subcategories": data["include_subcategories"],
            "text": data.get("search", ""),
            "tag": data.get("tag", ""),
            "type": data.get("type", ""),
            "difficulty": data.get("difficulty"),
            "state": data["state"],
        }


class QuestionExportSerializer(QuestionFilterSerializer):
    format = serializers.ChoiceField(choices=EXPORT_FORMATS, default="xlsx")


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)
    format = serializers.ChoiceField(
        choices=IMPORT_FORMATS,
        required=False,
        allow_blank=True,
        help_text="Without it, the file's ending decides.",
    )
    dry_run = serializers.BooleanField(default=False)
    confirm_unsupported = serializers.BooleanField(
        default=False, help_text="Skip the questions of types the bank has no equivalent of."
    )


class ImportIssueSerializer(serializers.Serializer):
    row = serializers.IntegerField(
        allow_null=True, help_text="spreadsheet row, or question number in the file"
    )
    field = serializers.CharField(allow_null=True)
    message = serializers.CharField()


class ImportPreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    name = serializers.CharField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    category = serializers.CharField()
    stem = serializers.CharField()
    answer = serializers.CharField(help_text="the key in short: B, ACD, True, 2 / two")


class ImportUnsupportedSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    type = serializers.CharField()
    name = serializers.CharField()


class ImportResultSerializer(serializers.Serializer):
    format = serializers.CharField()
    dry_run = serializers.BooleanField()
    ok = serializers.BooleanField()
    created = serializers.IntegerField()
    to_create = ImportPreviewRowSerializer(many=True, help_text="what the import creates")
    duplicates = ImportIssueSerializer(many=True, help_text="left out, not an error")
    unsupported = ImportUnsupportedSerializer(many=True)
    categories_to_create = serializers.ListField(child=serializers.CharField())
    needs_confirmation = serializers.BooleanField()
    errors = ImportIssueSerializer(many=True)


# Papers -------------------------------------------------------------------------------------


class PaperItemSerializer(serializers.Serializer):
    question = serializers.IntegerField(min_value=1)
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    type = serializers.CharField(read_only=True)
    stem = serializers.CharField(read_only=True)


class PaperRuleSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=QuestionCategory.objects.all())
    category_path = serializers.CharField(read_only=True)
    include_subcategories = serializers.BooleanField(default=True)
    difficulty = serializers.IntegerField(required=False, allow_null=True)
    question_type = serializers.CharField(
        required=False, allow_blank=True, default="", help_text='"" for any type'
    )
    count = serializers.IntegerField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2, help_text="points each")
    pool_size = serializers.IntegerField(
        read_only=True, help_text="questions matching the rule (fixed items excluded)"
    )
    available = serializers.IntegerField(
        read_only=True, help_text="questions the rule can surely draw"
    )
    enough = serializers.BooleanField(read_only=True)


class PaperSerializer(PatchableSerializer):
    """A paper: fixed ``items`` and draw ``rules``. Writes replace both lists (PATCH keeps
    the ones not sent)."""

    id = serializers.IntegerField(read_only=True)
    title = serializers.CharField(allow_blank=True)
    description = serializers.CharField(allow_blank=True, required=False, default="")
    items = PaperItemSerializer(many=True, required=False)
    rules = PaperRuleSerializer(many=True, required=False)
    total_points = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    question_count = serializers.IntegerField(read_only=True)
    drawable = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)
    updated_at = serializers.DateTimeField(read_only=True)

    def validate_items(self, items: list[dict]) -> list[ItemSpec]:
        ids = [item["question"] for item in items]
        found = Question.objects.in_bulk(ids)
        missing = sorted({pk for pk in ids if pk not in found})
        if missing:
            raise serializers.ValidationError(
                _("No question has the number %s.") % ", ".join(f"#{pk}" for pk in missing)
            )
        return [ItemSpec(question=found[item["question"]], points=item["points"]) for item in items]

    def validate_rules(self, rules: list[dict]) -> list[RuleSpec]:
        return [
            RuleSpec(
                category=rule["category"],
                count=rule["count"],
                points=rule["points"],
                include_subcategories=rule["include_subcategories"],
                difficulty=rule.get("difficulty"),
                question_type=rule.get("question_type") or "",
            )
            for rule in rules
        ]

    def to_representation(self, summary: PaperSummary) -> dict:
        paper, points = summary.paper, PaperItemSerializer().fields["points"]
        return {
            "id": paper.pk,
            "title": paper.title,
            "description": paper.description,
            "items": [
                {
                    "question": item.question_id,
                    "points": points.to_representation(item.points),
                    "type": item.question.type,
                    "stem": item.question.current_version.stem,
                }
                for item in summary.items
            ],
            "rules": [
                {
                    "category": check.rule.category.pk,
                    "category_path": check.rule.category.path,
                    "include_subcategories": check.rule.include_subcategories,
                    "difficulty": check.rule.difficulty,
                    "question_type": check.rule.question_type,
                    "count": check.rule.count,
                    "points": points.to_representation(check.rule.points),
                    "pool_size": check.pool_size,
                    "available": check.available,
                    "enough": check.enough,
                }
                for check in summary.rules
            ],
            "total_points": _points.to_representation(summary.total_points),
            "question_count": summary.question_count,
            "drawable": summary.drawable,
            "created_at": _stamp.to_representation(paper.created_at),
            "updated_at": _stamp.to_representation(paper.updated_at),
        }


class KeyQuerySerializer(serializers.Serializer):
    key = serializers.BooleanField(
        default=False, help_text="1: the answer sheet, with the key; 0: as a candidate sees it"
    )


class PreviewOptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    text = serializers.CharField()
    correct = serializers.BooleanField(required=False, help_text="only with key=1")


class PreviewQuestionSerializer(serializers.Serializer):
    """A drawn question as a candidate sees it; with ``with_key`` in the context, also the
    key (only ever for the safety officer's preview)."""

    id = serializers.IntegerField()
    type = serializers.ChoiceField(choices=QuestionType.choices)
    stem = serializers.CharField()
    points = serializers.DecimalField(max_digits=6, decimal_places=2)
    image = serializers.CharField(allow_null=True)
    blank_count = serializers.IntegerField()
    options = PreviewOptionSerializer(many=True)
    accepted_answers = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="only with key=1"
    )
    blanks = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="only with key=1",
    )
    numeric_tolerance = serializers.DecimalField(
        max_digits=12, decimal_places=4, allow_null=True, required=False
    )
    explanation = serializers.CharField(required=False, help_text="only with key=1")
    reference_answer = serializers.CharField(required=False, help_text="only with key=1")

    def to_representation(self, drawn: DrawnQuestion) -> dict:
        version, with_key = drawn.version, bool(self.context.get("with_key"))
        options = []
        for option in version.options.all():
            shown = {"id": option.pk, "text": option.text}
            if with_key:
                shown["correct"] = option.correct
            options.append(shown)
        data = {
            "id": drawn.question.pk,
            "type": version.type,
            "stem": version.stem,
            "points": self.fields["points"].to_representation(drawn.points),
            "image": image_url(version),
            "blank_count": len(version.blanks),
            "options": options,
        }
        if with_key:
            data.update(
                accepted_answers=accepted_answers(version.blanks),
                blanks=version.blanks,
                numeric_tolerance=_tolerance.to_representation(version.numeric_tolerance)
                if version.numeric_tolerance is not None
                else None,
                explanation=version.explanation,
                reference_answer=version.reference_answer,
            )
        return data


class PreviewSerializer(serializers.Serializer):
    total_points = serializers.DecimalField(max_digits=12, decimal_places=2)
    questions = PreviewQuestionSerializer(many=True)

    def to_representation(self, questions: list[DrawnQuestion]) -> dict:
        total = sum((drawn.points for drawn in questions), Decimal(0))
        return {
            "total_points": _points.to_representation(total),
            "questions": PreviewQuestionSerializer(questions, many=True, context=self.context).data,
        }
