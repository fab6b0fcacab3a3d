"""Workbooks about course content: the self-study progress of a training's trainees."""

from django.utils import timezone
from django.utils.translation import gettext as _

from core.excel import build_xlsx
from courses.selectors.study import ProgressTable


def _when(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def study_progress_xlsx(table: ProgressTable) -> bytes:
    """One row per trainee (number, name, department, position, modules done, materials
    opened, then for each material the times opened, when last and whether a video was
    watched to the end), and below them per material how many of the trainees opened it.
    Text is written as text: a name starting with = never becomes a formula."""
    header = [
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Position"),
        _("Modules done (of %(count)d)") % {"count": table.module_count},
        _("Materials opened (of %(count)d)") % {"count": len(table.materials)},
    ]
    for material in table.materials:
        label = f"{material.module.title} / {material.title}"
        header += [
            _("%(material)s: times opened") % {"material": label},
            _("%(material)s: last opened") % {"material": label},
            _("%(material)s: watched to the end") % {"material": label},
        ]
    rows: list[list] = []
    for row in table.rows:
        employee = row.employee
        values = [
            employee.employee_no,
            employee.name,
            employee.department.path,
            employee.position,
            row.modules_done,
            row.opened,
        ]
        for cell in row.cells:
            values += [
                cell.times_opened if cell else 0,
                _when(cell.last_opened_at) if cell else "",
                _when(cell.completed_at) if cell else "",
            ]
        rows.append(values)
    rows.append([])
    rows.append(
        [_("Module"), _("Material"), _("Opened by"), _("Trainees"), _("Rate"), _("Watched")]
    )
    for summary in table.summaries:
        rows.append(
            [
                summary.material.module.title,
                summary.material.title,
                summary.opened,
                summary.trainees,
                "" if summary.rate is None else f"{summary.rate}%",
                summary.completed,
            ]
        )
    return build_xlsx(
        sheet_title=_("Self-study progress"),
        header=header,
        rows=rows,
        column_widths=[14, 14, 28, 16, 14, 14],
    )
