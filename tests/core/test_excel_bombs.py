"""The one xlsx reader (core.excel.read_xlsx_rows) against spreadsheet bombs: each is refused
with a clear message before openpyxl builds it, at a bounded cost in memory; a real workbook
still reads as openpyxl reads it. And formula-like text in exports, full-width signs too."""

import io
import random

import pytest
from openpyxl import Workbook, load_workbook

from core.excel import (
    EXCEL_MAX_CELL_LENGTH,
    Formula,
    UnreadableWorkbook,
    build_xlsx,
    excerpt,
    is_formula_like,
    read_xlsx_rows,
)
from tests.core.xlsx_bombs import (
    MAIN,
    MIB,
    huge_cell,
    huge_inline_cell,
    inline_cell,
    long_cell,
    many_rows,
    memory_peak,
    package,
    repeated,
    sheet_xml,
    strings_xml,
    text_row,
    wide_row,
)

HEADER = ("Employee number", "Name")


def refusal(data: bytes, **limits) -> tuple[str, int]:
    """The reader's message for ``data`` and the memory reading it took."""
    with memory_peak() as memory, pytest.raises(UnreadableWorkbook) as refused:
        list(read_xlsx_rows(data, **limits))
    # File sizes are written with a no-break space.
    return str(refused.value).replace("\xa0", " "), memory["peak"]


# Bombs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("bomb", [huge_cell, huge_inline_cell], ids=["shared", "inline"])
def test_a_200_mb_cell_is_refused_from_the_table_of_contents(bomb):
    data = bomb(HEADER)
    assert len(data) < 300_000  # about 205 KB, as reported

    message, peak = refusal(data)

    assert (
        message == "The workbook unpacks to 200.0 MB; at most 50.0 MB is accepted. Split the file."
    )
    assert peak < 5 * MIB


def test_the_limit_on_what_a_workbook_unpacks_to_is_a_setting(settings):
    settings.XLSX_MAX_UNCOMPRESSED_SIZE = 1000
    data = build_xlsx(sheet_title="T", header=["h"], rows=[["x" * 2000]])
    assert refusal(data)[0].startswith("The workbook unpacks to")


@pytest.mark.parametrize("where", ["inline", "shared"])
def test_a_cell_of_40000_characters_is_refused_before_it_is_built(where):
    if where == "inline":
        data = long_cell(HEADER, column=2)
        expected = "Cell B2 holds more than 32,767 characters, Excel's limit for a cell."
    else:
        data = package(
            sheet_xml(text_row(1, list(HEADER)), b'<row r="2"><c r="B2" t="s"><v>0</v></c></row>'),
            shared_strings=strings_xml(b"x" * 40_000),
        )
        expected = "A cell holds more than 32,767 characters, Excel's limit for a cell."

    message, peak = refusal(data)

    assert message == expected
    assert peak < 5 * MIB


def test_a_cell_of_excels_own_limit_is_read():
    text = "安" * EXCEL_MAX_CELL_LENGTH
    data = package(sheet_xml(b'<row r="1">%s</row>' % inline_cell(1, 1, text)))
    assert list(read_xlsx_rows(data)) == [(text,)]


def test_a_sheet_of_a_million_rows_is_refused_at_the_limit():
    data = many_rows(HEADER)

    message, peak = refusal(data, max_rows=100_000)

    assert message.startswith("The sheet goes on past row 100,000 (blank rows count too)")
    assert peak < 20 * MIB


def test_a_row_numbered_past_the_limit_is_refused_before_openpyxl_fills_the_gap():
    # openpyxl hands over an empty row for every missing one: 999,998 of them here.
    data = package(sheet_xml(text_row(1, list(HEADER)), b'<row r="1000000"><c><v>1</v></c></row>'))
    assert refusal(data, max_rows=1000)[0].startswith("The sheet goes on past row 1,000 ")


def test_a_sheet_that_claims_to_be_a_million_by_16384_is_read_as_it_is():
    # openpyxl would pad every row to the claimed width and yield a million rows.
    data = package(sheet_xml(text_row(1, list(HEADER)), before=b'<dimension ref="A1:XFD1048576"/>'))
    assert list(read_xlsx_rows(data, max_rows=10, max_columns=10)) == [HEADER]


@pytest.mark.parametrize(
    ("limit", "expected"),
    [
        (
            64,
            "Row 2 has a cell in column BM; an import reads at most 64 columns (up to column BL).",
        ),
        (16_384, "Row 2 has a cell in column XFE; an import reads at most 16,384 columns"),
    ],
)
def test_a_row_of_20000_columns_is_refused(limit, expected):
    message, peak = refusal(wide_row(HEADER), max_columns=limit)
    assert message.startswith(expected)
    assert peak < 5 * MIB


def test_a_cell_far_to_the_right_is_refused_by_its_reference():
    data = package(sheet_xml(b'<row r="1"><c r="ZZZ1"><v>1</v></c></row>'))
    assert refusal(data, max_columns=100)[0].startswith("Row 1 has a cell in column ZZZ;")


def test_a_part_packed_a_thousand_times_is_refused_as_a_zip_bomb():
    data = package(sheet_xml(repeated(b"<row/>", 20 * MIB)))
    message, peak = refusal(data)
    assert "is refused as a zip bomb" in message
    assert peak < 5 * MIB


