"""Roster compliance check: an uploaded xlsx of the people assigned to special work at a site,
answered row by row with "compliant" or the problem (no certificate, wrong type, expired,
review overdue, suspended, revoked, name mismatch, unknown person), and that answer as a
workbook to download.

The roster is one sheet with a header row. Columns, English or Chinese, compared without case,
width or spaces:

- employee number (``工号``, ``员工编号``) or ID number (``身份证号``): at least one of the two
  columns, and in each row at least one of the two values;
- name (``姓名``);
- special work (``特种作业``, ``作业类别``, ``工种``, ``作业项目``): a certificate type's code,
  operation item or category (``低压电工作业``, ``Electrical work``, ``T01``; a trailing
  ``作业`` may be left out). One special work per row: list a person once per work.

Informational columns often found in rosters (``序号``/No., department, position, phone, note,
site) are accepted and ignored. Any other column is refused with an error naming it, so that
a misnamed identity or work column is never silently skipped. Nothing is written from the
file; the only write is the certificates' status refresh (as on every read). Any error (file
not xlsx, over 10 MB or 20,000 rows, a required column missing, an unknown or repeated
column, a formula in a cell that is read, an empty name or work, an unknown special work, an
invalid ID number) gives errors and no result rows: fix the file and check it again."""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from certificates.catalogue import CATEGORIES, NATIONAL_CATALOGUE
from certificates.models import Certificate, CertificateStatus, CertificateType
from certificates.services import certificate_refresh_status
from core.excel import Formula, UnreadableWorkbook, build_xlsx, excerpt, read_xlsx_rows
from exams.content import normalize_text
from people.identity import mask_national_id, national_id_error, normalize_national_id
from people.models import Employee

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 20_000
MAX_HEADER_COLUMNS = 64
# What the reader takes of a sheet, blank rows included: room for blank lines between the
# people, while a sheet of a million rows is refused before it is read.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_NAME_LENGTH = 100

COLUMNS = {
    "employee_no": gettext_lazy("Employee number"),
    "national_id": gettext_lazy("ID number"),
    "name": gettext_lazy("Name"),
    "special_work": gettext_lazy("Special work"),
}
# Headers accepted, English or Chinese.
HEADER_ALIASES = {
    "employee_no": ["employee number", "employee no", "staff no", "工号", "员工编号", "员工号"],
    "national_id": [
        *["id number", "national id", "resident id"],
        *["身份证号", "身份证号码", "身份证", "证件号码"],
    ],
    "name": ["name", "full name", "姓名"],
    "special_work": [
        *["special work", "special operation", "operation item", "operation", "work type"],
        *["certificate type", "type code", "特种作业", "作业类别", "作业项目", "准操项目"],
        *["操作项目", "工种", "特种作业类别", "证书类型"],
    ],
}
# Accepted and ignored: columns rosters commonly carry besides the ones read.
IGNORED_HEADERS = [
    *["no", "no.", "#", "序号", "department", "部门", "单位", "position", "岗位", "职务"],
    *["phone", "电话", "手机", "note", "notes", "remark", "备注", "site", "现场", "作业地点"],
]
_IGNORED = "ignored"


class Outcome:
    """Stable keys of a row's outcome (the ``code`` in answers and in the download)."""

    COMPLIANT = "compliant"
    UNKNOWN_PERSON = "unknown_person"
    NAME_MISMATCH = "name_mismatch"
    ID_MISMATCH = "id_mismatch"
    NO_CERTIFICATE = "no_certificate"
    WRONG_TYPE = "wrong_type"
    EXPIRED = "expired"
    REVIEW_OVERDUE = "review_overdue"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


def _key(text: Any) -> str:
    return re.sub(r"[\s_]+", "", normalize_text(str(text)))


