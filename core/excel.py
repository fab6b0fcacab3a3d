"""Excel primitives: a streaming xlsx writer safe from formula injection, and the one reader
every import goes through, which refuses an unreadable upload or a spreadsheet bomb with one
clear error before the bomb costs memory."""

import io
import math
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any
from xml.parsers import expat

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.packaging.manifest import Manifest
from openpyxl.packaging.relationship import get_rels_path

# openpyxl's own choice of the workbook part, so that the checks below see the parts it reads.
from openpyxl.reader.excel import _find_workbook_part
from openpyxl.reader.workbook import WorkbookParser
from openpyxl.styles import Font
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.xml.constants import (
    ARC_CONTENT_TYPES,
    ARC_CORE,
    ARC_CUSTOM,
    ARC_STYLE,
    ARC_THEME,
    SHARED_STRINGS,
    SHEET_MAIN_NS,
)
from openpyxl.xml.functions import fromstring

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

# Excel's own limits: no real workbook goes past them.
EXCEL_MAX_CELL_LENGTH = 32_767
EXCEL_MAX_ROWS = 1_048_576
EXCEL_MAX_COLUMNS = 16_384
# Error messages quote at most this much of a value from the file.
EXCERPT_LENGTH = 50

# The zip's table of contents lists a few dozen parts in a real workbook (about 100 bytes
# each); zipfile builds an object per entry, so 200,000 empty entries cost 110 MB.
MAX_DIRECTORY_BYTES = 1024 * 1024
# Deflate packs real sheets 5 to 25 times; a run of one letter packs a thousand times.
MAX_COMPRESSION_RATIO = 100
RATIO_CHECKED_ABOVE = 1024 * 1024
# The parts openpyxl turns whole into objects (content types, workbook, relationships,
# styles, properties, theme) cost 10 to 30 times their size in memory. They are a few hundred
# kilobytes in real workbooks; styles bloated by years of copying reach a few megabytes.
MAX_PACKAGE_PARTS_BYTES = 4 * 1024 * 1024
# What a sheet holds besides its rows (merged cells, validations, links, formats) is read
# whole; so is each row before it is handed on.
MAX_ELEMENTS_OUTSIDE_ROWS = 100_000
MAX_CHARACTERS_OUTSIDE_ROWS = 1024 * 1024
MAX_ROW_ELEMENTS = 8 * EXCEL_MAX_COLUMNS
MAX_ROW_CHARACTERS = 2 * 1024 * 1024
# Bytes without a tag: one text or attribute, which a parser holds whole (a character is at
# most 10 bytes written as a character reference).
MAX_STRETCH_BYTES = 10 * EXCEL_MAX_CELL_LENGTH + 4096
_CHUNK = 64 * 1024

_ROW = f"{SHEET_MAIN_NS} row"
_SHARED_STRING = f"{SHEET_MAIN_NS} si"
_DIMENSION = f"{SHEET_MAIN_NS} dimension"
_SHEET_DATA = f"{SHEET_MAIN_NS} sheetData"
_CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?\d+")
_END_OF_DIRECTORY = b"PK\x05\x06"


class UnreadableWorkbook(Exception):
    """The upload is not an xlsx workbook, has no sheet, or is refused as larger than an
    import reads; the message says which, for the user."""


class Formula(str):
    """The text of a formula cell (``=SUM(A1:A3)``), read when an import asks for formulas
    so that it can refuse them. Never evaluated."""


def excerpt(value: Any, length: int = EXCERPT_LENGTH) -> str:
    """``value`` as text for an error message: at most ``length`` characters, then "…"."""
    text = str(value)
    return text if len(text) <= length else text[:length] + "…"


def is_formula_like(value: Any) -> bool:
    """Text that a spreadsheet could take for a formula: it starts with = + - @ (or a tab or
    carriage return), also in a compatibility form such as the full-width ＝ ＋ － ＠, which
    Excel in East Asian locales takes for the ASCII sign when the cell is edited."""
    if not isinstance(value, str) or not value:
        return False
    return unicodedata.normalize("NFKC", value[0]).startswith(FORMULA_PREFIXES)


