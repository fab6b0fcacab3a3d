"""Workbooks about a training: the enrolment list with the training-rate figures."""

from django.utils.translation import gettext as _

from core.excel import build_xlsx
from courses.models import Training
from courses.selectors.trainings import enrollment_list, is_trained, training_rate


def _percent(value) -> str:
    return "" if value is None else f"{value}%"


def enrollment_xlsx(training: Training) -> bytes:
    """The trainees (number, name, department, position, how enrolled, attendance, exam,
    trained) and below them the training rate overall, per department and per position."""
    rate = training_rate(training)
    rows: list[list] = []
    for enrollment in enrollment_list(training=training):
        employee = enrollment.employee
        rows.append(
            [
                employee.employee_no,
                employee.name,
                employee.department.path,
                employee.position,
                enrollment.get_source_display(),
                _percent(enrollment.attendance_rate),
                ""
                if enrollment.exam_passed is None
                else (_("passed") if enrollment.exam_passed else _("failed")),
                _("yes") if is_trained(enrollment, training) else _("no"),
            ]
        )
    rows.append([])
    rows.append([_("Training rate"), _("Required"), _("Trained"), _("Rate")])
    overall = rate.overall
    rows.append([_("Overall"), overall.required, overall.trained, _percent(overall.rate)])
    for row in rate.by_department:
        rows.append([row.label, row.required, row.trained, _percent(row.rate)])
    for row in rate.by_position:
        rows.append(
            [row.label or _("(no position)"), row.required, row.trained, _percent(row.rate)]
        )
    return build_xlsx(
        sheet_title=_("Enrolment"),
        header=[
            _("Employee number"),
            _("Name"),
            _("Department"),
            _("Position"),
            _("Enrolled"),
            _("Attendance"),
            _("Exam"),
            _("Trained"),
        ],
        rows=rows,
        column_widths=[16, 12, 40, 18, 14, 12, 10, 10],
    )
