import datetime
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from PIL import Image
from pypdf import PdfReader
from reportlab.lib.units import mm

from certificates.models import Certificate, CertificateType
from certificates.pdf import (
    CARDS_PER_SHEET,
    cards_sheet_stream,
    certificate_a4,
    certificates_stream,
    wallet_card,
)
from certificates.pdf.content import review_slots
from certificates.services import (
    certificate_issue,
    certificate_register_external,
    certificate_review,
    certificate_revoke,
)
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db

NAME = "张大伟"


def _issue(name=NAME, certificate_type=None, **holder_fields):
    holder = make_holder(name=name, **holder_fields)
    certificate_type = certificate_type or make_type(
        category="电工作业", operation_item=f"低压电工作业 {name}", national=True
    )
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def _read(data: bytes) -> PdfReader:
    assert data.startswith(b"%PDF-1.4")
    return PdfReader(io.BytesIO(data), strict=True)


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _image_file(tmp_path, name: str, *, mode="RGBA", format="PNG") -> str:
    picture = Image.new(mode, (120, 160), (200, 20, 30, 200) if mode == "RGBA" else "red")
    path = tmp_path / name
    picture.save(path, format)
    return str(path)


@pytest.fixture
def certificate():
    return _issue(national_id="430102199001011234")


def test_a4_prints_the_chinese_name_and_the_printed_fields(certificate, settings):
    reader = _read(certificate_a4(certificate))
    assert len(reader.pages) == 1
    page = reader.pages[0]
    assert round(float(page.mediabox.width)) == 595 and round(float(page.mediabox.height)) == 842
    text = page.extract_text()
    for printed in (
        NAME,
        certificate.number,
        "特种作业操作证",
        "Special Operation Certificate",
        "电工作业",
        certificate.certificate_type.operation_item,
        certificate.issued_on.isoformat(),
        certificate.expires_on.isoformat(),
        certificate.next_review_due.isoformat(),  # the review box
        "430***********1234",  # masked, never the whole ID
        settings.CERTIFICATE_ISSUER,
        f"{settings.SITE_URL}/verify/",
    ):
        assert printed in text, printed
    assert "430102199001011234" not in text


def test_a4_of_a_company_permit_and_without_national_id():
    certificate = _issue(
        name="李四",
        certificate_type=make_type(category="Forklift", operation_item="Forklift driving"),
    )
    text = _text(_read(certificate_a4(certificate)))
    assert "作业许可证" in text and "Operation Permit" in text
    assert "特种作业操作证" not in text and "ID number" not in text


def test_wallet_card_is_two_card_sized_pages(certificate, settings):
    reader = _read(wallet_card(certificate))
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert float(page.mediabox.width) == pytest.approx(85.6 * mm, abs=0.01)
        assert float(page.mediabox.height) == pytest.approx(54 * mm, abs=0.01)
        assert float(page.mediabox.width) == pytest.approx(242.65, abs=0.01)
    front, back = (page.extract_text() for page in reader.pages)
    assert NAME in front and certificate.number in front
    assert certificate.expires_on.isoformat() in front
    assert "Periodic reviews" in back and certificate.next_review_due.isoformat() in back
    assert settings.CERTIFICATE_ISSUER in back


def test_reviews_boxes_show_the_due_date_and_the_review():
    certificate = _issue()
    today = timezone.localdate()
    certificate_review(
        actor=None, certificate=certificate, reviewed_on=today, passed=True, refresher_hours=8
    )
    certificate.refresh_from_db()
    (slot,) = review_slots(certificate)
    assert slot.reviewed_on == today
    text = _text(_read(certificate_a4(certificate)))
    assert "Reviewed" in text and text.count(today.isoformat()) >= 2  # issued and reviewed


def test_review_slots_one_per_interval_over_the_validity():
    certificate_type = CertificateType(code="X", category="c", operation_item="o")
    certificate = Certificate(
        certificate_type=certificate_type,
        issued_on=datetime.date(2026, 1, 1),
        expires_on=datetime.date(2031, 12, 31),
        review_interval_years=1,
        next_review_due=datetime.date(2027, 1, 1),
    )
    assert [slot.due.year for slot in review_slots(certificate)] == [2027, 2028, 2029, 2030, 2031]
    certificate.review_interval_years, certificate.next_review_due = 3, datetime.date(2029, 1, 1)
    assert [slot.due for slot in review_slots(certificate)] == [datetime.date(2029, 1, 1)]
    certificate.next_review_due = None
    assert review_slots(certificate) == []


