"""Roster import: every bad input gets a row, column and reason, and nothing is written."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from core.excel import build_xlsx
from core.models import AuditEntry
from people import roster, services
from people.models import Department, Employee
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

HEADER = ["Employee number", "Name", "Department", "Position", "Phone", "Roles", "Initial password"]
GOOD = [
    "20001",
    "李娜",
    "Company/Berthing Project Department/Crew 1",
    "Crew captain",
    "13912345678",
    "trainee",
    "Initial-1",
]


def workbook(rows, header=HEADER) -> bytes:
    return build_xlsx(sheet_title="Roster", header=header, rows=rows)


def import_rows(rows, header=HEADER, **kwargs):
    return services.roster_import(actor=None, data=workbook(rows, header), **kwargs)


def assert_nothing_written():
    assert not Employee.objects.exists()
    assert not Department.objects.exists()
    assert not AuditEntry.objects.exists()


def test_import_creates_employees_departments_and_roles():
    second = [
        "20002",
        "王强",
        "Company/Engineering Department",
        "Engineer",
        "0731-84561234",
        "讲师、学员",
        "Initial-2",
    ]
    result = import_rows([GOOD, second])
    assert result.as_dict() == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "dry_run": False,
        "errors": [],
    }
    li = Employee.objects.get(employee_no="20001")
    assert li.department.path == "Company/Berthing Project Department/Crew 1"
    assert li.user.check_password("Initial-1")
    assert li.must_change_password
    assert services.employee_roles(Employee.objects.get(employee_no="20002")) == [
        "trainee",
        "instructor",
    ]
    assert Department.objects.count() == 4
    assert AuditEntry.objects.filter(action="employee.created").count() == 2
    assert AuditEntry.objects.get(action="roster.imported").after["created"] == 2


def test_reimporting_the_same_file_changes_nothing():
    import_rows([GOOD])
    audit_count = AuditEntry.objects.count()
    result = import_rows([GOOD])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert Employee.objects.count() == 1
    assert AuditEntry.objects.filter(action__startswith="employee.").count() == 1
    assert AuditEntry.objects.count() == audit_count + 1  # only the import itself


def test_reimport_updates_fields_and_roles_but_not_password():
    import_rows([GOOD])
    employee = Employee.objects.get(employee_no="20001")
    employee.user.set_password("Chosen-by-her")
    employee.user.save()
    changed = [*GOOD[:3], "Safety manager", GOOD[4], "trainee, safety_officer", "Other-pass"]
    result = import_rows([changed])
    assert (result.created, result.updated) == (0, 1)
    employee.refresh_from_db()
    assert employee.position == "Safety manager"
    assert employee.user.check_password("Chosen-by-her")
    assert services.employee_roles(employee) == ["trainee", "safety_officer"]
    entry = AuditEntry.objects.get(action="employee.updated")
    assert entry.before == {"position": "Crew captain", "roles": ["trainee"]}


def test_existing_employee_without_roles_column_keeps_roles():
    officer = EmployeeFactory(employee_no="90001", roles=["safety_officer"])
    header = ["工号", "姓名", "部门"]
    result = import_rows([["90001", officer.name, officer.department.path]], header=header)
    assert result.errors == []
    assert services.employee_roles(officer) == ["safety_officer"]


def test_chinese_headers_are_accepted():
    header = ["工号", "姓名", "部门", "岗位", "手机号", "角色", "初始密码", "身份证号"]
    result = import_rows([[*GOOD, "11010519491231002X"]], header=header)
    assert result.created == 1
    assert Employee.objects.get().birth_date.year == 1949


def test_numeric_cells_are_read_as_text():
    result = import_rows([[20001, "李娜", "Crew 1", "", 13912345678, "", "Initial-1"]])
    assert result.created == 1
    employee = Employee.objects.get()
    assert (employee.employee_no, employee.phone) == ("20001", "13912345678")


@pytest.mark.parametrize(
    ("row", "column", "reason"),
    [
        (["", "李娜", "Crew 1", "", "", "", "Initial-1"], "Employee number", "empty"),
        (["20001", "", "Crew 1", "", "", "", "Initial-1"], "Name", "empty"),
        (["20001", "李娜", "", "", "", "", "Initial-1"], "Department", "empty"),
        (["20001", "李娜", "A//B", "", "", "", "Initial-1"], "Department", "empty part"),
        (["20001", "李娜", "Crew 1", "", "12345", "", "Initial-1"], "Phone", "not a phone"),
        (
            ["20001", "李娜", "Crew 1", "", "", "captain", "Initial-1"],
            "Roles",
            "Unknown role: captain",
        ),
        (
            ["20001", "李娜", "Crew 1", "", "", "", ""],
            "Initial password",
            "needs an initial password",
        ),
        (["20001", "李娜", "Crew 1", "", "", "", "abc"], "Initial password", "fewer than 6"),
    ],
)
def test_bad_row_is_reported_and_nothing_written(row, column, reason):
    result = import_rows([GOOD[:0] or ["20009", "好人", "Crew 1", "", "", "", "Initial-1"], row])
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (3, column)
    assert reason in error.message
    assert_nothing_written()


def test_national_id_with_wrong_check_digit_is_refused():
    header = [*HEADER, "National ID"]
    result = import_rows([[*GOOD, "110105194912310021"]], header=header)
    assert [(e.row, e.column) for e in result.errors] == [(2, "National ID")]
    assert "check digit" in result.errors[0].message
    assert_nothing_written()


def test_duplicate_employee_number_in_file_names_both_rows():
    result = import_rows([GOOD, GOOD])
    assert len(result.errors) == 1
    assert result.errors[0].row == 3
    assert "first on row 2" in result.errors[0].message
    assert_nothing_written()


def test_all_bad_rows_are_reported_at_once():
    result = import_rows(
        [["", "", "", "", "1", "x", ""], ["20002", "", "A", "", "", "", "Initial-1"]]
    )
    assert {e.row for e in result.errors} == {2, 3}
    assert len(result.errors) >= 5


def test_username_of_a_non_employee_account_blocks_the_row(django_user_model):
    django_user_model.objects.create_user("20001", password="x-y-z-1234")
    result = import_rows([GOOD])
    assert [(e.row, e.column) for e in result.errors] == [(2, "Employee number")]
    assert not Employee.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"employee number,name\n1,x\n", "not an Excel .xlsx workbook"),
        (b"", "not an Excel .xlsx workbook"),
        (b"PK\x03\x04 broken zip", "not an Excel .xlsx workbook"),
    ],
)
def test_a_file_that_is_not_xlsx_is_refused(data, message):
    result = services.roster_import(actor=None, data=data)
    assert [(e.row, e.column) for e in result.errors] == [(None, None)]
    assert message in result.errors[0].message
    assert_nothing_written()


def test_an_empty_workbook_is_refused():
    stream = io.BytesIO()
    Workbook().save(stream)
    result = services.roster_import(actor=None, data=stream.getvalue())
    assert "empty" in result.errors[0].message
    assert_nothing_written()


def test_header_without_rows_is_refused():
    result = import_rows([])
    assert "no employees" in result.errors[0].message


def test_missing_required_column_is_named():
    result = import_rows([["20001", "李娜"]], header=["Employee number", "Name"])
    assert [(e.row, e.column) for e in result.errors] == [(1, "Department")]
    assert "missing" in result.errors[0].message


def test_blank_rows_are_skipped():
    result = import_rows([GOOD, [None] * 7, ["20002", "王强", "Crew 2", "", "", "", "Initial-1"]])
    assert result.created == 2


def test_dry_run_counts_but_writes_nothing():
    result = import_rows([GOOD], dry_run=True)
    assert (result.created, result.dry_run) == (1, True)
    assert_nothing_written()


def test_template_imports_cleanly_and_has_an_example_per_role():
    data = roster.roster_template()
    rows = list(load_workbook(io.BytesIO(data), read_only=True).active.iter_rows(values_only=True))
    assert list(rows[0]) == [str(label) for label in roster.COLUMNS.values()]
    result = services.roster_import(actor=None, data=data)
    assert result.errors == []
    assert result.created == len(rows) - 1


def test_export_imports_back_and_neutralises_formulas():
    EmployeeFactory(employee_no="70001", name='=HYPERLINK("x")', position="+1")
    data = roster.roster_export(Employee.objects.select_related("department", "user"))
    sheet = load_workbook(io.BytesIO(data)).active
    name, position = sheet["B2"], sheet["D2"]
    assert (name.value, name.data_type, name.quotePrefix) == ('=HYPERLINK("x")', "s", True)
    assert (position.value, position.data_type) == ("+1", "s")
    # The export (without passwords) imports back unchanged.
    result = services.roster_import(actor=None, data=data)
    assert (result.errors, result.created, result.updated, result.unchanged) == ([], 0, 0, 1)