def test_a_table_of_texts_over_its_limit_is_refused(settings):
    # Read whole into memory by openpyxl: ten bytes of memory for a byte of tiny texts.
    settings.XLSX_MAX_SHARED_STRINGS_SIZE = 100_000
    numbers = random.Random(5)
    texts = [b"%d" % numbers.randrange(10**12) for _ in range(10_000)]
    data = package(sheet_xml(text_row(1, ["h"])), shared_strings=strings_xml(*texts))

    message, peak = refusal(data)

    assert message == (
        "The workbook's texts take 272.4 KB unpacked; at most 97.7 KB is accepted. Split the file."
    )
    assert peak < 5 * MIB


def test_styles_bloated_past_their_limit_are_refused():
    # openpyxl makes an object of every style: 5 MB of them cost 130 MB.
    styles = [
        b'<styleSheet xmlns="%s"><cellXfs>' % MAIN,
        *(b'<xf numFmtId="%d" fontId="0" fillId="0" borderId="0"/>' % n for n in range(100_000)),
        b"</cellXfs></styleSheet>",
    ]
    data = package(sheet_xml(text_row(1, ["h"])), styles=styles)

    message, peak = refusal(data)

    assert message.startswith("The workbook's styles and settings take")
    assert peak < 5 * MIB


def test_a_zip_of_twenty_thousand_parts_is_refused_before_zipfile_lists_them():
    members = {f"xl/media/part{n:06}.bin": b"" for n in range(20_000)}
    data = package(sheet_xml(text_row(1, ["h"])), members=members)
    message, peak = refusal(data)
    assert message == "The workbook holds far more parts than any spreadsheet; it is refused."
    assert peak < 5 * MIB


def test_a_chart_sheet_is_refused():
    data = package(sheet_xml(text_row(1, ["h"])), chart_sheet=True)
    assert refusal(data)[0].startswith("The workbook has a chart sheet; an import reads data only.")


def test_xml_entities_are_refused():
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    )
    data = package(
        [laughs, *sheet_xml(b'<row r="1"><c r="A1" t="inlineStr"><is><t>&b;</t></is></c></row>')]
    )
    assert refusal(data)[0] == ("The workbook could not be read: a part declares a document type.")


def test_a_flood_of_merged_cells_is_refused():
    merged = b"".join(b'<mergeCell ref="A%d:B%d"/>' % (n, n) for n in range(1, 200_001))
    data = package(sheet_xml(text_row(1, ["h"]), after=b"<mergeCells>%s</mergeCells>" % merged))
    message, peak = refusal(data)
    assert message.startswith("The sheet holds more settings besides its cells")
    assert peak < 10 * MIB


def test_a_row_of_more_text_than_a_row_holds_is_refused():
    noise = random.Random(7)
    cells = b"".join(
        inline_cell(column, 1, noise.randbytes(15_000).hex()) for column in range(1, 101)
    )
    data = package(sheet_xml(b'<row r="1">%s</row>' % cells))
    assert refusal(data)[0].startswith("Row 1 holds more than a spreadsheet row can")


def test_a_damaged_sheet_is_one_short_error():
    data = package([b'<worksheet xmlns="%s"><sheetData><row><c>' % MAIN, b"x" * 100])
    message = refusal(data)[0]
    assert message.startswith("The workbook could not be read: ")
    assert len(message) <= len("The workbook could not be read: ") + 51


# Real workbooks ------------------------------------------------------------------------------


def test_a_real_workbook_reads_as_openpyxl_reads_it():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee number", "Name", "Hours", "Passed"])
    sheet.append(["20001", "李明", 7.5, True])
    sheet.append([20002, "＝not a formula", None, False])
    sheet.append([])
    sheet.append(["20003", "=1+2"])
    stream = io.BytesIO()
    workbook.save(stream)
    data = stream.getvalue()

    rows = list(read_xlsx_rows(data, max_rows=10, max_columns=4))
    with_formulas = list(read_xlsx_rows(data, formulas=True))

    expected = list(
        load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    # openpyxl pads each row to the size the sheet claims; the reader never trusts it.
    assert rows[:4] == [_trimmed(row) for row in expected[:4]]
    assert rows[4] == ("20003", None)  # never calculated: no value yet
    assert with_formulas[4] == ("20003", "=1+2") and isinstance(with_formulas[4][1], Formula)
    assert not isinstance(with_formulas[2][1], Formula)


def _trimmed(row: tuple) -> tuple:
    row = list(row)
    while row and row[-1] is None:
        row.pop()
    return tuple(row)


def test_excerpt_cuts_long_values():
    assert excerpt("x" * 50) == "x" * 50
    assert excerpt("y" * 51) == "y" * 50 + "…"
    assert excerpt(12345) == "12345"


# Exports: formula-like text, full-width signs too ---------------------------------------------


@pytest.mark.parametrize("text", ["＝1+1", "＋1", "－1", "＠SUM(A1)", "﹦1+1", "=1+1", "\t=1"])
def test_formula_like_text_is_written_as_quoted_text(text):
    assert is_formula_like(text)
    data = build_xlsx(sheet_title="T", header=[text], rows=[[text]])
    sheet = load_workbook(io.BytesIO(data)).active
    for cell in (sheet["A1"], sheet["A2"]):
        assert cell.data_type == "s" and cell.quotePrefix and cell.value == text
    assert list(read_xlsx_rows(data)) == [(text,), (text,)]  # imports back unchanged


@pytest.mark.parametrize("value", ["A＝1", "１２３", "ＡＢＣ", "", 5, None, "安全"])
def test_other_text_is_left_alone(value):
    assert not is_formula_like(value)
