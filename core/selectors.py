from django.db.models import QuerySet

from core.models import AuditEntry


def audit_entry_list(
    *,
    action: str = "",
    actor_username: str = "",
    target_type: str = "",
    target: str = "",
    date_from=None,
    date_to=None,
) -> QuerySet[AuditEntry]:
    """Audit entries, newest first, filtered by any of the given criteria.

    ``action`` matches a prefix (``employee.`` gives every employee change); ``target_type``
    is ``app_label.model``; ``target`` searches the recorded name of the target.
    """
    entries = AuditEntry.objects.select_related("actor", "target_type")
    if action:
        entries = entries.filter(action__startswith=action)
    if actor_username:
        entries = entries.filter(actor__username=actor_username)
    if target_type and "." in target_type:
        app_label, model = target_type.split(".", 1)
        entries = entries.filter(target_type__app_label=app_label, target_type__model=model)
    if target:
        entries = entries.filter(target_repr__icontains=target)
    if date_from:
        entries = entries.filter(at__date__gte=date_from)
    if date_to:
        entries = entries.filter(at__date__lte=date_to)
    return entries


def audit_action_names() -> list[str]:
    """Every action recorded so far, for the filter menu."""
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())
