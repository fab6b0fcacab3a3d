"""Spreadsheet bombs for the tests of the xlsx reader and of every import: real xlsx packages
(content types, workbook, one sheet, a table of texts when asked) of a few hundred
kilobytes that unpack to far more. The parts are written in chunks through zipfile's
write-mode file objects, so no test ever holds the unpacked bytes."""

import functools
import io
import itertools
import tracemalloc
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from xml.sax.saxutils import escape

import pytest

MIB = 1024 * 1024
MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CHUNK = MIB

_WORKSHEET_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_STRINGS_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_RELATIONSHIPS = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _content_types(*, shared_strings: bool, chart_sheet: bool) -> bytes:
    overrides = [
        b'<Override PartName="/xl/workbook.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
        b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="%s"/>' % _WORKSHEET_TYPE,
    ]
    if shared_strings:
        overrides.append(
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="%s"/>' % _STRINGS_TYPE
        )
    if chart_sheet:
        overrides.append(
            b'<Override PartName="/xl/chartsheets/sheet1.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.chartsheet+xml"/>'
        )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>'
        b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        b'<Default Extension="rels" ContentType="application/'
        b'vnd.openxmlformats-package.relationships+xml"/>'
        b'<Default Extension="xml" ContentType="application/xml"/>'
        + b"".join(overrides)
        + b"</Types>"
    )


def _workbook(*, chart_sheet: bool) -> bytes:
    sheets = b'<sheet name="Sheet1" sheetId="1" r:id="rId1"/>'
    if chart_sheet:
        sheets += b'<sheet name="Chart1" sheetId="2" r:id="rId3"/>'
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="%s" xmlns:r="%s">'
        b"<sheets>%s</sheets></workbook>" % (MAIN, _RELATIONSHIPS, sheets)
    )


def _workbook_relationships(*, shared_strings: bool, chart_sheet: bool) -> bytes:
    kinds = _RELATIONSHIPS
    links = [
        b'<Relationship Id="rId1" Type="%s/worksheet" Target="worksheets/sheet1.xml"/>' % kinds
    ]
    if shared_strings:
        links.append(
            b'<Relationship Id="rId2" Type="%s/sharedStrings" Target="sharedStrings.xml"/>' % kinds
        )
    if chart_sheet:
        links.append(
            b'<Relationship Id="rId3" Type="%s/chartsheet" Target="chartsheets/sheet1.xml"/>'
            % kinds
        )
    return (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships">' + b"".join(links) + b"</Relationships>"
    )


def package(
    sheet: Iterable[bytes],
    *,
    shared_strings: Iterable[bytes] | None = None,
    styles: Iterable[bytes] | None = None,
    chart_sheet: bool = False,
    members: dict[str, bytes] | None = None,
) -> bytes:
    """An xlsx of one sheet (its XML given in chunks), with a table of texts, a styles part,
    a chart sheet and other members when asked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        has_strings = shared_strings is not None
        archive.writestr(
            "[Content_Types].xml",
            _content_types(shared_strings=has_strings, chart_sheet=chart_sheet),
        )
        archive.writestr(
            "_rels/.rels",
            b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
            b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="'
            + _RELATIONSHIPS
            + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr("xl/workbook.xml", _workbook(chart_sheet=chart_sheet))
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            _workbook_relationships(shared_strings=has_strings, chart_sheet=chart_sheet),
        )
        parts = {"xl/worksheets/sheet1.xml": sheet}
        if has_strings:
            parts["xl/sharedStrings.xml"] = shared_strings
        if styles is not None:
            parts["xl/styles.xml"] = styles
        if chart_sheet:
            parts["xl/chartsheets/sheet1.xml"] = [
                b'<chartsheet xmlns="%s"><sheetViews><sheetView workbookViewId="0"/>'
                b"</sheetViews></chartsheet>" % MAIN
            ]
        for name, chunks in parts.items():
            with archive.open(name, "w") as member:
                for chunk in chunks:
                    member.write(chunk)
        for name, content in (members or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def repeated(text: bytes, size: int) -> Iterator[bytes]:
    """``size`` bytes of ``text`` repeated, in chunks of about a mebibyte."""
    chunk = text * max(1, _CHUNK // len(text))
    written = 0
    while written < size:
        part = chunk[: size - written]
        written += len(part)
        yield part


def inline_cell(column: int, row: int, text: str) -> bytes:
    return b'<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>' % (
        _letters(column).encode(),
        row,
        escape(text).encode(),
    )


def text_row(row: int, texts: list[str]) -> bytes:
    """A row of text cells (inline strings) from column A."""
    cells = b"".join(inline_cell(column, row, text) for column, text in enumerate(texts, 1))
    return b'<row r="%d">%s</row>' % (row, cells)


def sheet_xml(
    *rows: Iterable[bytes] | bytes, before: bytes = b"", after: bytes = b""
) -> Iterator[bytes]:
    """A worksheet's XML in chunks: ``before`` (say a dimension), the rows, ``after``."""
    yield b'<worksheet xmlns="%s">%s<sheetData>' % (MAIN, before)
    for part in rows:
        if isinstance(part, bytes):
            yield part
        else:
            yield from part
    yield b"</sheetData>%s</worksheet>" % after