_HEADER_LOOKUP = {
    **{_key(alias): _IGNORED for alias in IGNORED_HEADERS},
    **{_key(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases},
}


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers lose their ``.0``, everything is stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def work_key(text: str) -> str:
    """A special work as compared: width, case, spaces, separators and a trailing 作业 ignored
    (``低压电工`` matches ``低压电工作业``)."""
    key = re.sub(r"[\s/\\\-_·・()\[\]]+", "", normalize_text(text))
    return key.removesuffix("作业") or key


def _name_key(text: str) -> str:
    return normalize_text(text).replace(" ", "")


@dataclass
class ComplianceError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ComplianceRow:
    """One roster row and its outcome. ``code`` is an ``Outcome`` key; ``outcome`` says it
    in words (the problem, or which certificate makes the row compliant)."""

    row: int
    employee_no: str
    national_id: str
    name: str
    special_work: str
    code: str = ""  # empty while the row is being checked
    outcome: str = ""
    employee: Employee | None = None
    certificate: Certificate | None = None

    @property
    def compliant(self) -> bool:
        return self.code == Outcome.COMPLIANT

    @property
    def problem(self) -> str:
        return "" if self.compliant else self.outcome

    def as_dict(self) -> dict[str, Any]:
        certificate = self.certificate
        return {
            "row": self.row,
            "employee_no": self.employee_no,
            "national_id": mask_national_id(self.national_id),
            "name": self.name,
            "special_work": self.special_work,
            "compliant": self.compliant,
            "code": self.code,
            "outcome": self.outcome,
            "certificate": certificate.number if certificate else None,
            "certificate_status": certificate.status if certificate else None,
            "valid_until": certificate.expires_on.isoformat() if certificate else None,
            "next_review_due": certificate.next_review_due.isoformat()
            if certificate and certificate.next_review_due
            else None,
        }

    def problem_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "employee_no": self.employee_no,
            "name": self.name,
            "problem": self.problem,
            "code": self.code,
        }


@dataclass
class ComplianceResult:
    """The answer: every row with its outcome, or only errors when the file is refused."""

    today: datetime.date
    rows: list[ComplianceRow] = field(default_factory=list)
    errors: list[ComplianceError] = field(default_factory=list)

    @property
    def checked(self) -> int:
        return len(self.rows)

    @property
    def compliant(self) -> int:
        return sum(row.compliant for row in self.rows)

    @property
    def problems(self) -> list[ComplianceRow]:
        return [row for row in self.rows if not row.compliant]

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_dict(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "compliant": self.compliant,
            "problems": [row.problem_dict() for row in self.problems],
            "rows": [row.as_dict() for row in self.rows],
            "errors": [error.as_dict() for error in self.errors],
        }

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append(ComplianceError(row, column, message))

    def refuse(self, row: int | None, column: str | None, message: str) -> "ComplianceResult":
        self.rows.clear()
        self.errors.append(ComplianceError(row, column, message))
        return self


# Reading ------------------------------------------------------------------------------------


@dataclass
class _Header:
    index: dict[str, int]
    labels: dict[str, str]

    def label(self, column: str) -> str:
        return self.labels.get(column) or str(COLUMNS[column])


def _read_header(header: tuple, result: ComplianceResult) -> _Header | None:
    """The columns read, by position; unknown, repeated or missing columns are errors."""
    index, labels = {}, {}
    for position, title in enumerate(header):
        text = excerpt(cell_text(title))
        column = _HEADER_LOOKUP.get(_key(text)) if text else _IGNORED
        letter = get_column_letter(position + 1)
        if column is None:
            names = ", ".join(str(label) for label in COLUMNS.values())
            message = _(
                "Unknown column “%(header)s” (column %(letter)s): rename it to one of %(names)s, "
                "or remove it."
            )
            result.error(1, text, message % {"header": text, "letter": letter, "names": names})
        elif column in index:
            message = _("Column %(letter)s repeats the “%(column)s” column (column %(first)s).")
            first = get_column_letter(index[column] + 1)
            result.error(
                1, text, message % {"letter": letter, "column": COLUMNS[column], "first": first}
            )
        elif column != _IGNORED:
            index[column], labels[column] = position, text
    for column in ("name", "special_work"):
        if column not in index:
            message = _("The header row has no “%(column)s” column (accepted names: %(names)s).")
            names = ", ".join(HEADER_ALIASES[column])
            result.error(
                1, str(COLUMNS[column]), message % {"column": COLUMNS[column], "names": names}
            )
    if "employee_no" not in index and "national_id" not in index:
        message = _(
            "The header row needs an employee number column or an ID number column (accepted "
            "names: %(names)s)."
        )
        names = ", ".join(HEADER_ALIASES["employee_no"] + HEADER_ALIASES["national_id"])
        result.error(1, str(COLUMNS["employee_no"]), message % {"names": names})
    return None if result.errors else _Header(index, labels)


