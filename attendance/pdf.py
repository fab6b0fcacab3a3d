"""The printable sign-in sheet of a session, for places without phones: the trainees sign
on paper, and the marked sheet is typed into the import workbook afterwards."""

import io
from functools import partial
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from attendance.exports import session_facts
from attendance.selectors import BoardRow, session_board
from core.pdf import cjk_font_name, styles
from courses.models import Session
from people.models import PATH_SEPARATOR

MARGIN = 15 * mm
ROW_HEIGHT = 9 * mm  # room for a signature in Chinese characters
# No., employee number, name, department, signature, time: 180 mm, the A4 width between margins.
COLUMN_WIDTHS = [12 * mm, 22 * mm, 26 * mm, 58 * mm, 38 * mm, 24 * mm]
DEPARTMENT_MAX_LENGTH = 70  # two lines of the department column


def _common_root(paths: list[str]) -> str:
    """The departments every row shares from the top (the company, say), so the rows need
    show only what differs; never a row's whole path."""
    split = [path.split(PATH_SEPARATOR) for path in paths]
    if not split:
        return ""
    common = []
    for parts in zip(*(parts[:-1] for parts in split), strict=False):
        if len(set(parts)) != 1:
            break
        common.append(parts[0])
    return PATH_SEPARATOR.join(common)


def _department(path: str, root: str) -> str:
    text = path[len(root) + 1 :] if root else path
    if len(text) > DEPARTMENT_MAX_LENGTH:
        # The end names the department itself; the start is the same for many.
        text = "…" + text[-(DEPARTMENT_MAX_LENGTH - 1) :]
    return text


class _NumberedCanvas(Canvas):
    """Writes "page n of N" and a footer line on every page; N is known only at the end,
    so the pages are kept and drawn when the document is saved."""

    def __init__(self, *args, footer: str, font: str, **kwargs):
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._font = font
        self._saved_pages: list[dict] = []

    def showPage(self):
        self._saved_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._saved_pages)
        for state in self._saved_pages:
            self.__dict__.update(state)
            self._draw_footer(total)
            super().showPage()
        super().save()

    def _draw_footer(self, total: int) -> None:
        width, _height = self._pagesize
        self.saveState()
        self.setFont(self._font, 8)
        self.setFillColor(colors.grey)
        self.drawString(MARGIN, 8 * mm, self._footer)
        self.drawRightString(
            width - MARGIN,
            8 * mm,
            _("Page %(page)d of %(pages)d") % {"page": self._pageNumber, "pages": total},
        )
        self.restoreState()


def sign_in_sheet_pdf(session: Session, *, rows: list[BoardRow] | None = None) -> bytes:
    """An A4 sign-in sheet: a title with the training, the session's topic, date, time,
    place and instructor; then every enrolled trainee (by department, then employee number)
    with a numbered row, a signature column and a time column. The table's header row is
    repeated on every page, and every page is numbered "page n of N". Chinese names are set
    in the CJK font of ``core.pdf``. ``rows`` defaults to the session board's rows."""
    if rows is None:
        rows = session_board(session).rows
    root = _common_root([row.department for row in rows])
    facts = session_facts(session)
    if root:
        facts.append((_("Organisation"), root))
    font = cjk_font_name()
    style = styles()
    small = ParagraphStyle("cell", parent=style["body"], fontSize=8.5, leading=10)
    label = ParagraphStyle("label", parent=small, textColor=colors.grey)
    heading = ParagraphStyle("head", parent=small, fontSize=9, alignment=TA_CENTER)

    stream = io.BytesIO()
    start = timezone.localtime(session.starts_at)
    title = _("Sign-in sheet")
    document = SimpleDocTemplate(
        stream,
        pagesize=A4,
        title=f"{title}: {session.training.title} {start:%Y-%m-%d %H:%M}",
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=16 * mm,
    )
    story = [
        Paragraph(escape(title), style["title"]),
        Table(
            [
                [Paragraph(escape(name), label), Paragraph(escape(value), style["body"])]
                for name, value in facts
            ],
            colWidths=[22 * mm, 158 * mm],
            style=TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                    ("TOPPADDING", (0, 0), (-1, -1), 1),
                ]
            ),
            hAlign="LEFT",
        ),
        Spacer(1, 4 * mm),
    ]

    header = [
        _("No."),
        _("Employee number"),
        _("Name"),
        _("Department"),
        _("Signature"),
        _("Time"),
    ]
    data = [[Paragraph(escape(text), heading) for text in header]]
    for number, row in enumerate(rows, start=1):
        data.append(
            [
                str(number),
                row.employee_no,
                Paragraph(escape(row.name), style["body"]),
                Paragraph(escape(_department(row.department, root)), small),
                "",
                "",
            ]
        )
    table = Table(
        data,
        colWidths=COLUMN_WIDTHS,
        rowHeights=[None] + [ROW_HEIGHT] * len(rows),
        repeatRows=1,
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.9, 0.9, 0.9)),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("ALIGN", (0, 1), (0, -1), "RIGHT"),
                ("TOPPADDING", (0, 1), (-1, -1), 1),
                ("BOTTOMPADDING", (0, 1), (-1, -1), 1),
            ]
        )
    )
    story.append(table if rows else Paragraph(escape(_("No trainee is enrolled.")), style["body"]))
    story += [
        Spacer(1, 6 * mm),
        Paragraph(
            escape(
                _(
                    "Enrolled: %(enrolled)d    Present: ____    Late: ____    Absent: ____    "
                    "Excused: ____"
                )
                % {"enrolled": len(rows)}
            ),
            style["body"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(
            escape(_("Instructor (signature): ______________    Checked by: ______________")),
            style["body"],
        ),
    ]
    footer = f"{session.training.title} · {session.topic} · {start:%Y-%m-%d %H:%M}"
    document.build(story, canvasmaker=partial(_NumberedCanvas, footer=footer, font=font))
    return stream.getvalue()
