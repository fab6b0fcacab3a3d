"""The employees list, its htmx partial and export, and the create and edit forms."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from people.models import Employee
from tests.factories import DepartmentFactory, EmployeeFactory
from tests.frontend.workbooks import workbook_rows

pytestmark = pytest.mark.django_db

User = get_user_model()
LIST = "/people/employees/"
VALID_ID = "11010519491231002X"


def rows_of(response) -> list[Employee]:
    return list(response.context["page"].object_list)


@pytest.fixture
def works(safety_officer):
    """A small tree with people in it: Works / Ironmaking / Blast furnace, and Rolling."""
    works = DepartmentFactory(name="Works")
    ironmaking = DepartmentFactory(name="Ironmaking", parent=works)
    furnace = DepartmentFactory(name="Blast furnace", parent=ironmaking)
    rolling = DepartmentFactory(name="Rolling", parent=works)
    return {
        "works": works,
        "ironmaking": ironmaking,
        "furnace": furnace,
        "rolling": rolling,
        "welder": EmployeeFactory(
            employee_no="W001",
            name="焊工甲",
            position="Welder",
            department=furnace,
            phone="13711112222",
            roles=[Role.TRAINEE, Role.INSTRUCTOR],
        ),
        "roller": EmployeeFactory(
            employee_no="R001",
            name="轧钢乙",
            position="Roller",
            department=rolling,
            phone="13633334444",
            roles=[Role.TRAINEE],
        ),
        "manager": EmployeeFactory(
            employee_no="M001",
            name="Chen Manager",
            position="Plant manager",
            department=ironmaking,
            roles=[Role.HR],
        ),
    }


# The list -----------------------------------------------------------------------------------


def test_list_shows_the_columns(officer_client, works):
    welder = works["welder"]
    Employee.objects.filter(pk=welder.pk).update(national_id=VALID_ID)
    text = officer_client.get(LIST).content.decode()
    for value in (
        "W001",
        "焊工甲",
        "Works/Ironmaking/Blast furnace",
        "Welder",
        "13711112222",
        "Trainee",
        "Instructor",
        "Active",
    ):
        assert value in text
    assert "110***********002X" in text
    assert VALID_ID not in text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("W001", ["W001"]),
        ("轧钢", ["R001"]),
        ("1363333", ["R001"]),
        ("plant manager", ["M001"]),
    ],
)
def test_search_matches_number_name_phone_and_position(officer_client, works, query, expected):
    response = officer_client.get(LIST, {"q": query})
    assert [e.employee_no for e in rows_of(response)] == expected


def test_department_filter_includes_sub_departments(officer_client, works):
    response = officer_client.get(LIST, {"department": works["ironmaking"].pk})
    assert [e.employee_no for e in rows_of(response)] == ["M001", "W001"]


def test_role_and_active_filters(officer_client, works, safety_officer):
    response = officer_client.get(LIST, {"role": Role.INSTRUCTOR})
    assert [e.employee_no for e in rows_of(response)] == ["W001"]
    User.objects.filter(pk=works["roller"].user_id).update(is_active=False)
    response = officer_client.get(LIST, {"active": "no"})
    assert [e.employee_no for e in rows_of(response)] == ["R001"]
    response = officer_client.get(LIST, {"active": "yes", "department": works["works"].pk})
    assert [e.employee_no for e in rows_of(response)] == ["M001", "W001"]


def test_a_bad_filter_is_reported_not_a_500(officer_client, works):
    response = officer_client.get(LIST, {"department": "999999", "role": "pilot"})
    assert response.status_code == 200
    assert response.context["filters"].errors.keys() == {"department", "role"}
    assert len(rows_of(response)) == 4  # the bad filters are left out


def test_empty_result_says_so(officer_client, works):
    response = officer_client.get(LIST, {"q": "nobody-has-this"})
    assert "No employee matches these filters." in response.content.decode()


def test_paging_25_per_page(officer_client, safety_officer):
    EmployeeFactory.create_batch(30, department=safety_officer.department)
    first = officer_client.get(LIST)
    assert len(rows_of(first)) == 25
    assert "Page 1 of 2" in first.content.decode()
    second = officer_client.get(LIST, {"page": 2})
    assert len(rows_of(second)) == 6
    # A page number past the end shows the last page rather than an error.
    assert officer_client.get(LIST, {"page": 99}).context["page"].number == 2


def test_paging_links_keep_the_filters(officer_client, safety_officer):
    EmployeeFactory.create_batch(30, department=safety_officer.department, position="Welder")
    text = officer_client.get(LIST, {"q": "Welder"}).content.decode()
    assert 'href="?q=Welder&amp;page=2"' in text
    assert 'hx-get="?q=Welder&amp;page=2"' in text


def test_htmx_request_gets_only_the_results(officer_client, works):
    response = officer_client.get(LIST, {"q": "W001"}, headers={"HX-Request": "true"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text
    assert "<table" in text
    assert "W001" in text
    assert "R001" not in text
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_whole_page(officer_client, works):
    response = officer_client.get(
        LIST, headers={"HX-Request": "true", "HX-History-Restore-Request": "true"}
    )
    assert "<html" in response.content.decode()


def test_full_page_wires_htmx(officer_client):
    text = officer_client.get(LIST).content.decode()
    assert 'hx-target="#employee-results"' in text
    assert 'hx-push-url="true"' in text
    assert "htmx" in text  # the script django-htmx serves from static files


def _bulk_employees(count: int, start: int, department) -> None:
    """``count`` employees with logins and the trainee role, in a few bulk queries."""
    users = User.objects.bulk_create(
        [User(username=f"bulk{n:05d}", first_name=f"Bulk {n}") for n in range(start, start + count)]
    )
    Employee.objects.bulk_create(
        [
            Employee(
                user=user,
                employee_no=user.username,
                name=user.first_name,
                department=department,
                position="Operator",
                phone="13800138000",
            )
            for user in users
        ]
    )
    trainee = Group.objects.get(name=Role.TRAINEE)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=user.pk, group_id=trainee.pk) for user in users]
    )


def test_list_costs_the_same_queries_for_10_and_1000_employees(officer_client, safety_officer):
    department = safety_officer.department
    _bulk_employees(10, 0, department)
    with CaptureQueriesContext(connection) as few:
        assert officer_client.get(LIST).status_code == 200
    _bulk_employees(990, 10, department)
    with CaptureQueriesContext(connection) as many:
        response = officer_client.get(LIST)
    assert len(rows_of(response)) == 25
    assert response.context["page"].paginator.count == 1001
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"] for q in many.captured_queries
    ]
    assert len(many.captured_queries) <= 12


def test_export_gives_the_filtered_roster(officer_client, works):
    response = officer_client.get(reverse("employee_export"), {"q": "W001"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response["Content-Disposition"] == 'attachment; filename="roster.xlsx"'
    rows = workbook_rows(response.content)
    assert rows[0][0] == "Employee number"
    assert [row[0] for row in rows[1:]] == ["W001"]
    assert rows[1][5] == "trainee, instructor"


def test_results_link_to_export_with_the_same_filters(officer_client, works):
    text = officer_client.get(LIST, {"q": "W001", "page": "1"}).content.decode()
    assert f'href="{reverse("employee_export")}?q=W001"' in text


def test_template_download(officer_client):
    response = officer_client.get(reverse("roster_template"))
    assert response["Content-Disposition"] == 'attachment; filename="roster-template.xlsx"'
    assert workbook_rows(response.content)[0][0] == "Employee number"


# Create ---------------------------------------------------------------------------------------


def create_data(department, **changes) -> dict:
    data = {
        "employee_no": "N100",
        "name": "新员工",
        "department": department.pk,
        "position": "Welder",
        "phone": "13912345678",
        "national_id": VALID_ID,
        "roles": [Role.TRAINEE, Role.INSTRUCTOR],
        "username": "",
        "password": "Start-2026",
    }
    data.update(changes)
    return data


def test_create_employee(officer_client, safety_officer):
    response = officer_client.post(
        reverse("employee_create"), create_data(safety_officer.department)
    )
    assert response.status_code == 302
    assert response["Location"] == LIST
    employee = Employee.objects.select_related("user").get(employee_no="N100")
    assert employee.user.username == "N100"
    assert employee.user.check_password("Start-2026")
    assert employee.must_change_password is True
    assert set(employee.user.groups.values_list("name", flat=True)) == {"trainee", "instructor"}
    entry = AuditEntry.objects.get(action="employee.created")
    assert entry.actor == safety_officer.user
    assert "was created" in officer_client.get(LIST).content.decode()


def test_create_form_offers_trainee_by_default(officer_client):
    form = officer_client.get(reverse("employee_create")).context["form"]
    assert form["roles"].value() == [Role.TRAINEE]


def test_create_with_bad_input_shows_errors_and_writes_nothing(officer_client, safety_officer):
    users_before = User.objects.count()
    response = officer_client.post(
        reverse("employee_create"),
        create_data(safety_officer.department, phone="12345", national_id="110105194912310021"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "is not a phone number" in errors["phone"][0]
    assert "check digit" in errors["national_id"][0]
    text = response.content.decode()
    assert "Please correct the errors below." in text
    assert not Employee.objects.filter(employee_no="N100").exists()
    assert User.objects.count() == users_before
    assert not AuditEntry.objects.exists()


def test_create_missing_fields_are_form_errors(officer_client):
    response = officer_client.post(reverse("employee_create"), {"employee_no": "", "name": ""})
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"employee_no", "name", "department"}


def test_create_with_taken_number_and_user_name(officer_client, safety_officer, trainee):
    response = officer_client.post(
        reverse("employee_create"),
        create_data(
            safety_officer.department,
            employee_no=trainee.employee_no,
            username=safety_officer.user.username,
        ),
    )
    errors = response.context["form"].errors
    assert "is taken" in errors["employee_no"][0]
    assert "is taken" in errors["username"][0]


def test_create_short_password_is_a_field_error(officer_client, safety_officer):
    response = officer_client.post(
        reverse("employee_create"), create_data(safety_officer.department, password="abc")
    )
    assert "at least 6 characters" in response.context["form"].errors["password"][0]
    assert not Employee.objects.filter(employee_no="N100").exists()


# Edit ------------------------------------------------------------------------------------------


@pytest.fixture
def with_id(trainee):
    Employee.objects.filter(pk=trainee.pk).update(national_id=VALID_ID)
    trainee.refresh_from_db()
    return trainee


def edit_data(employee, **changes) -> dict:
    data = {
        "employee_no": employee.employee_no,
        "name": employee.name,
        "department": employee.department_id,
        "position": employee.position,
        "phone": employee.phone,
        "national_id": "",
        "roles": [Role.TRAINEE],
        "active": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_edit_form_never_shows_the_full_national_id(officer_client, with_id):
    response = officer_client.get(reverse("employee_edit", args=[with_id.pk]))
    text = response.content.decode()
    assert VALID_ID not in text
    assert "110***********002X" in text
    assert response.context["form"]["national_id"].value() in (None, "")
    assert response.context["form"]["roles"].value() == [Role.TRAINEE]


def test_edit_blank_national_id_keeps_it(officer_client, with_id):
    response = officer_client.post(
        reverse("employee_edit", args=[with_id.pk]), edit_data(with_id, position="Gas worker")
    )
    assert response.status_code == 302
    with_id.refresh_from_db()
    assert with_id.national_id == VALID_ID
    assert with_id.position == "Gas worker"


def test_edit_can_remove_the_national_id(officer_client, with_id):
    officer_client.post(
        reverse("employee_edit", args=[with_id.pk]), edit_data(with_id, clear_national_id="on")
    )
    with_id.refresh_from_db()
    assert with_id.national_id == ""


def test_edit_roles_and_active_flag(officer_client, trainee, safety_officer):
    response = officer_client.post(
        reverse("employee_edit", args=[trainee.pk]),
        edit_data(trainee, roles=[Role.INSTRUCTOR, Role.HR], active=None),
    )
    assert response.status_code == 302
    trainee.user.refresh_from_db()
    assert trainee.user.is_active is False
    assert set(trainee.user.groups.values_list("name", flat=True)) == {"instructor", "hr"}
    entry = AuditEntry.objects.get(action="employee.updated")
    assert entry.after["roles"] == ["instructor", "hr"]
    assert entry.after["active"] is False
    assert entry.actor == safety_officer.user


def test_edit_with_bad_input_shows_errors_and_changes_nothing(officer_client, trainee):
    response = officer_client.post(
        reverse("employee_edit", args=[trainee.pk]),
        edit_data(trainee, name="Renamed", phone="not-a-phone", roles=[Role.HR]),
    )
    assert response.status_code == 200
    assert "is not a phone number" in response.context["form"].errors["phone"][0]
    trainee.refresh_from_db()
    assert trainee.name == "李明"
    assert list(trainee.user.groups.values_list("name", flat=True)) == ["trainee"]
    assert not AuditEntry.objects.exists()


def test_edit_to_a_taken_number_is_a_field_error(officer_client, trainee, safety_officer):
    response = officer_client.post(
        reverse("employee_edit", args=[trainee.pk]),
        edit_data(trainee, employee_no=safety_officer.employee_no),
    )
    assert "is taken" in response.context["form"].errors["employee_no"][0]


def test_password_reset_page_sets_password_and_mark(officer_client, trainee):
    url = reverse("employee_password_reset", args=[trainee.pk])
    response = officer_client.post(url, {"password": "Fresh-pass-1", "password_again": "Other-1"})
    assert response.status_code == 200
    assert "The two passwords differ." in response.content.decode()
    response = officer_client.post(url, {"password": "abc", "password_again": "abc"})
    assert response.status_code == 200
    trainee.user.refresh_from_db()
    assert not trainee.user.check_password("abc")
    response = officer_client.post(
        url, {"password": "Fresh-pass-1", "password_again": "Fresh-pass-1"}
    )
    assert response.status_code == 302
    trainee.refresh_from_db()
    trainee.user.refresh_from_db()
    assert trainee.user.check_password("Fresh-pass-1")
    assert trainee.must_change_password