def safe_cell(sheet, value: Any) -> Any:
    """A value that Excel shows as written and never runs: formula-like text (see
    ``is_formula_like``) becomes a text cell with Excel's quote prefix, exactly what Excel
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


# Reading -------------------------------------------------------------------------------------


def read_xlsx_rows(
    data: bytes,
    *,
    max_rows: int = EXCEL_MAX_ROWS,
    max_columns: int = EXCEL_MAX_COLUMNS,
    formulas: bool = False,
) -> Iterator[tuple[Any, ...]]:
    """The rows of the first sheet as tuples of cell values (each as long as the row's last
    filled cell; a blank row is empty), read in streaming mode. ``formulas``: a formula cell
    is its ``Formula`` text instead of the value Excel last computed.

    Every import reads xlsx through here. Before openpyxl parses anything, the zip's table of
    contents bounds what the file unpacks to (``settings.XLSX_MAX_UNCOMPRESSED_SIZE`` in all,
    ``settings.XLSX_MAX_SHARED_STRINGS_SIZE`` for the table of texts, which is read whole,
    ``MAX_PACKAGE_PARTS_BYTES`` for styles and settings, at most ``MAX_COMPRESSION_RATIO`` to
    1), and one streaming pass over the sheets and the texts bounds every cell to Excel's
    32,767 characters, the first sheet to ``max_rows`` rows (blank ones included: a row's
    number counts) and ``max_columns`` columns, and what the other sheets hold before their
    cells to Excel's own limits. A chart sheet is refused (openpyxl would read its charts
    and pictures whole).

    Raises ``UnreadableWorkbook`` with a message for the user: not an xlsx workbook (a
    renamed CSV, an old .xls, a truncated file), no sheet, or over one of the bounds. No
    message quotes more than ``EXCERPT_LENGTH`` characters of the file.
    """
    workbook = _open_workbook(data, max_rows=max_rows, max_columns=max_columns, formulas=formulas)
    try:
        if not workbook.worksheets:
            raise UnreadableWorkbook(_("The workbook has no sheet."))
        sheet = workbook.worksheets[0]
        # The size the sheet claims for itself would pad every row to it (A1:XFD1048576).
        sheet.reset_dimensions()
        try:
            for number, cells in enumerate(sheet.iter_rows(), start=1):
                # The streaming pass has checked both; openpyxl counts them the same way.
                if number > max_rows:
                    raise UnreadableWorkbook(_too_many_rows(max_rows))
                if len(cells) > max_columns:
                    raise UnreadableWorkbook(_too_many_columns(number, len(cells), max_columns))
                yield tuple(_value(cell, formulas) for cell in cells)
        except UnreadableWorkbook:
            raise
        except Exception as error:  # a damaged sheet inside a valid zip
            raise UnreadableWorkbook(_could_not_read(error)) from error
    finally:
        workbook.close()


def _value(cell, formulas: bool) -> Any:
    if formulas and cell.data_type == "f":
        return Formula(getattr(cell.value, "text", None) or cell.value)
    return cell.value


def _not_xlsx() -> UnreadableWorkbook:
    return UnreadableWorkbook(_("The file is not an Excel .xlsx workbook."))


def _could_not_read(error: Exception) -> str:
    return _("The workbook could not be read: %s") % excerpt(error)


def _too_many_rows(limit: int) -> str:
    return _(
        "The sheet goes on past row %(limit)s (blank rows count too); an import reads at most "
        "%(limit)s rows. Split the file, or delete the rows below the data."
    ) % {"limit": number_format(limit, force_grouping=True)}


def _too_many_columns(row: int, column: int, limit: int) -> str:
    return _(
        "Row %(row)s has a cell in column %(column)s; an import reads at most %(limit)s columns "
        "(up to column %(last)s). Delete the cells to the right of the data."
    ) % {
        "row": number_format(row, force_grouping=True),
        "column": _column_name(column),
        "limit": number_format(limit, force_grouping=True),
        "last": get_column_letter(limit) if limit <= EXCEL_MAX_COLUMNS else limit,
    }


def _cell_too_long(coordinate: str | None = None) -> str:
    limit = number_format(EXCEL_MAX_CELL_LENGTH, force_grouping=True)
    if coordinate:
        return _(
            "Cell %(cell)s holds more than %(limit)s characters, Excel's limit for a cell."
        ) % {"cell": coordinate, "limit": limit}
    return _("A cell holds more than %(limit)s characters, Excel's limit for a cell.") % {
        "limit": limit
    }


def _column_name(column: int) -> str:
    return get_column_letter(column) if 0 < column <= 18_278 else str(column)


def _open_workbook(data: bytes, *, max_rows: int, max_columns: int, formulas: bool):
    """The workbook in read-only mode, once the checks of ``read_xlsx_rows`` passed."""
    if (_directory_size(data) or 0) > MAX_DIRECTORY_BYTES:
        raise UnreadableWorkbook(
            _("The workbook holds far more parts than any spreadsheet; it is refused.")
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as error:  # whatever zipfile cannot open is not a workbook
        raise _not_xlsx() from error
    with archive:
        _check_sizes(archive)
        try:
            sheets, shared_strings = _parts_read(archive)
        except UnreadableWorkbook:
            raise
        except Exception as error:  # no workbook part, a broken relationship, invalid XML
            raise _not_xlsx() from error
        try:
            for index, name in enumerate(sheets):
                if index == 0:
                    scan = _SheetScan(max_rows=max_rows, max_columns=max_columns, whole=True)
                else:
                    # openpyxl reads the others only for their size, up to their cells' end.
                    scan = _SheetScan(
                        max_rows=EXCEL_MAX_ROWS, max_columns=EXCEL_MAX_COLUMNS, whole=False
                    )
                scan.run(archive, name)
            if shared_strings:
                _SharedStringsScan().run(archive, shared_strings)
        except UnreadableWorkbook:
            raise
        except Exception as error:  # invalid XML, a damaged zip member
            raise UnreadableWorkbook(_could_not_read(error)) from error
    try:
        return load_workbook(
            io.BytesIO(data), read_only=True, data_only=not formulas, keep_links=False
        )
    except Exception as error:
        raise _not_xlsx() from error


def _directory_size(data: bytes) -> int | None:
    """The size of the zip's table of contents, found where zipfile finds it: the end
    record at the very end, else the last one within the 64 KB a comment may take, and its
    zip64 twin when there is one. None when there is none (zipfile then refuses the file)."""
    end = len(data) - 22
    if end < 0 or data[end : end + 4] != _END_OF_DIRECTORY or data[-2:] != b"\0\0":
        end = data.rfind(_END_OF_DIRECTORY, max(0, len(data) - 22 - 65_535))
        if end < 0 or end + 22 > len(data):
            return None
    size = struct.unpack_from("<L", data, end + 12)[0]
    locator, record = end - 20, end - 20 - 56
    zip64 = (
        data[locator : locator + 4] == b"PK\x06\x07" and data[record : record + 4] == b"PK\x06\x06"
    )
    if record >= 0 and zip64:
        size = struct.unpack_from("<Q", data, record + 40)[0]
    return size


def _check_sizes(archive: zipfile.ZipFile) -> None:
    """Refuse, from the table of contents alone, a workbook that unpacks to more than the
    limit or packs a part more tightly than any spreadsheet."""
    members = archive.infolist()
    total = sum(member.file_size for member in members)
    limit = settings.XLSX_MAX_UNCOMPRESSED_SIZE
    if total > limit:
        raise UnreadableWorkbook(
            _("The workbook unpacks to %(size)s; at most %(limit)s is accepted. Split the file.")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    for member in members:
        if (
            member.file_size > RATIO_CHECKED_ABOVE
            and member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            raise UnreadableWorkbook(
                _(
                    "The workbook is packed %(ratio)s times, far more than any spreadsheet: it "
                    "is refused as a zip bomb."
                )
                % {
                    "ratio": number_format(
                        member.file_size // max(member.compress_size, 1), force_grouping=True
                    )
                }
            )


def _parts_read(archive: zipfile.ZipFile) -> tuple[list[str], str | None]:
    """The sheets openpyxl will stream (in its order: the first is the one imports read)
    and the table of texts it will read whole, found with openpyxl's own package readers.
    Every part openpyxl reads whole is counted against ``MAX_PACKAGE_PARTS_BYTES`` before it
    is read, here or later by openpyxl."""
    names = set(archive.namelist())
    taken: dict[str, int] = {}

    def take(name: str) -> None:
        if name in names and name not in taken:
            taken[name] = archive.getinfo(name).file_size
            if sum(taken.values()) > MAX_PACKAGE_PARTS_BYTES:
                raise UnreadableWorkbook(
                    _(
                        "The workbook's styles and settings take %(size)s; at most %(limit)s "
                        "is accepted. Copy the cells into a new workbook and upload that."
                    )
                    % {
                        "size": filesizeformat(sum(taken.values())),
                        "limit": filesizeformat(MAX_PACKAGE_PARTS_BYTES),
                    }
                )

    for name in (ARC_CONTENT_TYPES, ARC_STYLE, ARC_THEME, ARC_CORE, ARC_CUSTOM):
        take(name)
    if ARC_CONTENT_TYPES not in names:
        raise _not_xlsx()
    manifest = Manifest.from_tree(fromstring(archive.read(ARC_CONTENT_TYPES)))
    workbook_part = _find_workbook_part(manifest).PartName[1:]
    take(workbook_part)
    take(get_rels_path(workbook_part))
    parser = WorkbookParser(archive, workbook_part, keep_links=False)
    parser.parse()
    sheets = []
    for _sheet, relationship in parser.find_sheets():
        if relationship.target not in names:
            continue  # openpyxl skips it too
        if "chartsheet" in relationship.Type:
            raise UnreadableWorkbook(
                _(
                    "The workbook has a chart sheet; an import reads data only. Delete the "
                    "chart sheet, or copy the data into a new workbook, and upload again."
                )
            )
        take(get_rels_path(relationship.target))
        sheets.append(relationship.target)
    if not sheets:
        raise UnreadableWorkbook(_("The workbook has no sheet."))
    shared_strings = manifest.find(SHARED_STRINGS)
    if shared_strings is None:
        return sheets, None
    name = shared_strings.PartName[1:]
    if name not in names:
        raise _not_xlsx()
    size, limit = archive.getinfo(name).file_size, settings.XLSX_MAX_SHARED_STRINGS_SIZE
    if size > limit:
        raise UnreadableWorkbook(
            _(
                "The workbook's texts take %(size)s unpacked; at most %(limit)s is accepted. "
                "Split the file."
            )
            % {"size": filesizeformat(size), "limit": filesizeformat(limit)}
        )
    return sheets, name


class _Stop(Exception):
    """The rest of the part is not read by openpyxl: stop scanning."""


class _PartScan:
    """One streaming pass with expat over an XML part of the zip, before openpyxl parses it.
    Refuses a document type declaration (entities), and a stretch of more than
    ``MAX_STRETCH_BYTES`` without a tag (one text or attribute, which any parser holds
    whole) before expat sees it; a subclass's ``start``, ``end`` and ``text`` refuse the
    rest."""

    def __init__(self) -> None:
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.StartDoctypeDeclHandler = self._doctype
        self.parser.StartElementHandler = self.start
        self.parser.EndElementHandler = self.end
        self.parser.CharacterDataHandler = self.text
        self.depth = 0

    def run(self, archive: zipfile.ZipFile, name: str) -> None:
        since_tag = 0
        try:
            with archive.open(name) as stream:
                while chunk := stream.read(_CHUNK):
                    last = chunk.rfind(b"<")
                    if last < 0:
                        since_tag += len(chunk)
                    elif since_tag + chunk.find(b"<") > MAX_STRETCH_BYTES:
                        since_tag = MAX_STRETCH_BYTES + 1
                    else:
                        # Chunks are smaller than the limit: only a stretch across them counts.
                        since_tag = len(chunk) - last - 1
                    if since_tag > MAX_STRETCH_BYTES:
                        raise UnreadableWorkbook(_cell_too_long())
                    self.parser.Parse(chunk, False)
                self.parser.Parse(b"", True)
        except _Stop:
            pass

    def _doctype(self, *args) -> None:
        raise UnreadableWorkbook(
            _("The workbook could not be read: %s") % _("a part declares a document type.")
        )

    def start(self, name: str, attributes: dict) -> None:
        self.depth += 1

    def end(self, name: str) -> None:
        self.depth -= 1

    def text(self, data: str) -> None:
        pass


class _SharedStringsScan(_PartScan):
    """The table of texts: every text at most Excel's limit for a cell."""

    def __init__(self) -> None:
        super().__init__()
        self.item_depth = 0
        self.characters = 0

    def start(self, name: str, attributes: dict) -> None:
        self.depth += 1
        if not self.item_depth and name == _SHARED_STRING:
            self.item_depth, self.characters = self.depth, 0

    def end(self, name: str) -> None:
        if self.depth == self.item_depth:
            self.item_depth = 0
        self.depth -= 1

    def text(self, data: str) -> None:
        if self.item_depth:
            self.characters += len(data)
            if self.characters > EXCEL_MAX_CELL_LENGTH:
                raise UnreadableWorkbook(_cell_too_long())