def _read_rows(rows, header: _Header, result: ComplianceResult) -> list[ComplianceRow]:
    """The non-empty rows after the header; formula cells and rows over the limit are errors."""
    lines: list[ComplianceRow] = []
    for number, values in enumerate(rows, start=2):
        texts = {}
        for column, position in header.index.items():
            value = values[position] if position < len(values) else None
            if isinstance(value, Formula):
                message = _("Cell %(cell)s holds a formula (%(formula)s): type its value instead.")
                coordinate = f"{get_column_letter(position + 1)}{number}"
                result.error(
                    number,
                    header.label(column),
                    message % {"cell": coordinate, "formula": excerpt(value)},
                )
                texts[column] = "="  # not empty: the row is reported, never checked
            else:
                texts[column] = cell_text(value)
        if not any(texts.values()):
            continue
        if len(lines) >= MAX_ROWS:
            result.refuse(None, None, _("A roster has at most %d rows.") % MAX_ROWS)
            return []
        lines.append(
            ComplianceRow(
                row=number,
                employee_no=unicodedata.normalize("NFKC", texts.get("employee_no", "")),
                national_id=normalize_national_id(texts.get("national_id", "")),
                name=texts["name"],
                special_work=texts["special_work"],
            )
        )
    return lines


def _type_lookup() -> dict[str, set[int]]:
    """Special-work keys -> the certificate types they name: each type's code, operation item,
    category and "category operation item", as stored, as translated in every language, and,
    for the national catalogue (stored in English), by its Chinese names."""
    categories_zh = dict(CATEGORIES)
    items_zh = {item.code: item.operation_item_zh for item in NATIONAL_CATALOGUE}
    lookup: dict[str, set[int]] = {}
    types = list(CertificateType.objects.only("id", "code", "category", "operation_item"))
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for certificate_type in types:
                category, item = certificate_type.category, certificate_type.operation_item
                names = {
                    certificate_type.code,
                    category,
                    item,
                    f"{category}{item}",
                    _(category),
                    _(item),
                    f"{_(category)}{_(item)}",
                    categories_zh.get(category, ""),
                    items_zh.get(certificate_type.code, ""),
                }
                for name in names:
                    if name and work_key(name):
                        lookup.setdefault(work_key(name), set()).add(certificate_type.pk)
    return lookup


def _check_rows(rows: list[ComplianceRow], header: _Header, result: ComplianceResult) -> dict:
    """Row-level input errors; returns each row's matching type ids."""
    types = _type_lookup()
    matched: dict[int, set[int]] = {}
    for line in rows:

        def error(column: str, message: str, number: int = line.row) -> None:
            result.error(number, header.label(column), message)

        if not line.employee_no and not line.national_id:
            column = "employee_no" if "employee_no" in header.index else "national_id"
            error(column, _("Give the employee number or the ID number."))
        elif len(line.employee_no) > 32:
            error("employee_no", _("The employee number has more than 32 characters."))
        if line.national_id and (problem := national_id_error(line.national_id)):
            error("national_id", _("The ID number %s.") % problem)
        if not line.name:
            error("name", _("The name is empty."))
        elif len(line.name) > MAX_NAME_LENGTH:
            # Every row's name is in the answer: 20,000 long ones would make it gigabytes.
            error("name", _("The name has more than 100 characters."))
        if not line.special_work:
            error("special_work", _("The special work is empty."))
        elif found := types.get(work_key(line.special_work)):
            matched[line.row] = found
        else:
            error(
                "special_work",
                _(
                    "Unknown special work “%s”: write a certificate type's code, operation item "
                    "or category."
                )
                % excerpt(line.special_work),
            )
    return matched


# Checking -----------------------------------------------------------------------------------

