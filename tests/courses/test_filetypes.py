"""Material uploads are recognised by their content: the accepted types, the name's ending,
and everything refused (HTML, SVG, scripts, programs, archives, macros). The small sample
files built here are used by the other material and study tests too."""

import io
import struct
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from core.excel import build_xlsx
from courses import filetypes

# Sample files --------------------------------------------------------------------------------

PDF = (
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
MP4 = (
    struct.pack(">I", 24)
    + b"ftypisom"
    + struct.pack(">I", 512)
    + b"isomiso2"
    + struct.pack(">I", 8)
    + b"free"
    + struct.pack(">I", 8 + 4096)
    + b"mdat"
    + bytes(range(256)) * 16
)
HTML = b"<!DOCTYPE html>\n<html><body><script>alert(document.cookie)</script></body></html>\n"
SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n'
)
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 50 + b"This program cannot be run in DOS mode"
)
SCRIPT = b"#!/bin/sh\necho owned\n"


def _zip(files: dict[str, bytes]) -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return stream.getvalue()


def docx_bytes(*, macro: bool = False) -> bytes:
    files = {
        "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
        "_rels/.rels": b'<?xml version="1.0"?><Relationships/>',
        "word/document.xml": b'<?xml version="1.0"?><w:document/>',
    }
    if macro:
        files["word/vbaProject.bin"] = b"\xd0\xcf\x11\xe0"
    return _zip(files)


def pptx_bytes() -> bytes:
    return _zip(
        {
            "[Content_Types].xml": b'<?xml version="1.0"?><Types/>',
            "ppt/presentation.xml": b'<?xml version="1.0"?><p:presentation/>',
        }
    )


def xlsx_bytes() -> bytes:
    return build_xlsx(sheet_title="Sheet", header=["a"], rows=[[1]])


def image_bytes(format_name: str) -> bytes:
    stream = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(stream, format=format_name)
    return stream.getvalue()


def ole2_bytes(stream_name: str) -> bytes:
    """A minimal compound file: header, one directory sector (root entry and one stream
    entry named ``stream_name``) and one FAT sector."""
    header = bytearray(512)
    header[0:8] = filetypes.OLE2_MAGIC
    struct.pack_into("<HH", header, 0x18, 0x3E, 3)  # minor and major version
    struct.pack_into("<H", header, 0x1C, 0xFFFE)  # little endian
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<I", header, 0x2C, 1)  # one FAT sector
    struct.pack_into("<I", header, 0x30, 0)  # the directory starts at sector 0
    difat = [1] + [0xFFFFFFFF] * 108
    struct.pack_into("<109I", header, 0x4C, *difat)

    def entry(name: str, kind: int) -> bytes:
        data = bytearray(128)
        encoded = (name + "\0").encode("utf-16-le")
        data[: len(encoded)] = encoded
        struct.pack_into("<H", data, 64, len(encoded))
        data[66] = kind
        return bytes(data)

    directory = entry("Root Entry", 5) + entry(stream_name, 2) + bytes(256)
    fat = struct.pack("<II", 0xFFFFFFFE, 0xFFFFFFFD) + b"\xff" * 504
    return bytes(header) + directory + fat


def upload(name: str, data: bytes, content_type: str = "application/octet-stream"):
    return SimpleUploadedFile(name, data, content_type=content_type)


# Accepted types ------------------------------------------------------------------------------

