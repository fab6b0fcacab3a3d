"""The file types accepted as course material, how they are recognised and how they are sent.

A file is recognised by its content (its first bytes, and for Office files the archive or
compound-file directory inside), never by its name or the browser's claimed type; the name's
ending must then agree with what the content is. Everything not on the list is refused, and
HTML, SVG, XML, scripts, programs and archives are always refused: a browser could run them.

Files go back as downloads (``Content-Disposition: attachment``) with the type recognised at
upload and ``X-Content-Type-Options: nosniff``. The one exception is ``video_response``: an
MP4 video is also sent ``inline`` so that the self-study page's ``<video>`` element can play
it, and only an MP4 (the type is checked again when sending): a video cannot run script in the
page, whereas HTML or SVG could, and those can never be uploaded in the first place.
"""

import hashlib
import os
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.http import content_disposition
from core.uploads import check_upload_size

OCTET_STREAM = "application/octet-stream"
MP4_CONTENT_TYPE = "video/mp4"
# How much of the start of a file the checks look at.
HEAD_SIZE = 64 * 1024


@dataclass(frozen=True)
class FileType:
    """An accepted type: its key, what to call it, its content type and the name endings
    that may carry it (the first is the usual one)."""

    key: str
    name: str  # with article, for messages: "a PDF"
    content_type: str
    extensions: tuple[str, ...]

    @property
    def is_video(self) -> bool:
        return self.content_type == MP4_CONTENT_TYPE


ACCEPTED_TYPES: dict[str, FileType] = {
    t.key: t
    for t in [
        FileType("pdf", gettext_lazy("a PDF"), "application/pdf", (".pdf",)),
        FileType(
            "docx",
            gettext_lazy("a Word document"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            (".docx",),
        ),
        FileType(
            "xlsx",
            gettext_lazy("an Excel workbook"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            (".xlsx",),
        ),
        FileType(
            "pptx",
            gettext_lazy("a PowerPoint presentation"),
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            (".pptx",),
        ),
        FileType("doc", gettext_lazy("an old Word document"), "application/msword", (".doc",)),
        FileType(
            "xls", gettext_lazy("an old Excel workbook"), "application/vnd.ms-excel", (".xls",)
        ),
        FileType(
            "ppt",
            gettext_lazy("an old PowerPoint presentation"),
            "application/vnd.ms-powerpoint",
            (".ppt",),
        ),
        FileType("png", gettext_lazy("a PNG image"), "image/png", (".png",)),
        FileType("jpeg", gettext_lazy("a JPEG image"), "image/jpeg", (".jpg", ".jpeg")),
        FileType("gif", gettext_lazy("a GIF image"), "image/gif", (".gif",)),
        FileType("webp", gettext_lazy("a WebP image"), "image/webp", (".webp",)),
        FileType("mp4", gettext_lazy("an MP4 video"), MP4_CONTENT_TYPE, (".mp4", ".m4v")),
    ]
}
ACCEPTED_CONTENT_TYPES = frozenset(t.content_type for t in ACCEPTED_TYPES.values())
ACCEPTED_EXTENSIONS = tuple(ext for t in ACCEPTED_TYPES.values() for ext in t.extensions)
TYPE_BY_EXTENSION = {ext: t for t in ACCEPTED_TYPES.values() for ext in t.extensions}

# What is recognised but never accepted, with the sentence that says so.
REFUSED_KINDS = {
    "html": gettext_lazy("HTML files are not accepted."),
    "svg": gettext_lazy("SVG images are not accepted."),
    "xml": gettext_lazy("XML files are not accepted."),
    "script": gettext_lazy("Scripts are not accepted."),
    "executable": gettext_lazy("Programs (executable files) are not accepted."),
    "archive": gettext_lazy("Archives (ZIP, RAR, 7-Zip, gzip) are not accepted."),
    "macro": gettext_lazy("Office files with macros are not accepted."),
    "ole_other": gettext_lazy(
        "The file is an Office compound file, but not a Word, Excel or PowerPoint document."
    ),
    "quicktime": gettext_lazy("QuickTime videos are not accepted; convert the video to MP4."),
    "text": gettext_lazy("Plain text files are not accepted; save the text as a PDF."),
    "unknown": gettext_lazy(
        "This type of file is not accepted. Accepted are PDF, Word, Excel and PowerPoint "
        "files, PNG, JPEG, GIF and WebP images and MP4 videos."
    ),
}


@dataclass(frozen=True)
class Detected:
    """What the content is: an accepted type, or the key of a refused kind."""

    accepted: FileType | None = None
    refused: str = ""


# Recognising content ----------------------------------------------------------------------

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"M4VP"}
)
# ISO BMFF files that are not MP4 video: images (HEIF, AVIF) and QuickTime.
NOT_MP4_BRANDS = frozenset({b"qt  ", b"heic", b"heix", b"mif1", b"msf1", b"avif", b"crx "})
EXECUTABLE_MAGIC = (
    b"MZ",  # Windows (PE)
    b"\x7fELF",  # Linux
    b"\xfe\xed\xfa\xce",  # macOS (Mach-O)
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",  # universal Mach-O or a Java class
    b"\x00asm",  # WebAssembly
    b"dex\n",  # Android
)
ARCHIVE_MAGIC = (
    b"Rar!\x1a\x07",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",  # gzip
    b"BZh",
    b"\xfd7zXZ\x00",
    b"MSCF",  # Windows cabinet
)
HTML_MARKERS = re.compile(
    rb"<\s*(!doctype\s+html|html|head|body|script|iframe|frameset|object|embed|meta|"
    rb"link|style|title|a\s|img\s|form|div|table|p>|br|h1)",
    re.IGNORECASE,
)
XML_START = re.compile(rb"^\s*<(\?xml|!--|!doctype|[a-z_:][-\w.:]*)", re.IGNORECASE)


