"""What every question-bank file reader shares: the result of reading a file (questions,
errors, unsupported items) and the clean-up of texts and category paths written by other
systems.

Readers are pure: they never touch the database. ``exams.services.imports`` checks
duplicates and writes.
"""

import re
from dataclasses import dataclass, field
from html import unescape
from html.parser import HTMLParser
from typing import Any

from django.utils.translation import gettext as _

from exams.content import QuestionInput
from exams.models import PATH_SEPARATOR, Question
from exams.services.questions import question_input_from_version

MAX_ITEMS = 50_000
MAX_CATEGORY_NAME_LENGTH = 100
MAX_CATEGORY_PATH_LENGTH = 500

# Moodle writes a context before the path (``$course$/top/Fire safety``); the bank has no
# contexts, so they and Moodle's ``top`` node are dropped.
_MOODLE_CONTEXTS = ("$course$", "$system$", "$module$", "$cat1$", "$quiz$", "$coursecategory$")


@dataclass
class ImportIssue:
    """One problem with a file: ``row`` is the spreadsheet row, or the 1-based question
    number in a Moodle XML or GIFT file (None for the whole file); ``field`` the column or
    element (None for the whole row or file)."""

    row: int | None
    field: str | None
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass
class UnsupportedItem:
    """A question of a type the bank cannot hold, skipped only when the user confirms."""

    row: int
    type: str
    name: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "type": self.type, "name": self.name}


@dataclass
class ParsedQuestion:
    """A valid question read from a file, with where it was (row or question number) and
    the name the file gave it (Moodle XML and GIFT; empty for Excel)."""

    row: int
    data: QuestionInput
    name: str = ""


@dataclass
class ParsedBank:
    questions: list[ParsedQuestion] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)
    unsupported: list[UnsupportedItem] = field(default_factory=list)


def export_input(question: Question | QuestionInput) -> QuestionInput:
    """What an export writes for a question (with category, current version and options
    loaded): its current version as input. An input is written as it is."""
    if isinstance(question, QuestionInput):
        return question
    return question_input_from_version(question, question.current_version)


def default_category_path() -> str:
    """Where questions go when the file names no category (GIFT and Moodle XML files often
    do not)."""
    return _("Imported")


def clean_category_path(path: str) -> str:
    """A category path as the bank writes it: ``A/B``, with Moodle's context prefix and
    ``top`` node removed and empty parts dropped (Moodle writes a slash inside a name as
    ``//``; the bank's names have none, so the name is split there)."""
    parts = [part.strip() for part in (path or "").split(PATH_SEPARATOR)]
    parts = [part for part in parts if part]
    if parts and parts[0].lower() in _MOODLE_CONTEXTS:
        parts = parts[1:]
    if parts and parts[0] == "top":
        parts = parts[1:]
    return PATH_SEPARATOR.join(parts)


def category_path_error(path: str) -> str | None:
    """Why a cleaned category path cannot be a path of the bank, or None."""
    if len(path) > MAX_CATEGORY_PATH_LENGTH:
        return _("The category path has more than %d characters.") % MAX_CATEGORY_PATH_LENGTH
    for name in path.split(PATH_SEPARATOR):
        if len(name) > MAX_CATEGORY_NAME_LENGTH:
            return _("The category name “%(name)s” has more than %(max)d characters.") % {
                "name": name[:40] + "…",
                "max": MAX_CATEGORY_NAME_LENGTH,
            }
    return None


_BLOCK_TAGS = {
    "p",
    "div",
    "br",
    "li",
    "tr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "blockquote",
    "pre",
    "table",
    "ul",
    "ol",
}
_SKIPPED_TAGS = {"script", "style", "head", "title"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in _SKIPPED_TAGS:
            self.skipping += 1
        elif tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in _BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in _SKIPPED_TAGS:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCK_TAGS and tag != "br":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skipping:
            # As a browser shows it: a run of spaces or line breaks in the source is one space.
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html: str) -> str:
    """HTML as the plain text a browser would show: tags dropped, entities decoded,
    paragraphs and line breaks kept as line breaks, other runs of white space made one
    space."""
    if "<" not in html and "&" not in html:
        return _tidy_lines(re.sub(r"[ \t\r\n]+", " ", html))
    extractor = _TextExtractor()
    extractor.feed(html)
    extractor.close()
    return _tidy_lines(unescape("".join(extractor.parts)).replace("\xa0", " "))


def _tidy_lines(text: str) -> str:
    lines = [re.sub(r" {2,}", " ", line).strip() for line in text.split("\n")]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
