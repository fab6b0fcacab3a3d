"""A reportlab canvas whose PDF is written while it is drawn, page by page.

reportlab keeps every page of a document until ``save()`` and then writes the whole file, so
1,000 certificates would sit in memory at once. The document below writes each object as soon
as its page is finished (a PDF's objects may come in any order: the cross-reference table at
the end says where each one is) and keeps only its number and offset. What can only be written
at the end stays: the page tree, the catalog, the font dictionary and the embedded font
subsets (they list every character used on any page).

It relies on reportlab's PDFDocument bookkeeping (``idToObject``, ``numberToId``,
``objectcounter``), stable since reportlab 2; tests/certificates/test_pdf.py reads the result
back with pypdf.
"""

import io
from collections.abc import Iterator

from django.utils import translation
from reportlab.pdfbase import pdfdoc
from reportlab.pdfgen.canvas import Canvas

PDF_VERSION = (1, 4)  # transparency: the seal's blend mode, the status watermark


class _Written:
    """Stands in for an object already in the file (only its name and number are needed)."""


WRITTEN = _Written()
FINISHED = object()


class StreamingDocument(pdfdoc.PDFDocument):
    def __init__(self, **options):
        super().__init__(**options)
        self._file = pdfdoc.PDFFile(self._pdfVersion)  # writes the header
        self._examined = 0  # objects numbered up to here are written or held
        self._held: list[str] = []
        self._font_dictionary = self.idToObject[pdfdoc.BasicFonts]

    def addPage(self, page):
        # As PDFDocument.addPage, but the page tree keeps a reference, not the page.
        name = self.thisPageName()
        self.Reference(page, name)
        self.Pages.addPage(pdfdoc.PDFObjectReference(name))
        self.pageCounter += 1
        self.inObject = None

    def _held_back(self, obj) -> bool:
        return (
            obj is self.Catalog
            or obj is self.Pages
            or obj is self.info
            or obj is self.Outlines
            or obj is self._font_dictionary
        )

    def _write(self, name: str) -> None:
        obj = self.idToObject[name]
        self.idToOffset[name] = self._file.add(pdfdoc.PDFIndirectObject(name, obj).format(self))
        if isinstance(obj, pdfdoc.PDFImageXObject):
            # The canvas looks an image up again when it is drawn twice (a seal on every
            # page): keep the object for its size, drop its data.
            obj.streamContent = b""
        else:
            self.idToObject[name] = WRITTEN

    def _write_finished(self, *, hold: bool) -> None:
        # Formatting an object may number new ones (a page's content stream): keep going.
        while self._examined < self.objectcounter:
            self._examined += 1
            name = self.numberToId[self._examined]
            if hold and self._held_back(self.idToObject[name]):
                self._held.append(name)
            else:
                self._write(name)

    def _take(self) -> bytes:
        data = b"".join(self._file.strings)
        self._file.strings.clear()
        return data

    def flush(self) -> bytes:
        """The bytes of every object finished so far (call between pages)."""
        self._write_finished(hold=True)
        return self._take()

    def format(self) -> bytes:
        """The rest of the file: what was held back, the cross-reference table and the
        trailer. Called by ``canvas.getpdfdata()`` once the last page is done."""
        self.encrypt.prepare(self)
        catalog, info = self.Reference(self.Catalog), self.Reference(self.info)
        held, self._held = self._held, []
        for name in held:
            self._write(name)
        self._write_finished(hold=False)
        ids = [self.numberToId[number] for number in range(1, self.objectcounter + 1)]
        xref = pdfdoc.PDFCrossReferenceTable()
        xref.addsection(0, ids)
        xref_offset = self._file.add(xref.format(self))
        trailer = pdfdoc.PDFTrailer(
            startxref=xref_offset, Size=len(ids) + 1, Root=catalog, Info=info, ID=self.ID()
        )
        self._file.add(trailer.format(self))
        return self._take()


def streaming_canvas(*, pagesize, title: str, author: str) -> tuple[Canvas, StreamingDocument]:
    """A canvas drawing into a StreamingDocument: after each ``showPage()`` call
    ``document.flush()`` for the bytes so far, at the end ``canvas.getpdfdata()`` for the
    rest."""
    canvas = Canvas(io.BytesIO(), pagesize=pagesize, pageCompression=1, pdfVersion=PDF_VERSION)
    document = StreamingDocument(
        compression=1, invariant=canvas._doc.invariant, pdfVersion=PDF_VERSION
    )
    canvas._doc = document
    canvas._make_preamble()  # again: it named the initial font in the replaced document
    canvas.setTitle(title)
    canvas.setAuthor(author)
    return canvas, document


def pages_stream(
    canvas: Canvas, document: StreamingDocument, pages: Iterator[None]
) -> Iterator[bytes]:
    """Run ``pages`` (a generator that draws one page per step, without ``showPage()``) and
    yield the PDF as each page is finished. Every page is drawn in the language active when
    this is called: the response is read later, maybe in another thread."""
    language = translation.get_language()

    def stream():
        while True:
            with translation.override(language):
                if next(pages, FINISHED) is FINISHED:
                    break
                canvas.showPage()
                data = document.flush()
            if data:
                yield data
        yield canvas.getpdfdata()

    return stream()
