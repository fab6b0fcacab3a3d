"""Excel primitives: a streaming xlsx writer safe from formula injection, and a reader that
turns any unreadable upload into one clear error."""

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class UnreadableWorkbook(Exception):
    """The upload is not an xlsx workbook, or has no sheet to read."""


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_PREFIXES)


def safe_cell(sheet, value: Any) -> Any:
    """A value that Excel shows as written and never runs: text starting with = + - @ (or a
    tab or carriage return) becomes a text cell with Excel's quote prefix, exactly what Excel
    does when a user types an apostrophe first. The text itself is unchanged, so an export
    imports back as it was."""
    if not is_formula_like(value):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def build_xlsx(
    *,
    sheet_title: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    column_widths: Sequence[int] | None = None,
) -> bytes:
    """One-sheet workbook with a bold header row, written in streaming mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:31])
    for index, width in enumerate(column_widths or []):
        sheet.column_dimensions[get_column_letter(index + 1)].width = width
    bold = Font(bold=True)
    header_cells = []
    for title in header:
        cell = WriteOnlyCell(sheet, value=str(title))
        if is_formula_like(cell.value):
            cell.data_type, cell.quotePrefix = "s", True
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in rows:
        sheet.append([safe_cell(sheet, value) for value in row])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def read_xlsx_rows(data: bytes) -> Iterator[tuple[Any, ...]]:
    """The rows of the first sheet as tuples of cell values, in read-only mode.

    Raises ``UnreadableWorkbook`` with a message for the user when the bytes are not an xlsx
    workbook (a renamed CSV, an old .xls, a truncated file).
    """
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise UnreadableWorkbook(_("The file is not an Excel .xlsx workbook.")) from error
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise UnreadableWorkbook(_("The workbook has no sheet."))
        yield from sheet.iter_rows(values_only=True)
    finally:
        workbook.close()
