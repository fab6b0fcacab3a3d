"""Question banks in Moodle XML: reading a file exported from Moodle, and exporting questions
in the same format (Moodle imports it, and so does this bank).

Read: category records, ``multichoice`` (single or multiple answer), ``truefalse``,
``shortanswer`` (a fill-in-the-blank question with one blank), ``numerical`` (one blank with
a tolerance), ``essay`` (short answer; the grader information is the reference answer) and
``cloze`` when every embedded answer is a short-answer or numerical one (one blank each).
Every other type is reported by name and skipped only when the user confirms. Parsing goes
through defusedxml: a file with a DTD or entity declarations (an entity bomb, an external
entity) is refused before anything is expanded.

Written: the five types; a fill-in-the-blank question with one blank as ``shortanswer`` (or
``numerical`` when it has a tolerance and numeric answers), with several blanks as ``cloze``
(``{1:SHORTANSWER:=a~=b}`` in place of each ``___`` of the stem, or after the stem when the
stem does not mark each blank with ``___``). Moodle has no difficulty: it is not written, and
a Moodle file's questions get the default difficulty.
"""

import re
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation
from xml.etree import ElementTree
from xml.etree.ElementTree import Element, ParseError, SubElement

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeElementTree
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
    export_input,
    html_to_text,
)
from exams.models import Question, QuestionType

# Where each field of a question comes from in the file, for error messages.
FIELD_ELEMENTS = {
    "type": "type",
    "stem": "questiontext",
    "options": "answer",
    "blanks": "answer",
    "explanation": "generalfeedback",
    "reference_answer": "graderinfo",
    "tags": "tags",
    "numeric_tolerance": "tolerance",
    "difficulty": "question",
}
_CLOZE_MARKER = re.compile(r"\{(\d*):([A-Za-z_]+):((?:\\.|[^\\}])*)\}")
_CLOZE_SHORT = {"SHORTANSWER", "SA", "MW", "SHORTANSWER_C", "SAC", "MWC"}
_CLOZE_NUMERIC = {"NUMERICAL", "NM"}
_BLANK_MARK = re.compile(r"(?<!_)___(?!_)")


