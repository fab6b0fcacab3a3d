"""Roster files: reading and checking an uploaded roster, and building the template and the
export. Writing the checked rows is ``people.services.roster_import``'s job."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.excel import UnreadableWorkbook, build_xlsx, excerpt, read_xlsx_rows
from core.roles import Role
from people.identity import (
    national_id_error,
    normalize_national_id,
    normalize_phone,
    phone_is_valid,
)
from people.models import Employee
from people.names import is_invisible_only, normalize_name
from people.selectors import employee_role_names

MAX_ROWS = 50_000
# What the reader takes of a sheet, blank rows included: room for blank lines between the
# data, while a sheet of a million rows is refused before it is read. Rosters exported from
# HR systems carry many columns besides the ones read.
MAX_SHEET_ROWS = 2 * MAX_ROWS
MAX_COLUMNS = 256
MIN_PASSWORD_LENGTH = 6

# Column key -> the header printed in templates and exports.
COLUMNS = {
    "employee_no": gettext_lazy("Employee number"),
    "name": gettext_lazy("Name"),
    "department": gettext_lazy("Department"),
    "position": gettext_lazy("Position"),
    "phone": gettext_lazy("Phone"),
    "roles": gettext_lazy("Roles"),
    "password": gettext_lazy("Initial password"),
    "national_id": gettext_lazy("National ID"),
}
REQUIRED_COLUMNS = ("employee_no", "name", "department")

# Headers accepted on import, English and Chinese, compared without case, spaces or "_".
HEADER_ALIASES = {
    "employee_no": [
        "employee number",
        "employee no",
        "employee_no",
        "staff no",
        "工号",
        "员工编号",
    ],
    "name": ["name", "full name", "姓名"],
    "department": ["department", "department path", "部门", "部门路径"],
    "position": ["position", "job", "岗位", "职务", "职位"],
    "phone": ["phone", "mobile", "telephone", "电话", "手机", "手机号", "联系电话"],
    "roles": ["roles", "role", "角色"],
    "password": ["initial password", "password", "初始密码", "密码"],
    "national_id": ["national id", "id number", "resident id", "身份证号", "身份证号码", "身份证"],
}
ROLE_ALIASES = {
    "trainee": Role.TRAINEE,
    "学员": Role.TRAINEE,
    "员工": Role.TRAINEE,
    "instructor": Role.INSTRUCTOR,
    "讲师": Role.INSTRUCTOR,
    "教员": Role.INSTRUCTOR,
    "safetyofficer": Role.SAFETY_OFFICER,
    "安全员": Role.SAFETY_OFFICER,
    "安全管理员": Role.SAFETY_OFFICER,
    "hr": Role.HR,
    "人力资源": Role.HR,
    "人事": Role.HR,
}
_ROLE_SEPARATORS = re.compile(r"[,，;；、|]+")


def _key(text: str) -> str:
    return re.sub(r"[\s_]+", "", str(text)).lower()


_HEADER_LOOKUP = {
    _key(alias): column for column, aliases in HEADER_ALIASES.items() for alias in aliases
}


@dataclass
class RosterError:
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class RosterRow:
    row: int
    employee_no: str
    name: str
    department: str
    position: str
    phone: str
    roles: list[str] | None  # None: the file says nothing, keep the current roles
    password: str
    national_id: str


@dataclass
class RosterParse:
    rows: list[RosterRow] = field(default_factory=list)
    errors: list[RosterError] = field(default_factory=list)


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers lose their ``.0``, everything is stripped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def parse_roles(text: str) -> tuple[list[str], list[str]]:
    """(known role names in ``Role`` order, unknown words) from e.g. ``trainee, 讲师``."""
    known, unknown = set(), []
    for word in _ROLE_SEPARATORS.split(text):
        if not word.strip():
            continue
        role = ROLE_ALIASES.get(_key(word))
        if role is None:
            unknown.append(word.strip())
        else:
            known.add(role)
    return [role for role in Role.values if role in known], unknown


def _header_columns(header: Iterable[Any]) -> tuple[dict[str, int], dict[str, str]]:
    """Map column keys to their index, and keys to the header text as written in the file."""
    index, labels = {}, {}
    for position, title in enumerate(header):
        column = _HEADER_LOOKUP.get(_key(cell_text(title)))
        if column and column not in index:
            index[column] = position
            labels[column] = cell_text(title)
    return index, labels


def roster_parse(data: bytes) -> RosterParse:
    """Read and check every row of a roster workbook; nothing is written.

    Checks, per row: employee number present, at most 32 characters and not repeated in the
    file; name present; department path present; phone a phone number; every role known; a
    national ID 18 characters with a valid birth date and check digit; an initial password of
    at least six characters for an employee not yet known. Names and department names are
    cleaned as ``people.names.normalize_name`` says, and one that shows nothing is refused.
    Whole-file problems (not xlsx, no header, a required column missing, no data rows) are
    errors without a row.
    """
    result = RosterParse()
    try:
        rows = iter(read_xlsx_rows(data, max_rows=MAX_SHEET_ROWS, max_columns=MAX_COLUMNS))
        header = next(rows, None)
    except UnreadableWorkbook as error:
        result.errors.append(RosterError(None, None, str(error)))
        return result
    if header is None or not any(cell_text(value) for value in header):
        result.errors.append(RosterError(None, None, _("The file is empty: it has no header row.")))
        return result
    index, labels = _header_columns(header)
    missing = [column for column in REQUIRED_COLUMNS if column not in index]
    if missing:
        for column in missing:
            result.errors.append(
                RosterError(
                    1, str(COLUMNS[column]), _("This column is missing from the header row.")
                )
            )
        return result

    def label(column: str) -> str:
        return labels.get(column) or str(COLUMNS[column])

    raw_rows: list[tuple[int, dict[str, str]]] = []
    try:
        for number, values in enumerate(rows, start=2):
            cells = {
                column: cell_text(values[i]) if i < len(values) else ""
                for column, i in index.items()
            }
            if not any(cells.values()):
                continue
            raw_rows.append((number, cells))
            if len(raw_rows) > MAX_ROWS:
                result.errors.append(
                    RosterError(None, None, _("A roster has at most %d rows.") % MAX_ROWS)
                )
                return result
    except UnreadableWorkbook as error:  # past the reader's bounds, or a damaged sheet
        result.errors.append(RosterError(None, None, str(error)))
        return result
    if not raw_rows:
        result.errors.append(RosterError(None, None, _("The file has a header but no employees.")))
        return result

    # Each number once, and none longer than any employee's (refused below): 50,000 rows that
    # repeat one 32,767-character text would otherwise make a query of over a gigabyte.
    longest = Employee._meta.get_field("employee_no").max_length
    numbers = list({cells["employee_no"] for _n, cells in raw_rows} - {""})
    numbers = [employee_no for employee_no in numbers if len(employee_no) <= longest]
    known_numbers = set(
        Employee.objects.filter(employee_no__in=numbers).values_list("employee_no", flat=True)
    )
    # A login of that name without an employee (an admin account, say) blocks a new employee.
    taken_usernames = set(
        get_user_model()
        .objects.filter(
            username__in=numbers,
            employee__isnull=True,
        )
        .values_list("username", flat=True)
    )
    first_seen: dict[str, int] = {}
    for number, cells in raw_rows:
        errors_before = len(result.errors)

        def error(column: str, message: str, number=number) -> None:
            result.errors.append(RosterError(number, label(column), message))

        employee_no = cells["employee_no"]
        if not employee_no:
            error("employee_no", _("The employee number is empty."))
        elif len(employee_no) > 32:
            error("employee_no", _("The employee number has more than 32 characters."))
        elif employee_no in first_seen:
            error(
                "employee_no",
                _("Employee number %(no)s appears again; it is first on row %(row)d.")
                % {"no": employee_no, "row": first_seen[employee_no]},
            )
        elif employee_no in taken_usernames:
            error(
                "employee_no",
                _("The user name %s belongs to an account that is not an employee.") % employee_no,
            )
        else:
            first_seen[employee_no] = number
        name = normalize_name(cells["name"])
        if not name and is_invisible_only(cells["name"]):
            error("name", _("The name has no visible characters."))
        elif not name:
            error("name", _("The name is empty."))
        elif len(name) > 100:
            error("name", _("The name has more than 100 characters."))
        department = cells["department"]
        parts = [normalize_name(part) for part in department.split("/")]
        if not department:
            error("department", _("The department is empty."))
        elif all(is_invisible_only(part) or not part.strip() for part in department.split("/")):
            error("department", _("The department has no visible characters."))
        elif any(is_invisible_only(part) for part in department.split("/")):
            invisible = next(
                number
                for number, part in enumerate(department.split("/"), start=1)
                if is_invisible_only(part)
            )
            error(
                "department",
                _("Part %(part)d of the department path has no visible characters.")
                % {"part": invisible},
            )
        elif any(not part for part in parts):
            error(
                "department",
                _("The department path “%s” has an empty part.") % excerpt(department),
            )
        elif any(len(part) > 100 for part in parts):
            error("department", _("A department name has at most 100 characters."))
        position = cells.get("position", "")
        if len(position) > 100:
            error("position", _("The position has more than 100 characters."))
        phone = normalize_phone(cells.get("phone", ""))
        if phone and not phone_is_valid(phone):
            error("phone", _("“%s” is not a phone number.") % excerpt(phone))
        roles = None
        if cells.get("roles"):
            roles, unknown = parse_roles(cells["roles"])
            if unknown:
                error(
                    "roles",
                    _("Unknown role: %(roles)s. Use trainee, instructor, safety_officer or hr.")
                    % {"roles": excerpt(", ".join(unknown))},
                )
        national_id = normalize_national_id(cells.get("national_id", ""))
        if national_id:
            problem = national_id_error(national_id)
            if problem:
                error("national_id", _("The national ID %s.") % problem)
        password = cells.get("password", "")
        if employee_no and employee_no not in known_numbers:
            if not password:
                error("password", _("A new employee needs an initial password."))
            elif len(password) < MIN_PASSWORD_LENGTH:
                error(
                    "password",
                    _("The initial password has fewer than %d characters.") % MIN_PASSWORD_LENGTH,
                )
        if len(result.errors) == errors_before:
            result.rows.append(
                RosterRow(
                    row=number,
                    employee_no=employee_no,
                    name=name,
                    department="/".join(parts),
                    position=position,
                    phone=phone,
                    roles=roles,
                    password=password,
                    national_id=national_id,
                )
            )
    return result


def roster_template() -> bytes:
    """A workbook with the header row and one example row per role."""
    header = [str(COLUMNS[column]) for column in COLUMNS]
    examples = [
        [
            "10001",
            "张伟",
            "Company/Quality and Safety Department",
            "Safety manager",
            "13800138000",
            "safety_officer",
            "Change-me-2026",
            "11010519491231002X",
        ],
        [
            "20001",
            "李娜",
            "Company/Berthing Project Department/Crew 1",
            "Crew captain",
            "13912345678",
            "trainee",
            "Change-me-2026",
            "",
        ],
        [
            "30001",
            "王强",
            "Company/Engineering Department",
            "Senior engineer",
            "0731-84561234",
            "instructor, trainee",
            "Change-me-2026",
            "",
        ],
    ]
    return build_xlsx(
        sheet_title=_("Roster"),
        header=header,
        rows=examples,
        column_widths=[16, 12, 44, 18, 16, 22, 18, 22],
    )


def roster_export(employees: Iterable[Employee]) -> bytes:
    """The employees (with user and groups loaded, as ``employee_list`` gives them) as a
    roster workbook that imports back; passwords are never exported."""
    header = [
        str(COLUMNS[c]) for c in ("employee_no", "name", "department", "position", "phone", "roles")
    ]
    header += [_("National ID (masked)"), _("Active")]
    rows = (
        [
            employee.employee_no,
            employee.name,
            employee.department.path,
            employee.position,
            employee.phone,
            ", ".join(employee_role_names(employee)),
            employee.national_id_masked,
            _("yes") if employee.user.is_active else _("no"),
        ]
        for employee in employees
    )
    return build_xlsx(
        sheet_title=_("Roster"),
        header=header,
        rows=rows,
        column_widths=[16, 12, 44, 18, 16, 22, 22, 8],
    )