def _text_of(head: bytes) -> bytes | None:
    """The head as lower-case ASCII-compatible bytes when it looks like text, else None."""
    for bom, encoding in (
        (b"\xef\xbb\xbf", "utf-8"),
        (b"\xff\xfe", "utf-16-le"),
        (b"\xfe\xff", "utf-16-be"),
    ):
        if head.startswith(bom):
            try:
                text = head[len(bom) :].decode(encoding, errors="ignore")
            except LookupError:  # pragma: no cover
                return None
            return text.encode("utf-8", errors="ignore").lower()
    sample = head[:4096]
    if b"\x00" in sample:
        return None
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        if error.start < len(sample) - 4:
            return None
    return head.lower()


def _ole2_kind(read_at) -> str:
    """ "doc", "xls" or "ppt" from the stream names in an OLE2 compound file's directory, or
    "" when none is found. Follows the directory's sector chain through the FAT (as far as
    the header's own list of FAT sectors reaches, which covers files of several MB and,
    since the directory is written early, the directory of nearly every larger one)."""
    header = read_at(0, 512)
    if len(header) < 512:
        return ""
    sector_shift = struct.unpack_from("<H", header, 0x1E)[0]
    if sector_shift not in (9, 12):
        return ""
    sector_size = 1 << sector_shift
    first_directory = struct.unpack_from("<I", header, 0x30)[0]
    fat_sectors = [s for s in struct.unpack_from("<109I", header, 0x4C) if s < 0xFFFFFFFA]
    entries_per_fat_sector = sector_size // 4

    def next_sector(sector: int) -> int:
        index, offset = divmod(sector, entries_per_fat_sector)
        if index >= len(fat_sectors):
            return 0xFFFFFFFE
        data = read_at((fat_sectors[index] + 1) * sector_size + offset * 4, 4)
        return struct.unpack("<I", data)[0] if len(data) == 4 else 0xFFFFFFFE

    names = set()
    sector, seen = first_directory, set()
    while sector < 0xFFFFFFFA and sector not in seen and len(seen) < 256:
        seen.add(sector)
        data = read_at((sector + 1) * sector_size, sector_size)
        for start in range(0, len(data) - 127, 128):
            length = struct.unpack_from("<H", data, start + 64)[0]
            if 2 <= length <= 64:
                names.add(data[start : start + length - 2].decode("utf-16-le", errors="ignore"))
        if {"WordDocument", "Workbook", "Book", "PowerPoint Document"} & names:
            break
        sector = next_sector(sector)
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    if "PowerPoint Document" in names:
        return "ppt"
    return ""