class _Problem(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _child_text(element: Element | None, path: str = "") -> str:
    node = element.find(f"{path}/text" if path else "text") if element is not None else None
    return (node.text or "") if node is not None else ""


def formatted_text(element: Element | None) -> str:
    """The plain text of a Moodle text element (``<questiontext format="html"><text>``):
    HTML loses its tags and entities; Moodle's auto format keeps its line breaks."""
    if element is None:
        return ""
    text = _child_text(element)
    kind = element.get("format", "html")
    if kind == "html":
        return html_to_text(text)
    if kind == "moodle_auto_format":
        return html_to_text(text.replace("\r\n", "\n").replace("\n", "<br>"))
    return text.strip()


def _fraction(answer: Element) -> float:
    try:
        return float(answer.get("fraction", "0"))
    except ValueError as error:
        raise _Problem(
            "answer", _("The fraction “%s” is not a number.") % answer.get("fraction")
        ) from error


def _decimal(text: str, field: str) -> Decimal:
    number = parse_number(text)
    if number is None:
        raise _Problem(field, _("“%s” is not a number.") % text)
    return number


def _short_answer_text(text: str) -> str:
    """A Moodle short answer with its ``\\*`` unescaped; refuses the ``*`` wildcard."""
    if re.search(r"(?<!\\)\*", text):
        raise _Problem(
            "answer",
            _("The answer “%s” uses the * wildcard, which this bank cannot match.") % text,
        )
    return text.replace("\\*", "*")


def _multichoice(question: Element) -> QuestionInput:
    # As Moodle reads it: without <single> a question is single-answer.
    single = (_child_value(question, "single") or "true").lower() in ("true", "1")
    options = [
        OptionInput(formatted_text(answer), _fraction(answer) > 0)
        for answer in question.findall("answer")
    ]
    return QuestionInput(
        type=QuestionType.SINGLE if single else QuestionType.MULTIPLE,
        stem="",
        options=options,
    )


def _truefalse(question: Element) -> QuestionInput:
    fractions = {}
    for answer in question.findall("answer"):
        word = _child_text(answer).strip().lower()
        if word in ("true", "false"):
            fractions[word] = _fraction(answer)
    if set(fractions) != {"true", "false"}:
        raise _Problem("answer", _("A true/false question needs a “true” and a “false” answer."))
    is_true = fractions["true"] > fractions["false"]
    return QuestionInput(
        type=QuestionType.TRUE_FALSE,
        stem="",
        options=[
            OptionInput(TRUE_FALSE_TEXTS[0], is_true),
            OptionInput(TRUE_FALSE_TEXTS[1], not is_true),
        ],
    )


def _shortanswer(question: Element) -> QuestionInput:
    # Moodle compares short answers as plain text whatever their format attribute. Answers
    # with partial credit are left out: a blank is right or wrong. Moodle's "usecase" is
    # ignored: matching here always ignores case.
    accepted = [
        _short_answer_text(_child_text(answer).strip())
        for answer in question.findall("answer")
        if _fraction(answer) >= 100
    ]
    return QuestionInput(type=QuestionType.FILL_BLANK, stem="", blanks=[accepted])


def _numerical(question: Element) -> QuestionInput:
    accepted, tolerance = [], Decimal(0)
    for answer in question.findall("answer"):
        text = _child_text(answer).strip()
        if _fraction(answer) < 100 or text == "*":
            continue
        accepted.append(text)
        _decimal(text, "answer")
        tolerance_text = _child_value(answer, "tolerance") or "0"
        tolerance = max(tolerance, abs(_decimal(tolerance_text, "tolerance")))
    return QuestionInput(
        type=QuestionType.FILL_BLANK, stem="", blanks=[accepted], numeric_tolerance=tolerance
    )


def _essay(question: Element) -> QuestionInput:
    return QuestionInput(
        type=QuestionType.SHORT_ANSWER,
        stem="",
        reference_answer=formatted_text(question.find("graderinfo")),
    )


def _cloze_unescape(text: str) -> str:
    # As Moodle reads a cloze answer: a backslash before } # ~ (and * in a short answer)
    # keeps the character as text; any other backslash is itself.
    return re.sub(r"\\([}#~*])", r"\1", text)


def _cloze_blank(kind: str, body: str) -> tuple[list[str], Decimal | None]:
    accepted, tolerance = [], None
    for part in re.split(r"(?<!\\)~", body):
        answer = re.split(r"(?<!\\)#", part, maxsplit=1)[0].strip()
        if answer.startswith("="):
            answer = answer[1:]
        elif answer.startswith("%100%"):
            answer = answer[5:]
        else:
            continue  # partial or no credit
        if kind in _CLOZE_NUMERIC:
            value, _sep, margin = answer.partition(":")
            if value.strip() == "*":
                continue
            _decimal(value, "questiontext")
            tolerance = max(tolerance or Decimal(0), abs(_decimal(margin or "0", "questiontext")))
            accepted.append(value.strip())
        else:
            if re.search(r"(?<!\\)\*", answer):
                raise _Problem(
                    "questiontext",
                    _("The answer “%s” uses the * wildcard, which this bank cannot match.")
                    % answer,
                )
            accepted.append(_cloze_unescape(answer))
    return accepted, tolerance


def _cloze(question: Element) -> QuestionInput | None:
    """A cloze question whose embedded questions are all short-answer or numerical; None
    when one is another kind (a drop-down, say): the bank cannot hold it."""
    text = formatted_text(question.find("questiontext"))
    markers = list(_CLOZE_MARKER.finditer(text))
    if not markers or any(m.group(2).upper() not in _CLOZE_SHORT | _CLOZE_NUMERIC for m in markers):
        return None
    blanks, tolerance = [], None
    for marker in markers:
        accepted, margin = _cloze_blank(marker.group(2).upper(), marker.group(3))
        blanks.append(accepted)
        if margin is not None:
            tolerance = max(tolerance or Decimal(0), margin)
    # Blanks listed on their own lines after the text (as this bank writes a stem without
    # ``___`` marks) are dropped from the stem; blanks inside the text become ``___``.
    before, tail = text[: markers[0].start()], text[markers[0].start() :]
    if before.endswith("\n") and not _CLOZE_MARKER.sub("", tail).strip():
        stem = before.rstrip()
    else:
        stem = _CLOZE_MARKER.sub("___", text)
    return QuestionInput(
        type=QuestionType.FILL_BLANK, stem=stem, blanks=blanks, numeric_tolerance=tolerance
    )


def _child_value(element: Element, tag: str) -> str:
    node = element.find(tag)
    return (node.text or "").strip() if node is not None else ""


_READERS = {
    "multichoice": _multichoice,
    "truefalse": _truefalse,
    "shortanswer": _shortanswer,
    "numerical": _numerical,
    "essay": _essay,
}


def _root(data: bytes, bank: ParsedBank) -> Element | None:
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=True)
    except DefusedXmlException:
        bank.errors.append(
            ImportIssue(
                None,
                None,
                _(
                    "The file declares a DTD or XML entities, which are refused for safety "
                    "(Moodle never writes them); nothing in it was read."
                ),
            )
        )
        return None
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        bank.errors.append(
            ImportIssue(
                None,
                None,
                _("The file is not well-formed XML (line %(line)d, column %(column)d).")
                % {"line": line, "column": column},
            )
        )
        return None
    except (ValueError, UnicodeError):
        bank.errors.append(ImportIssue(None, None, _("The file is not a readable XML file.")))
        return None
    if root.tag != "quiz":
        bank.errors.append(
            ImportIssue(
                None,
                None,
                _("The file is not Moodle XML: its root element is <%s>, not <quiz>.")
                % str(root.tag)[:40],
            )
        )
        return None
    return root


