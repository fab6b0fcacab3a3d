"""Drawing one certificate on a reportlab canvas: the A4 page, and the wallet card's front
and back at any position (a card alone, or ten to a sheet).

Every function draws what a PrintedCertificate holds and nothing else; a photo or seal that
cannot be read is left out (an empty photo frame stays, for a photo glued on by hand).
"""

from django.utils.translation import gettext as _
from reportlab.lib.colors import Color, HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from certificates.pdf.content import PrintedCertificate, ReviewSlot
from certificates.pdf.images import draw_image, draw_seal
from certificates.qr import draw_qr
from core.pdf import cjk_font_name

CARD_WIDTH = 85.6 * mm
CARD_HEIGHT = 54 * mm
CARD = (CARD_WIDTH, CARD_HEIGHT)
INK = HexColor("#1f3b63")
MUTED = HexColor("#5b6675")
RULE = HexColor("#9aa8ba")
WATERMARK = Color(0.8, 0.1, 0.1, alpha=0.3)
MIN_SIZE = 4.5  # points; smaller does not print legibly
A4_REVIEW_COLUMNS, A4_REVIEW_ROWS = 4, 2
CARD_REVIEW_COLUMNS = 3


def text(canvas, value: str, x: float, y: float, *, width: float, size: float, align="left"):
    """Draw ``value`` on one line within ``width``: smaller type when it is too long (down to
    a legible minimum), then cut with an ellipsis."""
    font = cjk_font_name()
    value = " ".join(str(value).split())
    needed = stringWidth(value, font, size)
    if needed > width:
        size = max(MIN_SIZE, size * width / needed)
        if stringWidth(value, font, size) > width:
            while len(value) > 1 and stringWidth(value + "…", font, size) > width:
                value = value[:-1]
            value += "…"
    canvas.setFont(font, size)
    if align == "center":
        canvas.drawCentredString(x + width / 2, y, value)
    elif align == "right":
        canvas.drawRightString(x + width, y, value)
    else:
        canvas.drawString(x, y, value)


def watermark(canvas, printed: PrintedCertificate, width: float, height: float, size: float):
    """The status across the page when the holder may not work under this certificate."""
    if not printed.watermark:
        return
    canvas.saveState()
    canvas.setFillColor(WATERMARK)
    canvas.translate(width / 2, height / 2)
    canvas.rotate(30)
    canvas.setFont(cjk_font_name(), size)
    canvas.drawCentredString(0, -size / 3, printed.watermark.upper())
    canvas.restoreState()


def _date(day) -> str:
    return day.isoformat() if day else ""


def _review_box(canvas, slot: ReviewSlot, x, y, width, height, *, size: float):
    canvas.setStrokeColor(RULE)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    pad, inner = size * 0.7, width - 1.4 * size
    lines = [
        (MUTED, _("Review due"), size),
        (INK, _date(slot.due), size * 1.15),
        (MUTED, _("Reviewed"), size),
        (INK, _date(slot.reviewed_on), size * 1.15),
    ]
    line_y = y + height - pad - size
    for colour, value, value_size in lines:
        if value:
            canvas.setFillColor(colour)
            text(canvas, value, x + pad, line_y, width=inner, size=value_size)
        line_y -= (height - 2 * pad - size) / 3


def _review_grid(canvas, slots, *, x, top, width, columns, rows, box_height, gap, size):
    """Review boxes from the top-left, ``columns`` across; the latest ones when there are
    more than fit (the passed reviews come first, so the oldest are left out)."""
    slots = slots[-columns * rows :]
    box_width = (width - gap * (columns - 1)) / columns
    for index, slot in enumerate(slots):
        row, column = divmod(index, columns)
        box_x = x + column * (box_width + gap)
        box_y = top - (row + 1) * box_height - row * gap
        _review_box(canvas, slot, box_x, box_y, box_width, box_height, size=size)


def _photo_frame(canvas, printed, x, y, width, height, *, size):
    canvas.setStrokeColor(RULE)
    canvas.setDash(2, 2)
    canvas.rect(x, y, width, height, stroke=1, fill=0)
    canvas.setDash()
    if not draw_image(canvas, printed.photo, x + 1, y + 1, width - 2, height - 2):
        canvas.setFillColor(MUTED)
        text(
            canvas, _("Photo"), x, y + height / 2 - size / 3, width=width, size=size, align="center"
        )


# A4 --------------------------------------------------------------------------------------


