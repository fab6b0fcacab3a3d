"""Self-study progress: which materials a trainee opened and which modules they finished."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from courses.models.catalog import Material, Module
from courses.models.trainings import Enrollment


class MaterialProgress(models.Model):
    """A trainee's use of one material within one training run."""

    enrollment = models.ForeignKey(
        Enrollment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="progress"
    )
    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="progress"
    )
    first_opened_at = models.DateTimeField(_("first opened"))
    last_opened_at = models.DateTimeField(_("last opened"))
    times_opened = models.PositiveIntegerField(_("times opened"), default=1)
    completed_at = models.DateTimeField(
        _("watched to the end"),
        null=True,
        blank=True,
        help_text=_("For videos, as reported by the page; approximate."),
    )

    class Meta:
        verbose_name = _("material progress")
        verbose_name_plural = _("material progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "material"], name="material_progress_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.employee} / {self.material}"


class ModuleCompletion(models.Model):
    """A trainee marked a module done."""

    enrollment = models.ForeignKey(
        Enrollment,
        verbose_name=_("enrolment"),
        on_delete=models.CASCADE,
        related_name="module_completions",
    )
    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="completions"
    )
    done_at = models.DateTimeField(_("done at"), auto_now_add=True)

    class Meta:
        verbose_name = _("module completion")
        verbose_name_plural = _("module completions")
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment", "module"], name="module_completion_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.employee} / {self.module}"