def _zip_kind(upload) -> str:
    """ "docx", "xlsx", "pptx", "macro" or "archive" for a ZIP file."""
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return "archive"
    finally:
        upload.seek(0)
    if "[Content_Types].xml" not in names:
        return "archive"
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        return "macro"
    for prefix, key in (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx")):
        if any(name.startswith(prefix) for name in names):
            return key
    return "archive"


def _mp4_kind(head: bytes) -> str:
    """ "mp4", "quicktime" or "" for an ISO base media file (an 'ftyp' box at offset 4)."""
    box_size = struct.unpack(">I", head[:4])[0]
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, min(box_size, len(head), 256) - 3, 4)}
    if major == b"qt  ":
        return "quicktime"
    if major in MP4_BRANDS:
        return "mp4"
    if major not in NOT_MP4_BRANDS and compatible & MP4_BRANDS:
        return "mp4"
    return ""


def detect_file_type(upload) -> Detected:
    """Recognise a file by its content. ``upload`` is a readable, seekable file (an upload
    or a stored file); its position is left at the start."""
    upload.seek(0)
    head = upload.read(HEAD_SIZE)
    upload.seek(0)

    def read_at(offset: int, size: int) -> bytes:
        upload.seek(offset)
        data = upload.read(size)
        upload.seek(0)
        return data

    def accepted(key: str) -> Detected:
        return Detected(accepted=ACCEPTED_TYPES[key])

    if head.startswith(b"%PDF-"):
        return accepted("pdf")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return accepted("png")
    if head.startswith(b"\xff\xd8\xff"):
        return accepted("jpeg")
    if head.startswith((b"GIF87a", b"GIF89a")):
        return accepted("gif")
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return accepted("webp")
    if len(head) >= 12 and head[4:8] == b"ftyp":
        kind = _mp4_kind(head)
        if kind == "mp4":
            return accepted("mp4")
        return Detected(refused=kind or "unknown")
    if head.startswith(OLE2_MAGIC):
        kind = _ole2_kind(read_at)
        return accepted(kind) if kind else Detected(refused="ole_other")
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(upload)
        return accepted(kind) if kind in ACCEPTED_TYPES else Detected(refused=kind)
    if head.startswith(EXECUTABLE_MAGIC):
        return Detected(refused="executable")
    if head.startswith(ARCHIVE_MAGIC) or head.startswith((b"PK\x05\x06", b"PK\x07\x08")):
        return Detected(refused="archive")
    text = _text_of(head)
    if text is None:
        return Detected(refused="unknown")
    stripped = text.lstrip()
    if stripped.startswith(b"#!"):
        return Detected(refused="script")
    if b"<svg" in text[:HEAD_SIZE] and XML_START.match(stripped):
        return Detected(refused="svg")
    if HTML_MARKERS.search(text[:4096]):
        return Detected(refused="html")
    if XML_START.match(stripped):
        return Detected(refused="xml")
    return Detected(refused="text")


# Checking an upload -----------------------------------------------------------------------


def extension_of(filename: str) -> str:
    return os.path.splitext(filename or "")[1].lower()


def check_material_file(upload) -> FileType:
    """The accepted type of an upload, or ValidationError with a message that says what the
    file was found to be. Refuses an empty file, a file over ``settings.MAX_UPLOAD_SIZE``, a
    type not on the list and a name whose ending disagrees with the content."""
    check_upload_size(upload, settings.MAX_UPLOAD_SIZE)
    detected = detect_file_type(upload)
    extension = extension_of(upload.name)
    claimed = TYPE_BY_EXTENSION.get(extension)
    if detected.accepted is None:
        refusal = str(REFUSED_KINDS[detected.refused])
        if claimed is not None:
            refusal = "%s %s" % (  # noqa: UP031
                _("The file is named %(extension)s but its content is not %(expected)s.")
                % {"extension": extension, "expected": claimed.name},
                refusal,
            )
        raise ValidationError(refusal, code="type_refused")
    found = detected.accepted
    if extension in found.extensions:
        return found
    if claimed is not None:
        message = _(
            "The file is named %(extension)s but its content is not %(expected)s: it is "
            "%(found)s. Rename it to end in %(right)s, or upload the right file."
        ) % {
            "extension": extension,
            "expected": claimed.name,
            "found": found.name,
            "right": found.extensions[0],
        }
    elif extension:
        message = _(
            "The file is named %(extension)s but its content is %(found)s. Rename it to end "
            "in %(right)s."
        ) % {"extension": extension, "found": found.name, "right": found.extensions[0]}
    else:
        message = _(
            "The file name has no ending; its content is %(found)s. Rename it to end in %(right)s."
        ) % {"found": found.name, "right": found.extensions[0]}
    raise ValidationError(message, code="type_mismatch")


