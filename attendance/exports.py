"""The attendance workbook of a training, as a regulator asks for it: every trainee's status
at every session with the totals and hours attended (学时), the sessions with their dates,
times, lengths, places, instructors and topics, and the figures per department."""

import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from attendance.models import Status
from attendance.selectors import TrainingAttendance, training_attendance
from core.excel import is_formula_like, safe_cell
from courses.models import Session, Training


@dataclass
class Sheet:
    """One sheet of a workbook: a bold header row, then the rows."""

    title: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]
    column_widths: Sequence[int] = ()
    freeze: str | None = None  # e.g. "C2": rows above and columns left of it stay in view
    validations: Sequence[DataValidation] = ()


def build_workbook(sheets: Sequence[Sheet]) -> bytes:
    """A workbook of several sheets, written in streaming mode. Every text cell goes through
    ``core.excel.safe_cell``, so a value starting with = + - @ is text, never a formula."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for spec in sheets:
        sheet = workbook.create_sheet(title=_sheet_title(spec.title))
        for index, width in enumerate(spec.column_widths):
            sheet.column_dimensions[get_column_letter(index + 1)].width = width
        if spec.freeze:
            sheet.freeze_panes = spec.freeze
        for validation in spec.validations:
            sheet.data_validations.append(validation)
        header = []
        for title in spec.header:
            cell = WriteOnlyCell(sheet, value=str(title))
            if is_formula_like(cell.value):
                cell.data_type, cell.quotePrefix = "s", True
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in spec.rows:
            sheet.append([safe_cell(sheet, value) for value in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _sheet_title(title: str) -> str:
    # Excel refuses these characters in a sheet name, and more than 31 characters.
    for character in "[]:*?/\\":
        title = title.replace(character, " ")
    return title[:31] or "Sheet"


def session_hours(session: Session) -> Decimal:
    """A session's length in hours (学时), to two places."""
    seconds = Decimal((session.ends_at - session.starts_at).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.01"))


def session_label(session: Session) -> str:
    """How a session heads its column: date, start and length, e.g. ``01-16 08:30 (3 h)``."""
    start = timezone.localtime(session.starts_at)
    hours = session_hours(session).normalize()
    return _("%(date)s %(time)s (%(hours)s h)") % {
        "date": start.strftime("%m-%d"),
        "time": start.strftime("%H:%M"),
        "hours": f"{hours:f}",
    }


def session_facts(session: Session) -> list[tuple[str, str]]:
    """(label, value) pairs that head a session's sign-in sheet: training, topic, date, time
    with the length, place and instructor."""
    start = timezone.localtime(session.starts_at)
    end = timezone.localtime(session.ends_at)
    hours = session_hours(session).normalize()
    time = _("%(start)s–%(end)s (%(hours)s h)") % {
        "start": start.strftime("%H:%M"),
        "end": end.strftime("%H:%M"),
        "hours": f"{hours:f}",
    }
    return [
        (_("Training"), session.training.title),
        (_("Session"), session.topic or "—"),
        (_("Date"), start.strftime("%Y-%m-%d")),
        (_("Time"), time),
        (_("Place"), session.location or session.training.location or "—"),
        (_("Instructor"), session.instructor.name if session.instructor else "—"),
    ]


def status_label(status: str | None) -> str:
    return str(Status(status).label) if status else ""


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def _rate(value: Decimal | None) -> Decimal | str:
    return "" if value is None else value


def _trainee_sheet(summary: TrainingAttendance) -> Sheet:
    held = {session.pk for session in summary.sessions_held}
    header = [_("Employee number"), _("Name"), _("Department"), _("Position")]
    header += [session_label(session) for session in summary.sessions]
    header += [
        _("Attended"),
        _("Late"),
        _("Absent"),
        _("Excused"),
        _("Attendance rate (%)"),
        _("Hours attended (学时)"),
        _("Full attendance"),
    ]

    def rows():
        for trainee in summary.trainees:
            employee = trainee.employee
            cells = [employee.employee_no, employee.name, employee.department.path]
            cells.append(employee.position)
            for session in summary.sessions:
                status = trainee.statuses.get(session.pk)
                # A held session without a record counts as absent, as in the totals.
                if status is None and session.pk in held:
                    status = Status.ABSENT
                cells.append(status_label(status))
            cells += [
                trainee.attended,
                trainee.late,
                trainee.absent,
                trainee.excused,
                _rate(trainee.rate),
                trainee.hours,
                _yes_no(trainee.full_attendance),
            ]
            yield cells

    return Sheet(
        title=_("Attendance"),
        header=header,
        rows=rows(),
        column_widths=[14, 12, 36, 18, *([16] * len(summary.sessions)), 9, 9, 9, 9, 12, 12, 10],
        freeze="C2",
    )


def _session_sheet(summary: TrainingAttendance) -> Sheet:
    held = {session.pk for session in summary.sessions_held}
    counts = {session.pk: dict.fromkeys(Status.values, 0) for session in summary.sessions}
    for trainee in summary.trainees:
        for session in summary.sessions:
            status = trainee.statuses.get(session.pk)
            if status is None and session.pk in held:
                status = Status.ABSENT
            if status is not None:
                counts[session.pk][status] += 1

    def rows():
        for number, session in enumerate(summary.sessions, start=1):
            start = timezone.localtime(session.starts_at)
            end = timezone.localtime(session.ends_at)
            figures = counts[session.pk]
            yield [
                number,
                start.strftime("%Y-%m-%d"),
                start.strftime("%H:%M"),
                end.strftime("%H:%M"),
                session_hours(session),
                session.location or summary.training.location,
                session.instructor.name if session.instructor else "",
                session.topic,
                _yes_no(session.pk in held),
                figures[Status.PRESENT],
                figures[Status.LATE],
                figures[Status.ABSENT],
                figures[Status.EXCUSED],
            ]

    return Sheet(
        title=_("Sessions"),
        header=[
            _("No."),
            _("Date"),
            _("Start"),
            _("End"),
            _("Duration (hours)"),
            _("Place"),
            _("Instructor"),
            _("Topic"),
            _("Held"),
            _("Present"),
            _("Late"),
            _("Absent"),
            _("Excused"),
        ],
        rows=rows(),
        column_widths=[6, 12, 8, 8, 10, 30, 14, 40, 8, 9, 9, 9, 9],
        freeze="A2",
    )


def _department_sheet(summary: TrainingAttendance) -> Sheet:
    def rows():
        for department in summary.departments:
            yield [
                department.department,
                department.trainees,
                _rate(department.rate),
                department.hours,
                department.full_attendance,
            ]
        trainees = summary.trainees
        rates = [t.rate for t in trainees if t.rate is not None]
        yield [
            _("All departments"),
            len(trainees),
            _rate((sum(rates) / len(rates)).quantize(Decimal("0.1")) if rates else None),
            sum((t.hours for t in trainees), Decimal("0")),
            len(summary.full_attendance_list),
        ]

    return Sheet(
        title=_("Departments"),
        header=[
            _("Department"),
            _("Trainees"),
            _("Mean attendance rate (%)"),
            _("Hours attended (学时)"),
            _("Full attendance"),
        ],
        rows=rows(),
        column_widths=[44, 10, 16, 14, 14],
        freeze="A2",
    )


def attendance_xlsx(training: Training, *, summary: TrainingAttendance | None = None) -> bytes:
    """The training's attendance workbook: "Attendance" (one row per trainee: employee number,
    name, department, position, the status at each session, then attended, late, absent,
    excused, rate, hours attended and full attendance), "Sessions" (date, start, end, length
    in hours, place, instructor, topic, whether held and the counts) and "Departments"
    (trainees, mean rate, hours and full attendance per department, then all together).

    A session not held yet shows only a status already recorded; a held session without a
    record shows as absent, as the totals count it."""
    summary = summary or training_attendance(training)
    return build_workbook(
        [_trainee_sheet(summary), _session_sheet(summary), _department_sheet(summary)]
    )