class _SheetScan(_PartScan):
    """A sheet as openpyxl reads it: rows (``{main}row`` elements anywhere, each child a cell)
    numbered as openpyxl numbers them, at most ``max_rows``; cells at most ``max_columns``
    columns and Excel's length; a row at most ``MAX_ROW_ELEMENTS`` elements and
    ``MAX_ROW_CHARACTERS`` characters; outside the rows at most
    ``MAX_ELEMENTS_OUTSIDE_ROWS`` elements and ``MAX_CHARACTERS_OUTSIDE_ROWS`` characters.
    Unless ``whole``, stops where openpyxl's size check stops (the dimension or the end of
    the cells)."""

    def __init__(self, *, max_rows: int, max_columns: int, whole: bool) -> None:
        super().__init__()
        self.max_rows, self.max_columns, self.whole = max_rows, max_columns, whole
        self.row_depth = 0  # depth of the open row, 0 outside rows
        self.row = 0  # the open row's number
        self.column = 0  # the open cell's column
        self.cells = self.row_elements = self.row_characters = self.cell_characters = 0
        self.outside_elements = self.outside_characters = 0

    def start(self, name: str, attributes: dict) -> None:
        self.depth += 1
        if not self.row_depth:
            if name == _ROW:
                self._start_row(attributes.get("r"))
                return
            self.outside_elements += 1
            if self.outside_elements > MAX_ELEMENTS_OUTSIDE_ROWS:
                raise UnreadableWorkbook(_too_much_outside_rows())
            return
        self.row_elements += 1
        if self.row_elements > MAX_ROW_ELEMENTS:
            raise UnreadableWorkbook(_row_too_large(self.row))
        if self.depth == self.row_depth + 1:  # a cell
            self.cells += 1
            self.column = _column_of(attributes.get("r"), self.column)
            if self.column > self.max_columns or self.cells > self.max_columns:
                raise UnreadableWorkbook(
                    _too_many_columns(self.row, max(self.column, self.cells), self.max_columns)
                )
            self.cell_characters = 0

    def _start_row(self, number: str | None) -> None:
        self.row_depth = self.depth
        self.row = _row_number(number, self.row, too_far=self.max_rows + 1)
        if self.row > self.max_rows:
            raise UnreadableWorkbook(_too_many_rows(self.max_rows))
        self.column = self.cells = self.row_elements = self.row_characters = 0

    def end(self, name: str) -> None:
        if self.depth == self.row_depth:
            self.row_depth = 0
        self.depth -= 1
        if not self.whole and name in (_DIMENSION, _SHEET_DATA):
            raise _Stop

    def text(self, data: str) -> None:
        if not self.row_depth:
            self.outside_characters += len(data)
            if self.outside_characters > MAX_CHARACTERS_OUTSIDE_ROWS:
                raise UnreadableWorkbook(_too_much_outside_rows())
            return
        self.row_characters += len(data)
        if self.depth > self.row_depth:
            self.cell_characters += len(data)
            if self.cell_characters > EXCEL_MAX_CELL_LENGTH:
                coordinate = f"{_column_name(self.column)}{self.row}"
                raise UnreadableWorkbook(_cell_too_long(coordinate))
        if self.row_characters > MAX_ROW_CHARACTERS:
            raise UnreadableWorkbook(_row_too_large(self.row))


