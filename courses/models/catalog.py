"""Courses and what instructors teach from: ordered modules holding versioned materials."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from people.models import Employee


class Course(models.Model):
    """What is taught: a title, the hours it takes and the instructors who own its materials."""

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1, default=0)
    instructors = models.ManyToManyField(
        Employee, verbose_name=_("instructors"), blank=True, related_name="courses_taught"
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=0), name="course_hours_not_negative"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Module(models.Model):
    """A part of a course (laws and regulations, accident case analysis, ...), in order."""

    course = models.ForeignKey(
        Course, verbose_name=_("course"), on_delete=models.CASCADE, related_name="modules"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("module")
        verbose_name_plural = _("modules")
        ordering = ["course", "position", "id"]

    def __str__(self) -> str:
        return self.title


class MaterialKind(models.TextChoices):
    LESSON_PLAN = "lesson_plan", _("Lesson plan")
    SLIDES = "slides", _("Slides")
    MANUAL = "manual", _("Manual")
    VIDEO = "video", _("Video")
    OTHER = "other", _("Other")


class Material(models.Model):
    """A handout of a module: an uploaded file with versions, or a link.

    ``current_version`` is the version trainees see; older versions stay downloadable for
    the people teaching.
    """

    module = models.ForeignKey(
        Module, verbose_name=_("module"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("kind"), max_length=20, choices=MaterialKind.choices, default=MaterialKind.OTHER
    )
    owner = models.ForeignKey(
        Employee,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="materials_owned",
    )
    url = models.URLField(_("link"), blank=True, max_length=500)
    current_version = models.ForeignKey(
        "MaterialVersion",
        verbose_name=_("current version"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    position = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        ordering = ["module", "position", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return bool(self.url)


def material_upload_path(instance: "MaterialVersion", filename: str) -> str:
    # A random name: the user's file name is kept in original_name, never used on disk.
    return f"materials/{instance.material_id}/{uuid.uuid4().hex}"


class MaterialVersion(models.Model):
    """One uploaded file of a material; numbers count up from 1 and are never reused."""

    material = models.ForeignKey(
        Material, verbose_name=_("material"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    file = models.FileField(_("file"), upload_to=material_upload_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.BigIntegerField(_("size"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("material version")
        verbose_name_plural = _("material versions")
        ordering = ["material", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.material} v{self.number}"

    @property
    def uploader_name(self) -> str:
        """Who uploaded it: their employee name, else their user name; empty when nobody is
        recorded (seeded files, a deleted account)."""
        user = self.uploaded_by
        if user is None:
            return ""
        employee = getattr(user, "employee", None)  # a superuser may have no employee record
        return employee.name if employee is not None else user.get_username()
