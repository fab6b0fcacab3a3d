"""Spreadsheet bombs posted to the question bank's Excel import, through the API and the page:
a clear refusal, nothing written, a small answer, and little memory spent reading them."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape
from openpyxl import Workbook

from core.excel import XLSX_CONTENT_TYPE
from exams.formats import excel
from exams.models import Question, QuestionCategory
from exams.services.imports import questions_import
from tests.core.xlsx_bombs import MAX_ANSWER_BYTES, MAX_MEMORY, import_bombs, memory_peak

pytestmark = pytest.mark.django_db

API = "/api/v1/questions/import/"
PAGE = "/bank/import/"
HEADER = [str(title) for title in excel.COLUMNS.values()]
BOMBS = import_bombs(
    HEADER,
    max_rows=excel.MAX_SHEET_ROWS,
    max_columns=excel.MAX_COLUMNS,
    column=3,  # the stem
)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("bank.xlsx", data, content_type=XLSX_CONTENT_TYPE)


def assert_nothing_written() -> None:
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_api_refuses_a_bomb(officer_api, build, message):
    data = build()

    with memory_peak() as memory:
        response = officer_api.post(API, {"file": upload(data)}, format="multipart")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["row"] is None
    assert errors[0]["message"].startswith(message)
    assert len(response.content) < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY
    assert_nothing_written()


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_page_refuses_a_bomb(officer_client, build, message):
    data = build()
    empty_page = len(officer_client.get(PAGE).content)

    with memory_peak() as memory:
        response = officer_client.post(PAGE, {"file": upload(data), "format": ""})

    assert response.status_code in (200, 400)  # the form shown again, with the error
    errors = response.context["result"].errors
    assert len(errors) == 1 and errors[0].message.startswith(message)
    assert response.context["confirm"] is None
    assert escape(message) in response.content.decode()
    assert len(response.content) - empty_page < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY
    assert_nothing_written()


def test_long_cells_are_quoted_by_their_start_only():
    """A value that makes an error is quoted by its first 50 characters, then "…"; options
    too long are named without being quoted."""
    header = ["Type", "Category", "Stem", "A", "B", "C", "D", "Answer"]
    rows = [
        ["x" * 30_000, "Fire", "Which?", "a", "b", "", "", "A"],
        ["single", "Fire", "Which?", "a", "b", "", "", "Q" * 30_000],
        ["true_false", "Fire", "Which?", "", "", "", "", "?" * 30_000],
        ["single", "Fire", "Which?", *["o" * 30_000] * 4, "A"],
        ["single", "Fire", "Which?", "a", "=" + "+".join(["1"] * 4000), "", "", "A"],
    ]
    book = Workbook()  # as a user saves it: a text starting with = is a formula
    for values in [header, *rows]:
        book.active.append(values)
    stream = io.BytesIO()
    book.save(stream)

    result = questions_import(actor=None, data=stream.getvalue(), filename="bank.xlsx")

    messages = [error.message for error in result.errors]
    assert all(len(message) < 300 for message in messages)
    assert messages[0].startswith("Unknown question type “" + "x" * 50 + "…”: write single")
    assert messages[1] == (
        "“" + "Q" * 50 + "…” is not option letters: write letters A to H, e.g. A or ACD."
    )
    assert messages[2].startswith("“" + "?" * 50 + "…” is not a true/false answer")
    assert messages[3:7] == ["An option has more than 1000 characters."] * 4
    assert [(error.row, error.field) for error in result.errors[3:7]] == [
        (5, letter) for letter in "ABCD"
    ]
    formula = rows[4][4]
    assert messages[7] == f"Cell E6 holds a formula ({formula[:50]}…): type its value instead."
    assert_nothing_written()