def draw_a4(canvas, printed: PrintedCertificate) -> None:
    """One certificate on an A4 page (portrait)."""
    page_width, page_height = A4
    left, right = 26 * mm, page_width - 26 * mm
    canvas.setStrokeColor(INK)
    canvas.setLineWidth(2)
    canvas.rect(12 * mm, 12 * mm, page_width - 24 * mm, page_height - 24 * mm)
    canvas.setLineWidth(0.6)
    canvas.rect(14.5 * mm, 14.5 * mm, page_width - 29 * mm, page_height - 29 * mm)

    canvas.setFillColor(INK)
    text(canvas, printed.title_zh, left, 262 * mm, width=right - left, size=30, align="center")
    if printed.title:
        text(canvas, printed.title, left, 252 * mm, width=right - left, size=14, align="center")
    if printed.external:
        canvas.setFillColor(MUTED)
        text(
            canvas,
            _("Registered copy of a certificate issued by %(authority)s")
            % {"authority": printed.issuer},
            left,
            245 * mm,
            width=right - left,
            size=9,
            align="center",
        )
    canvas.setStrokeColor(RULE)
    canvas.line(left, 240 * mm, right, 240 * mm)

    photo_width, photo_height = 32 * mm, 42 * mm
    _photo_frame(canvas, printed, right - photo_width, 186 * mm, photo_width, photo_height, size=9)
    rows = [(_("Name"), printed.holder_name, 17)]
    if printed.national_id:
        rows.append((_("ID number"), printed.national_id, 11))
    rows += [
        (_("Category"), printed.category, 12),
        (_("Operation item"), printed.operation_item, 12),
        (_("Certificate number"), printed.number, 12),
        (_("Issued on"), _date(printed.issued_on), 12),
        (_("Valid until"), _date(printed.expires_on), 12),
    ]
    label_width, value_x = 42 * mm, left + 44 * mm
    y = 222 * mm
    for label, value, size in rows:
        canvas.setFillColor(MUTED)
        text(canvas, label, left, y, width=label_width, size=10)
        canvas.setFillColor(INK)
        text(canvas, value, value_x, y, width=right - photo_width - 4 * mm - value_x, size=size)
        y -= 10.5 * mm

    canvas.setFillColor(INK)
    text(canvas, _("Periodic reviews"), left, 141 * mm, width=right - left, size=12)
    if printed.reviews:
        _review_grid(
            canvas,
            printed.reviews,
            x=left,
            top=136 * mm,
            width=right - left,
            columns=A4_REVIEW_COLUMNS,
            rows=A4_REVIEW_ROWS,
            box_height=21 * mm,
            gap=4 * mm,
            size=8.5,
        )
    else:
        canvas.setFillColor(MUTED)
        text(canvas, _("No periodic review."), left, 130 * mm, width=right - left, size=9)

    qr_size = 40 * mm
    qr_x = right - qr_size + 3 * mm
    canvas.setFillColor(MUTED)
    text(canvas, _("Issued by"), left, 78 * mm, width=90 * mm, size=10)
    canvas.setFillColor(INK)
    text(canvas, printed.issuer, left, 68 * mm, width=qr_x - left - 6 * mm, size=14)
    text(canvas, _date(printed.issued_on), left, 59 * mm, width=90 * mm, size=11)
    draw_seal(canvas, printed.seal, left + 20 * mm, 40 * mm, 42 * mm)

    draw_qr(canvas, printed.verify_url, x=qr_x, y=36 * mm, size=qr_size)
    canvas.setFillColor(INK)
    text(canvas, printed.number, qr_x, 33 * mm, width=qr_size, size=9, align="center")
    canvas.setFillColor(MUTED)
    text(
        canvas,
        _("Scan the code to check this certificate, or enter its number and name at %(url)s")
        % {"url": printed.verify_at},
        left,
        21 * mm,
        width=right - left,
        size=8.5,
        align="center",
    )
    watermark(canvas, printed, page_width, page_height, 80)


# Wallet card -----------------------------------------------------------------------------


def _card_outline(canvas):
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.3)
    canvas.rect(0, 0, CARD_WIDTH, CARD_HEIGHT, stroke=1, fill=0)


def _card_band(canvas, printed: PrintedCertificate, heading: str):
    band = 9 * mm
    canvas.setFillColor(INK)
    canvas.rect(0, CARD_HEIGHT - band, CARD_WIDTH, band, stroke=0, fill=1)
    canvas.setFillColor(white)
    text(
        canvas,
        heading,
        3 * mm,
        CARD_HEIGHT - band + 3.6 * mm,
        width=CARD_WIDTH - 6 * mm,
        size=10,
        align="center",
    )
    if printed.title and heading == printed.title_zh:
        text(
            canvas,
            printed.title,
            3 * mm,
            CARD_HEIGHT - band + 1 * mm,
            width=CARD_WIDTH - 6 * mm,
            size=5.5,
            align="center",
        )


