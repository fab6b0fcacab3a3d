import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.models import AuditEntry
from people.models import Department, Employee
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

ROSTER_HEADER = [
    "Employee number",
    "Name",
    "Department",
    "Position",
    "Phone",
    "Roles",
    "Initial password",
]


def roster_file(rows, name="roster.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = build_xlsx(sheet_title="Roster", header=ROSTER_HEADER, rows=rows)
    return SimpleUploadedFile(name, data, content_type=XLSX_CONTENT_TYPE)


def endpoints(employee_id, department_id):
    return [
        ("get", "/api/v1/departments/", None),
        ("post", "/api/v1/departments/", {"name": "New department"}),
        ("get", f"/api/v1/departments/{department_id}/", None),
        ("patch", f"/api/v1/departments/{department_id}/", {"name": "Renamed"}),
        ("get", "/api/v1/employees/", None),
        (
            "post",
            "/api/v1/employees/",
            {
                "employee_no": "N1",
                "name": "新人",
                "department": department_id,
                "password": "Init-123",
            },
        ),
        ("get", f"/api/v1/employees/{employee_id}/", None),
        ("patch", f"/api/v1/employees/{employee_id}/", {"position": "Welder"}),
        ("get", "/api/v1/employees/import-template/", None),
        ("get", "/api/v1/employees/export/", None),
    ]


@pytest.fixture
def target():
    return EmployeeFactory(name="目标")


@pytest.mark.parametrize("index", range(10))
def test_people_endpoints_permissions(
    index, target, anon_api, trainee_api, instructor_api, hr_api, officer_api, admin_api
):
    method, url, body = endpoints(target.pk, target.department_id)[index]
    assert getattr(anon_api, method)(url, body, format="json").status_code == 401
    for client in (trainee_api, instructor_api, hr_api):
        assert getattr(client, method)(url, body, format="json").status_code == 403
    expected = 201 if method == "post" else 200
    assert getattr(officer_api, method)(url, body, format="json").status_code == expected


@pytest.mark.parametrize("client_name", ["officer_api", "admin_api"])
def test_deletes_are_for_officers_and_admin(client_name, request, trainee_api, anon_api):
    client = request.getfixturevalue(client_name)
    employee = EmployeeFactory()
    empty = DepartmentFactory(name="Empty")
    assert anon_api.delete(f"/api/v1/employees/{employee.pk}/").status_code == 401
    assert trainee_api.delete(f"/api/v1/employees/{employee.pk}/").status_code == 403
    assert client.delete(f"/api/v1/employees/{employee.pk}/").status_code == 204
    employee.user.refresh_from_db()
    assert not employee.user.is_active  # deactivated, history kept
    assert trainee_api.delete(f"/api/v1/departments/{empty.pk}/").status_code == 403
    assert client.delete(f"/api/v1/departments/{empty.pk}/").status_code == 204


def test_import_permissions(anon_api, trainee_api, hr_api, officer_api):
    row = ["20001", "李娜", "Company/Crew 1", "Crew captain", "13912345678", "trainee", "Init-123"]
    for client, status in ((anon_api, 401), (trainee_api, 403), (hr_api, 403)):
        response = client.post(
            "/api/v1/employees/import/", {"file": roster_file([row])}, format="multipart"
        )
        assert response.status_code == status
    response = officer_api.post(
        "/api/v1/employees/import/", {"file": roster_file([row])}, format="multipart"
    )
    assert response.status_code == 200
    assert response.json() == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
        "errors": [],
    }


