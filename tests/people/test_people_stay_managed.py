"""Issue 11, finding 9: nobody can lock the company out of its own system by deactivating
or demoting the last active safety officer or administrator, or by deactivating themselves;
through the service, the API, the pages and a roster import."""

import threading

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.models import AuditEntry
from core.roles import Role
from people import services
from people.models import Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def reload(employee: Employee) -> Employee:
    return Employee.objects.select_related("user").get(pk=employee.pk)


def roles_of(employee: Employee) -> list[str]:
    return services.employee_roles(reload(employee))


@pytest.fixture
def second_officer(db):
    return EmployeeFactory(roles=[Role.SAFETY_OFFICER], name="孙安全")


@pytest.fixture
def admin_employee(django_user_model, department):
    """An administrator (superuser) who also has an employee record."""
    user = django_user_model.objects.create_superuser("boss", "boss@example.com", "x")
    return Employee.objects.create(
        user=user, employee_no="A001", name="管理员", department=department
    )


# Service -----------------------------------------------------------------------------------


def test_nobody_may_deactivate_their_own_account(safety_officer, second_officer):
    with pytest.raises(ValidationError) as refused:
        services.employee_deactivate(actor=safety_officer.user, employee=safety_officer)
    assert "your own account" in refused.value.message_dict["active"][0]
    assert reload(safety_officer).user.is_active


def test_the_last_active_safety_officer_cannot_be_deactivated(admin_user, safety_officer):
    with pytest.raises(ValidationError) as refused:
        services.employee_deactivate(actor=admin_user, employee=safety_officer)
    assert "only active safety officer" in refused.value.message_dict["active"][0]
    assert reload(safety_officer).user.is_active
    assert not AuditEntry.objects.filter(action="employee.updated").exists()


def test_the_last_active_safety_officer_cannot_lose_the_role(admin_user, safety_officer):
    with pytest.raises(ValidationError) as refused:
        services.employee_set_roles(actor=admin_user, employee=safety_officer, roles=["trainee"])
    assert "only active safety officer" in refused.value.message_dict["roles"][0]
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]
    # ... nor demote themselves.
    with pytest.raises(ValidationError):
        services.employee_set_roles(
            actor=safety_officer.user, employee=safety_officer, roles=["trainee"]
        )
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]


def test_an_inactive_officer_does_not_count(admin_user, safety_officer, second_officer):
    services.employee_deactivate(actor=admin_user, employee=second_officer)
    with pytest.raises(ValidationError):
        services.employee_deactivate(actor=admin_user, employee=safety_officer)


def test_with_another_active_officer_both_are_allowed(safety_officer, second_officer):
    services.employee_set_roles(
        actor=safety_officer.user, employee=safety_officer, roles=["safety_officer", "hr"]
    )
    services.employee_set_roles(actor=safety_officer.user, employee=safety_officer, roles=["hr"])
    assert roles_of(safety_officer) == [Role.HR]
    # Now second_officer is the last one.
    with pytest.raises(ValidationError):
        services.employee_deactivate(actor=safety_officer.user, employee=second_officer)
    services.employee_set_roles(
        actor=second_officer.user, employee=safety_officer, roles=["safety_officer"]
    )
    services.employee_deactivate(actor=second_officer.user, employee=safety_officer)
    assert not reload(safety_officer).user.is_active


def test_other_changes_to_the_last_officer_still_work(admin_user, safety_officer):
    services.employee_update(actor=admin_user, employee=safety_officer, position="Chief")
    services.employee_update(
        actor=safety_officer.user, employee=safety_officer, active=True, roles=["safety_officer"]
    )
    assert reload(safety_officer).position == "Chief"


def test_the_last_active_administrator_cannot_be_deactivated(
    admin_employee, safety_officer, second_officer
):
    with pytest.raises(ValidationError) as refused:
        services.employee_deactivate(actor=safety_officer.user, employee=admin_employee)
    assert "only active administrator" in refused.value.message_dict["active"][0]
    assert reload(admin_employee).user.is_active


def test_an_administrator_may_go_while_another_stays(
    admin_employee, safety_officer, django_user_model
):
    django_user_model.objects.create_superuser("boss2", "b2@example.com", "x")
    services.employee_deactivate(actor=safety_officer.user, employee=admin_employee)
    assert not reload(admin_employee).user.is_active


# Roster import -----------------------------------------------------------------------------


def roster(*rows) -> bytes:
    header = ["Employee number", "Name", "Department", "Roles"]
    return build_xlsx(sheet_title="Roster", header=header, rows=list(rows))


