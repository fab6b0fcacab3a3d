"""The four roles, shared by every app. A role is a Django group of the same name."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TRAINEE = "trainee", _("Trainee")
    INSTRUCTOR = "instructor", _("Instructor")
    SAFETY_OFFICER = "safety_officer", _("Safety officer")
    HR = "hr", _("HR")


def user_roles(user) -> frozenset[str]:
    """The caller's role names, read once per request and kept on the user object.

    A superuser (admin) holds every role.
    """
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        if user.is_superuser:
            cached = frozenset(Role.values)
        else:
            cached = frozenset(
                name for name in user.groups.values_list("name", flat=True) if name in Role.values
            )
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    """True when the user holds any of ``roles`` (an admin holds all)."""
    return bool(user_roles(user) & set(roles))