def draw_card_front(canvas, printed: PrintedCertificate, x: float = 0, y: float = 0) -> None:
    """The card's front with its bottom-left corner at (x, y): holder, photo, type, number,
    dates and the QR code."""
    canvas.saveState()
    canvas.translate(x, y)
    _card_outline(canvas)
    _card_band(canvas, printed, printed.title_zh)
    _photo_frame(canvas, printed, 3 * mm, 15 * mm, 18 * mm, 24 * mm, size=5)

    fields_x, fields_width = 23.5 * mm, 36 * mm
    canvas.setFillColor(INK)
    text(canvas, printed.holder_name, fields_x, 38 * mm, width=fields_width, size=10)
    rows = [
        (_("Category"), printed.category),
        (_("Operation item"), printed.operation_item),
        (_("Number"), printed.number),
        (_("Issued on"), _date(printed.issued_on)),
        (_("Valid until"), _date(printed.expires_on)),
    ]
    line_y = 33.5 * mm
    for label, value in rows:
        canvas.setFillColor(MUTED)
        text(canvas, label, fields_x, line_y, width=13 * mm, size=MIN_SIZE)
        canvas.setFillColor(INK)
        text(canvas, value, fields_x + 13.5 * mm, line_y, width=fields_width - 13.5 * mm, size=6)
        line_y -= 4.2 * mm

    qr_size = 23 * mm
    qr_x = CARD_WIDTH - qr_size - 1.5 * mm
    draw_qr(canvas, printed.verify_url, x=qr_x, y=14 * mm, size=qr_size)
    canvas.setFillColor(INK)
    text(canvas, printed.number, qr_x, 12 * mm, width=qr_size, size=5.5, align="center")
    canvas.setFillColor(MUTED)
    text(
        canvas,
        _("Verify at %(url)s") % {"url": printed.verify_at},
        3 * mm,
        4 * mm,
        width=CARD_WIDTH - 6 * mm,
        size=5,
        align="center",
    )
    watermark(canvas, printed, CARD_WIDTH, CARD_HEIGHT, 22)
    canvas.restoreState()


def draw_card_back(canvas, printed: PrintedCertificate, x: float = 0, y: float = 0) -> None:
    """The card's back with its bottom-left corner at (x, y): review boxes, issuer, seal and
    how to verify."""
    canvas.saveState()
    canvas.translate(x, y)
    _card_outline(canvas)
    _card_band(canvas, printed, _("Periodic reviews"))
    inner = CARD_WIDTH - 6 * mm
    if printed.reviews:
        _review_grid(
            canvas,
            printed.reviews,
            x=3 * mm,
            top=CARD_HEIGHT - 11 * mm,
            width=inner,
            columns=CARD_REVIEW_COLUMNS,
            rows=1,
            box_height=13 * mm,
            gap=2 * mm,
            size=MIN_SIZE,
        )
    else:
        canvas.setFillColor(MUTED)
        text(canvas, _("No periodic review."), 3 * mm, 36 * mm, width=inner, size=6)
    draw_seal(canvas, printed.seal, 4 * mm, 4 * mm, 22 * mm)
    canvas.setFillColor(MUTED)
    text(canvas, _("Issued by"), 3 * mm, 25 * mm, width=inner, size=MIN_SIZE)
    canvas.setFillColor(INK)
    text(canvas, printed.issuer, 3 * mm, 20.5 * mm, width=inner, size=7.5)
    canvas.setFillColor(MUTED)
    steps = [
        _("To check this card, scan the code on the front,"),
        _("or enter the number and the holder's name at"),
        printed.verify_at,
    ]
    line_y = 14 * mm
    for line in steps:
        text(canvas, line, 28 * mm, line_y, width=inner - 25 * mm, size=5)
        line_y -= 3.2 * mm
    # The number again: the backs of a sheet are matched to their fronts by it.
    canvas.setFillColor(INK)
    text(canvas, printed.number, 28 * mm, 3 * mm, width=inner - 25 * mm, size=5.5, align="right")
    watermark(canvas, printed, CARD_WIDTH, CARD_HEIGHT, 22)
    canvas.restoreState()
