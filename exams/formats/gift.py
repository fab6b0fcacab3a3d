"""Question banks in GIFT, Moodle's plain-text format: reading a file into questions.

Read: ``$CATEGORY:`` lines, ``::title::``, ``// comments`` (a ``[tag:name]`` in a comment
inside a question tags it, as Moodle does), ``[html]``/``[plain]``/``[moodle]``/``[markdown]``
before the text, and the escapes ``\\: \\~ \\= \\# \\{ \\} \\\\ \\n``. Answers:

- ``{T}``, ``{F}``, ``{TRUE}``, ``{FALSE}``: true/false;
- ``{=right ~wrong}``: single choice; ``{~%50%a ~%50%b ~%-100%c}`` (no ``=``): multiple
  choice, the options with a positive weight are correct;
- ``{=a =b}``: fill in the blank, one blank accepting each full-credit answer;
- ``{#9.8:0.1}``, ``{#1..5}``, ``{#=9.8:0.1 =10:0}``: fill in the blank with a numeric
  tolerance;
- ``{}``: short answer;
- ``#feedback`` after an answer is dropped; ``####feedback`` is the explanation.

Text after the closing brace makes a "missing word" question: the braces become ``___`` in
the stem and the question keeps its type. Matching questions (``=a -> b``) and descriptions
(no braces) are reported by name as unsupported. Braces that do not balance are an error
naming the question's number and line.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from exams.content import (
    TRUE_FALSE_TEXTS,
    OptionInput,
    QuestionInput,
    clean_input,
    parse_number,
    question_input_errors,
)
from exams.formats.parsing import (
    MAX_ITEMS,
    ImportIssue,
    ParsedBank,
    ParsedQuestion,
    UnsupportedItem,
    category_path_error,
    clean_category_path,
    default_category_path,
    html_to_text,
)
from exams.models import QuestionType

# Escaped characters are swapped for private-use characters while the question is split,
# as Moodle's reader does, and put back (unescaped) in each piece of text.
_ESCAPES = {
    "\\\\": "\ue000",
    "\\~": "\ue001",
    "\\=": "\ue002",
    "\\#": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\:": "\ue006",
    "\\n": "\ue007",
}
_RESTORE = {
    "\ue000": "\\",
    "\ue001": "~",
    "\ue002": "=",
    "\ue003": "#",
    "\ue004": "{",
    "\ue005": "}",
    "\ue006": ":",
    "\ue007": "\n",
}
_PRIVATE = re.compile("[\ue000-\ue007]")
_ESCAPE = re.compile(r"\\[\\~=#{}:n]")
_FORMAT = re.compile(r"^\s*\[(html|moodle|plain|markdown)\]", re.IGNORECASE)
_TRUE_FALSE = re.compile(r"^(T|F|TRUE|FALSE)\s*(#.*)?$", re.IGNORECASE | re.DOTALL)
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_TAG = re.compile(r"\[tag:([^\]]+)\]")


class _Problem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _protect(text: str) -> str:
    return _ESCAPE.sub(lambda match: _ESCAPES[match.group(0)], _PRIVATE.sub("", text))


def _restore(text: str) -> str:
    return _PRIVATE.sub(lambda match: _RESTORE[match.group(0)], text)


def _plain(text: str, kind: str = "moodle") -> str:
    """A piece of question text as plain text: unescaped, HTML stripped when ``[html]``."""
    text = _restore(text)
    if kind == "html":
        return html_to_text(text)
    return text.strip()


@dataclass
class _Block:
    """The lines of one question (between blank lines), comments left out."""

    lines: list[tuple[int, str]] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)

    @property
    def first_line(self) -> int:
        return self.lines[0][0]

    def text(self) -> str:
        return "\n".join(text for _number, text in self.lines)

    def line_at(self, text: str, offset: int) -> int:
        """The file's line number of a character offset in ``text`` (the block's text, with
        escapes protected: line breaks are where they were)."""
        return self.lines[min(text[:offset].count("\n"), len(self.lines) - 1)][0]


def _blocks(content: str) -> list[_Block]:
    blocks, current = [], _Block()
    for number, line in enumerate(content.splitlines(), start=1):
        stripped = line.strip()
        if not stripped:
            if current.lines:
                blocks.append(current)
            current = _Block()
        elif stripped.startswith("//"):
            current.tags.extend(tag.strip() for tag in _TAG.findall(stripped) if tag.strip())
        else:
            current.lines.append((number, line))
    if current.lines:
        blocks.append(current)
    return blocks


def _decode(data: bytes) -> str | None:
    if b"\x00" in data:
        return None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _answers(text: str) -> list[tuple[str, float, str]]:
    """``=a ~%50%b#why`` -> [("=", 100, "a"), ("~", 50, "b")]: the mark, the weight and the
    text of each answer (feedback dropped; escapes still protected)."""
    answers = []
    for match in re.finditer(r"([=~])([^=~]*)", text):
        mark, body = match.group(1), match.group(2).strip()
        weight = 100.0 if mark == "=" else 0.0
        found = _WEIGHT.match(body)
        if found:
            weight = float(found.group(1))
            body = body[found.end() :].strip()
        body = body.split("#", 1)[0].strip()
        answers.append((mark, weight, body))
    return answers


def _numeric(text: str) -> QuestionInput:
    body = text[1:].strip()
    if "=" in body or "~" in body:
        pieces = [
            answer for mark, weight, answer in _answers(body) if mark == "=" and weight >= 100
        ]
    else:
        pieces = [body.split("#", 1)[0].strip()]
    accepted, tolerance = [], Decimal(0)
    for piece in pieces:
        piece = _restore(piece).strip()
        if ".." in piece:
            low, _sep, high = piece.partition("..")
            low_number, high_number = parse_number(low), parse_number(high)
            if low_number is None or high_number is None or low_number > high_number:
                raise _Problem(_("answers"), _("“%s” is not a range of numbers.") % piece)
            middle = (low_number + high_number) / 2
            accepted.append(format(middle.normalize(), "f"))
            tolerance = max(tolerance, (high_number - low_number) / 2)
            continue
        value, _sep, margin = piece.partition(":")
        if parse_number(value) is None:
            raise _Problem(_("answers"), _("“%s” is not a number.") % value.strip())
        margin_number = parse_number(margin) if margin.strip() else Decimal(0)
        if margin_number is None:
            raise _Problem(_("answers"), _("The tolerance “%s” is not a number.") % margin.strip())
        accepted.append(value.strip())
        tolerance = max(tolerance, abs(margin_number))
    return QuestionInput(
        type=QuestionType.FILL_BLANK, stem="", blanks=[accepted], numeric_tolerance=tolerance
    )


def _question_from_answers(answer_text: str) -> QuestionInput | str:
    """The question the answer part describes, or the name of an unsupported type."""
    text = answer_text.strip()
    if not text:
        return QuestionInput(type=QuestionType.SHORT_ANSWER, stem="")
    if text.startswith("#"):
        return _numeric(text)
    found = _TRUE_FALSE.match(text)
    if found:
        is_true = found.group(1).upper().startswith("T")
        return QuestionInput(
            type=QuestionType.TRUE_FALSE,
            stem="",
            options=[
                OptionInput(TRUE_FALSE_TEXTS[0], is_true),
                OptionInput(TRUE_FALSE_TEXTS[1], not is_true),
            ],
        )
    answers = _answers(text)
    if not answers:
        raise _Problem(
            _("answers"), _("The answers must start with = (right) or ~ (wrong), or be T or F.")
        )
    if any(mark == "=" and "->" in body for mark, _weight, body in answers):
        return "matching"
    if any(mark == "~" for mark, _weight, _body in answers):
        single = any(mark == "=" for mark, _weight, _body in answers)
        return QuestionInput(
            type=QuestionType.SINGLE if single else QuestionType.MULTIPLE,
            stem="",
            options=[OptionInput(_plain(body), weight > 0) for _mark, weight, body in answers],
        )
    # Only = answers: a short-answer question; partial credit is left out.
    accepted = [_plain(body) for _mark, weight, body in answers if weight >= 100]
    return QuestionInput(type=QuestionType.FILL_BLANK, stem="", blanks=[accepted])


def _read_block(block: _Block, number: int) -> tuple[QuestionInput | str, str]:
    """(the question or the name of its unsupported type, its name) from one block."""
    text = full = _protect(block.text())
    name = ""
    if text.lstrip().startswith("::"):
        start = text.index("::") + 2
        end = text.find("::", start)
        if end < 0:
            raise _Problem(
                _("title"),
                _("Question %(number)d (line %(line)d): the title has no closing ::.")
                % {"number": number, "line": block.first_line},
            )
        name = " ".join(_restore(text[start:end]).split())
        text = text[end + 2 :]
    kind = "moodle"
    found = _FORMAT.match(text)
    if found:
        kind = found.group(1).lower()
        text = text[found.end() :]
    opens = [m.start() for m in re.finditer(r"\{", text)]
    closes = [m.start() for m in re.finditer(r"\}", text)]
    if not opens and not closes:
        return "description", name or _short(_plain(text, kind))
    if len(opens) != 1 or len(closes) != 1 or closes[0] < opens[0]:
        where = (opens + closes)[1] if len(opens + closes) > 1 else (opens + closes)[0]
        offset = len(full) - len(text) + where
        raise _Problem(
            _("answers"),
            _(
                "Question %(number)d (line %(line)d): the braces { } do not balance; a question "
                "has one pair, and a literal brace is written \\{ or \\}."
            )
            % {"number": number, "line": block.line_at(full, offset)},
        )
    before, answer_part, after = (
        text[: opens[0]],
        text[opens[0] + 1 : closes[0]],
        text[closes[0] + 1 :],
    )
    answer_part, _sep, general = answer_part.partition("####")
    data = _question_from_answers(answer_part)
    stem_text = before + ("___" + after if after.strip() else "")
    name = name or _short(_plain(stem_text, kind))
    if isinstance(data, str):
        return data, name
    data.stem = _plain(stem_text, kind)
    data.explanation = _plain(general, kind)
    return data, name


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"


def parse_gift(data: bytes) -> ParsedBank:
    """Read every question of a GIFT file (UTF-8, or GB18030 as Chinese Windows saves it);
    nothing is written. Errors name the question's number in the file (category lines not
    counted), its title or first words, and the part at fault; unsupported types are listed
    in ``unsupported``."""
    bank = ParsedBank()
    content = _decode(data)
    if content is None:
        bank.errors.append(ImportIssue(None, None, _("The file is not a GIFT text file.")))
        return bank
    category, number = "", 0
    for block in _blocks(content):
        first = block.lines[0][1].strip()
        if first.upper().startswith("$CATEGORY:"):
            category = clean_category_path(first[len("$CATEGORY:") :])
            if problem := category_path_error(category):
                bank.errors.append(ImportIssue(None, "$CATEGORY", f"{category[:60]}: {problem}"))
            block.lines = block.lines[1:]
            if not block.lines:
                continue
        number += 1
        if number > MAX_ITEMS:
            bank.errors.append(
                ImportIssue(
                    None, None, _("A question bank file has at most %d questions.") % MAX_ITEMS
                )
            )
            return bank
        try:
            data_, name = _read_block(block, number)
        except _Problem as problem:
            bank.errors.append(ImportIssue(number, problem.field, problem.message))
            continue
        if isinstance(data_, str):
            bank.unsupported.append(UnsupportedItem(number, data_, name))
            continue
        data_.tags = list(block.tags)
        data_.category_path = category or default_category_path()
        errors = question_input_errors(data_)
        for field_name, messages in errors.items():
            for message in messages:
                bank.errors.append(
                    ImportIssue(
                        number,
                        _field_label(field_name),
                        _("“%(name)s” (line %(line)d): %(message)s")
                        % {"name": name, "line": block.first_line, "message": message},
                    )
                )
        if not errors:
            bank.questions.append(ParsedQuestion(row=number, data=clean_input(data_), name=name))
    if not bank.questions and not bank.unsupported and not bank.errors:
        bank.errors.append(ImportIssue(None, None, _("The file holds no questions.")))
    return bank


def _field_label(name: str) -> str:
    return {
        "stem": _("question text"),
        "options": _("answers"),
        "blanks": _("answers"),
        "numeric_tolerance": _("answers"),
        "explanation": _("general feedback"),
        "tags": _("tags"),
    }.get(name, name)
