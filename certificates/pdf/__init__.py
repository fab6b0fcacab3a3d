"""Printed certificates: an A4 certificate, a wallet card (front and back), and batches for
printing, streamed: one certificate per A4 page, or ten cards to an A4 sheet with crop marks
and the backs on the following page for duplex printing.

Plain functions: certificates in, PDF bytes (or an iterator of bytes) out. Every page carries
a QR code opening the certificate's public verify page. A certificate that is revoked,
suspended or expired still prints, with its status across it; the verify page tells the same.
"""

import io
import itertools
from collections.abc import Iterable, Iterator

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from certificates.models import Certificate
from certificates.pdf.content import PrintedCertificate, printed_certificate
from certificates.pdf.drawing import (
    CARD,
    CARD_HEIGHT,
    CARD_WIDTH,
    MUTED,
    RULE,
    draw_a4,
    draw_card_back,
    draw_card_front,
    text,
)
from certificates.pdf.streaming import PDF_VERSION, pages_stream, streaming_canvas

__all__ = [
    "CARDS_PER_SHEET",
    "cards_sheet_stream",
    "certificate_a4",
    "certificates_stream",
    "wallet_card",
]

SHEET_COLUMNS, SHEET_ROWS = 2, 5
CARDS_PER_SHEET = SHEET_COLUMNS * SHEET_ROWS
COLUMN_GAP = 8 * mm  # rows touch: one cut between two rows
MARK_OFFSET, MARK_LENGTH = 1.5 * mm, 4 * mm
BATCH_CHUNK = 200  # rows fetched at a time from a queryset


def _document(*, pagesize, title: str) -> tuple[io.BytesIO, Canvas]:
    stream = io.BytesIO()
    canvas = Canvas(stream, pagesize=pagesize, pageCompression=1, pdfVersion=PDF_VERSION)
    canvas.setTitle(title)
    canvas.setAuthor(settings.CERTIFICATE_ISSUER)
    return stream, canvas


def certificate_a4(certificate: Certificate) -> bytes:
    """The certificate on one A4 page."""
    printed = printed_certificate(certificate)
    stream, canvas = _document(pagesize=A4, title=f"{printed.title_zh} {printed.number}")
    draw_a4(canvas, printed)
    canvas.showPage()
    canvas.save()
    return stream.getvalue()


def wallet_card(certificate: Certificate) -> bytes:
    """The certificate as a wallet card of 85.6 x 54 mm: page 1 the front, page 2 the back."""
    printed = printed_certificate(certificate)
    stream, canvas = _document(pagesize=CARD, title=f"{printed.title_zh} {printed.number}")
    draw_card_front(canvas, printed)
    canvas.showPage()
    draw_card_back(canvas, printed)
    canvas.showPage()
    canvas.save()
    return stream.getvalue()


def _printed(certificates: Iterable[Certificate]) -> Iterator[PrintedCertificate]:
    if isinstance(certificates, QuerySet):
        # Two more queries per chunk instead of two per certificate.
        certificates = (
            certificates.select_related("holder", "certificate_type")
            .prefetch_related("reviews")
            .iterator(chunk_size=BATCH_CHUNK)
        )
    for certificate in certificates:
        yield printed_certificate(certificate)


def _nothing_to_print(canvas, pagesize) -> None:
    canvas.setFillColor(MUTED)
    text(
        canvas,
        _("No certificates to print."),
        20 * mm,
        pagesize[1] - 30 * mm,
        width=pagesize[0] - 40 * mm,
        size=12,
    )


def certificates_stream(certificates: Iterable[Certificate]) -> Iterator[bytes]:
    """One PDF, one A4 certificate per page, yielded in pieces as the pages are drawn, so
    memory stays flat however many there are. Takes any iterable (a queryset is read in
    chunks with its holders, types and reviews)."""
    canvas, document = streaming_canvas(
        pagesize=A4, title=str(_("Certificates")), author=settings.CERTIFICATE_ISSUER
    )

    def pages():
        printed_any = False
        for printed in _printed(certificates):
            draw_a4(canvas, printed)
            printed_any = True
            yield
        if not printed_any:
            _nothing_to_print(canvas, A4)
            yield

    return pages_stream(canvas, document, pages())