ACCEPTED = [
    ("handout.pdf", lambda: PDF, "application/pdf"),
    ("HANDOUT.PDF", lambda: PDF, "application/pdf"),
    (
        "lesson-plan.docx",
        docx_bytes,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "scores.xlsx",
        xlsx_bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    (
        "slides.pptx",
        pptx_bytes,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    ("old.doc", lambda: ole2_bytes("WordDocument"), "application/msword"),
    ("old.xls", lambda: ole2_bytes("Workbook"), "application/vnd.ms-excel"),
    ("old.ppt", lambda: ole2_bytes("PowerPoint Document"), "application/vnd.ms-powerpoint"),
    ("sign.png", lambda: image_bytes("PNG"), "image/png"),
    ("photo.jpg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("photo.jpeg", lambda: image_bytes("JPEG"), "image/jpeg"),
    ("anim.gif", lambda: image_bytes("GIF"), "image/gif"),
    ("modern.webp", lambda: image_bytes("WEBP"), "image/webp"),
    ("case.mp4", lambda: MP4, "video/mp4"),
    ("case.m4v", lambda: MP4, "video/mp4"),
    ("安全生产法.pdf", lambda: PDF, "application/pdf"),
]


@pytest.mark.parametrize(("name", "data", "content_type"), ACCEPTED, ids=[a[0] for a in ACCEPTED])
def test_accepted_types(name, data, content_type):
    file_type = filetypes.check_material_file(upload(name, data()))
    assert file_type.content_type == content_type


def test_the_browsers_claimed_type_is_ignored():
    file_type = filetypes.check_material_file(upload("handout.pdf", PDF, "text/html"))
    assert file_type.content_type == "application/pdf"


@pytest.mark.parametrize(
    "brand_box",
    [
        b"ftypmp42\x00\x00\x00\x00mp42isom",
        b"ftypavc1\x00\x00\x00\x00avc1isom",
        b"ftypM4V \x00\x00\x00\x00M4V M4A ",
        b"ftypdash\x00\x00\x00\x00iso6mp41",  # an unlisted major brand, compatible with MP4
    ],
)
def test_mp4_brands(brand_box):
    data = struct.pack(">I", 8 + len(brand_box)) + brand_box + b"\x00" * 64
    assert filetypes.check_material_file(upload("v.mp4", data)).key == "mp4"


# Refused content -----------------------------------------------------------------------------


def refusal(name: str, data: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        filetypes.check_material_file(upload(name, data))
    return " ".join(caught.value.messages)


def test_html_renamed_to_pdf_is_refused_naming_what_it_is():
    message = refusal("handout.pdf", HTML)
    assert "named .pdf but its content is not a PDF" in message
    assert "HTML files are not accepted" in message


@pytest.mark.parametrize(
    "data",
    [
        b"   \n<html><head><title>x</title></head></html>",
        b"\xef\xbb\xbf<!doctype html><p>hello",
        "<html><body>你好</body></html>".encode("utf-16"),
        b"Some words first, then <script>alert(1)</script>",
    ],
    ids=["leading-space", "utf8-bom", "utf16", "script-tag"],
)
def test_html_in_its_disguises_is_refused(data):
    assert "HTML files are not accepted" in refusal("page.pdf", data)


def test_an_exe_renamed_to_pdf_is_refused():
    message = refusal("handout.pdf", EXE)
    assert "not a PDF" in message
    assert "Programs (executable files) are not accepted" in message


@pytest.mark.parametrize("name", ["drawing.svg", "drawing.png", "drawing.pdf", "drawing"])
def test_svg_is_refused_whatever_its_name(name):
    assert "SVG images are not accepted" in refusal(name, SVG)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("run.pdf", SCRIPT, "Scripts are not accepted"),
        ("data.xml", b'<?xml version="1.0"?><root/>', "XML files are not accepted"),
        ("notes.txt", "安全第一\n".encode(), "Plain text files are not accepted"),
        ("bundle.zip", _zip({"a.txt": b"a"}), "Archives"),
        ("fake.docx", _zip({"word/document.xml": b"x"}), "Archives"),
        ("macro.docx", docx_bytes(macro=True), "Office files with macros are not accepted"),
        ("setup.doc", ole2_bytes("SummaryInformation"), "not a Word, Excel or PowerPoint"),
        ("elf.pdf", b"\x7fELF\x02\x01\x01" + b"\x00" * 64, "Programs"),
        ("archive.pdf", b"Rar!\x1a\x07\x00" + b"\x00" * 32, "Archives"),
        ("movie.mp4", struct.pack(">I", 20) + b"ftypqt  \x00\x00\x00\x00qt  ", "QuickTime"),
        ("photo.mp4", struct.pack(">I", 24) + b"ftypheic\x00\x00\x00\x00mif1heic", "not accepted"),
        ("random.bin", bytes([0, 1, 2, 250, 251, 252]) * 100, "This type of file is not"),
    ],
)
def test_other_types_are_refused(name, data, expected):
    assert expected in refusal(name, data)


def test_empty_file_is_refused():
    assert "The file is empty" in refusal("empty.pdf", b"")


def test_a_file_over_the_limit_is_refused(settings):
    settings.MAX_UPLOAD_SIZE = 100
    assert "at most 100" in refusal("big.pdf", PDF + b"x" * 200)


# The name must agree with the content --------------------------------------------------------


def test_a_pdf_named_docx_is_refused_saying_what_it_is():
    message = refusal("lesson.docx", PDF)
    assert "named .docx but its content is not a Word document: it is a PDF" in message
    assert ".pdf" in message


def test_a_pdf_with_an_unknown_ending_is_refused():
    assert "Rename it to end in .pdf" in refusal("lesson.txt", PDF)


def test_a_file_without_ending_is_refused():
    assert "has no ending" in refusal("lesson", PDF)


def test_an_old_word_document_named_xls_is_refused():
    assert "not an old Excel workbook" in refusal("old.xls", ole2_bytes("WordDocument"))


def test_detection_leaves_the_file_at_its_start():
    file = upload("lesson.docx", docx_bytes())
    filetypes.detect_file_type(file)
    assert file.tell() == 0


# Names and sending ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("安全生产法.pdf", "安全生产法.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\me\\plan.docx", "plan.docx"),
        ("bad\x00name\n.pdf", "bad_name_.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("", "file"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_clean_original_name(given, kept):
    assert filetypes.clean_original_name(given) == kept


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("", None),
        ("bytes=0-99", (0, 99)),
        ("bytes=100-", (100, 999)),
        ("bytes=-100", (900, 999)),
        ("bytes=990-2000", (990, 999)),
        ("bytes=1000-", False),
        ("bytes=-0", False),
        ("bytes=0-1,5-6", None),
        ("items=0-1", None),
        ("bytes=9-3", None),
    ],
)
def test_parse_range(header, expected):
    assert filetypes.parse_range(header, 1000) == expected


def test_safe_content_type_never_passes_html_or_svg():
    assert filetypes.safe_content_type("text/html") == "application/octet-stream"
    assert filetypes.safe_content_type("image/svg+xml") == "application/octet-stream"
    assert filetypes.safe_content_type("application/pdf") == "application/pdf"


def test_video_response_refuses_to_send_anything_but_mp4_inline():
    response = filetypes.video_response(
        io.BytesIO(PDF), size=len(PDF), filename="x.pdf", content_type="application/pdf"
    )
    assert response["Content-Disposition"].startswith("attachment;")
