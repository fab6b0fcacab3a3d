"""A session's attendance from a marked sheet: where trainees signed a paper sheet (no
phones at the site), the instructor types the statuses into the sheet's workbook and
uploads it.

The workbook (``sign_in_sheet_xlsx``) lists the enrolled trainees with the columns employee
number, name, status and reason. On import every row is checked first; with any error
nothing is written and each error names its row, column and reason. The statuses are then
written through ``attendance.services.roll_call`` (method "import") in one transaction.

Rules of the sheet:

- Employee number: required on every row that says something; known, enrolled in the
  training, and once per file.
- Name: optional; when given it must match the employee's name (a typed-in number that
  points at someone else is caught).
- Status: present, late, absent or excused, in English or Chinese (出勤, 到, 迟到, 缺勤,
  缺席, 请假, …); a tick (✓ √) means present, a cross (× ✗) absent. **Empty means no change**:
  the trainee's record, if any, stays as it is, so a sheet that marks only some trainees
  never overwrites the others (a self sign-in, say). Mark the rest absent on the roll-call
  page, or write "absent".
- Reason: required for excused. 病假 (sick leave) and 事假 (personal leave) as the status
  mean excused with that word as the reason when the reason is empty.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.worksheet.datavalidation import DataValidation

from attendance.exports import Sheet, build_workbook, session_facts, status_label
from attendance.models import AttendanceRecord, Method, Status
from attendance.selectors import session_board
from attendance.services import RollCallEntry, roll_call
from core.audit import audit_record
from core.excel import UnreadableWorkbook, excerpt, read_xlsx_rows
from courses.models import Enrollment, Session
from people.models import Employee

MAX_ROWS = 20_000
# What the reader takes of a sheet, blank rows included: room for blank lines between the
# data, while a sheet of a million rows is refused before it is read. The workbook has six
# columns; notes beside them are fine.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 64
REASON_MAX_LENGTH = 300

# Column key -> the header written in the workbook.
COLUMNS = {
    "number": gettext_lazy("No."),
    "employee_no": gettext_lazy("Employee number"),
    "name": gettext_lazy("Name"),
    "department": gettext_lazy("Department"),
    "status": gettext_lazy("Status"),
    "reason": gettext_lazy("Reason"),
}
# The columns read on import; "No." and "Department" are there for the reader only.
READ_COLUMNS = ("employee_no", "name", "status", "reason")
REQUIRED_COLUMNS = ("employee_no", "status")

# Headers accepted besides the workbook's own (in every language of the site), compared
# without case, spaces or "_".
HEADER_ALIASES = {
    "employee_no": ["employee number", "employee no", "staff no", "工号", "员工编号"],
    "name": ["name", "full name", "姓名"],
    "status": ["status", "attendance", "状态", "出勤", "出勤情况", "考勤", "签到情况"],
    "reason": ["reason", "note", "remark", "原因", "事由", "请假事由", "备注"],
}

# Words accepted as a status besides the status names and labels in every language.
STATUS_WORDS = {
    Status.PRESENT: ["出勤", "到", "已到", "签到", "已签到", "✓", "√", "✔", "☑", "✅"],
    Status.LATE: ["迟到"],
    Status.ABSENT: ["缺勤", "缺席", "未到", "旷课", "×", "✗", "✘", "❌"],
    Status.EXCUSED: ["leave", "请假", "准假"],
}
# Words that say excused and why; the word is the reason when the reason cell is empty.
LEAVE_WORDS = {"病假": "病假", "事假": "事假", "sick leave": "sick leave"}


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", "", str(text)).casefold()


def _in_every_language(text) -> list[str]:
    """A lazily translated text in each of the site's languages."""
    words = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            words.append(str(text))
    return words


def _header_lookup() -> dict[str, str]:
    lookup = {}
    for column, aliases in HEADER_ALIASES.items():
        for alias in [*aliases, *_in_every_language(COLUMNS[column])]:
            lookup.setdefault(_key(alias), column)
    return lookup


def _status_lookup() -> dict[str, tuple[str, str]]:
    """Normalised word -> (status, reason it implies)."""
    lookup: dict[str, tuple[str, str]] = {}
    for status in Status:
        for word in [status.value, *_in_every_language(status.label), *STATUS_WORDS[status]]:
            lookup.setdefault(_key(word), (status.value, ""))
    for word, reason in LEAVE_WORDS.items():
        lookup.setdefault(_key(word), (Status.EXCUSED.value, reason))
    return lookup


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers lose their ``.0``, everything is stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _same_name(written: str, actual: str) -> bool:
    return _key(written) == _key(actual)


@dataclass
class SheetError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class MarkedRow:
    row: int
    employee: Employee
    status: str
    reason: str


@dataclass
class MarkedSheet:
    """A checked sheet: the rows with a status, and how many rows left the status empty."""

    rows: list[MarkedRow] = field(default_factory=list)
    blank: int = 0
    errors: list[SheetError] = field(default_factory=list)


