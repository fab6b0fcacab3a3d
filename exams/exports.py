"""Workbooks of an exam: HR's performance sheet."""

from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import build_xlsx
from exams.models import Exam
from exams.selectors.results import PerformanceRow, performance_rows


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def performance_sheet_header() -> list[str]:
    return [
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Score"),
        _("Rank"),
        _("Passed"),
        _("Attendance rate (%)"),
        _("Full attendance"),
        _("Reward"),
        _("Performance points"),
    ]


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("Yes") if value else _("No")


def performance_sheet_row(row: PerformanceRow) -> list:
    return [
        row.employee.employee_no,
        row.employee.name,
        row.employee.department.path,
        _number(row.score),
        row.rank,
        _yes_no(row.passed) if row.sat else _("Did not sit"),
        _number(row.attendance_rate),
        _yes_no(row.full_attendance),
        row.reward_label,
        _number(row.points),
    ]


def performance_sheet_xlsx(*, exam: Exam) -> bytes:
    """One row per candidate (see ``exams.selectors.results.performance_rows``): those with
    a result by rank, then those who did not sit (no score, no rank, 0 points). Text cells
    are safe from formula injection (``core.excel``)."""
    return build_xlsx(
        sheet_title=_("Performance"),
        header=performance_sheet_header(),
        rows=(performance_sheet_row(row) for row in performance_rows(exam=exam)),
        column_widths=[16, 14, 36, 8, 7, 12, 18, 14, 28, 18],
    )


def performance_sheet_filename(exam: Exam) -> str:
    safe_title = "".join(c for c in exam.title if c not in '\\/:*?"<>|').strip() or "exam"
    return f"{safe_title} - {_('performance')} {timezone.localdate():%Y-%m-%d}.xlsx"
