"""Small display helpers for the pages' templates."""

import json

from django import template

from core.roles import Role
from people.selectors import employee_role_names

register = template.Library()


@register.filter
def role_labels(employee) -> list[str]:
    """The employee's roles in the reader's language, from the prefetched groups."""
    return [str(Role(name).label) for name in employee_role_names(employee)]


@register.filter
def role_label(name: str) -> str:
    try:
        return str(Role(name).label)
    except ValueError:
        return name


@register.filter
def audit_values(values) -> list[tuple[str, str]]:
    """An audit entry's ``before`` or ``after`` as (key, text) pairs; lists are joined and
    anything nested is shown as compact JSON."""
    if not values:
        return []
    if not isinstance(values, dict):
        return [("", _compact(values))]
    return [(str(key), _compact(value)) for key, value in values.items()]


def _compact(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, list) and all(isinstance(item, str | int) for item in value):
        return ", ".join(str(item) for item in value) or "—"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return str(value)


@register.filter
def percent(value, digits: int = 1) -> str:
    """``40.0%`` for a number, an em dash for None (not known)."""
    if value is None or value == "":
        return "—"
    return f"{float(value):.{int(digits)}f}%"
