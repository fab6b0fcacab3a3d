"""The question bank: a tree of categories, questions, and the versions of each question.

A question's identity (category, difficulty, tags, whether it is active) lives on
``Question``; what a candidate is shown and graded against (stem, options, key, accepted
answers, explanation) lives on ``QuestionVersion``. Once a version has been shown in an
attempt (``used_at`` set) it is never changed again: editing makes a new version, and the
attempt keeps pointing at the one it showed.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

PATH_SEPARATOR = "/"
MAX_OPTIONS = 8
OPTION_LETTERS = "ABCDEFGH"


class QuestionType(models.TextChoices):
    SINGLE = "single", _("Single choice")
    MULTIPLE = "multiple", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True / false")
    FILL_BLANK = "fill_blank", _("Fill in the blank")
    SHORT_ANSWER = "short_answer", _("Short answer")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


class QuestionCategory(models.Model):
    """A node of the bank's category tree (e.g. ``Electrical safety/Low voltage``).

    ``path`` is the full name from the root; the services keep it current on rename or move.
    """

    name = models.CharField(pgettext_lazy("category", "name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("full name"), max_length=500, unique=True, editable=False)

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)


class Question(models.Model):
    """One question of the bank, through all its versions.

    ``fingerprint`` is a hash of the current version's type, stem and options (normalised),
    used to find duplicates within a category. ``tags`` is kept as ``,tag,tag,`` so a tag
    search is one indexed-free ``contains`` on every database.
    """

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    tags = models.CharField(_("tags"), max_length=500, blank=True, default="")
    is_active = models.BooleanField(_("active"), default=True)
    retired_at = models.DateTimeField(_("retired at"), null=True, blank=True)
    current_version = models.OneToOneField(
        "QuestionVersion",
        verbose_name=_("current version"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=64, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["id"]
        indexes = [
            models.Index(fields=["category", "fingerprint"]),
            models.Index(fields=["category", "is_active", "difficulty"]),
            models.Index(fields=["type"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(difficulty__gte=1) & models.Q(difficulty__lte=5),
                name="question_difficulty_range",
            ),
        ]

    def __str__(self) -> str:
        version = self.current_version
        stem = version.stem if version is not None else ""
        return f"#{self.pk} {stem[:60]}"

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


class QuestionVersion(models.Model):
    """What one version of a question shows and expects.

    Choice questions keep their options (with the key) as ``QuestionOption`` rows. Fill in the
    blank keeps ``blanks``: one list of accepted answers per blank, e.g.
    ``[["119"], ["110", "one one zero"]]``; ``numeric_tolerance`` (when set) accepts any number
    within that distance of a numeric accepted answer. Short answer keeps an optional
    ``reference_answer`` for the graders.
    """

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    stem = models.TextField(_("stem"))
    image = models.ImageField(_("image"), upload_to="questions/%Y/%m/", blank=True)
    explanation = models.TextField(_("explanation"), blank=True)
    blanks = models.JSONField(_("accepted answers per blank"), default=list, blank=True)
    numeric_tolerance = models.DecimalField(
        _("numeric tolerance"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    reference_answer = models.TextField(_("reference answer"), blank=True)
    used_at = models.DateTimeField(
        _("first shown in an attempt"),
        null=True,
        blank=True,
        help_text=_("A version shown in an attempt is never changed: editing makes a new one."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("question version")
        verbose_name_plural = _("question versions")
        ordering = ["question_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "number"], name="question_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"#{self.question_id} v{self.number}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None


class QuestionOption(models.Model):
    """One option of a choice question's version; ``correct`` is the key."""

    version = models.ForeignKey(
        QuestionVersion,
        verbose_name=_("question version"),
        on_delete=models.CASCADE,
        related_name="options",
    )
    position = models.PositiveSmallIntegerField(_("position"))
    text = models.TextField(_("text"))
    correct = models.BooleanField(_("correct"), default=False)

    class Meta:
        verbose_name = _("option")
        verbose_name_plural = _("options")
        ordering = ["version_id", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"], name="question_option_position_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.letter}. {self.text[:60]}"

    @property
    def letter(self) -> str:
        return OPTION_LETTERS[self.position] if self.position < len(OPTION_LETTERS) else "?"