def test_a_revoked_certificate_prints_with_its_status_across_it(certificate):
    # Printing stays possible (an officer's record copy); the page says revoked, and so does
    # the verify page its QR code opens.
    certificate_revoke(actor=None, certificate=certificate, reason="Forged exam")
    certificate.refresh_from_db()
    for data in (certificate_a4(certificate), wallet_card(certificate)):
        assert "REVOKED" in _text(_read(data))
    assert "REVOKED" not in _text(_read(certificate_a4(_issue(name="王五"))))


def test_seal_is_drawn_when_configured_and_skipped_when_missing_or_broken(
    certificate, settings, tmp_path
):
    settings.CERTIFICATE_SEAL_IMAGE = _image_file(tmp_path, "seal.png")
    assert len(_read(certificate_a4(certificate)).pages[0].images) == 1
    back = _read(wallet_card(certificate)).pages[1]
    assert len(back.images) == 1

    for broken in (str(tmp_path / "missing.png"), str(tmp_path), ""):
        settings.CERTIFICATE_SEAL_IMAGE = broken
        assert len(_read(certificate_a4(certificate)).pages[0].images) == 0
    not_an_image = tmp_path / "seal.jpg"
    not_an_image.write_bytes(b"this is not a picture")
    settings.CERTIFICATE_SEAL_IMAGE = str(not_an_image)
    reader = _read(certificate_a4(certificate))
    assert len(reader.pages[0].images) == 0 and NAME in reader.pages[0].extract_text()


def test_photo_is_printed_and_a_broken_one_skipped(certificate, settings):
    settings.CERTIFICATE_SEAL_IMAGE = ""
    buffer = io.BytesIO()
    Image.new("RGB", (300, 400), "blue").save(buffer, "JPEG")
    certificate.photo.save("holder.jpg", ContentFile(buffer.getvalue()), save=True)
    assert len(_read(certificate_a4(certificate)).pages[0].images) == 1
    assert len(_read(wallet_card(certificate)).pages[0].images) == 1

    certificate.photo.save("broken.jpg", ContentFile(b"not a jpeg"), save=True)
    reader = _read(certificate_a4(certificate))
    assert len(reader.pages[0].images) == 0 and "Photo" in reader.pages[0].extract_text()


def test_external_certificate_names_its_authority_without_our_seal(settings, tmp_path):
    settings.CERTIFICATE_SEAL_IMAGE = _image_file(tmp_path, "seal.png")
    certificate = certificate_register_external(
        actor=None,
        holder=make_holder(name="赵六"),
        certificate_type=make_type(national=True),
        number="T431234567890",
        issuing_authority="长沙市应急管理局",
        issued_on=datetime.date(2024, 5, 1),
        expires_on=datetime.date(2030, 4, 30),
        next_review_due=datetime.date(2027, 5, 1),
    )
    reader = _read(certificate_a4(certificate))
    text = reader.pages[0].extract_text()
    assert "长沙市应急管理局" in text and "Registered copy" in text
    assert settings.CERTIFICATE_ISSUER not in text and len(reader.pages[0].images) == 0


def _pieces(stream) -> list[bytes]:
    pieces = list(stream)
    assert all(isinstance(piece, bytes) for piece in pieces)
    return pieces


def test_certificates_stream_one_page_each_from_a_generator_in_pieces():
    issued = [_issue(name=name) for name in ("张大伟", "李小红", "王强")]
    pieces = _pieces(certificates_stream(certificate for certificate in issued))
    assert len(pieces) >= len(issued) + 1  # a piece per page, then the end of the file
    reader = _read(b"".join(pieces))
    assert len(reader.pages) == 3
    for page, certificate in zip(reader.pages, issued, strict=True):
        text = page.extract_text()
        assert certificate.holder_name in text and certificate.number in text


