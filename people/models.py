from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from people.identity import mask_national_id

PATH_SEPARATOR = "/"


class Department(models.Model):
    """A unit of the company; departments form a tree (works / plant / workshop / team).

    ``path`` is the full name from the root, e.g. ``Works/Ironmaking/Blast furnace``; the
    services keep it current when a department is renamed or moved.
    """

    name = models.CharField(pgettext_lazy("department", "name"), max_length=100)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(_("full name"), max_length=500, unique=True, editable=False)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["path"]

    def __str__(self) -> str:
        return self.path

    @property
    def depth(self) -> int:
        return self.path.count(PATH_SEPARATOR)


class Employee(models.Model):
    """A person of the company, one per login user.

    The national ID is optional; it is stored in full (certificates need it) and shown masked.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="employee",
    )
    employee_no = models.CharField(_("employee number"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        related_name="employees",
    )
    position = models.CharField(_("position"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    national_id = models.CharField(_("national ID"), max_length=18, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    must_change_password = models.BooleanField(_("must change password"), default=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["employee_no"]
        indexes = [
            models.Index(Lower("name"), name="employee_name_lower"),
            models.Index(fields=["position"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.employee_no})"

    @property
    def national_id_masked(self) -> str:
        return mask_national_id(self.national_id)

    @property
    def is_active(self) -> bool:
        return self.user.is_active
