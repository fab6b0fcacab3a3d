"""The issue's "done when": a printed certificate's name and number are text in the PDF, its
QR code decodes from the rendered page, and the decoded address shows the certificate's
state: valid, then revoked."""

import io
import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
import segno
from django.conf import settings
from PIL import Image
from pypdf import PdfReader

from certificates.pdf import cards_sheet_stream, certificate_a4, wallet_card
from certificates.qr import MASK, dark_runs, path_operators, qr_matrix
from certificates.selectors import certificate_for_token, verify_url
from certificates.services import certificate_issue, certificate_revoke
from tests.certificates.factories import make_holder, make_type, qualify

NAME = "张大伟"


def _render(pdf: bytes, folder, *, page: int = 1, resolution: int = 150) -> Image.Image:
    """One page of ``pdf`` as an image, as a phone camera would see a printout."""
    source = folder / "certificate.pdf"
    source.write_bytes(pdf)
    prefix = folder / f"page{page}"
    pages = ["-f", str(page), "-l", str(page)]
    rendering = subprocess.run(
        ["pdftoppm", "-r", str(resolution), "-png", *pages, str(source), str(prefix)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    assert not rendering.stderr, rendering.stderr  # poppler finds nothing wrong in the file
    (rendered,) = folder.glob(f"page{page}*.png")
    return Image.open(rendered)


def _decoded_urls(picture: Image.Image) -> list[str]:
    import zxingcpp

    return [
        result.text
        for result in zxingcpp.read_barcodes(picture)
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.fixture
def tools():
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pytest.importorskip("zxingcpp", reason="zxing-cpp is not installed")


@pytest.fixture
def certificate(db):
    holder = make_holder(name=NAME, national_id="430102199001011234")
    certificate_type = make_type(category="电工作业", operation_item="低压电工作业", national=True)
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def test_printed_qr_code_opens_the_verify_page_valid_then_revoked(
    tools, certificate, client, tmp_path
):
    pdf = certificate_a4(certificate)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert NAME in text and certificate.number in text

    (url,) = _decoded_urls(_render(pdf, tmp_path))
    assert url == verify_url(certificate) == f"{settings.SITE_URL}/verify/{certificate.token}/"
    path = urlsplit(url).path
    token = path.removeprefix("/verify/").removesuffix("/")
    assert certificate_for_token(token) == certificate

    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="verdict valid"' in html and "This certificate is valid." in html
    assert "张*伟" in html and certificate.number in html and NAME not in html

    certificate_revoke(actor=None, certificate=certificate, reason="Exam fraud")
    page = client.get(path)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="verdict revoked"' in html and "has been revoked" in html
    assert "Exam fraud" not in html and "This certificate is valid." not in html


def test_wallet_card_qr_code_decodes(tools, certificate, tmp_path):
    # The card's code is 23 mm wide: rendered at 300 dpi, as a phone close to a card sees it.
    picture = _render(wallet_card(certificate), tmp_path, resolution=300)
    assert _decoded_urls(picture) == [verify_url(certificate)]


def test_every_card_on_a_sheet_decodes(tools, db, tmp_path):
    certificate_type = make_type()
    issued = []
    for index in range(4):
        holder = make_holder(name=f"王{index}")
        theory, practical = qualify(holder, certificate_type)
        issued.append(
            certificate_issue(
                actor=None,
                holder=holder,
                certificate_type=certificate_type,
                theory_exam=theory,
                practical_exam=practical,
            )
        )
    pdf = b"".join(cards_sheet_stream(issued))
    decoded = _decoded_urls(_render(pdf, tmp_path, resolution=300))
    assert sorted(decoded) == sorted(verify_url(certificate) for certificate in issued)


# The QR code itself --------------------------------------------------------------------


def test_matrix_is_segno_with_the_fixed_mask_and_level_m():
    url = "https://training.example.com/verify/Zm9vYmFyYmF6cXV4cXV1eHh5ejEyMzQ1/"
    code = segno.make_qr(url, error="m", mask=MASK, boost_error=False)
    assert code.error == "M" and code.mask == MASK
    assert qr_matrix(url) == code.matrix


def test_dark_runs_cover_exactly_the_dark_modules():
    matrix = qr_matrix("https://training.example.com/verify/abc/")
    covered = set()
    for row, column, length in dark_runs(matrix):
        assert length >= 1
        cells = {(row, column + offset) for offset in range(length)}
        assert not covered & cells  # no overlap
        covered |= cells
    dark = {
        (row, column)
        for row, modules in enumerate(matrix)
        for column, module in enumerate(modules)
        if module
    }
    assert covered == dark
    # Runs are maximal: a run never ends next to another dark module in its row.
    for row, column, length in dark_runs(matrix):
        end = column + length
        assert end == len(matrix) or not matrix[row][end]


def test_path_is_one_fill_of_rectangles():
    matrix = qr_matrix("https://training.example.com/verify/abc/")
    operators = path_operators(matrix)
    lines = operators.splitlines()
    assert lines[-1] == "f" and lines.count("f") == 1
    assert len(lines) - 1 == len(dark_runs(matrix))
    assert all(line.endswith(" re") for line in lines[:-1])