def parse_moodle_xml(data: bytes) -> ParsedBank:
    """Read every question of a Moodle XML file; nothing is written. Errors name the
    question's number in the file (category records not counted), its name and the
    element at fault; an unsupported type is listed in ``unsupported``, not an error."""
    bank = ParsedBank()
    root = _root(data, bank)
    if root is None:
        return bank
    category, number = "", 0
    for element in root.iter("question"):
        kind = element.get("type", "")
        if kind == "category":
            category = clean_category_path(_child_text(element, "category"))
            if problem := category_path_error(category):
                bank.errors.append(ImportIssue(None, "category", f"{category[:60]}: {problem}"))
            continue
        number += 1
        if number > MAX_ITEMS:
            bank.errors.append(
                ImportIssue(
                    None, None, _("A question bank file has at most %d questions.") % MAX_ITEMS
                )
            )
            return bank
        name = " ".join(_child_text(element, "name").split())
        reader = _READERS.get(kind)
        try:
            data_ = reader(element) if reader else (_cloze(element) if kind == "cloze" else None)
        except _Problem as problem:
            bank.errors.append(_issue(number, name, problem.field, problem.message))
            continue
        if data_ is None:
            bank.unsupported.append(UnsupportedItem(number, kind or "?", name))
            continue
        if kind != "cloze":
            data_.stem = formatted_text(element.find("questiontext"))
        data_.explanation = formatted_text(element.find("generalfeedback"))
        data_.tags = [" ".join(_child_text(tag).split()) for tag in element.findall("tags/tag")]
        data_.category_path = category or default_category_path()
        errors = question_input_errors(data_)
        if errors:
            for field, messages in errors.items():
                for message in messages:
                    bank.errors.append(
                        _issue(number, name, FIELD_ELEMENTS.get(field, field), message)
                    )
            continue
        bank.questions.append(ParsedQuestion(row=number, data=clean_input(data_), name=name))
    if not bank.questions and not bank.unsupported and not bank.errors:
        bank.errors.append(ImportIssue(None, None, _("The file holds no questions.")))
    return bank


def _issue(number: int, name: str, field: str, message: str) -> ImportIssue:
    if name:
        message = _("“%(name)s”: %(message)s") % {"name": name, "message": message}
    return ImportIssue(number, field, message)


# Writing -----------------------------------------------------------------------------------


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _fraction_text(value: float) -> str:
    return f"{value:.5f}".rstrip("0").rstrip(".")


_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    """Text without the control characters XML 1.0 cannot hold."""
    return _XML_INVALID.sub("", text)


def _text_element(parent: Element, tag: str, text: str, kind: str = "plain_text") -> Element:
    element = SubElement(parent, tag, {"format": kind} if kind else {})
    SubElement(element, "text").text = _xml(text)
    return element


def _answer(parent: Element, fraction: str, text: str, kind: str = "plain_text") -> Element:
    answer = SubElement(parent, "answer", {"fraction": fraction, "format": kind})
    SubElement(answer, "text").text = _xml(text)
    _text_element(answer, "feedback", "", "html")
    return answer


def _canonical_numbers(accepted: list[str]) -> bool:
    """Whether every accepted answer is a number written as Moodle would read it back."""
    for text in accepted:
        try:
            number = Decimal(text)
        except InvalidOperation:
            return False
        if not number.is_finite() or _number_text(number) != text:
            return False
    return bool(accepted)


def _cloze_escape(text: str) -> str:
    return re.sub(r"([}#~*])", r"\\\1", text)


