"""A questionnaire's results as an Excel workbook: the figures, and every response.

A plain function: data in, bytes out. Every text cell goes through ``core.excel.safe_cell``,
so an answer such as ``=HYPERLINK(...)`` is shown as written and never run.
"""

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.excel import safe_cell
from courses.models import Question, QuestionKind, Questionnaire
from courses.selectors.questionnaires import QuestionnaireSummary, ResponseRow

# Characters Excel refuses in a sheet's name.
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet(workbook: Workbook, title: str, widths: Sequence[int]):
    sheet = workbook.create_sheet(title=title.translate(_SHEET_NAME_FORBIDDEN)[:31])
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    return sheet


def _bold_row(sheet, values: Sequence[Any]) -> list:
    cells = []
    for value in values:
        cell = safe_cell(sheet, value)
        if not isinstance(cell, Cell):
            cell = WriteOnlyCell(sheet, value=cell)
        cell.font = Font(bold=True)
        cells.append(cell)
    return cells


def _row(sheet, values: Sequence[Any]) -> list:
    return [safe_cell(sheet, value) for value in values]


def _number(value) -> float | None:
    return None if value is None else float(value)


def _kind_label(kind: str) -> str:
    return str(QuestionKind(kind).label)


def questionnaire_results_xlsx(
    *,
    questionnaire: Questionnaire,
    summary: QuestionnaireSummary,
    questions: Sequence[Question],
    rows: Sequence[ResponseRow],
) -> bytes:
    """Two sheets. "Summary": issued, returned and feedback rate, then per question the
    answers counted, the rating average and distribution, option counts and percentages and
    the free-text opinions. "Responses": one row per response and one column per question,
    with who answered only when the questionnaire is not anonymous."""
    workbook = Workbook(write_only=True)

    sheet = _sheet(workbook, _("Summary"), [8, 60, 16, 36, 10, 10, 12])
    sheet.append(_bold_row(sheet, [_("Questionnaire"), questionnaire.title]))
    training = questionnaire.training.title if questionnaire.training else ""
    sheet.append(_row(sheet, [_("Training"), training]))
    sheet.append(_row(sheet, [_("Anonymous"), _("Yes") if questionnaire.anonymous else _("No")]))
    sheet.append(_row(sheet, [_("Issued"), summary.issued]))
    sheet.append(_row(sheet, [_("Returned"), summary.returned]))
    sheet.append(_row(sheet, [_("Feedback rate (%)"), _number(summary.feedback_rate)]))
    sheet.append([])
    sheet.append(
        _bold_row(
            sheet,
            [
                _("No."),
                _("Question"),
                _("Kind"),
                _("Rating, option or opinion"),
                _("Count"),
                _("Percent"),
                _("Average"),
            ],
        )
    )
    for number, result in enumerate(summary.questions, start=1):
        sheet.append(
            _row(
                sheet,
                [
                    number,
                    result.text,
                    _kind_label(result.kind),
                    _("Answered"),
                    result.answered,
                    None,
                    _number(result.average),
                ],
            )
        )
        for option in result.distribution or result.choices:
            sheet.append(
                _row(
                    sheet,
                    [None, None, None, option.label, option.count, _number(option.percent)],
                )
            )
        for text in result.texts:
            sheet.append(_row(sheet, [None, None, None, text]))

    identity = (
        []
        if questionnaire.anonymous
        else [_("Employee number"), _("Name"), _("Department"), _("Submitted at")]
    )
    widths = [6] + ([14, 16, 30, 18] if identity else []) + [30] * len(questions)
    sheet = _sheet(workbook, _("Responses"), widths)
    sheet.append(_bold_row(sheet, [_("No."), *identity, *(q.text for q in questions)]))
    for row in rows:
        who = []
        if not questionnaire.anonymous:
            employee = row.respondent
            who = [
                employee.employee_no if employee else "",
                employee.name if employee else "",
                employee.department.path if employee else "",
                timezone.localtime(row.submitted_at).strftime("%Y-%m-%d %H:%M")
                if row.submitted_at
                else "",
            ]
        sheet.append(_row(sheet, [row.number, *who, *row.values]))

    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()