def test_import_with_errors_is_400_and_writes_nothing(officer_api):
    rows = [
        ["20001", "李娜", "Company/Crew 1", "", "13912345678", "trainee", "Init-123"],
        ["20002", "", "Company/Crew 1", "", "123", "trainee", "Init-123"],
    ]
    before = Employee.objects.count()
    response = officer_api.post(
        "/api/v1/employees/import/", {"file": roster_file(rows)}, format="multipart"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["created"] == 0
    assert {"row": 3, "column": "Name", "message": "The name is empty."} in body["errors"]
    assert {(e["row"], e["column"]) for e in body["errors"]} == {(3, "Name"), (3, "Phone")}
    assert Employee.objects.count() == before
    assert not Department.objects.filter(path="Company/Crew 1").exists()


def test_import_refuses_missing_or_non_xlsx_file(officer_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = officer_api.post("/api/v1/employees/import/", {}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    fake = SimpleUploadedFile("roster.xlsx", b"name,no\n", content_type="text/csv")
    response = officer_api.post("/api/v1/employees/import/", {"file": fake}, format="multipart")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "The file is not an Excel .xlsx workbook."


def test_import_refuses_oversized_file(officer_api, settings):
    settings.ROSTER_MAX_UPLOAD_SIZE = 100
    row = ["20001", "李娜", "Company/Crew 1", "", "", "", "Init-123"]
    response = officer_api.post(
        "/api/v1/employees/import/", {"file": roster_file([row])}, format="multipart"
    )
    assert response.status_code == 400
    assert "at most" in response.json()["file"][0]


def test_employee_create_validation_errors_are_400_by_field(officer_api, department):
    response = officer_api.post(
        "/api/v1/employees/",
        {
            "employee_no": "N1",
            "name": "新人",
            "department": department.pk,
            "phone": "12",
            "national_id": "110105194912310021",
        },
        format="json",
    )
    assert response.status_code == 400
    assert set(response.json()) == {"phone", "national_id"}
    response = officer_api.post("/api/v1/employees/", {"name": "x"}, format="json")
    assert response.status_code == 400
    assert {"employee_no", "department"} <= set(response.json())
    response = officer_api.post(
        "/api/v1/employees/",
        {"employee_no": "N1", "name": "x", "department": department.pk, "roles": ["boss"]},
        format="json",
    )
    assert response.status_code == 400
    assert "roles" in response.json()
    assert not Employee.objects.filter(employee_no="N1").exists()


def test_employee_create_and_read_back(officer_api, department):
    response = officer_api.post(
        "/api/v1/employees/",
        {
            "employee_no": "N1",
            "name": "新人",
            "department": department.pk,
            "position": "Welder",
            "username": "xinren",
            "password": "Init-123",
            "roles": ["trainee", "instructor"],
            "national_id": "11010519491231002X",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["roles"] == ["trainee", "instructor"]
    assert body["username"] == "xinren"
    assert body["national_id_masked"] == "110***********002X"
    assert "password" not in body and "national_id" not in body
    employee = Employee.objects.get(employee_no="N1")
    assert employee.user.check_password("Init-123")


def test_role_change_through_api_is_audited(officer_api, safety_officer, target):
    response = officer_api.patch(
        f"/api/v1/employees/{target.pk}/", {"roles": ["trainee", "hr"]}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["roles"] == ["trainee", "hr"]
    entry = AuditEntry.objects.get(action="employee.roles_changed")
    assert entry.actor == safety_officer.user
    assert (entry.before, entry.after) == ({"roles": ["trainee"]}, {"roles": ["trainee", "hr"]})


def test_update_refuses_password(officer_api, target):
    response = officer_api.patch(
        f"/api/v1/employees/{target.pk}/", {"password": "x-y-z-123"}, format="json"
    )
    assert response.status_code == 400


def test_department_tree_errors(officer_api):
    top = officer_api.post("/api/v1/departments/", {"name": "Works"}, format="json").json()
    child = officer_api.post(
        "/api/v1/departments/", {"name": "Plant", "parent": top["id"]}, format="json"
    ).json()
    assert child["path"] == "Works/Plant"
    response = officer_api.patch(
        f"/api/v1/departments/{top['id']}/", {"parent": child["id"]}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()
    response = officer_api.delete(f"/api/v1/departments/{top['id']}/")
    assert response.status_code == 400
    assert "sub-departments" in response.json()["detail"]
    response = officer_api.post("/api/v1/departments/", {"name": "a/b"}, format="json")
    assert response.status_code == 400


def test_list_is_paginated_and_filtered(officer_api):
    crew = DepartmentFactory(name="Crew 1")
    team = DepartmentFactory(name="Team A", parent=crew)
    EmployeeFactory(name="张三", department=crew, position="Welder")
    EmployeeFactory(name="李四", department=team, position="Electrician")
    EmployeeFactory(name="王五", roles=["instructor"])
    body = officer_api.get("/api/v1/employees/?page_size=2").json()
    assert set(body) == {"count", "next", "previous", "results"}
    assert len(body["results"]) == 2
    assert officer_api.get(f"/api/v1/employees/?department={crew.pk}").json()["count"] == 2
    assert officer_api.get("/api/v1/employees/?search=李").json()["count"] == 1
    assert officer_api.get("/api/v1/employees/?role=instructor").json()["count"] == 1
    assert officer_api.get("/api/v1/employees/?position=Welder").json()["count"] == 1
    assert officer_api.get("/api/v1/employees/?role=boss").status_code == 400
    assert officer_api.get("/api/v1/employees/?department=999999").status_code == 400
    assert officer_api.get("/api/v1/employees/?page_size=100000").status_code == 200
    assert officer_api.get("/api/v1/employees/?page=99").status_code == 404


def test_list_costs_the_same_queries_for_few_and_many(officer_api, safety_officer):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert officer_api.get("/api/v1/employees/?page_size=500").status_code == 200
        return len(queries)

    EmployeeFactory.create_batch(3)
    count_queries()  # warm the per-user role cache of the forced-authentication user
    few = count_queries()
    EmployeeFactory.create_batch(60)
    assert count_queries() == few


def test_export_and_template_are_xlsx_downloads(officer_api):
    EmployeeFactory(name="=SUM(A1)")
    for url in ("/api/v1/employees/export/", "/api/v1/employees/import-template/"):
        response = officer_api.get(url)
        assert response["Content-Type"] == XLSX_CONTENT_TYPE
        assert response["Content-Disposition"].startswith("attachment;")


def test_me_for_each_role(anon_api, trainee_api, trainee, admin_api):
    assert anon_api.get("/api/v1/me/").status_code == 401
    body = trainee_api.get("/api/v1/me/").json()
    assert body["employee_no"] == trainee.employee_no
    assert body["roles"] == ["trainee"]
    admin = admin_api.get("/api/v1/me/").json()
    assert admin["is_admin"] and admin["employee_no"] is None
    assert set(admin["roles"]) == {"trainee", "instructor", "safety_officer", "hr"}


def test_token_auth_and_throttle(anon_api, trainee, settings):
    response = anon_api.post(
        "/api/v1/auth/token/",
        {"username": trainee.user.username, "password": PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    token = response.json()["token"]
    anon_api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon_api.get("/api/v1/me/").status_code == 200
    anon_api.credentials()
    statuses = [
        anon_api.post(
            "/api/v1/auth/token/", {"username": "x", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(12)
    ]
    assert statuses[0] == 400
    assert statuses[-1] == 429


def test_schema_and_docs_need_no_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/employees/import/" in schema.content
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    assert "/static/drf_spectacular_sidecar/" in html


def test_set_password(anon_api, trainee_api, officer_api, target):
    url = f"/api/v1/employees/{target.pk}/password/"
    assert anon_api.post(url, {"password": "Fresh-pass-1"}, format="json").status_code == 401
    assert trainee_api.post(url, {"password": "Fresh-pass-1"}, format="json").status_code == 403
    assert officer_api.post(url, {"password": "abc"}, format="json").status_code == 400
    assert officer_api.post(url, {"password": "Fresh-pass-1"}, format="json").status_code == 204
    target.user.refresh_from_db()
    assert target.user.check_password("Fresh-pass-1")


def test_import_larger_than_the_upload_limit_is_refused_as_too_large(officer_api, settings):
    # The upload handler drops the file while it arrives; the answer must say why.
    settings.MAX_UPLOAD_SIZE = 1000
    row = ["20001", "李娜", "Company/Crew 1", "", "", "", "Init-123"]
    big = roster_file([row] + [[f"{i}", "x" * 50, "A", "", "", "", "Init-123"] for i in range(200)])
    response = officer_api.post("/api/v1/employees/import/", {"file": big}, format="multipart")
    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]
    assert not Employee.objects.filter(employee_no="20001").exists()