def _cloze_text(data: QuestionInput) -> str:
    markers = []
    for index, accepted in enumerate(data.blanks, start=1):
        if data.numeric_tolerance is not None and _canonical_numbers(accepted):
            margin = _number_text(Decimal(data.numeric_tolerance))
            body = "~".join(f"={text}:{margin}" for text in accepted)
            markers.append(f"{{{index}:NUMERICAL:{body}}}")
        else:
            body = "~".join(f"={_cloze_escape(text)}" for text in accepted)
            markers.append(f"{{{index}:SHORTANSWER:{body}}}")
    if len(_BLANK_MARK.findall(data.stem)) == len(markers):
        pieces = iter(markers)
        return _BLANK_MARK.sub(lambda _match: next(pieces), data.stem)
    return data.stem + "\n" + "\n".join(markers)


def _question_name(data: QuestionInput) -> str:
    name = " ".join(data.stem.split())
    return name if len(name) <= 80 else name[:79] + "…"


def _question_element(data: QuestionInput) -> Element:
    kind = {
        QuestionType.SINGLE: "multichoice",
        QuestionType.MULTIPLE: "multichoice",
        QuestionType.TRUE_FALSE: "truefalse",
        QuestionType.SHORT_ANSWER: "essay",
    }.get(data.type)
    if data.type == QuestionType.FILL_BLANK:
        if len(data.blanks) > 1:
            kind = "cloze"
        elif data.numeric_tolerance is not None and _canonical_numbers(data.blanks[0]):
            kind = "numerical"
        else:
            kind = "shortanswer"
    question = Element("question", {"type": kind})
    name = SubElement(question, "name")
    SubElement(name, "text").text = _xml(_question_name(data))
    stem = _cloze_text(data) if kind == "cloze" else data.stem
    _text_element(question, "questiontext", stem)
    _text_element(question, "generalfeedback", data.explanation)
    SubElement(question, "defaultgrade").text = "1"
    SubElement(question, "penalty").text = "0.3333333" if kind != "truefalse" else "1"
    SubElement(question, "hidden").text = "0"
    if kind == "multichoice":
        single = data.type == QuestionType.SINGLE
        SubElement(question, "single").text = "true" if single else "false"
        SubElement(question, "shuffleanswers").text = "true"
        SubElement(question, "answernumbering").text = "ABCD"
        correct = sum(1 for option in data.options if option.correct) or 1
        for option in data.options:
            if option.correct:
                fraction = _fraction_text(100 / correct)
            else:
                fraction = "0" if single else "-100"
            _answer(question, fraction, option.text)
    elif kind == "truefalse":
        is_true = bool(data.options and data.options[0].correct)
        _answer(question, "100" if is_true else "0", "true", "moodle_auto_format")
        _answer(question, "0" if is_true else "100", "false", "moodle_auto_format")
    elif kind == "shortanswer":
        SubElement(question, "usecase").text = "0"
        for text in data.blanks[0]:
            _answer(question, "100", text.replace("*", "\\*"), "moodle_auto_format")
    elif kind == "numerical":
        margin = _number_text(Decimal(data.numeric_tolerance))
        for text in data.blanks[0]:
            answer = _answer(question, "100", text, "moodle_auto_format")
            SubElement(answer, "tolerance").text = margin
    elif kind == "essay":
        SubElement(question, "responseformat").text = "editor"
        SubElement(question, "responserequired").text = "1"
        SubElement(question, "responsefieldlines").text = "10"
        SubElement(question, "attachments").text = "0"
        SubElement(question, "attachmentsrequired").text = "0"
        _text_element(question, "graderinfo", data.reference_answer)
        _text_element(question, "responsetemplate", "", "html")
    if data.tags:
        tags = SubElement(question, "tags")
        for tag in data.tags:
            SubElement(SubElement(tags, "tag"), "text").text = _xml(tag)
    return question


def _category_element(path: str) -> Element:
    question = Element("question", {"type": "category"})
    category = SubElement(question, "category")
    SubElement(category, "text").text = _xml(f"$course$/top/{path}")
    _text_element(question, "info", "", "moodle_auto_format")
    return question


def questions_to_moodle_xml(questions: Iterable[Question | QuestionInput]) -> bytes:
    """The questions (with category, current version and options loaded, as
    ``questions_for_export`` gives them) as a Moodle XML file: a category record before
    each change of category, then each question. Importing it back (here or into Moodle)
    gives the same questions, except what Moodle XML cannot carry: difficulty, and the
    labels of a true/false question whose options are not the standard True and False."""
    quiz = Element("quiz")
    current = None
    for question in questions:
        data = export_input(question)
        if data.category_path != current:
            current = data.category_path
            quiz.append(_category_element(current))
        if isinstance(question, Question):
            quiz.append(ElementTree.Comment(f" question: {question.pk} "))
        quiz.append(_question_element(data))
    ElementTree.indent(quiz, space="  ")
    body = ElementTree.tostring(quiz, encoding="unicode", short_empty_elements=False)
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")