def file_sha256(upload: File) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_original_name(filename: str) -> str:
    """The user's file name, kept for downloads only: no folders, no control characters,
    at most 255 characters with the ending kept."""
    name = _UNSAFE_NAME.sub("_", os.path.basename((filename or "").replace("\\", "/"))).strip()
    name = name.lstrip(".") or "file"
    if len(name) > 255:
        stem, extension = os.path.splitext(name)
        name = stem[: 255 - len(extension)] + extension
    return name


# Sending files ----------------------------------------------------------------------------


def safe_content_type(content_type: str) -> str:
    """The stored type when it is one we accept; anything else goes out as a plain byte
    stream, so no browser is ever told to render it."""
    return content_type if content_type in ACCEPTED_CONTENT_TYPES else OCTET_STREAM


def download_response(file, *, filename: str, content_type: str) -> FileResponse:
    """A stored file streamed as a download with its recognised type."""
    response = FileResponse(file, content_type=safe_content_type(content_type))
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


def parse_range(header: str, size: int) -> tuple[int, int] | bool | None:
    """The (first, last) bytes of a single ``Range: bytes=`` request; None when there is no
    usable range (serve the whole file), False when it cannot be satisfied (416)."""
    match = _RANGE.match((header or "").strip())
    if not match or not (match.group(1) or match.group(2)):
        return None  # absent, several ranges or another unit: the whole file is allowed
    first, last = match.group(1), match.group(2)
    if first:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
        if last and int(last) < start:
            return None
    else:
        suffix = int(last)
        if suffix == 0:
            return False
        start, end = max(size - suffix, 0), size - 1
    if start >= size:
        return False
    return start, end


class _FileRange:
    """``length`` bytes of an open file from ``start``, read in chunks; closing it (as
    Django does with a response's content once sent, or not sent) closes the file."""

    def __init__(self, file, start: int, length: int, chunk_size: int = 64 * 1024):
        self.file, self.start, self.length, self.chunk_size = file, start, length, chunk_size

    def __iter__(self) -> Iterator[bytes]:
        self.file.seek(self.start)
        remaining = self.length
        while remaining > 0:
            chunk = self.file.read(min(self.chunk_size, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk

    def close(self) -> None:
        self.file.close()


def video_response(file, *, size: int, filename: str, content_type: str, range_header: str = ""):
    """An MP4 video for a ``<video>`` element: ``inline``, ``video/mp4``, ``nosniff``, and
    one byte range when the browser asks for it (206), which lets the player seek. Anything
    that is not an MP4 is sent as a download instead, never inline."""
    if content_type != MP4_CONTENT_TYPE:
        return download_response(file, filename=filename, content_type=content_type)
    byte_range = parse_range(range_header, size)
    disposition = content_disposition(filename).replace("attachment", "inline", 1)
    if byte_range is False:
        file.close()
        response = HttpResponse(status=416)
        response["Content-Range"] = f"bytes */{size}"
    elif byte_range is None:
        response = FileResponse(file, content_type=MP4_CONTENT_TYPE)
    else:
        start, end = byte_range
        response = StreamingHttpResponse(
            _FileRange(file, start, end - start + 1), status=206, content_type=MP4_CONTENT_TYPE
        )
        response["Content-Length"] = str(end - start + 1)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
    response["Accept-Ranges"] = "bytes"
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    return response


def accept_attribute() -> str:
    """The file input's ``accept`` list: a hint for the browser's file picker only."""
    return ",".join(ACCEPTED_EXTENSIONS)
