"""Papers: which questions an exam shows and what each is worth.

A paper has fixed items (these questions, these points) and random-draw rules ("N questions of
category C, with its sub-categories, at difficulty D, P points each"); a paper may have both.
Rules are drawn per candidate when an attempt starts, so neighbours get different papers with
the same total.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from exams.models.bank import Question, QuestionCategory, QuestionType


class Paper(models.Model):
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
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
        verbose_name = _("paper")
        verbose_name_plural = _("papers")
        ordering = ["-updated_at", "id"]

    def __str__(self) -> str:
        return self.title


class PaperItem(models.Model):
    """A fixed question of a paper. The attempt freezes the version current at its start."""

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="items"
    )
    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.PROTECT, related_name="paper_items"
    )
    position = models.PositiveIntegerField(_("position"))
    points = models.DecimalField(
        _("points"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("paper question")
        verbose_name_plural = _("paper questions")
        ordering = ["paper_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "question"], name="paper_item_unique"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="paper_item_points"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}: #{self.question_id} ({self.points})"


class PaperRule(models.Model):
    """Draw ``count`` active questions of ``category`` (and its sub-categories when
    ``include_subcategories``), of ``difficulty`` and ``question_type`` when set, worth
    ``points`` each."""

    paper = models.ForeignKey(
        Paper, verbose_name=_("paper"), on_delete=models.CASCADE, related_name="rules"
    )
    position = models.PositiveIntegerField(_("position"))
    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="paper_rules",
    )
    include_subcategories = models.BooleanField(_("with sub-categories"), default=True)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), null=True, blank=True)
    question_type = models.CharField(
        _("type"), max_length=16, choices=QuestionType.choices, blank=True
    )
    count = models.PositiveIntegerField(_("questions"), validators=[MinValueValidator(1)])
    points = models.DecimalField(
        _("points each"),
        max_digits=6,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"))],
    )

    class Meta:
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")
        ordering = ["paper_id", "position"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=1), name="paper_rule_count"),
            models.CheckConstraint(condition=models.Q(points__gt=0), name="paper_rule_points"),
        ]

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.count} x {self.category_id}"
