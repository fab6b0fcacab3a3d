"""Spreadsheet bombs posted to the roster import, through the API and the page: a clear
refusal, nothing written, a small answer, and little memory spent reading them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.html import escape

from core.excel import XLSX_CONTENT_TYPE
from core.models import AuditEntry
from people import roster
from people.models import Employee
from tests.core.xlsx_bombs import MAX_ANSWER_BYTES, MAX_MEMORY, import_bombs, memory_peak

pytestmark = pytest.mark.django_db

API = "/api/v1/employees/import/"
PAGE = "/people/employees/import/"
BOMBS = import_bombs(
    [str(title) for title in roster.COLUMNS.values()],
    max_rows=roster.MAX_SHEET_ROWS,
    max_columns=roster.MAX_COLUMNS,
    column=2,  # the name
)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)


def assert_nothing_written(employees_before: int) -> None:
    assert Employee.objects.count() == employees_before
    assert not AuditEntry.objects.filter(action="roster.imported").exists()


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_api_refuses_a_bomb(officer_api, build, message):
    data, before = build(), Employee.objects.count()

    with memory_peak() as memory:
        response = officer_api.post(API, {"file": upload(data)}, format="multipart")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["row"] is None
    assert errors[0]["message"].startswith(message)
    assert len(response.content) < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY
    assert_nothing_written(before)


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_page_refuses_a_bomb(officer_client, build, message):
    data, before = build(), Employee.objects.count()
    empty_page = len(officer_client.get(PAGE).content)

    with memory_peak() as memory:
        response = officer_client.post(PAGE, {"file": upload(data)})

    assert response.status_code in (200, 400)  # the form shown again, with the error
    errors = response.context["result"].errors
    assert len(errors) == 1 and errors[0].message.startswith(message)
    assert escape(message) in response.content.decode()
    assert len(response.content) - empty_page < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY
    assert_nothing_written(before)
