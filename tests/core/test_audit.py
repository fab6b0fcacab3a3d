import pytest
from django.db import transaction

from core.audit import AuditChange, audit_record, audit_record_many, diff
from core.models import AuditEntry
from core.selectors import audit_action_names, audit_entry_list

pytestmark = pytest.mark.django_db(transaction=True)


def test_record_outside_a_transaction_is_refused(trainee):
    with pytest.raises(RuntimeError):
        audit_record(actor=None, action="x.changed", target=trainee)
    assert not AuditEntry.objects.exists()


def test_entry_rolls_back_with_the_change(trainee):
    with transaction.atomic():
        audit_record(actor=trainee.user, action="x.changed", target=trainee, after={"a": 1})
        transaction.set_rollback(True)
    assert not AuditEntry.objects.exists()


def test_entry_records_actor_target_and_values(trainee, safety_officer):
    with transaction.atomic():
        entry = audit_record(
            actor=safety_officer.user,
            action="employee.updated",
            target=trainee,
            before={"position": "Operator"},
            after={"position": "Welder", "when": trainee.created_at},
        )
    entry.refresh_from_db()
    assert entry.actor == safety_officer.user
    assert entry.target_type.model == "employee"
    assert entry.target_id == str(trainee.pk)
    assert entry.target_repr == str(trainee)
    assert entry.before == {"position": "Operator"}
    assert isinstance(entry.after["when"], str)  # datetimes stored as ISO text


def test_many_and_selectors(trainee, safety_officer):
    with transaction.atomic():
        audit_record_many(
            actor=safety_officer.user,
            changes=[
                AuditChange("employee.created", trainee, after={"n": 1}),
                AuditChange("roster.imported", None, after={"created": 1}),
            ],
        )
    assert audit_action_names() == ["employee.created", "roster.imported"]
    assert audit_entry_list(action="employee.").count() == 1
    assert audit_entry_list(target_type="people.employee").count() == 1
    assert audit_entry_list(actor_username=safety_officer.user.username).count() == 2
    assert audit_entry_list(target=trainee.name).count() == 1


def test_diff_keeps_only_changed_keys():
    assert diff({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