def test_a_roster_that_demotes_the_last_officer_is_refused(admin_user, safety_officer, trainee):
    data = roster(
        [trainee.employee_no, trainee.name, trainee.department.path, "instructor"],
        [safety_officer.employee_no, safety_officer.name, safety_officer.department.path, "hr"],
    )
    result = services.roster_import(actor=admin_user, data=data)
    assert [(e.row, e.column) for e in result.errors] == [(3, "Roles")]
    assert "no other active safety officer" in result.errors[0].message
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]
    assert roles_of(trainee) == [Role.TRAINEE]  # nothing written
    assert not AuditEntry.objects.filter(action="roster.imported").exists()


def test_a_roster_may_hand_the_role_over(admin_user, safety_officer, trainee):
    data = roster(
        [trainee.employee_no, trainee.name, trainee.department.path, "safety_officer"],
        [safety_officer.employee_no, safety_officer.name, safety_officer.department.path, "hr"],
    )
    result = services.roster_import(actor=admin_user, data=data)
    assert result.errors == []
    assert roles_of(trainee) == [Role.SAFETY_OFFICER] and roles_of(safety_officer) == [Role.HR]


def test_the_roster_import_page_shows_the_refusal(officer_client, safety_officer):
    data = roster(
        [safety_officer.employee_no, safety_officer.name, safety_officer.department.path, "hr"]
    )
    upload = SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)
    response = officer_client.post(reverse("employee_import"), {"file": upload})
    assert response.status_code == 200
    assert "no other active safety officer" in response.content.decode()
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]


# API ---------------------------------------------------------------------------------------


def test_api_refuses_self_deactivation_with_400(officer_api, safety_officer, second_officer):
    url = f"/api/v1/employees/{safety_officer.pk}/"
    for response in (
        officer_api.delete(url),
        officer_api.patch(url, {"active": False}, format="json"),
    ):
        assert response.status_code == 400
        assert "your own account" in response.json()["active"][0]
    assert reload(safety_officer).user.is_active


def test_api_refuses_removing_the_last_officer(admin_api, safety_officer):
    url = f"/api/v1/employees/{safety_officer.pk}/"
    demote = admin_api.patch(url, {"roles": ["trainee"]}, format="json")
    assert demote.status_code == 400 and "only active safety officer" in demote.json()["roles"][0]
    delete = admin_api.delete(url)
    assert delete.status_code == 400 and "only active safety officer" in delete.json()["active"][0]
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]
    assert reload(safety_officer).user.is_active


def test_api_refuses_removing_the_last_admin(officer_api, admin_employee):
    response = officer_api.delete(f"/api/v1/employees/{admin_employee.pk}/")
    assert response.status_code == 400
    assert "only active administrator" in response.json()["active"][0]


# Pages -------------------------------------------------------------------------------------


def edit_data(employee: Employee, **changes) -> dict:
    data = {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "department": employee.department_id,
        "position": employee.position,
        "phone": employee.phone,
        "national_id": "",
        "roles": services.employee_roles(employee),
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_the_edit_page_refuses_self_deactivation(officer_client, safety_officer, second_officer):
    response = officer_client.post(
        reverse("employee_edit", args=[safety_officer.pk]), edit_data(safety_officer, active=None)
    )
    assert response.status_code == 200
    assert "your own account" in response.context["form"].errors["active"][0]
    assert reload(safety_officer).user.is_active


def test_the_edit_page_refuses_demoting_the_last_officer(officer_client, safety_officer):
    response = officer_client.post(
        reverse("employee_edit", args=[safety_officer.pk]),
        edit_data(safety_officer, roles=[Role.TRAINEE]),
    )
    assert response.status_code == 200
    assert "only active safety officer" in response.context["form"].errors["roles"][0]
    assert roles_of(safety_officer) == [Role.SAFETY_OFFICER]


# Two officers removing each other at the same moment ---------------------------------------


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite serialises writers; the race needs rows"
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["deactivate", "demote"])
def test_two_officers_removing_each_other_at_once_leave_one(change):
    first = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    second = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    barrier = threading.Barrier(2)
    outcomes = []

    def deactivate(actor: Employee, target: Employee):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            if change == "deactivate":
                services.employee_deactivate(actor=actor.user, employee=target)
            else:
                services.employee_set_roles(actor=actor.user, employee=target, roles=["hr"])
            outcomes.append("done")
        except ValidationError:
            outcomes.append("refused")
        finally:
            thread_connection.close()

    for _run in range(5):
        outcomes.clear()
        threads = [
            threading.Thread(target=deactivate, args=(first, second)),
            threading.Thread(target=deactivate, args=(second, first)),
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["done", "refused"]
        officers = Employee.objects.filter(
            pk__in=[first.pk, second.pk],
            user__is_active=True,
            user__groups__name=Role.SAFETY_OFFICER,
        ).count()
        assert officers == 1
        get_user_model().objects.filter(pk__in=[first.user_id, second.user_id]).update(
            is_active=True
        )
        for employee in (first, second):
            services.employee_set_roles(actor=None, employee=employee, roles=["safety_officer"])