@dataclass
class AttendanceImportResult:
    """``updated``: records created or changed (or that would be, in a dry run);
    ``unchanged``: rows whose status was already recorded or left empty."""

    updated: int = 0
    unchanged: int = 0
    errors: list[SheetError] = field(default_factory=list)
    dry_run: bool = False

    def as_dict(self) -> dict[str, Any]:
        return {
            "updated": self.updated,
            "unchanged": self.unchanged,
            "errors": [error.as_dict() for error in self.errors],
            "dry_run": self.dry_run,
        }


def _read(data: bytes, result: MarkedSheet) -> tuple[list[tuple[int, dict[str, str]]], dict]:
    """The rows that say something, as (row number, cells by column), and each column's
    header as written in the file."""
    try:
        rows = iter(read_xlsx_rows(data, max_rows=MAX_SHEET_ROWS, max_columns=MAX_COLUMNS))
        header = next(rows, None)
    except UnreadableWorkbook as error:
        result.errors.append(SheetError(None, None, str(error)))
        return [], {}
    if header is None or not any(cell_text(value) for value in header):
        result.errors.append(SheetError(None, None, _("The file is empty: it has no header row.")))
        return [], {}
    lookup = _header_lookup()
    index, labels = {}, {}
    for position, title in enumerate(header):
        column = lookup.get(_key(cell_text(title)))
        if column and column not in index:
            index[column] = position
            labels[column] = cell_text(title)
    for column in READ_COLUMNS:
        labels.setdefault(column, str(COLUMNS[column]))
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        for column in missing:
            result.errors.append(
                SheetError(1, labels[column], _("This column is missing from the header row."))
            )
        return [], labels
    found = []
    try:
        for number, values in enumerate(rows, start=2):
            cells = {
                column: cell_text(values[i]) if i < len(values) else ""
                for column, i in index.items()
            }
            if not any(cells.values()):
                continue
            found.append((number, cells))
            if len(found) > MAX_ROWS:
                result.errors.append(
                    SheetError(None, None, _("A sheet has at most %d rows.") % MAX_ROWS)
                )
                return [], labels
    except UnreadableWorkbook as error:  # past the reader's bounds, or a damaged sheet
        result.errors.append(SheetError(None, None, str(error)))
        return [], labels
    if not found:
        result.errors.append(SheetError(None, None, _("The file has a header but no trainees.")))
    return found, labels


def marked_sheet_parse(*, session: Session, data: bytes) -> MarkedSheet:
    """Read and check every row of a marked sheet for ``session``; nothing is written.

    Whole-file problems (not an xlsx workbook, no header, the employee number or status
    column missing, no rows, a session that has not started) are errors without a row."""
    result = MarkedSheet()
    if session.starts_at > timezone.now():
        result.errors.append(
            SheetError(
                None,
                None,
                _("This session has not started yet; import the marked sheet after the class."),
            )
        )
        return result
    found, labels = _read(data, result)
    if result.errors:
        return result

    # Each number once, and none longer than any employee's: a sheet of 20,000 rows that
    # repeat one 32,767-character text would otherwise make a 650 MB query.
    numbers = {cells.get("employee_no", "") for _n, cells in found}
    longest = Employee._meta.get_field("employee_no").max_length
    employees = {
        e.employee_no: e
        for e in Employee.objects.filter(
            employee_no__in=[n for n in numbers if n and len(n) <= longest]
        )
    }
    enrolled = set(
        Enrollment.objects.filter(
            training_id=session.training_id, employee__employee_no__in=list(employees)
        ).values_list("employee_id", flat=True)
    )
    statuses = _status_lookup()
    first_seen: dict[str, int] = {}
    for number, cells in found:
        errors_before = len(result.errors)

        def error(column: str, message: str, number=number) -> None:
            result.errors.append(SheetError(number, labels[column], message))

        employee_no = cells.get("employee_no", "")
        employee = employees.get(employee_no)
        if not employee_no:
            error("employee_no", _("The employee number is empty."))
        elif employee_no in first_seen:
            error(
                "employee_no",
                _("Employee number %(no)s appears again; it is first on row %(row)d.")
                % {"no": excerpt(employee_no), "row": first_seen[employee_no]},
            )
        elif employee is None:
            error("employee_no", _("No employee has the number %s.") % excerpt(employee_no))
        elif employee.pk not in enrolled:
            error(
                "employee_no",
                _("%(name)s (%(no)s) is not enrolled in this training.")
                % {"name": employee.name, "no": employee_no},
            )
        if employee_no:
            first_seen.setdefault(employee_no, number)
        name = cells.get("name", "")
        if name and employee is not None and not _same_name(name, employee.name):
            error(
                "name",
                _("The name “%(name)s” does not match employee %(no)s, who is %(actual)s.")
                % {"name": excerpt(name), "no": employee_no, "actual": employee.name},
            )
        word, reason = cells.get("status", ""), cells.get("reason", "")
        status = None
        if not word:
            if reason:
                error(
                    "status",
                    _("A reason is given but no status. Write the status, or clear the reason."),
                )
        elif _key(word) not in statuses:
            error(
                "status",
                _(
                    "“%s” is not a status. Write present, late, absent or excused "
                    "(出勤, 迟到, 缺勤, 请假), or ✓ for present; leave it empty for no change."
                )
                % excerpt(word),
            )
        else:
            status, implied_reason = statuses[_key(word)]
            if status == Status.EXCUSED:
                reason = reason or implied_reason
                if not reason:
                    error("reason", _("An excused absence needs a reason."))
            else:
                reason = ""
        if len(reason) > REASON_MAX_LENGTH:
            error(
                "reason",
                _("The reason has more than %d characters.") % REASON_MAX_LENGTH,
            )
        if len(result.errors) > errors_before:
            continue
        if status is None:
            result.blank += 1
        else:
            result.rows.append(MarkedRow(number, employee, status, reason))
    return result


