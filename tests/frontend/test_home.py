"""The start page shows one section per role the user holds, with truthful contents."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from core.roles import Role
from people import services
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TRAINEE_EMPTY = "You are not enrolled in any training yet."
INSTRUCTOR_EMPTY = "You do not teach any course yet."
HR_EMPTY = "There are no rankings yet."
OFFICER_HEADING = "Safety management"


def home_text(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_trainee_sees_only_own_trainings_section(trainee_client):
    text = home_text(trainee_client)
    assert TRAINEE_EMPTY in text
    assert OFFICER_HEADING not in text
    assert INSTRUCTOR_EMPTY not in text
    assert HR_EMPTY not in text
    # The navigation offers no officer pages to a trainee.
    assert reverse("employee_list") not in text
    assert reverse("audit_log") not in text


def test_instructor_sees_courses_section(instructor_client):
    text = home_text(instructor_client)
    assert INSTRUCTOR_EMPTY in text
    assert TRAINEE_EMPTY not in text


def test_hr_sees_rankings_section(hr_client):
    text = home_text(hr_client)
    assert HR_EMPTY in text
    assert OFFICER_HEADING not in text


def test_officer_sees_figures_from_the_database(officer_client, safety_officer):
    EmployeeFactory.create_batch(3, department=safety_officer.department)
    inactive = EmployeeFactory(department=safety_officer.department)
    services.employee_deactivate(actor=safety_officer.user, employee=inactive)

    response = officer_client.get(reverse("home"))

    # The officer and the three active employees; the deactivated one is not counted.
    assert response.context["figures"] == {"active_employees": 4, "departments": 1}
    text = response.content.decode()
    assert OFFICER_HEADING in text
    assert "employee.updated" in text  # the deactivation, among the recent changes
    for name in ("employee_list", "employee_import", "department_list", "audit_log"):
        assert reverse(name) in text


def test_officer_without_changes_sees_truthful_empty_audit(officer_client):
    assert "No changes have been recorded yet." in home_text(officer_client)


def test_several_roles_see_several_sections(client):
    employee = EmployeeFactory(roles=[Role.TRAINEE, Role.INSTRUCTOR, Role.HR])
    client.force_login(employee.user)
    text = home_text(client)
    assert TRAINEE_EMPTY in text
    assert INSTRUCTOR_EMPTY in text
    assert HR_EMPTY in text
    assert OFFICER_HEADING not in text


def test_admin_holds_every_role(superuser_client):
    text = home_text(superuser_client)
    for marker in (TRAINEE_EMPTY, INSTRUCTOR_EMPTY, HR_EMPTY, OFFICER_HEADING):
        assert marker in text
    assert reverse("admin:index") in text


def test_user_without_role_is_told_so(client):
    employee = EmployeeFactory(roles=[])
    client.force_login(employee.user)
    text = home_text(client)
    assert "Your account has no role yet" in text
    assert TRAINEE_EMPTY not in text


@pytest.mark.parametrize("role", Role.values)
def test_home_shows_own_employee_record(client, role):
    employee = EmployeeFactory(roles=[role], employee_no="S0042")
    Group.objects.get(name=role)  # the role groups come from the people migration
    client.force_login(employee.user)
    text = home_text(client)
    assert f"Welcome, {employee.name}" in text
    assert "S0042" in text
    assert employee.department.path in text
