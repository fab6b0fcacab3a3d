"""Importing a marked sign-in sheet: all rows or none, each error naming row and column."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from openpyxl import load_workbook

from attendance import imports
from attendance.imports import attendance_import, marked_sheet_parse, sign_in_sheet_xlsx
from attendance.models import AttendanceRecord, Method, Status
from attendance.services import RollCallEntry, roll_call
from core.excel import build_xlsx
from core.models import AuditEntry
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory, at
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = timezone.localdate() - datetime.timedelta(days=3)
HEADER = ["No.", "Employee number", "Name", "Department", "Status", "Reason"]


@pytest.fixture
def session(instructor):
    training = TrainingFactory(starts_on=DAY, ends_on=DAY)
    crew = DepartmentFactory(name="Crew 2")
    for number, name in [("20001", "彭建军"), ("20002", "曾志强"), ("20003", "邓伟")]:
        EnrollmentFactory(
            training=training,
            employee=EmployeeFactory(employee_no=number, name=name, department=crew),
        )
    return SessionFactory(
        training=training,
        topic="Emergency rescue drill",
        starts_at=at(DAY, 14),
        ends_at=at(DAY, 17),
        instructor=instructor,
    )


def sheet(rows, header=HEADER) -> bytes:
    return build_xlsx(sheet_title="Sign-in sheet", header=header, rows=rows)


def run(session, rows, *, actor=None, dry_run=False, header=HEADER):
    return attendance_import(
        actor=actor, session=session, data=sheet(rows, header), filename="marked.xlsx",
        dry_run=dry_run,
    )  # fmt: skip


def enrolled(session, number: str):
    return session.training.enrollments.get(employee__employee_no=number).employee


def statuses(session) -> dict[str, tuple[str, str]]:
    return {
        r.employee.employee_no: (r.status, r.reason)
        for r in AttendanceRecord.objects.filter(session=session).select_related("employee")
    }


GOOD = [
    [1, "20001", "彭建军", "Crew 2", "出勤", ""],
    [2, "20002", "曾志强", "Crew 2", "迟到", ""],
    [3, "20003", "邓伟", "Crew 2", "请假", "病假：发烧"],
]


def test_a_good_sheet_writes_every_status_through_roll_call(session, instructor):
    result = run(session, GOOD, actor=instructor.user)

    assert result.errors == []
    assert (result.updated, result.unchanged) == (3, 0)
    assert statuses(session) == {
        "20001": (Status.PRESENT, ""),
        "20002": (Status.LATE, ""),
        "20003": (Status.EXCUSED, "病假：发烧"),
    }
    records = AttendanceRecord.objects.filter(session=session)
    assert {(r.method, r.recorded_by_id) for r in records} == {(Method.IMPORT, instructor.user_id)}
    entry = AuditEntry.objects.get(action="attendance.imported")
    assert entry.after["file"] == "marked.xlsx" and entry.after["updated"] == 3
    # The training rate hears of it.
    rates = dict(
        session.training.enrollments.values_list("employee__employee_no", "attendance_rate")
    )
    assert rates["20001"] == 100


def test_importing_the_same_sheet_again_changes_nothing(session):
    run(session, GOOD)
    audit = AuditEntry.objects.count()

    result = run(session, GOOD)

    assert (result.updated, result.unchanged, result.errors) == (0, 3, [])
    assert AuditEntry.objects.count() == audit


def test_a_changed_status_is_updated_and_audited(session):
    run(session, GOOD)

    result = run(session, [[1, "20001", "", "", "缺勤", ""]])

    assert (result.updated, result.unchanged) == (1, 0)
    assert statuses(session)["20001"] == (Status.ABSENT, "")
    change = AuditEntry.objects.filter(action__in=["attendance.corrected", "attendance.changed"])
    assert change.get().before["status"] == Status.PRESENT


@pytest.mark.parametrize(
    ("word", "status", "reason"),
    [
        ("present", Status.PRESENT, ""),
        ("Present", Status.PRESENT, ""),
        ("到", Status.PRESENT, ""),
        ("✓", Status.PRESENT, ""),
        ("√", Status.PRESENT, ""),
        (" LATE ", Status.LATE, ""),
        ("absent", Status.ABSENT, ""),
        ("缺席", Status.ABSENT, ""),
        ("×", Status.ABSENT, ""),
        ("病假", Status.EXCUSED, "病假"),
    ],
)
def test_status_words(session, word, status, reason):
    result = run(session, [[1, "20001", "", "", word, ""]])

    assert result.errors == []
    assert statuses(session)["20001"] == (status, reason)


def test_an_empty_status_changes_nothing(session):
    roll_call(
        actor=None, session=session, entries=[RollCallEntry(enrolled(session, "20002"), "late")]
    )

    result = run(session, [[1, "20001", "彭建军", "", "", ""], [2, "20002", "曾志强", "", "", ""]])

    assert (result.updated, result.unchanged, result.errors) == (0, 2, [])
    assert statuses(session) == {"20002": (Status.LATE, "")}


def test_the_header_may_be_in_chinese_and_in_any_order(session):
    rows = [["出勤", "20001", ""], ["请假", "20002", "事假"]]

    result = run(session, rows, header=["状态", "工号", "备注"])

    assert result.errors == []
    assert statuses(session)["20002"] == (Status.EXCUSED, "事假")


def test_employee_numbers_typed_as_numbers_are_read(session):
    result = run(session, [[1, 20001, None, None, "present", None]])

    assert result.errors == []
    assert "20001" in statuses(session)


def test_dry_run_counts_and_writes_nothing(session):
    result = run(session, GOOD, dry_run=True)

    assert (result.updated, result.unchanged, result.dry_run, result.errors) == (3, 0, True, [])
    assert not AttendanceRecord.objects.exists()
    assert not AuditEntry.objects.filter(action="attendance.imported").exists()


# Bad input: nothing is written, each error names its row and column --------------------------


def errors_of(result) -> list[tuple]:
    return [(e.row, e.column, e.message) for e in result.errors]


def test_unknown_employee_number_names_the_row_and_writes_nothing(session):
    rows = [*GOOD, [4, "29999", "", "", "present", ""]]

    result = run(session, rows)

    assert errors_of(result) == [(5, "Employee number", "No employee has the number 29999.")]
    assert not AttendanceRecord.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="attendance.").exists()


def test_trainee_not_enrolled_is_refused(session):
    EmployeeFactory(employee_no="30001", name="外人")

    result = run(session, [*GOOD, [4, "30001", "外人", "", "present", ""]])

    [(row, column, message)] = errors_of(result)
    assert (row, column) == (5, "Employee number")
    assert "外人 (30001) is not enrolled" in message
    assert not AttendanceRecord.objects.exists()


def test_duplicate_employee_number_is_refused(session):
    result = run(session, [*GOOD, [4, "20002", "", "", "absent", ""]])

    assert errors_of(result) == [
        (5, "Employee number", "Employee number 20002 appears again; it is first on row 3.")
    ]
    assert not AttendanceRecord.objects.exists()


def test_excused_without_a_reason_is_refused(session):
    result = run(session, [[1, "20003", "邓伟", "", "excused", ""]])

    assert errors_of(result) == [(2, "Reason", "An excused absence needs a reason.")]
    assert not AttendanceRecord.objects.exists()


def test_unknown_status_word_is_refused(session):
    result = run(session, [[1, "20001", "", "", "maybe", ""]])

    [(row, column, message)] = errors_of(result)
    assert (row, column) == (2, "Status")
    assert "“maybe” is not a status" in message


def test_a_name_that_does_not_match_the_employee_is_refused(session):
    result = run(session, [[1, "20001", "曾志强", "", "present", ""]])

    assert errors_of(result) == [
        (2, "Name", "The name “曾志强” does not match employee 20001, who is 彭建军.")
    ]


def test_a_reason_without_a_status_is_refused(session):
    result = run(session, [[1, "20001", "", "", "", "病假"]])

    assert [(e.row, e.column) for e in result.errors] == [(2, "Status")]


def test_every_bad_row_is_listed(session):
    rows = [
        [1, "", "彭建军", "", "present", ""],
        [2, "20002", "", "", "??", ""],
        [3, "20003", "", "", "请假", ""],
    ]

    result = run(session, rows)

    assert [(e.row, e.column) for e in result.errors] == [
        (2, "Employee number"),
        (3, "Status"),
        (4, "Reason"),
    ]


def test_a_file_that_is_not_xlsx_is_refused(session):
    result = attendance_import(actor=None, session=session, data=b"No.,Employee number\n1,20001")

    assert errors_of(result) == [(None, None, "The file is not an Excel .xlsx workbook.")]


def test_an_empty_workbook_is_refused(session):
    result = attendance_import(actor=None, session=session, data=sheet([], header=[]))

    assert errors_of(result) == [(None, None, "The file is empty: it has no header row.")]


def test_a_header_without_rows_is_refused(session):
    result = run(session, [])

    assert errors_of(result) == [(None, None, "The file has a header but no trainees.")]


def test_a_missing_status_column_is_named(session):
    result = run(session, [["20001", "彭建军"]], header=["Employee number", "Name"])

    assert errors_of(result) == [(1, "Status", "This column is missing from the header row.")]


def test_a_session_not_yet_started_is_refused(session):
    soon = timezone.now() + datetime.timedelta(days=2)
    session.starts_at, session.ends_at = soon, soon + datetime.timedelta(hours=2)
    session.save()

    result = run(session, GOOD)

    assert "has not started yet" in result.errors[0].message
    assert not AttendanceRecord.objects.exists()


def test_a_refusal_by_roll_call_writes_nothing(session, monkeypatch):
    def refuse(**kwargs):
        raise ValidationError({"entries": ["彭建军 is not enrolled in this training."]})

    monkeypatch.setattr(imports, "roll_call", refuse)

    result = run(session, GOOD)

    assert errors_of(result) == [(None, None, "彭建军 is not enrolled in this training.")]
    assert not AttendanceRecord.objects.exists()


# The sheet to mark ----------------------------------------------------------------------------


def test_the_sheet_to_mark_lists_the_trainees_and_imports_back_unchanged(session):
    entry = RollCallEntry(enrolled(session, "20003"), Status.EXCUSED, "事假")
    roll_call(actor=None, session=session, entries=[entry])

    content = sign_in_sheet_xlsx(session)

    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Sign-in sheet", "Session"]
    rows = [tuple(c.value for c in row) for row in workbook["Sign-in sheet"].iter_rows()]
    assert rows[0] == tuple(HEADER)
    assert rows[1][:5] == (1, "20001", "彭建军", "Crew 2", None)
    assert rows[3][1:] == ("20003", "邓伟", "Crew 2", "Excused", "事假")
    facts = dict(
        (row[0], row[1]) for row in workbook["Session"].iter_rows(values_only=True) if row[0]
    )
    assert facts["Session"] == "Emergency rescue drill"
    assert facts["Date"] == DAY.isoformat()
    # The status column offers the statuses.
    validation = workbook["Sign-in sheet"].data_validations.dataValidation[0]
    assert "Present" in validation.formula1 and str(validation.sqref) == "E2:E4"

    result = attendance_import(actor=None, session=session, data=content)
    assert (result.updated, result.unchanged, result.errors) == (0, 3, [])


def test_the_marked_sheet_imports(session):
    workbook = load_workbook(io.BytesIO(sign_in_sheet_xlsx(session)))
    sheet_ = workbook["Sign-in sheet"]
    sheet_["E2"], sheet_["E3"], sheet_["E4"] = "√", "迟到", "缺勤"
    stream = io.BytesIO()
    workbook.save(stream)

    result = attendance_import(actor=None, session=session, data=stream.getvalue())

    assert result.errors == [] and result.updated == 3
    assert statuses(session) == {
        "20001": (Status.PRESENT, ""),
        "20002": (Status.LATE, ""),
        "20003": (Status.ABSENT, ""),
    }


def test_parse_writes_nothing(session):
    parsed = marked_sheet_parse(session=session, data=sheet(GOOD))

    assert [row.status for row in parsed.rows] == [Status.PRESENT, Status.LATE, Status.EXCUSED]
    assert not AttendanceRecord.objects.exists()