# The best certificate is reported: a usable one first, then the least final problem.
_RANK = {
    CertificateStatus.VALID: 0,
    CertificateStatus.REVIEW_DUE: 0,
    CertificateStatus.SUSPENDED: 1,
    CertificateStatus.EXPIRED: 2,
    CertificateStatus.REVOKED: 3,
}


def _identify(line: ComplianceRow, by_number: dict, by_id: dict) -> None:
    """Find the row's employee: by employee number, else by ID number; set the outcome when the
    person is unknown or the row's name or ID number contradicts the employee found."""
    employee = by_number.get(line.employee_no) if line.employee_no else None
    if employee is None and line.national_id:
        employee = by_id.get(line.national_id)
    if employee is None:
        line.code = Outcome.UNKNOWN_PERSON
        if line.employee_no and line.national_id:
            line.outcome = _("No employee has employee number %s or this ID number.") % (
                line.employee_no
            )
        elif line.employee_no:
            line.outcome = _("No employee has employee number %s.") % line.employee_no
        else:
            line.outcome = _("No employee has this ID number.")
        return
    line.employee = employee
    if _name_key(line.name) != _name_key(employee.name):
        line.code = Outcome.NAME_MISMATCH
        line.outcome = _("The name differs: employee %(no)s is %(name)s.") % {
            "no": employee.employee_no,
            "name": employee.name,
        }
    elif (
        line.national_id
        and employee.national_id
        and (line.national_id != normalize_national_id(employee.national_id))
    ):
        line.code = Outcome.ID_MISMATCH
        line.outcome = _("The ID number differs from the one on file for employee %s.") % (
            employee.employee_no
        )


def _assess(line: ComplianceRow, held: list[Certificate], type_ids: set[int]) -> None:
    """Set the outcome from the employee's certificates (statuses already refreshed)."""
    work = line.special_work
    matching = [c for c in held if c.certificate_type_id in type_ids]
    if not matching:
        if not held:
            line.code = Outcome.NO_CERTIFICATE
            line.outcome = _("No certificate: none is recorded for %s.") % line.employee.name
        else:
            line.code = Outcome.WRONG_TYPE
            kinds = sorted({str(c.certificate_type) for c in held})
            line.outcome = _("Wrong type: holds %(held)s, not a certificate for “%(work)s”.") % {
                "held": "; ".join(kinds),
                "work": work,
            }
        return
    best = min(matching, key=lambda c: (_RANK[c.status], -c.expires_on.toordinal()))
    line.certificate = best
    number = best.number
    if best.status == CertificateStatus.VALID:
        line.code = Outcome.COMPLIANT
        line.outcome = _("Compliant: certificate %(number)s, valid until %(date)s.") % {
            "number": number,
            "date": best.expires_on.isoformat(),
        }
    elif best.status == CertificateStatus.REVIEW_DUE:
        line.code = Outcome.COMPLIANT
        line.outcome = _("Compliant: certificate %(number)s; its review is due on %(date)s.") % {
            "number": number,
            "date": best.next_review_due.isoformat(),
        }
    elif best.status == CertificateStatus.SUSPENDED and not best.suspended_by_decision:
        line.code = Outcome.REVIEW_OVERDUE
        line.outcome = _(
            "Review overdue: certificate %(number)s was due for review on %(date)s and is "
            "suspended."
        ) % {"number": number, "date": best.next_review_due.isoformat()}
    elif best.status == CertificateStatus.SUSPENDED:
        line.code = Outcome.SUSPENDED
        line.outcome = _("Suspended: certificate %(number)s (%(reason)s).") % {
            "number": number,
            "reason": best.status_reason or _("no reason given"),
        }
    elif best.status == CertificateStatus.EXPIRED:
        line.code = Outcome.EXPIRED
        line.outcome = _("Expired: certificate %(number)s was valid until %(date)s.") % {
            "number": number,
            "date": best.expires_on.isoformat(),
        }
    else:
        line.code = Outcome.REVOKED
        line.outcome = _("Revoked: certificate %(number)s (%(reason)s).") % {
            "number": number,
            "reason": best.status_reason or _("no reason given"),
        }


