"""A paper as a printable PDF: the candidate's copy (no key) or the answer sheet (with key)."""

import io
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Paragraph, SimpleDocTemplate, Spacer

from core.pdf import styles
from exams.models import OPTION_LETTERS, Paper, QuestionType
from exams.selectors.papers import DrawnQuestion


def _points(value) -> str:
    text = f"{value:f}".rstrip("0").rstrip(".")
    return text or "0"


def _question_block(number: int, drawn: DrawnQuestion, *, with_key: bool, style: dict) -> list:
    version = drawn.version
    body, small = style["body"], style["small"]
    head = _("%(number)d. (%(points)s points, %(type)s) ") % {
        "number": number,
        "points": _points(drawn.points),
        "type": QuestionType(version.type).label,
    }
    lines = [Paragraph(escape(head) + escape(version.stem).replace("\n", "<br/>"), body)]
    options = list(version.options.all())
    if version.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        for option in options:
            text = f"{OPTION_LETTERS[option.position]}. {option.text}"
            mark = f"  [{_('correct')}]" if with_key and option.correct else ""
            lines.append(Paragraph(escape(text) + escape(mark), style["option"]))
    elif version.type == QuestionType.FILL_BLANK:
        for index, _blank in enumerate(version.blanks, start=1):
            lines.append(
                Paragraph(escape(_("Blank %d:") % index) + " ________________", style["option"])
            )
    else:
        lines.append(Spacer(1, 30 * mm if not with_key else 2 * mm))
    if with_key:
        if version.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
            letters = "".join(OPTION_LETTERS[o.position] for o in options if o.correct)
            lines.append(Paragraph(escape(_("Answer: %s") % letters), small))
        elif version.type == QuestionType.FILL_BLANK:
            for index, accepted in enumerate(version.blanks, start=1):
                lines.append(
                    Paragraph(
                        escape(
                            _("Blank %(n)d accepts: %(answers)s")
                            % {"n": index, "answers": " / ".join(accepted)}
                        ),
                        small,
                    )
                )
            if version.numeric_tolerance is not None:
                lines.append(
                    Paragraph(
                        escape(_("Numeric tolerance: ± %s") % _points(version.numeric_tolerance)),
                        small,
                    )
                )
        elif version.reference_answer:
            lines.append(
                Paragraph(escape(_("Reference answer: %s") % version.reference_answer), small)
            )
        if version.explanation:
            lines.append(Paragraph(escape(_("Explanation: %s") % version.explanation), small))
    lines.append(Spacer(1, 4 * mm))
    return [KeepTogether(lines)]


def paper_pdf(*, paper: Paper, questions: list[DrawnQuestion], with_key: bool) -> bytes:
    """The drawn questions of ``paper`` as an A4 document. Without the key it is what a
    candidate sees (a name line, the questions, blank lines for the answers); with the key
    each question also shows the correct options or accepted answers and the explanation."""
    base = styles()
    style = {
        "title": base["title"],
        "body": base["body"],
        "option": ParagraphStyle("option", parent=base["body"], leftIndent=8 * mm),
        "small": ParagraphStyle(
            "small",
            parent=base["body"],
            fontSize=9,
            leading=12,
            leftIndent=8 * mm,
            textColor="#1a5e20",
        ),
    }
    total = sum((drawn.points for drawn in questions), 0)
    title = paper.title + (f" — {_('answer sheet')}" if with_key else "")
    stream = io.BytesIO()
    document = SimpleDocTemplate(
        stream,
        pagesize=A4,
        title=title,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    story = [
        Paragraph(escape(title), style["title"]),
        Paragraph(
            escape(
                _("%(count)d questions, %(total)s points in all.")
                % {"count": len(questions), "total": _points(total)}
            ),
            style["body"],
        ),
    ]
    if not with_key:
        story.append(
            Paragraph(
                escape(_("Name: ____________    Employee number: ____________    Score: ______")),
                style["body"],
            )
        )
    story.append(Spacer(1, 6 * mm))
    for number, drawn in enumerate(questions, start=1):
        story.extend(_question_block(number, drawn, with_key=with_key, style=style))
    document.build(story)
    return stream.getvalue()
