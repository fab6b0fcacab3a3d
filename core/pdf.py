"""PDF primitives shared by every app: a font that renders Chinese, and simple documents.

reportlab's built-in CID font STSong-Light renders Chinese without any file, but is not
embedded (viewers substitute their own). When a TrueType CJK font is configured
(``PDF_CJK_FONT``) or installed in a known place, it is embedded instead.
"""

import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from reportlab import rl_config
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

# Binary streams for every PDF the project writes: reportlab's default ASCII85 text encoding
# only serves 7-bit transports, makes files a quarter bigger and, in pure Python, takes longer
# than drawing a certificate's QR code.
rl_config.useA85 = 0

KNOWN_CJK_FONTS = [
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
]
CID_FALLBACK = "STSong-Light"


@cache
def cjk_font_name() -> str:
    """Register and name a font for Chinese text: an embedded TrueType font when one is
    found, else reportlab's STSong-Light."""
    candidates = [settings.PDF_CJK_FONT, *KNOWN_CJK_FONTS]
    for path in filter(None, candidates):
        if Path(path).is_file():
            try:
                pdfmetrics.registerFont(TTFont("CJK", path, subfontIndex=0))
            except (TTFError, OSError):
                continue
            return "CJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FALLBACK))
    return CID_FALLBACK


def styles() -> dict[str, ParagraphStyle]:
    """Title, heading and body styles in the CJK font."""
    font = cjk_font_name()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("title", parent=base["Title"], fontName=font, leading=26),
        "heading": ParagraphStyle("heading", parent=base["Heading2"], fontName=font),
        "body": ParagraphStyle("body", parent=base["BodyText"], fontName=font, leading=16),
    }


def text_document(*, title: str, sections: list[tuple[str, list[str]]], author: str = "") -> bytes:
    """A simple A4 document: a title, then headed sections of paragraphs (plain text)."""
    stream = io.BytesIO()
    document = SimpleDocTemplate(
        stream,
        pagesize=A4,
        title=title,
        author=author,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
    )
    style = styles()
    story = [Paragraph(escape(title), style["title"]), Spacer(1, 6 * mm)]
    for heading, paragraphs in sections:
        story.append(Paragraph(escape(heading), style["heading"]))
        story.extend(Paragraph(escape(text), style["body"]) for text in paragraphs)
        story.append(Spacer(1, 4 * mm))
    document.build(story)
    return stream.getvalue()