def compliance_check(*, data: bytes, today: datetime.date | None = None) -> ComplianceResult:
    """Check a roster workbook (see the module docstring for its layout) against the
    certificates on ``today`` (default: the local date).

    Each row gets one outcome, in this order: unknown person (no employee with that number or
    ID number); name mismatch (the employee found has another name); ID mismatch (number and ID
    number name different people); then, from the person's certificates of the types the special
    work names (issued or external; statuses refreshed first): compliant (valid or review due),
    review overdue, suspended, expired or revoked (the best certificate is reported); wrong type
    (only certificates of other types); no certificate. Refused with errors and no rows: see
    the module docstring."""
    today = today or timezone.localdate()
    result = ComplianceResult(today=today)
    if len(data) > MAX_FILE_BYTES:
        return result.refuse(
            None, None, _("The file is larger than %d MB.") % (MAX_FILE_BYTES // (1024 * 1024))
        )
    try:
        sheet = iter(
            read_xlsx_rows(
                data, max_rows=MAX_SHEET_ROWS, max_columns=MAX_HEADER_COLUMNS, formulas=True
            )
        )
        header_row = next(sheet, None)
        if header_row is None or not any(cell_text(value) for value in header_row):
            return result.refuse(None, None, _("The file is empty: it has no header row."))
        header = _read_header(header_row, result)
        if header is None:
            return result
        rows = _read_rows(sheet, header, result)
    except UnreadableWorkbook as error:  # not xlsx, past the reader's bounds, or damaged
        return result.refuse(None, None, str(error))
    if result.errors:
        return result
    if not rows:
        return result.refuse(None, None, _("The file has a header but no people."))
    matched = _check_rows(rows, header, result)
    if result.errors:
        return result

    numbers = {line.employee_no for line in rows if line.employee_no}
    national_ids = {line.national_id for line in rows if line.national_id}
    employees = Employee.objects.filter(
        Q(employee_no__in=numbers) | Q(national_id__in=national_ids)
    ).select_related("department")
    by_number, by_id = {}, {}
    for employee in employees:
        by_number[employee.employee_no] = employee
        if employee.national_id:
            by_id.setdefault(normalize_national_id(employee.national_id), employee)
    for line in rows:
        _identify(line, by_number, by_id)
    people = {line.employee.pk for line in rows if not line.code}
    held: dict[int, list[Certificate]] = {}
    for certificate in Certificate.objects.filter(holder__in=people).select_related(
        "certificate_type", "holder"
    ):
        certificate_refresh_status(certificate=certificate, today=today)
        held.setdefault(certificate.holder_id, []).append(certificate)
    for line in rows:
        if not line.code:
            _assess(line, held.get(line.employee.pk, []), matched[line.row])
    result.rows = rows
    return result


# Writing ------------------------------------------------------------------------------------


def compliance_xlsx(result: ComplianceResult) -> bytes:
    """The answer as a workbook: every row with its outcome (ID numbers masked); a refused
    file gives its errors instead (row, column, message)."""
    if result.errors:
        return build_xlsx(
            sheet_title=_("Errors"),
            header=[_("Row"), _("Column"), _("Problem")],
            rows=([e.row, e.column or "", e.message] for e in result.errors),
            column_widths=[8, 20, 90],
        )
    statuses = dict(CertificateStatus.choices)
    return build_xlsx(
        sheet_title=_("Compliance check"),
        header=[
            _("Row"),
            str(COLUMNS["employee_no"]),
            str(COLUMNS["national_id"]),
            str(COLUMNS["name"]),
            str(COLUMNS["special_work"]),
            _("Compliant"),
            _("Outcome"),
            _("Certificate"),
            _("Certificate status"),
            _("Valid until"),
            _("Next review due"),
        ],
        rows=(
            [
                line.row,
                line.employee_no,
                mask_national_id(line.national_id),
                line.name,
                line.special_work,
                _("yes") if line.compliant else _("no"),
                line.outcome,
                line.certificate.number if line.certificate else "",
                str(statuses[line.certificate.status]) if line.certificate else "",
                line.certificate.expires_on if line.certificate else None,
                line.certificate.next_review_due if line.certificate else None,
            ]
            for line in result.rows
        ),
        column_widths=[6, 14, 22, 12, 24, 10, 70, 22, 14, 12, 14],
    )
