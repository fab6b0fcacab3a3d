"""Importing a question bank from Excel, Moodle XML or GIFT: all or nothing, with a preview.

The file formats are read by ``exams.formats`` (pure); this module finds duplicates against
the bank, and writes the categories, the questions and the audit entries in one transaction.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record
from exams.content import QuestionInput, fingerprint
from exams.formats.excel import parse_xlsx
from exams.formats.gift import parse_gift
from exams.formats.moodle import parse_moodle_xml
from exams.formats.parsing import ImportIssue, ParsedBank, ParsedQuestion, UnsupportedItem
from exams.models import OPTION_LETTERS, PATH_SEPARATOR, Question, QuestionCategory, QuestionType
from exams.services.categories import categories_ensure_paths
from exams.services.questions import questions_bulk_create

MAX_FILE_SIZE = 20 * 1024 * 1024
FORMATS = ("xlsx", "moodle_xml", "gift")
_ENDINGS = {".xlsx": "xlsx", ".xml": "moodle_xml", ".gift": "gift", ".txt": "gift"}
_READERS = {"xlsx": parse_xlsx, "moodle_xml": parse_moodle_xml, "gift": parse_gift}
_PREVIEW_TEXT = 120

__all__ = ["FORMATS", "MAX_FILE_SIZE", "ImportIssue", "ImportResult", "questions_import"]


@dataclass
class ImportResult:
    """What an import did, or on a dry run (or when it was refused) would do.

    ``to_create``: one preview row per question to create (``row``, ``name``, ``type``,
    ``category``, ``stem``, ``answer``). ``duplicates``: questions already in the bank or
    earlier in the file, left out (not an error). ``unsupported``: items of a type the bank
    cannot hold (``row``, ``type``, ``name``). ``needs_confirmation``: unsupported items
    were found and not confirmed, so nothing was written.
    """

    format: str = ""
    dry_run: bool = False
    created: int = 0
    to_create: list[dict[str, Any]] = field(default_factory=list)
    duplicates: list[ImportIssue] = field(default_factory=list)
    unsupported: list[dict[str, Any]] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    categories_to_create: list[str] = field(default_factory=list)
    needs_confirmation: bool = False

    @property
    def ok(self) -> bool:
        """No error and nothing waiting for confirmation: the import went (or would go)
        through."""
        return not self.errors and not self.needs_confirmation

    def as_dict(self) -> dict[str, Any]:
        return {
            "format": self.format,
            "dry_run": self.dry_run,
            "ok": self.ok,
            "created": self.created,
            "to_create": self.to_create,
            "duplicates": [issue.as_dict() for issue in self.duplicates],
            "unsupported": self.unsupported,
            "errors": [issue.as_dict() for issue in self.errors],
            "categories_to_create": self.categories_to_create,
            "needs_confirmation": self.needs_confirmation,
        }


def import_format(*, filename: str, format: str = "") -> str | None:
    """The format asked for, or the one the file name's ending names; None when neither
    says."""
    if format:
        return format if format in FORMATS else None
    name = (filename or "").lower()
    for ending, kind in _ENDINGS.items():
        if name.endswith(ending):
            return kind
    return None


def answer_summary(data: QuestionInput) -> str:
    """The key in a few characters, for the preview table: ``B``, ``ACD``, ``True``,
    ``2 / two | 119``, or the start of a reference answer."""
    if data.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "".join(
            OPTION_LETTERS[position]
            for position, option in enumerate(data.options)
            if option.correct and position < len(OPTION_LETTERS)
        )
    if data.type == QuestionType.TRUE_FALSE:
        return next((option.text for option in data.options if option.correct), "")
    if data.type == QuestionType.FILL_BLANK:
        text = " | ".join(" / ".join(blank) for blank in data.blanks)
        if data.numeric_tolerance is not None:
            text += f" (± {data.numeric_tolerance})"
        return _shorten(text)
    return _shorten(data.reference_answer)


def _shorten(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _PREVIEW_TEXT else text[: _PREVIEW_TEXT - 1] + "…"


def _preview(item: ParsedQuestion) -> dict[str, Any]:
    return {
        "row": item.row,
        "name": item.name,
        "type": str(item.data.type),
        "category": item.data.category_path,
        "stem": _shorten(item.data.stem),
        "answer": answer_summary(item.data),
    }


def _normal_path(path: str) -> str:
    return PATH_SEPARATOR.join(part.strip() for part in path.split(PATH_SEPARATOR) if part.strip())


def _prefixes(path: str) -> list[str]:
    parts = path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def _sort_out(parsed: ParsedBank, result: ImportResult) -> list[tuple[str, ParsedQuestion]]:
    """The questions to create (with their category path), after leaving out duplicates.
    Two queries whatever the size of the file: the categories, then the fingerprints of
    the questions in them."""
    for item in parsed.questions:
        item.data.category_path = _normal_path(item.data.category_path)
    paths = {item.data.category_path for item in parsed.questions}
    every_prefix = {prefix for path in paths for prefix in _prefixes(path)}
    existing = dict(
        QuestionCategory.objects.filter(path__in=every_prefix).values_list("path", "id")
    )
    result.categories_to_create = sorted(every_prefix - set(existing))
    in_bank: dict[tuple[str, str], int] = {}
    category_ids = [existing[path] for path in paths if path in existing]
    if category_ids:
        for path, print_, pk in (
            Question.objects.filter(category_id__in=category_ids, retired_at__isnull=True)
            .order_by("id")
            .values_list("category__path", "fingerprint", "id")
        ):
            in_bank.setdefault((path, print_), pk)
    seen: dict[tuple[str, str], int] = {}
    keep = []
    for item in parsed.questions:
        key = (item.data.category_path, fingerprint(item.data))
        if key in in_bank:
            result.duplicates.append(
                ImportIssue(
                    item.row,
                    "stem",
                    _(
                        "Question #%(id)d in “%(category)s” already has this stem and these "
                        "options; this one is left out."
                    )
                    % {"id": in_bank[key], "category": key[0]},
                )
            )
        elif key in seen:
            result.duplicates.append(
                ImportIssue(
                    item.row,
                    "stem",
                    _("Same question as %(row)d in “%(category)s”; this one is left out.")
                    % {"row": seen[key], "category": key[0]},
                )
            )
        else:
            seen[key] = item.row
            keep.append((item.data.category_path, item))
    return keep


def _unsupported_dicts(items: list[UnsupportedItem]) -> list[dict[str, Any]]:
    return [item.as_dict() for item in items]


def questions_import(
    *,
    actor,
    data: bytes,
    filename: str = "",
    format: str = "",
    dry_run: bool = False,
    confirm_unsupported: bool = False,
) -> ImportResult:
    """Add the questions of an Excel (.xlsx), Moodle XML or GIFT file to the bank, all or
    nothing.

    ``format`` is ``xlsx``, ``moodle_xml`` or ``gift``; without it the file name's ending
    decides (.xlsx, .xml, .gift or .txt). Every question is read and checked first; with
    any error nothing is written and each error names the row (spreadsheet row, or question
    number in the file), the field and the reason. Refuses a file over 20 MB or with more
    than 50,000 questions. Questions already in the same category of the bank (same type,
    stem and options), or earlier in the file, are reported as duplicates and left out.
    Questions of a type the bank cannot hold are listed, and nothing is written until the
    caller confirms skipping them (``confirm_unsupported``). Missing categories are created.
    ``dry_run`` reads, checks and previews, and writes nothing. On success one audit entry
    per question (``question.imported``) and one for the import (``question_bank.imported``).
    """
    kind = import_format(filename=filename, format=format)
    result = ImportResult(format=kind or format, dry_run=dry_run)
    if kind is None:
        message = (
            _("Unknown import format “%s”: use xlsx, moodle_xml or gift.") % format
            if format
            else _("Name the format, or upload an .xlsx, .xml (Moodle XML) or .gift file.")
        )
        result.errors.append(ImportIssue(None, "format", message))
        return result
    if len(data) > MAX_FILE_SIZE:
        result.errors.append(
            ImportIssue(
                None,
                "file",
                _("The file is larger than %d MB.") % (MAX_FILE_SIZE // (1024 * 1024)),
            )
        )
        return result
    if not data:
        result.errors.append(ImportIssue(None, "file", _("The file is empty.")))
        return result

    parsed = _READERS[kind](data)
    result.unsupported = _unsupported_dicts(parsed.unsupported)
    if parsed.errors:
        result.errors = parsed.errors
        return result
    keep = _sort_out(parsed, result)
    result.to_create = [_preview(item) for _path, item in keep]
    result.needs_confirmation = bool(parsed.unsupported) and not confirm_unsupported
    if dry_run or result.needs_confirmation or not keep:
        return result
    try:
        result.created = _write(
            actor=actor,
            keep=keep,
            audit_after={
                "format": kind,
                "filename": filename,
                "duplicates": len(result.duplicates),
                "unsupported_skipped": len(parsed.unsupported),
            },
        )
    except ValidationError as error:
        # A category the bank refuses; the transaction has rolled back.
        result.errors = [ImportIssue(None, "category", message) for message in error.messages]
        result.created = 0
    return result


@transaction.atomic
def _write(*, actor, keep: list[tuple[str, ParsedQuestion]], audit_after: dict) -> int:
    categories = categories_ensure_paths(actor=actor, paths=sorted({path for path, _i in keep}))
    created = questions_bulk_create(
        actor=actor,
        items=[(categories[path], item.data) for path, item in keep],
        audit_action="question.imported",
    )
    audit_record(
        actor=actor,
        action="question_bank.imported",
        target=None,
        after={
            "format": audit_after["format"],
            "filename": audit_after["filename"],
            "created": len(created),
            "duplicates": audit_after["duplicates"],
            "unsupported_skipped": audit_after["unsupported_skipped"],
        },
    )
    return len(created)
