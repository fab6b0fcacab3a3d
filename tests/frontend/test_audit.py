"""The audit log page: filters, paging, values before and after."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from core.roles import Role
from people import services
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

AUDIT = "/audit/"


@pytest.fixture
def changes(safety_officer, trainee, admin_user):
    services.employee_update(
        actor=safety_officer.user, employee=trainee, phone="13700001111", roles=[Role.HR]
    )
    services.department_create(actor=admin_user, name="Rolling", parent=None)
    return trainee


def actions_of(response) -> list[str]:
    return [entry.action for entry in response.context["page"].object_list]


def test_entries_show_who_what_and_values(officer_client, changes, safety_officer):
    response = officer_client.get(AUDIT)
    assert actions_of(response) == ["department.created", "employee.updated"]
    text = response.content.decode()
    assert safety_officer.user.username in text
    assert str(changes) in text
    # before and after as "key: value" lists
    assert "<dt>phone</dt><dd>13800138000</dd>" in text
    assert "<dt>phone</dt><dd>13700001111</dd>" in text
    assert "<dt>roles</dt><dd>hr</dd>" in text


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": "employee."}, ["employee.updated"]),
        ({"action": "department.created"}, ["department.created"]),
        ({"actor": "admin"}, ["department.created"]),
        ({"target": "Rolling"}, ["department.created"]),
        ({"target": "nothing-like-this"}, []),
    ],
)
def test_filters(officer_client, changes, filters, expected):
    assert actions_of(officer_client.get(AUDIT, filters)) == expected


def test_action_menu_offers_groups_and_actions(officer_client, changes):
    choices = dict(officer_client.get(AUDIT).context["filters"].fields["action"].choices)
    assert "employee." in choices
    assert "employee.updated" in choices
    assert "department." in choices


def test_date_filters(officer_client, changes):
    today = timezone.localdate()
    assert len(actions_of(officer_client.get(AUDIT, {"date_from": today.isoformat()}))) == 2
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert actions_of(officer_client.get(AUDIT, {"date_to": yesterday})) == []


def test_a_bad_date_is_reported_not_a_500(officer_client, changes):
    response = officer_client.get(AUDIT, {"date_from": "31.02.2026", "action": "employee."})
    assert response.status_code == 200
    assert "date_from" in response.context["filters"].errors
    assert actions_of(response) == ["employee.updated"]


def test_paging_and_htmx_partial(officer_client, safety_officer):
    for n in range(55):
        DepartmentFactory(name=f"Team {n}")
    AuditEntry.objects.bulk_create(
        [
            AuditEntry(actor=safety_officer.user, action="department.created", target_repr=f"T{n}")
            for n in range(55)
        ]
    )
    first = officer_client.get(AUDIT)
    assert len(first.context["page"].object_list) == 50
    response = officer_client.get(AUDIT, {"page": 2}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert "<html" not in text
    assert "Page 2 of 2" in text
    assert len(response.context["page"].object_list) == 5


def test_hr_may_not_read_the_audit_log(hr_client):
    assert hr_client.get(reverse("audit_log")).status_code == 403
