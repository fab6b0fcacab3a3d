import io

import pytest
from openpyxl import load_workbook

from core.excel import UnreadableWorkbook, build_xlsx, read_xlsx_rows


def test_build_and_read_round_trip():
    data = build_xlsx(
        sheet_title="T", header=["a", "b"], rows=[[1, "x"], ["=cmd|' /C calc'!A0", None]]
    )
    rows = list(read_xlsx_rows(data))
    assert rows == [("a", "b"), (1, "x"), ("=cmd|' /C calc'!A0",)]
    cell = load_workbook(io.BytesIO(data)).active["A3"]
    assert cell.data_type == "s"  # text, never a formula


@pytest.mark.parametrize("prefix", ["=", "+", "-", "@"])
def test_formula_prefixes_are_text(prefix):
    data = build_xlsx(sheet_title="T", header=["h"], rows=[[f"{prefix}1+1"]])
    assert load_workbook(io.BytesIO(data)).active["A2"].data_type == "s"


def test_numbers_stay_numbers():
    data = build_xlsx(sheet_title="T", header=["h"], rows=[[-5]])
    assert load_workbook(io.BytesIO(data)).active["A2"].value == -5


@pytest.mark.parametrize("data", [b"", b"not excel", b"PK\x03\x04garbage"])
def test_unreadable_files(data):
    with pytest.raises(UnreadableWorkbook):
        list(read_xlsx_rows(data))