def _sheet_origin(index: int, *, back: bool) -> tuple[float, float]:
    """Bottom-left corner of card ``index`` (0 to 9, row by row from the top left) on the
    sheet. On the back the columns swap, so that after turning the sheet over its long edge
    each back lies behind its front."""
    page_width, page_height = A4
    row, column = divmod(index, SHEET_COLUMNS)
    if back:
        column = SHEET_COLUMNS - 1 - column
    grid_width = SHEET_COLUMNS * CARD_WIDTH + (SHEET_COLUMNS - 1) * COLUMN_GAP
    left = (page_width - grid_width) / 2
    top = (page_height + SHEET_ROWS * CARD_HEIGHT) / 2
    return left + column * (CARD_WIDTH + COLUMN_GAP), top - (row + 1) * CARD_HEIGHT


def _crop_marks(canvas, count: int) -> None:
    """Short lines on every cutting line, outside the cards: at both ends of each row line
    and across the gap between the columns, above and below each column line. Rows touch, so
    one cut separates two rows."""
    rows = -(-count // SHEET_COLUMNS)
    columns = min(count, SHEET_COLUMNS)
    left, bottom = _sheet_origin((rows - 1) * SHEET_COLUMNS, back=False)
    top = bottom + rows * CARD_HEIGHT
    edges = []  # (left, right) of each column
    for column in range(columns):
        x = left + column * (CARD_WIDTH + COLUMN_GAP)
        edges.append((x, x + CARD_WIDTH))
    near, far = MARK_OFFSET, MARK_OFFSET + MARK_LENGTH
    lines = []
    for row in range(rows + 1):
        y = bottom + row * CARD_HEIGHT
        lines.append((edges[0][0] - far, y, edges[0][0] - near, y))
        lines.append((edges[-1][1] + near, y, edges[-1][1] + far, y))
        for (_left, right), (next_left, _right) in itertools.pairwise(edges):
            lines.append((right + near, y, next_left - near, y))
    for x in (x for pair in edges for x in pair):
        lines.append((x, top + near, x, top + far))
        lines.append((x, bottom - far, x, bottom - near))
    canvas.saveState()
    canvas.setStrokeColor(RULE)
    canvas.setLineWidth(0.25)
    canvas.lines(lines)
    canvas.restoreState()


def cards_sheet_stream(certificates: Iterable[Certificate]) -> Iterator[bytes]:
    """Wallet cards ten to an A4 sheet (2 x 5) with crop marks: each sheet is two pages, the
    fronts, then the backs mirrored for long-edge duplex printing. One PDF yielded in pieces
    as the sheets are drawn, so memory stays flat however many there are. Takes any iterable
    (a queryset is read in chunks)."""
    canvas, document = streaming_canvas(
        pagesize=A4, title=str(_("Certificate cards")), author=settings.CERTIFICATE_ISSUER
    )

    def sheet(cards: list[PrintedCertificate]):
        for index, printed in enumerate(cards):
            draw_card_front(canvas, printed, *_sheet_origin(index, back=False))
        _crop_marks(canvas, len(cards))
        yield
        for index, printed in enumerate(cards):
            draw_card_back(canvas, printed, *_sheet_origin(index, back=True))
        # The back needs no marks: the sheet is cut along the front's.
        yield

    def pages():
        cards: list[PrintedCertificate] = []
        printed_any = False
        for printed in _printed(certificates):
            cards.append(printed)
            if len(cards) == CARDS_PER_SHEET:
                yield from sheet(cards)
                printed_any, cards = True, []
        if cards:
            yield from sheet(cards)
        elif not printed_any:
            _nothing_to_print(canvas, A4)
            yield

    return pages_stream(canvas, document, pages())
