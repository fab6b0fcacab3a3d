"""Spreadsheet bombs posted to the import of a marked sign-in sheet (a page only: the API has
no import): a clear refusal on the form, nothing written, a small page, little memory.
Reported: a 205 KB sheet with one 200 MB cell cost 1.83 GB and answered with a 209 MB page."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from attendance import imports
from attendance.models import AttendanceRecord
from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.models import AuditEntry
from core.roles import Role
from tests.core.xlsx_bombs import MAX_ANSWER_BYTES, MAX_MEMORY, import_bombs, memory_peak
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory, at
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=3)
HEADER = ["No.", "Employee number", "Name", "Department", "Status", "Reason"]
BOMBS = import_bombs(
    HEADER,
    max_rows=imports.MAX_SHEET_ROWS,
    max_columns=imports.MAX_COLUMNS,
    column=5,  # the status, which the error page used to quote whole
)


@pytest.fixture
def session():
    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR], name="王老师")
    training = TrainingFactory(starts_on=DAY, ends_on=DAY)
    training.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=EmployeeFactory(employee_no="20001"))
    return SessionFactory(
        training=training, starts_at=at(DAY, 8), ends_at=at(DAY, 11), instructor=instructor
    )


@pytest.fixture
def instructor_page(session):
    client = Client()
    client.force_login(session.instructor.user)
    return client


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_import_page_refuses_a_bomb(session, instructor_page, build, message):
    data = build()
    url = reverse("session_attendance_import", args=[session.pk])
    empty_page = len(instructor_page.get(url).content)
    upload = SimpleUploadedFile("marked.xlsx", data, content_type=XLSX_CONTENT_TYPE)

    with memory_peak() as memory:
        response = instructor_page.post(url, {"file": upload})

    assert response.status_code in (200, 400)  # the form shown again, with the error
    errors = response.context["result"].errors
    assert len(errors) == 1 and errors[0].row is None and errors[0].message.startswith(message)
    assert escape(message) in response.content.decode()
    assert len(response.content) - empty_page < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY
    assert not AttendanceRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="attendance.imported").exists()


def test_long_cells_are_quoted_by_their_start_only(session):
    """The cells that make errors are quoted by their first 50 characters, then "…"."""
    rows = [[1, "20001", "", "", "s" * 30_000, ""], [2, "9" * 30_000, "n" * 30_000, "", "", ""]]
    data = build_xlsx(sheet_title="Sign-in sheet", header=HEADER, rows=rows)

    result = imports.attendance_import(actor=None, session=session, data=data)

    assert [error.message for error in result.errors] == [
        "“" + "s" * 50 + "…” is not a status. Write present, late, absent or excused "
        "(出勤, 迟到, 缺勤, 请假), or ✓ for present; leave it empty for no change.",
        "No employee has the number " + "9" * 50 + "….",
    ]
    assert not AttendanceRecord.objects.exists()