def _row_number(text: str | None, previous: int, *, too_far: int) -> int:
    """A row's number as openpyxl reads it (``r``, which may be written ``5.0``, else the
    next one); ``too_far`` for one it would refuse or that lies past the limit."""
    if text is None:
        return previous + 1
    try:
        number = float(text) if len(text) <= 20 else math.inf
    except ValueError:
        return too_far
    return int(number) if number.is_integer() and number < too_far else too_far


def _column_of(reference: str | None, previous: int) -> int:
    """A cell's column as openpyxl finds it: from its reference, else the next one."""
    match = _CELL_REFERENCE.fullmatch(reference or "")
    if match is None:
        return previous + 1
    return column_index_from_string(match.group(1).upper())


def _row_too_large(row: int) -> str:
    return _(
        "Row %(row)s holds more than a spreadsheet row can: over %(elements)s entries or "
        "%(characters)s characters."
    ) % {
        "row": number_format(row, force_grouping=True),
        "elements": number_format(MAX_ROW_ELEMENTS, force_grouping=True),
        "characters": number_format(MAX_ROW_CHARACTERS, force_grouping=True),
    }


def _too_much_outside_rows() -> str:
    return _(
        "The sheet holds more settings besides its cells (merged cells, validations, links, "
        "formats) than any spreadsheet; copy the cells into a new workbook and upload that."
    )
