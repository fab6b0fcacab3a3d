"""The audit log every app writes to: one call per change, inside the change's transaction."""

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction

from core.models import AuditEntry


@dataclass(frozen=True)
class AuditChange:
    """One change to record; ``audit_record_many`` writes a batch of them in one query."""

    action: str
    target: models.Model | None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    note: str = ""


def _jsonable(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def _entry(actor, change: AuditChange) -> AuditEntry:
    target = change.target
    return AuditEntry(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action=change.action,
        target_type=ContentType.objects.get_for_model(target) if target is not None else None,
        target_id=str(target.pk) if target is not None else "",
        target_repr=str(target)[:300] if target is not None else "",
        before=_jsonable(change.before),
        after=_jsonable(change.after),
        note=change.note,
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of the change.")


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    note: str = "",
) -> AuditEntry:
    """Record one change. Refuses to run outside a transaction, so the entry and the change
    are committed or rolled back together."""
    _require_transaction()
    entry = _entry(actor, AuditChange(action, target, before, after, note))
    entry.save()
    return entry


def audit_record_many(*, actor, changes: Iterable[AuditChange]) -> int:
    """Record many changes in one insert (imports); same transaction rule as ``audit_record``."""
    _require_transaction()
    entries = [_entry(actor, change) for change in changes]
    AuditEntry.objects.bulk_create(entries, batch_size=500)
    return len(entries)


def diff(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """The fields that differ, as (before, after) pairs of dictionaries."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    return {key: before.get(key) for key in keys}, {key: after[key] for key in keys}
