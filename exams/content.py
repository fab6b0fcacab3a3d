"""What a question says, independent of storage: the input every way of writing a question
(editor, API, Excel, Moodle XML, GIFT) produces, its validation, and the normalisation used for
duplicates and for matching typed answers.

Pure functions: nothing here touches the database, so an import checks 10,000 rows without a
query per row.
"""

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from core.excel import excerpt
from exams.models.bank import MAX_OPTIONS, QuestionType

MAX_STEM_LENGTH = 5000
MAX_OPTION_LENGTH = 1000
MAX_TEXT_LENGTH = 5000
MAX_BLANKS = 20
MAX_ACCEPTED_PER_BLANK = 20
MAX_TAGS = 20
MAX_TAG_LENGTH = 40
TAG_FORBIDDEN = ","
# Question.tags holds ",tag,tag," in 500 characters.
MAX_TAGS_TOTAL = 500

# True/false options in the order they are stored; the key is the correct one.
TRUE_FALSE_TEXTS = ("True", "False")


@dataclass
class OptionInput:
    text: str
    correct: bool = False


@dataclass
class QuestionInput:
    """One question as written. ``category_path`` is used by imports (the category may not
    exist yet); the editor and the API pass a category object to the service instead."""

    type: str
    stem: str
    options: list[OptionInput] = field(default_factory=list)
    blanks: list[list[str]] = field(default_factory=list)
    numeric_tolerance: Decimal | None = None
    reference_answer: str = ""
    explanation: str = ""
    difficulty: int = 3
    tags: list[str] = field(default_factory=list)
    category_path: str = ""


def normalize_text(text: str) -> str:
    """Text as compared for matching and duplicates: full-width characters folded to
    half-width (NFKC), case folded, surrounding spaces dropped, inner runs of spaces made one."""
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return " ".join(folded.split())


def parse_number(text: str) -> Decimal | None:
    """A typed answer as a number, or None when it is not one (``１２.５`` counts: NFKC)."""
    cleaned = normalize_text(text).replace(",", "")
    if not cleaned:
        return None
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def blank_matches(
    answer: str, accepted: list[str], numeric_tolerance: Decimal | None = None
) -> bool:
    """Whether a typed answer fills a blank: equal to an accepted answer after
    ``normalize_text``, or, with a tolerance, a number within it of a numeric accepted one."""
    given = normalize_text(answer)
    if not given:
        return False
    if any(given == normalize_text(option) for option in accepted):
        return True
    if numeric_tolerance is None:
        return False
    number = parse_number(given)
    if number is None:
        return False
    for option in accepted:
        expected = parse_number(option)
        if expected is not None and abs(number - expected) <= numeric_tolerance:
            return True
    return False


def clean_tags(tags: list[str]) -> list[str]:
    """Tags stripped, empty ones dropped, repeats dropped (first spelling kept), in order."""
    seen, result = set(), []
    for tag in tags:
        tag = " ".join(str(tag).split())
        if tag and normalize_text(tag) not in seen:
            seen.add(normalize_text(tag))
            result.append(tag)
    return result


def tags_to_field(tags: list[str]) -> str:
    """Tags as stored on ``Question.tags``: ``,fire,first aid,``."""
    cleaned = clean_tags(tags)
    return f",{','.join(cleaned)}," if cleaned else ""