def test_cards_sheet_stream_fronts_then_mirrored_backs():
    count = CARDS_PER_SHEET + 3
    issued = [_issue(name=f"张{index}伟") for index in range(count)]
    reader = _read(b"".join(_pieces(cards_sheet_stream(iter(issued)))))
    assert len(reader.pages) == 4  # two sheets, each fronts and backs
    first_fronts, first_backs, second_fronts, second_backs = (
        page.extract_text() for page in reader.pages
    )
    for certificate in issued[:CARDS_PER_SHEET]:
        assert certificate.holder_name in first_fronts and certificate.number in first_fronts
    for certificate in issued[CARDS_PER_SHEET:]:
        assert certificate.number in second_fronts
    assert first_backs.count("Periodic reviews") == CARDS_PER_SHEET
    assert second_backs.count("Periodic reviews") == 3
    for page in reader.pages:
        assert round(float(page.mediabox.width)) == 595  # A4
    # Turned over the long edge, each back lies behind its front: left and right swap.
    middle = float(reader.pages[0].mediabox.width) / 2
    for index, certificate in enumerate(issued[:CARDS_PER_SHEET]):
        front_x, front_y = _position(reader.pages[0], certificate.number)
        back_x, back_y = _position(reader.pages[1], certificate.number)
        assert (front_x < middle) == (index % 2 == 0)
        assert (back_x < middle) == (index % 2 == 1)
        assert abs(front_y - back_y) < 54 * mm  # same row


def _position(page, value: str) -> tuple[float, float]:
    """Where ``value`` is first drawn on the page (x, y in points)."""
    found = []

    def visit(text, cm, tm, font, size):
        if value in text and not found:
            found.append((cm[4] + tm[4], cm[5] + tm[5]))

    page.extract_text(visitor_text=visit)
    assert found, value
    return found[0]


def test_a_queryset_is_read_in_a_few_queries(django_assert_max_num_queries):
    for index in range(6):
        _issue(name=f"李{index}")
    with django_assert_max_num_queries(4):
        data = b"".join(certificates_stream(Certificate.objects.all()))
    assert len(_read(data).pages) == 6
    with django_assert_max_num_queries(4):
        data = b"".join(cards_sheet_stream(Certificate.objects.order_by("number")))
    assert len(_read(data).pages) == 2


def test_an_empty_batch_is_one_page_saying_so():
    for stream in (certificates_stream([]), cards_sheet_stream(Certificate.objects.none())):
        reader = _read(b"".join(stream))
        assert len(reader.pages) == 1
        assert "No certificates to print." in reader.pages[0].extract_text()


def test_a_stream_with_a_seal_on_every_page_embeds_it_once(settings, tmp_path):
    settings.CERTIFICATE_SEAL_IMAGE = _image_file(tmp_path, "seal.png")
    issued = [_issue(name=name) for name in ("甲乙", "丙丁")]
    data = b"".join(certificates_stream(issued))
    reader = _read(data)
    assert [len(page.images) for page in reader.pages] == [1, 1]
    assert data.count(b"/Subtype /Image") == 1


def test_long_values_shrink_to_fit():
    certificate = _issue(
        name="欧阳" + "娜" * 30,
        certificate_type=make_type(
            category="冶金（有色）生产安全作业" * 3, operation_item="煤气作业" * 20
        ),
    )
    for data in (certificate_a4(certificate), wallet_card(certificate)):
        assert certificate.number in _text(_read(data))


def test_a_stream_draws_in_the_language_active_when_it_was_made(monkeypatch):
    # A streaming response is read after the view returns, maybe in another thread.
    import certificates.pdf

    seen = []
    draw_a4 = certificates.pdf.draw_a4

    def spy(canvas, printed):
        seen.append(translation.get_language())
        draw_a4(canvas, printed)

    monkeypatch.setattr(certificates.pdf, "draw_a4", spy)
    issued = [_issue(name="甲"), _issue(name="乙")]
    with translation.override("zh-hans"):
        stream = certificates_stream(issued)
    with translation.override("en"):
        assert len(_read(b"".join(stream)).pages) == 2
    assert seen == ["zh-hans", "zh-hans"]


def test_text_too_long_for_its_box_is_cut_not_endless():
    from reportlab.pdfgen.canvas import Canvas

    from certificates.pdf.drawing import text

    canvas = Canvas(io.BytesIO())
    text(canvas, "煤气作业" * 50, 0, 0, width=40, size=12)
    text(canvas, "煤气作业", 0, 0, width=1, size=12)  # not even the ellipsis fits
    text(canvas, "", 0, 0, width=0, size=12)
