"""Roster workbooks for the import tests, built the way an officer fills the template."""

from django.core.files.uploadedfile import SimpleUploadedFile

from core.excel import XLSX_CONTENT_TYPE, build_xlsx, read_xlsx_rows
from people.roster import COLUMNS

HEADER = [str(title) for title in COLUMNS.values()]


def roster_upload(rows: list[list[str]], name: str = "roster.xlsx") -> SimpleUploadedFile:
    """An uploaded roster with the template's header (every column of ``COLUMNS``)."""
    content = build_xlsx(sheet_title="Roster", header=HEADER, rows=rows)
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def workbook_rows(content: bytes) -> list[tuple]:
    return list(read_xlsx_rows(content))
