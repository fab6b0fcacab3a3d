"""Spreadsheet bombs posted to the roster compliance check, through the API and the page: a
clear refusal, a small answer, and little memory spent reading them."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from certificates import compliance
from certificates.compliance import compliance_check
from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from tests.certificates.factories import make_holder
from tests.core.xlsx_bombs import MAX_ANSWER_BYTES, MAX_MEMORY, import_bombs, memory_peak

pytestmark = pytest.mark.django_db

API = "/api/v1/certificates/compliance-check/"
HEADER = ["Employee number", "Name", "Special work"]
BOMBS = import_bombs(
    HEADER,
    max_rows=compliance.MAX_SHEET_ROWS,
    max_columns=compliance.MAX_HEADER_COLUMNS,
    column=3,  # the special work, which errors quote
)


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)


@pytest.mark.parametrize("download", [False, True], ids=["answer", "workbook"])
@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_api_refuses_a_bomb(officer_api, build, message, download):
    data = build()
    url = f"{API}?download=xlsx" if download else API

    with memory_peak() as memory:
        response = officer_api.post(url, {"file": upload(data)}, format="multipart")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert len(errors) == 1 and errors[0]["row"] is None
    assert errors[0]["message"].startswith(message)
    assert len(response.content) < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY


@pytest.mark.parametrize(("build", "message"), BOMBS)
def test_the_page_refuses_a_bomb(officer_client, build, message):
    data = build()
    url = reverse("certificate_compliance")
    empty_page = len(officer_client.get(url).content)

    with memory_peak() as memory:
        response = officer_client.post(url, {"file": upload(data)})

    assert response.status_code in (200, 400)  # the form shown again, with the error
    errors = response.context["result"].errors
    assert len(errors) == 1 and errors[0].message.startswith(message)
    assert response.context["token"] is None  # nothing kept to download
    assert escape(message) in response.content.decode()
    assert len(response.content) - empty_page < MAX_ANSWER_BYTES
    assert memory["peak"] < MAX_MEMORY


def test_long_cells_are_quoted_by_their_start_only_and_long_names_refused():
    holder = make_holder(name="张伟")
    rows = [
        [holder.employee_no, "张伟", "w" * 30_000],
        # Every row's name is in the answer: 20,000 of these would make it 650 MB.
        [holder.employee_no, "n" * 30_000, "Electrical work"],
    ]
    header = [*HEADER, "h" * 30_000]

    result = compliance_check(data=build_xlsx(sheet_title="R", header=header, rows=rows))

    assert result.rows == []
    assert [(error.row, error.column) for error in result.errors] == [(1, "h" * 50 + "…")]
    assert result.errors[0].message.startswith("Unknown column “" + "h" * 50 + "…” (column D)")

    result = compliance_check(data=build_xlsx(sheet_title="R", header=HEADER, rows=rows))

    assert result.rows == []
    assert [(error.row, error.column, error.message) for error in result.errors] == [
        (
            2,
            "Special work",
            "Unknown special work “" + "w" * 50 + "…”: write a certificate type's code, "
            "operation item or category.",
        ),
        (3, "Name", "The name has more than 100 characters."),
    ]
