"""The attendance workbook of a training and the printable sign-in sheet of a session."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from attendance.exports import attendance_xlsx
from attendance.models import Status
from attendance.pdf import sign_in_sheet_pdf
from attendance.services import RollCallEntry, roll_call
from tests.courses.factories import (
    EnrollmentFactory,
    SessionFactory,
    TrainingFactory,
    at,
    bulk_trainees,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=30)
INJECTION = "=cmd|' /C calc'!A0"


@pytest.fixture
def crew():
    company = DepartmentFactory(name="Harbour Co.")
    return DepartmentFactory(name="Crew 1", parent=company)


@pytest.fixture
def training(instructor, trainee, crew):
    """Three classes held (3 h, 3 h, 1.5 h) and one next month; three trainees."""
    training = TrainingFactory(
        title="Safety production knowledge training",
        starts_on=DAY,
        ends_on=DAY + datetime.timedelta(days=1),
        location="Training centre",
    )
    SessionFactory(
        training=training,
        topic="Laws and regulations",
        starts_at=at(DAY, 8, 30),
        ends_at=at(DAY, 11, 30),
        instructor=instructor,
        location="Room 101",
    )
    SessionFactory(
        training=training,
        topic="Accident cases",
        starts_at=at(DAY, 14),
        ends_at=at(DAY, 17),
        instructor=instructor,
    )
    SessionFactory(
        training=training,
        topic="Fire drill",
        starts_at=at(DAY + datetime.timedelta(days=1), 8, 30),
        ends_at=at(DAY + datetime.timedelta(days=1), 10),
    )
    future = timezone.localdate() + datetime.timedelta(days=30)
    SessionFactory(
        training=training, topic="Refresher", starts_at=at(future, 9), ends_at=at(future, 11)
    )
    trainee.department = crew
    trainee.employee_no = "20001"
    trainee.save()
    EnrollmentFactory(training=training, employee=trainee)
    EnrollmentFactory(
        training=training,
        employee=EmployeeFactory(employee_no="20002", name="彭建军", department=crew),
    )
    EnrollmentFactory(
        training=training,
        employee=EmployeeFactory(
            employee_no="20003", name=INJECTION, department=crew, position="+Welder"
        ),
    )
    return training


def mark(training, statuses: dict[str, list]):
    """Roll call per session in timetable order: employee number -> status or (status,
    reason)."""
    sessions = list(training.sessions.order_by("starts_at"))
    enrolled = {e.employee.employee_no: e.employee for e in training.enrollments.all()}
    for number, marks in statuses.items():
        for session, value in zip(sessions, marks, strict=False):
            if value is None:
                continue
            status, reason = value if isinstance(value, tuple) else (value, "")
            roll_call(
                actor=None,
                session=session,
                entries=[RollCallEntry(enrolled[number], status, reason)],
            )


def sheets(content: bytes) -> dict[str, list[tuple]]:
    workbook = load_workbook(io.BytesIO(content))
    return {
        sheet.title: [tuple(cell.value for cell in row) for row in sheet.iter_rows()]
        for sheet in workbook.worksheets
    }


def test_attendance_sheet_has_a_row_per_trainee_and_a_column_per_session(training):
    mark(
        training,
        {
            "20001": [Status.PRESENT, Status.LATE, Status.PRESENT],
            "20002": [Status.PRESENT, (Status.EXCUSED, "病假"), None],
            "20003": [Status.ABSENT, Status.PRESENT, Status.PRESENT],
        },
    )

    book = sheets(attendance_xlsx(training))

    assert list(book) == ["Attendance", "Sessions", "Departments"]
    header, *rows = book["Attendance"]
    assert header[:4] == ("Employee number", "Name", "Department", "Position")
    # One column per session, headed by its date, start and length.
    assert header[4].endswith("08:30 (3 h)") and header[6].endswith("08:30 (1.5 h)")
    assert len(header) == 4 + 4 + 7
    assert header[8:] == (
        "Attended",
        "Late",
        "Absent",
        "Excused",
        "Attendance rate (%)",
        "Hours attended (学时)",
        "Full attendance",
    )
    by_number = {row[0]: row for row in rows}
    li = by_number["20001"]
    assert li[1:3] == ("李明", "Harbour Co./Crew 1")
    assert li[4:8] == ("Present", "Late", "Present", None)  # the fourth is not held yet
    assert li[8:] == (3, 1, 0, 0, 100, 7.5, "yes")
    peng = by_number["20002"]
    # A held session without a record counts as absent; excused earns no hours but counts
    # for full attendance by default.
    assert peng[4:7] == ("Present", "Excused", "Absent")
    assert peng[8:] == (1, 0, 1, 1, pytest.approx(66.7), 3, "no")
    assert by_number["20003"][8:] == (2, 0, 1, 0, pytest.approx(66.7), 4.5, "no")


def test_sessions_sheet_lists_date_times_duration_place_instructor_topic(training, instructor):
    mark(training, {"20001": [Status.PRESENT, Status.LATE]})

    header, *rows = sheets(attendance_xlsx(training))["Sessions"]

    assert header[:8] == (
        "No.",
        "Date",
        "Start",
        "End",
        "Duration (hours)",
        "Place",
        "Instructor",
        "Topic",
    )
    assert rows[0][:8] == (
        1,
        DAY.isoformat(),
        "08:30",
        "11:30",
        3,
        "Room 101",
        instructor.name,
        "Laws and regulations",
    )
    # Without a place of its own a session takes the training's.
    assert rows[1][5] == "Training centre"
    assert rows[2][4] == 1.5 and rows[2][6] is None
    assert rows[3][8] == "no"  # not held yet
    present, late, absent, excused = rows[0][9:]
    assert (present, late, absent, excused) == (1, 0, 2, 0)


def test_departments_sheet(training):
    other = DepartmentFactory(name="Engineering")
    EnrollmentFactory(training=training, employee=EmployeeFactory(department=other))
    mark(training, {"20001": [Status.PRESENT, Status.PRESENT, Status.PRESENT]})

    header, *rows = sheets(attendance_xlsx(training))["Departments"]

    assert header == (
        "Department",
        "Trainees",
        "Mean attendance rate (%)",
        "Hours attended (学时)",
        "Full attendance",
    )
    by_name = {row[0]: row for row in rows}
    assert by_name["Engineering"][1:] == (1, 0, 0, 0)
    assert by_name["Harbour Co./Crew 1"][1:] == (3, pytest.approx(33.3), 7.5, 1)
    assert by_name["All departments"][1:] == (4, 25, 7.5, 1)


def test_formula_like_names_are_written_as_text(training):
    content = attendance_xlsx(training)

    workbook = load_workbook(io.BytesIO(content))
    cells = [cell for row in workbook["Attendance"].iter_rows() for cell in row]
    injected = [cell for cell in cells if cell.value in (INJECTION, "+Welder")]
    assert len(injected) == 2
    assert all(cell.data_type == "s" for cell in injected)
    assert not any(cell.data_type == "f" for cell in cells)


def test_a_training_without_sessions_or_trainees_still_exports():
    training = TrainingFactory()

    book = sheets(attendance_xlsx(training))

    assert book["Attendance"][0][0] == "Employee number"
    assert book["Departments"][1] == ("All departments", 0, None, 0, 0)


# The printable sign-in sheet -----------------------------------------------------------------


def pdf_pages(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_sign_in_sheet_names_the_session_and_renders_chinese_names(training, instructor):
    session = training.sessions.order_by("starts_at").first()

    content = sign_in_sheet_pdf(session)

    assert content.startswith(b"%PDF-")
    pages = pdf_pages(content)
    assert len(pages) == 1
    text = pages[0]
    for expected in (
        "Sign-in sheet",
        "Safety production knowledge training",
        "Laws and regulations",
        DAY.isoformat(),
        "08:30",
        "Room 101",
        instructor.name,  # 王老师
        "李明",
        "彭建军",
        "20002",
        "Signature",
        "Page 1 of 1",
    ):
        assert expected in text, expected
    # The company every trainee shares is named once; the rows show the rest of the path.
    words = " ".join(text.split())
    assert "Organisation Harbour Co." in words
    assert "Harbour Co./Crew 1" not in text and "Crew 1" in text
    # By department, then employee number: the rows are numbered in that order.
    assert text.index("20001") < text.index("20002") < text.index("20003")


def test_sign_in_sheet_for_sixty_trainees_runs_over_pages_with_the_header_on_each(training, crew):
    bulk_trainees(57, crew, training, prefix="S")
    session = training.sessions.order_by("starts_at").first()

    pages = pdf_pages(sign_in_sheet_pdf(session))

    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        words = " ".join(text.split())  # the header cells wrap
        assert "Signature" in words and "Employee number" in words
        assert f"Page {number} of {len(pages)}" in text
    everything = "".join(pages)
    assert all(f"S{i:05d}" in everything for i in range(57))
    assert "60" in pages[-1]  # the last row number


def test_sign_in_sheet_in_chinese(training, settings):
    from django.utils import translation

    session = training.sessions.order_by("starts_at").first()
    with translation.override("zh-hans"):
        text = pdf_pages(sign_in_sheet_pdf(session))[0]
    assert "李明" in text and "彭建军" in text


def test_sign_in_sheet_department_paths_drop_only_what_every_row_shares():
    from attendance.pdf import _common_root, _department

    assert _common_root(["Co/Crew 1", "Co/Crew 2", "Co/Office"]) == "Co"
    assert _common_root(["Co/Works/Crew 1", "Co/Works/Crew 2"]) == "Co/Works"
    assert _common_root(["Co/Crew 1"]) == "Co"
    assert _common_root(["Co", "Co/Crew 1"]) == ""
    assert _common_root(["Co/Crew 1", "Experts/Bureau"]) == ""
    assert _department("Co/Works/Crew 1", "Co") == "Works/Crew 1"
    long = "Co/" + "/".join(["Department of very long names"] * 4)
    shown = _department(long, "")
    assert shown.startswith("…") and shown.endswith("names") and len(shown) == 70


def test_sign_in_sheet_without_trainees():
    session = SessionFactory()

    text = pdf_pages(sign_in_sheet_pdf(session))[0]

    assert "No trainee is enrolled." in text


def test_hours_are_decimal_hours_of_the_sessions(training):
    from attendance.exports import session_hours

    sessions = list(training.sessions.order_by("starts_at"))
    assert [session_hours(s) for s in sessions[:3]] == [
        Decimal("3.00"),
        Decimal("3.00"),
        Decimal("1.50"),
    ]
