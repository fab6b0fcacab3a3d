"""Who may open which page: anonymous visitors go to the login page, a user without the
role gets 403, the safety officer and the admin get the page."""

import pytest
from django.urls import reverse

from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

OFFICER_PAGES = [
    "employee_list",
    "employee_create",
    "employee_edit",
    "employee_password_reset",
    "employee_import",
    "employee_export",
    "roster_template",
    "department_list",
    "department_create",
    "department_edit",
    "department_delete",
    "audit_log",
]


def page_url(name: str, employee) -> str:
    """The URL of ``name``; pages about one object use ``employee`` or its department."""
    if name in ("employee_edit", "employee_password_reset"):
        return reverse(name, args=[employee.pk])
    if name.startswith("department_") and name not in ("department_list", "department_create"):
        return reverse(name, args=[DepartmentFactory(name="Empty workshop").pk])
    return reverse(name)


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, trainee, name):
    url = page_url(name, trainee)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", OFFICER_PAGES)
@pytest.mark.parametrize("role_client", ["trainee_client", "instructor_client", "hr_client"])
def test_other_roles_get_403(request, trainee, name, role_client):
    client = request.getfixturevalue(role_client)
    response = client.get(page_url(name, trainee))
    assert response.status_code == 403
    assert "You may not open this page" in response.content.decode()


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_safety_officer_gets_the_page(officer_client, trainee, name):
    assert officer_client.get(page_url(name, trainee)).status_code == 200


@pytest.mark.parametrize("name", OFFICER_PAGES)
def test_admin_gets_the_page(superuser_client, trainee, name):
    assert superuser_client.get(page_url(name, trainee)).status_code == 200


def test_other_roles_cannot_post_either(trainee_client, trainee):
    response = trainee_client.post(
        reverse("employee_edit", args=[trainee.pk]), {"employee_no": "X1", "name": "Hacker"}
    )
    assert response.status_code == 403
    trainee.refresh_from_db()
    assert trainee.name == "李明"


def test_home_needs_sign_in(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "role_client",
    ["trainee_client", "instructor_client", "hr_client", "officer_client", "superuser_client"],
)
def test_home_opens_for_every_role(request, role_client):
    assert request.getfixturevalue(role_client).get(reverse("home")).status_code == 200


def test_unknown_employee_is_404(officer_client):
    response = officer_client.get(reverse("employee_edit", args=[999999]))
    assert response.status_code == 404