def _changes(session: Session, rows: list[MarkedRow]) -> int:
    """How many rows would create or change a record."""
    current = {
        employee_id: (status, reason)
        for employee_id, status, reason in AttendanceRecord.objects.filter(
            session=session, employee_id__in=[row.employee.pk for row in rows]
        ).values_list("employee_id", "status", "reason")
    }
    return sum(1 for row in rows if current.get(row.employee.pk) != (row.status, row.reason))


@transaction.atomic
def attendance_import(
    *, actor, session: Session, data: bytes, filename: str = "", dry_run: bool = False
) -> AttendanceImportResult:
    """Import a marked sheet for ``session``: all rows or none.

    Every row is checked first (``marked_sheet_parse``); with any error nothing is written
    and the errors name row, column and reason. Otherwise the statuses are written through
    ``roll_call`` with method "import" (changes to existing records are audited there) and
    the import itself is audited with the file name and counts. Importing the same file
    again changes nothing. ``dry_run`` checks and counts without writing."""
    parsed = marked_sheet_parse(session=session, data=data)
    result = AttendanceImportResult(errors=parsed.errors, dry_run=dry_run)
    if parsed.errors:
        return result
    total = len(parsed.rows) + parsed.blank
    if dry_run:
        result.updated = _changes(session, parsed.rows)
        result.unchanged = total - result.updated
        return result
    entries = [RollCallEntry(row.employee, row.status, row.reason) for row in parsed.rows]
    try:
        changed = roll_call(actor=actor, session=session, entries=entries, method=Method.IMPORT)
    except ValidationError as error:
        # The enrolment changed between the check and the write: nothing was written.
        result.errors = [SheetError(None, None, message) for message in error.messages]
        return result
    result.updated = len(changed)
    result.unchanged = total - result.updated
    if changed:
        audit_record(
            actor=actor,
            action="attendance.imported",
            target=session,
            after={"file": filename, "updated": result.updated, "unchanged": result.unchanged},
        )
    return result


def sign_in_sheet_xlsx(session: Session) -> bytes:
    """The workbook to mark a session's attendance in, then import: every enrolled trainee
    (by department, then employee number) with No., employee number, name, department,
    status and reason; a status already recorded is filled in, so importing the workbook
    unchanged changes nothing. A second sheet names the session and the accepted words."""
    rows = session_board(session).rows
    labels = [str(Status(status).label) for status in Status.values]
    dropdown = DataValidation(
        type="list",
        formula1='"{}"'.format(",".join(label.replace(",", " ") for label in labels)),
        allow_blank=True,
        # Other accepted words (✓, 出勤, …) may be typed as well.
        showErrorMessage=False,
    )
    if rows:
        dropdown.add(f"E2:E{len(rows) + 1}")
    marked = Sheet(
        title=_("Sign-in sheet"),
        header=[str(title) for title in COLUMNS.values()],
        rows=(
            [
                number,
                row.employee_no,
                row.name,
                row.department,
                status_label(row.status),
                row.reason,
            ]
            for number, row in enumerate(rows, start=1)
        ),
        column_widths=[6, 16, 14, 40, 12, 30],
        freeze="C2",
        validations=[dropdown] if rows else [],
    )
    words = ", ".join(labels)
    notes = Sheet(
        title=_("Session"),
        header=[_("About this workbook"), ""],
        rows=[
            *([name, value] for name, value in session_facts(session)),
            [],
            [_("Status"), _("%s; or 出勤, 到, ✓ (present), 迟到, 缺勤, 缺席, 请假.") % words],
            [_("Empty status"), _("No change: the trainee's record stays as it is.")],
            [_("Reason"), _("Required for excused.")],
        ],
        column_widths=[18, 80],
    )
    return build_workbook([marked, notes])
