"""The roster import page: all or nothing, every bad row named, a dry run writes nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from people.models import Department, Employee
from tests.frontend.workbooks import roster_upload

pytestmark = pytest.mark.django_db

IMPORT = "/people/employees/import/"
GOOD = [
    [
        "B1001",
        "孙立新",
        "Steel Works/Ironmaking",
        "Furnace operator",
        "13912345678",
        "trainee",
        "Start-2026",
        "",
    ],
    [
        "B1002",
        "周海",
        "Steel Works/Rolling",
        "Welder",
        "0731-84561234",
        "trainee, 讲师",
        "Start-2026",
        "11010519491231002X",
    ],
]


def bad(row: list[str], column: int, value: str) -> list[str]:
    row = list(row)
    row[column] = value
    return row


def test_page_links_template_and_export(officer_client):
    text = officer_client.get(IMPORT).content.decode()
    assert reverse("roster_template") in text
    assert reverse("employee_export") in text
    assert 'enctype="multipart/form-data"' in text


def test_good_file_creates_the_employees(officer_client, safety_officer):
    response = officer_client.post(IMPORT, {"file": roster_upload(GOOD)}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("employee_list")
    assert "Roster imported: 2 created, 0 updated, 0 unchanged." in response.content.decode()
    second = Employee.objects.select_related("department", "user").get(employee_no="B1002")
    assert second.department.path == "Steel Works/Rolling"
    assert set(second.user.groups.values_list("name", flat=True)) == {"trainee", "instructor"}
    assert second.must_change_password is True
    assert AuditEntry.objects.filter(action="roster.imported", actor=safety_officer.user).exists()


def test_importing_again_reports_unchanged(officer_client):
    officer_client.post(IMPORT, {"file": roster_upload(GOOD)})
    response = officer_client.post(IMPORT, {"file": roster_upload(GOOD)}, follow=True)
    assert "0 created, 0 updated, 2 unchanged." in response.content.decode()


def test_bad_row_shows_the_error_table_and_writes_nothing(officer_client):
    departments_before = Department.objects.count()
    rows = [GOOD[0], bad(GOOD[1], 4, "12345"), bad(GOOD[1], 0, "B1001")]

    response = officer_client.post(IMPORT, {"file": roster_upload(rows)})

    assert response.status_code == 200
    text = response.content.decode()
    assert "Nothing was written." in text
    errors = response.context["result"].errors
    assert [(e.row, e.column) for e in errors] == [(3, "Phone"), (4, "Employee number")]
    assert "“12345” is not a phone number." in text
    assert '<td class="num">3</td>' in text
    assert not Employee.objects.filter(employee_no__in=["B1001", "B1002"]).exists()
    assert Department.objects.count() == departments_before
    assert not AuditEntry.objects.exists()


def test_dry_run_counts_and_writes_nothing(officer_client):
    response = officer_client.post(
        IMPORT, {"file": roster_upload(GOOD), "dry_run": "on"}, follow=True
    )
    text = response.content.decode()
    assert "Check passed. The import would create 2, update 0 and leave 0" in text
    assert "Nothing was written." in text
    assert not Employee.objects.filter(employee_no__startswith="B1").exists()
    assert not AuditEntry.objects.exists()


def test_a_file_that_is_not_xlsx_is_explained(officer_client):
    upload = SimpleUploadedFile("roster.xlsx", b"employee_no,name\n1,a\n", "text/csv")
    response = officer_client.post(IMPORT, {"file": upload})
    assert response.status_code == 200
    assert "The file is not an Excel .xlsx workbook." in response.content.decode()


def test_too_large_file_is_refused_on_the_form(officer_client, settings):
    settings.ROSTER_MAX_UPLOAD_SIZE = 1024
    upload = roster_upload(GOOD)
    response = officer_client.post(IMPORT, {"file": upload})
    assert response.status_code == 200
    # filesizeformat puts a no-break space between number and unit.
    message = response.context["form"].errors["file"][0].replace("\xa0", " ")
    assert message == f"The file is {upload.size / 1024:.1f} KB; at most 1.0 KB is accepted."
    assert not Employee.objects.filter(employee_no__startswith="B1").exists()


def test_missing_file_is_a_form_error(officer_client):
    response = officer_client.post(IMPORT, {})
    assert response.context["form"].errors["file"]


def test_file_over_the_upload_limit_is_named_too_large(officer_client, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MAX_UPLOAD_SIZE = 1000
    upload = SimpleUploadedFile("roster.xlsx", b"x" * 5000)
    response = officer_client.post(reverse("employee_import"), {"file": upload})
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