def strings_xml(*texts: Iterable[bytes] | bytes) -> Iterator[bytes]:
    """A table of texts: each argument one text, given whole or in chunks."""
    yield b'<sst xmlns="%s">' % MAIN
    for text in texts:
        yield b"<si><t>"
        if isinstance(text, bytes):
            yield text
        else:
            yield from text
        yield b"</t></si>"
    yield b"</sst>"


def _letters(column: int) -> str:
    letters = ""
    while column:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


# The bombs, each behind a header that the import recognises (cached: building them takes a
# moment) ------------------------------------------------------------------------------------


@functools.cache
def huge_cell(header: tuple[str, ...], *, size: int = 200 * MIB, column: int = 1) -> bytes:
    """The header, then a row whose cell in ``column`` holds ``size`` letters A from the
    table of texts, as Excel writes text: 200 MiB pack into about 200 KB."""
    cell = b'<c r="%s2" t="s"><v>0</v></c>' % _letters(column).encode()
    return package(
        sheet_xml(text_row(1, list(header)), b'<row r="2">%s</row>' % cell),
        shared_strings=strings_xml(repeated(b"A", size)),
    )


@functools.cache
def huge_inline_cell(header: tuple[str, ...], *, size: int = 200 * MIB) -> bytes:
    """The same with the text inside the sheet (an inline string)."""
    return package(
        sheet_xml(
            text_row(1, list(header)),
            itertools.chain([b'<row r="2"><c r="A2" t="inlineStr"><is><t>'], repeated(b"A", size)),
            b"</t></is></c></row>",
        )
    )


@functools.cache
def long_cell(header: tuple[str, ...], *, length: int = 40_000, column: int = 1) -> bytes:
    """The header, then a row whose cell in ``column`` holds ``length`` characters: past
    Excel's 32,767."""
    return package(
        sheet_xml(
            text_row(1, list(header)), b'<row r="2">%s</row>' % inline_cell(column, 2, "x" * length)
        )
    )


@functools.cache
def many_rows(header: tuple[str, ...], *, count: int = 1_000_000) -> bytes:
    """The header, then ``count`` rows with a number in column A (30 MB unpacked)."""

    def rows() -> Iterator[bytes]:
        for start in range(2, count + 2, 10_000):
            yield b"".join(
                b'<row r="%d"><c><v>%d</v></c></row>' % (n, n % 10)
                for n in range(start, min(start + 10_000, count + 2))
            )

    return package(sheet_xml(text_row(1, list(header)), rows()))


@functools.cache
def wide_row(header: tuple[str, ...], *, columns: int = 20_000) -> bytes:
    """The header, then a row of ``columns`` numbers."""
    cells = b"".join(b"<c><v>%d</v></c>" % n for n in range(columns))
    return package(sheet_xml(text_row(1, list(header)), b'<row r="2">%s</row>' % cells))


# Measuring -----------------------------------------------------------------------------------


@contextmanager
def memory_peak() -> Iterator[dict]:
    """``{"peak": bytes}`` once the block ends: the most Python allocated in it above what
    it held when the block began."""
    was_tracing = tracemalloc.is_tracing()
    if not was_tracing:
        tracemalloc.start()
    tracemalloc.reset_peak()
    start = tracemalloc.get_traced_memory()[0]
    measured: dict = {}
    try:
        yield measured
    finally:
        measured["peak"] = tracemalloc.get_traced_memory()[1] - start
        if not was_tracing:
            tracemalloc.stop()


# What every import is tested with ------------------------------------------------------------


def import_bombs(header: list[str], *, max_rows: int, max_columns: int, column: int = 1) -> list:
    """pytest parameters ``(build, message)`` for an import that reads ``header``, takes
    ``max_rows`` rows and ``max_columns`` columns: the 200 MB cell (in ``column``, from the
    table of texts), a million rows, 20,000 columns and a cell of 40,000 characters, each with
    the start of the message the import must refuse it with. ``build()`` makes the file."""
    header = tuple(header)
    return [
        pytest.param(
            functools.partial(huge_cell, header, column=column),
            "The workbook unpacks to 200.0\xa0MB; at most 50.0\xa0MB is accepted.",
            id="200-mb-cell",
        ),
        pytest.param(
            functools.partial(many_rows, header),
            f"The sheet goes on past row {max_rows:,} (blank rows count too)",
            id="million-rows",
        ),
        pytest.param(
            functools.partial(wide_row, header),
            f"Row 2 has a cell in column {_letters(max_columns + 1)}; an import reads at most "
            f"{max_columns:,} columns",
            id="20000-columns",
        ),
        pytest.param(
            functools.partial(long_cell, header, column=column),
            f"Cell {_letters(column)}2 holds more than 32,767 characters, Excel's limit for a "
            "cell.",
            id="40000-characters",
        ),
    ]


# What an answer to a bomb may cost: the refusals above take well under a mebibyte; the files
# are built before measuring, the upload's copies in the test client count.
MAX_MEMORY = 50 * MIB
MAX_ANSWER_BYTES = 10 * 1024