def fingerprint(data: QuestionInput) -> str:
    """Identifies a question's content for duplicate detection: type, stem and the options'
    texts (in order, normalised) or the accepted answers. Two questions with the same
    fingerprint in one category are the same question."""
    if data.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        body = [normalize_text(option.text) for option in data.options]
    else:
        body = []
    payload = json.dumps([data.type, normalize_text(data.stem), body], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def question_input_errors(data: QuestionInput) -> dict[str, list[str]]:
    """Every problem with a question as written, by field (``type``, ``stem``, ``options``,
    ``blanks``, ``difficulty``, ``tags``, ``explanation``, ``reference_answer``,
    ``numeric_tolerance``); empty when the question is valid.

    Rules: a known type; a stem that is not empty; choice options not empty and not repeated;
    single choice: at least two options and exactly one correct; multiple choice: at least two
    options and at least one correct; true/false: exactly the two options, one correct; fill
    in the blank: at least one blank, each with at least one accepted answer; short answer: no
    options; difficulty 1-5.
    """
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if data.type not in QuestionType.values:
        add(
            "type",
            _("Unknown question type “%(type)s”; use one of: %(types)s.")
            % {"type": data.type, "types": ", ".join(QuestionType.values)},
        )
        return errors

    stem = (data.stem or "").strip()
    if not stem:
        add("stem", _("The stem is empty."))
    elif len(stem) > MAX_STEM_LENGTH:
        add("stem", _("The stem has more than %d characters.") % MAX_STEM_LENGTH)

    if not isinstance(data.difficulty, int) or not 1 <= data.difficulty <= 5:
        add("difficulty", _("Difficulty is a whole number from 1 to 5."))

    for name, text in (
        ("explanation", data.explanation),
        ("reference_answer", data.reference_answer),
    ):
        if len(text or "") > MAX_TEXT_LENGTH:
            add(name, _("This text has more than %d characters.") % MAX_TEXT_LENGTH)

    if len(data.tags) > MAX_TAGS:
        add("tags", _("A question has at most %d tags.") % MAX_TAGS)
    if len(",".join(str(tag) for tag in data.tags)) + 2 > MAX_TAGS_TOTAL:
        add("tags", _("The tags have more than %d characters together.") % MAX_TAGS_TOTAL)
    for tag in data.tags:
        if TAG_FORBIDDEN in str(tag):
            add("tags", _("A tag may not contain a comma: “%s”.") % excerpt(tag))
        elif len(str(tag)) > MAX_TAG_LENGTH:
            add("tags", _("A tag has at most %d characters.") % MAX_TAG_LENGTH)

    if data.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        _check_options(data, add)
    elif data.options:
        add("options", _("This type of question has no options."))

    if data.type == QuestionType.FILL_BLANK:
        _check_blanks(data, add)
    elif data.blanks:
        add("blanks", _("Only fill-in-the-blank questions have accepted answers."))

    if data.numeric_tolerance is not None:
        if data.type != QuestionType.FILL_BLANK:
            add("numeric_tolerance", _("Only fill-in-the-blank questions have a tolerance."))
        elif data.numeric_tolerance < 0:
            add("numeric_tolerance", _("The tolerance may not be negative."))
    return errors


def _check_options(data: QuestionInput, add) -> None:
    options = data.options
    texts = [normalize_text(option.text) for option in options]
    if any(not text for text in texts):
        add("options", _("An option is empty."))
    if any(len(option.text) > MAX_OPTION_LENGTH for option in options):
        add("options", _("An option has more than %d characters.") % MAX_OPTION_LENGTH)
    repeated = sorted(
        {
            option.text.strip()
            for option, text in zip(options, texts, strict=True)
            if text and texts.count(text) > 1
        }
    )
    if repeated:
        shown = ", ".join(f"“{excerpt(text)}”" for text in repeated[:5])
        add("options", _("Options repeat: %s.") % shown)
    if len(options) > MAX_OPTIONS:
        add("options", _("A question has at most %d options.") % MAX_OPTIONS)
    correct = sum(1 for option in options if option.correct)
    if data.type == QuestionType.TRUE_FALSE:
        if len(options) != 2:
            add("options", _("A true/false question has exactly two options."))
        elif correct != 1:
            add("options", _("A true/false question has exactly one correct option."))
        return
    if len(options) < 2:
        add("options", _("A choice question needs at least two options."))
    if data.type == QuestionType.SINGLE and correct != 1:
        add(
            "options",
            _("A single-choice question has exactly one correct option; this one has %d.")
            % correct,
        )
    if data.type == QuestionType.MULTIPLE and correct < 1:
        add("options", _("A multiple-choice question needs at least one correct option."))


def _check_blanks(data: QuestionInput, add) -> None:
    if not data.blanks:
        add("blanks", _("A fill-in-the-blank question needs at least one blank."))
        return
    if len(data.blanks) > MAX_BLANKS:
        add("blanks", _("A question has at most %d blanks.") % MAX_BLANKS)
    for number, accepted in enumerate(data.blanks, start=1):
        if not [text for text in accepted if normalize_text(text)]:
            add("blanks", _("Blank %d has no accepted answer.") % number)
        elif len(accepted) > MAX_ACCEPTED_PER_BLANK:
            add(
                "blanks",
                _("Blank %(number)d has more than %(max)d accepted answers.")
                % {"number": number, "max": MAX_ACCEPTED_PER_BLANK},
            )
        elif any(len(text) > MAX_OPTION_LENGTH for text in accepted):
            add("blanks", _("An accepted answer has more than %d characters.") % MAX_OPTION_LENGTH)


def clean_input(data: QuestionInput) -> QuestionInput:
    """The input with texts stripped, empty accepted answers dropped and tags cleaned; call
    after ``question_input_errors`` found nothing."""
    return QuestionInput(
        type=data.type,
        stem=data.stem.strip(),
        options=[OptionInput(option.text.strip(), bool(option.correct)) for option in data.options],
        blanks=[[text.strip() for text in blank if text.strip()] for blank in data.blanks],
        numeric_tolerance=data.numeric_tolerance,
        reference_answer=(data.reference_answer or "").strip(),
        explanation=(data.explanation or "").strip(),
        difficulty=data.difficulty,
        tags=clean_tags(data.tags),
        category_path=data.category_path.strip(),
    )
