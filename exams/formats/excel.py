"""Question banks in Excel: reading an uploaded workbook into questions, and writing the
export and the template in the same layout, so an export imports back unchanged.

One sheet, one question a row. Columns (English or Chinese headers): type, category path,
stem, options A-H, answer, difficulty, explanation, tags, and optionally a reference answer
and a numeric tolerance. The answer is option letters (``A``, ``ACD``, ``A,C,D``), a
true/false word (``True``/``False``, ``对``/``错``, ``T``/``F``, ``√``/``×``), the accepted
answers of each blank (blanks separated by ``|``, alternatives by ``;``; a backslash keeps
either as text: ``\\|``), or a short answer's reference answer.
"""

import re
import unicodedata
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from core.excel import Formula, UnreadableWorkbook, build_xlsx, excerpt, read_xlsx_rows
from exams.content import (
    MAX_OPTION_LENGTH,
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
    category_path_error,
    export_input,
)
from exams.models import OPTION_LETTERS, PATH_SEPARATOR, Question, QuestionType

OPTION_COLUMNS = tuple(f"option_{letter.lower()}" for letter in OPTION_LETTERS)

# Column key -> the header written in exports and the template.
COLUMNS = {
    "type": gettext_lazy("Type"),
    "category": gettext_lazy("Category"),
    "stem": gettext_lazy("Stem"),
    **{key: letter for key, letter in zip(OPTION_COLUMNS, OPTION_LETTERS, strict=True)},
    "answer": gettext_lazy("Answer"),
    "difficulty": gettext_lazy("Difficulty"),
    "explanation": gettext_lazy("Explanation"),
    "tags": gettext_lazy("Tags"),
    "tolerance": gettext_lazy("Tolerance"),
}
# Read when present, never written: the answer column holds a short answer's reference.
EXTRA_COLUMNS = {"reference_answer": gettext_lazy("Reference answer")}
REQUIRED_COLUMNS = ("type", "category", "stem", "answer")
COLUMN_WIDTHS = [14, 28, 60, *[18] * len(OPTION_LETTERS), 18, 10, 40, 20, 10]
MAX_HEADER_COLUMNS = 64
# What the reader takes of a sheet, blank rows included (room for blank lines between the
# questions), and columns: the layout has 19, notes beside them are fine.
MAX_SHEET_ROWS = 2 * MAX_ITEMS
MAX_COLUMNS = 256

HEADER_ALIASES = {
    "type": ["type", "question type", "题型", "类型", "试题类型", "题目类型"],
    "category": ["category", "category path", "分类", "分类路径", "类别", "所属分类", "题目分类"],
    "stem": ["stem", "question", "question text", "题干", "题目", "试题", "题目内容"],
    "answer": ["answer", "correct answer", "key", "答案", "正确答案", "标准答案"],
    "difficulty": ["difficulty", "难度", "难易度", "难易程度"],
    "explanation": ["explanation", "analysis", "feedback", "解析", "答案解析", "试题解析"],
    "tags": ["tags", "tag", "keywords", "标签", "关键词", "知识点"],
    "reference_answer": ["reference answer", "model answer", "参考答案"],
    "tolerance": ["tolerance", "numeric tolerance", "容差", "数值容差", "误差", "允许误差"],
    **{
        key: [letter, f"option {letter}", f"choice {letter}", f"选项{letter}"]
        for key, letter in zip(OPTION_COLUMNS, OPTION_LETTERS, strict=True)
    },
}

_SINGLE_NAMES = ["single", "single choice", "单选", "单选题", "单项选择", "单项选择题"]
_MULTIPLE_NAMES = ["multiple", "multiple choice", "多选", "多选题", "多项选择", "多项选择题"]
_TRUE_FALSE_NAMES = ["true_false", "true/false", "true or false", "判断", "判断题", "是非题"]
TYPE_ALIASES = {
    QuestionType.SINGLE: _SINGLE_NAMES,
    QuestionType.MULTIPLE: _MULTIPLE_NAMES,
    QuestionType.TRUE_FALSE: _TRUE_FALSE_NAMES,
    QuestionType.FILL_BLANK: ["fill_blank", "fill in the blank", "blank", "填空", "填空题"],
    QuestionType.SHORT_ANSWER: [
        "short_answer",
        "short answer",
        "essay",
        "简答",
        "简答题",
        "问答题",
    ],
}
TRUE_WORDS = {"true", "t", "对", "正确", "√", "✓", "✔", "是", "yes", "y", "1"}
FALSE_WORDS = {"false", "f", "错", "错误", "×", "✗", "✘", "x", "否", "no", "n", "0"}

_ANSWER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_TAG_SEPARATORS = re.compile(r"[,，、;；]")
_BLANK_SPECIALS = "\\|;；"


def _key(text: Any) -> str:
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    return re.sub(r"[\s_\-:：]+", "", folded)


def _lookup(aliases: dict, extra_labels: dict) -> dict[str, str]:
    table = {
        _key(alias): str(getattr(key, "value", key))
        for key, names in aliases.items()
        for alias in names
    }
    for key, label in extra_labels.items():
        table.setdefault(_key(label), str(getattr(key, "value", key)))
    return table


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers lose their ``.0``, Excel's TRUE/FALSE are words,
    everything is stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def split_escaped(text: str, separators: str, *, final: bool = True) -> list[str]:
    """Split at any of ``separators`` not preceded by a backslash. A backslash before a
    separator or a backslash stands for that character (when not ``final``, escapes of
    other characters are kept for the next split); any other backslash is kept."""
    parts, current, index = [], [], 0
    while index < len(text):
        char = text[index]
        if char == "\\" and index + 1 < len(text) and text[index + 1] in _BLANK_SPECIALS:
            escaped = text[index + 1]
            current.append(escaped if final or escaped in separators else char + escaped)
            index += 2
            continue
        if char in separators:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
        index += 1
    parts.append("".join(current))
    return parts


def _escape_blank_text(text: str) -> str:
    return "".join("\\" + char if char in _BLANK_SPECIALS else char for char in text)


def parse_blanks(text: str) -> list[list[str]]:
    """``2;two|119`` -> ``[["2", "two"], ["119"]]`` (full-width ``；`` also separates)."""
    if not text.strip():
        return []
    return [
        [answer.strip() for answer in split_escaped(blank, ";；") if answer.strip()]
        for blank in split_escaped(text, "|", final=False)
    ]


def blanks_text(blanks: list[list[str]]) -> str:
    return " | ".join("; ".join(_escape_blank_text(a) for a in blank) for blank in blanks)


def parse_truth(text: str) -> bool | None:
    word = _key(text)
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None


def parse_tags(text: str) -> list[str]:
    return [tag.strip() for tag in _TAG_SEPARATORS.split(text) if tag.strip()]


def _number_text(number: Decimal) -> str:
    return format(number.normalize(), "f")


# Reading -----------------------------------------------------------------------------------


class _Row:
    """One spreadsheet row being read: its texts by column key and its errors."""

    def __init__(self, number: int, texts: dict[str, str], labels: dict[str, str]) -> None:
        self.number, self.texts, self.labels = number, texts, labels
        self.issues: list[ImportIssue] = []

    def label(self, key: str) -> str:
        return self.labels.get(key) or str(COLUMNS.get(key) or EXTRA_COLUMNS[key])

    def error(self, key: str, message: str) -> None:
        issue = ImportIssue(self.number, self.label(key), message)
        if issue not in self.issues:
            self.issues.append(issue)

    def text(self, key: str) -> str:
        return self.texts.get(key, "")


def _options(row: _Row) -> list[str]:
    filled = [key for key in OPTION_COLUMNS if row.text(key)]
    if filled:
        last = OPTION_COLUMNS.index(filled[-1])
        for key in OPTION_COLUMNS[:last]:
            if not row.text(key):
                row.error(
                    key,
                    _("Option %(letter)s is empty but option %(later)s is filled.")
                    % {"letter": COLUMNS[key], "later": COLUMNS[filled[-1]]},
                )
    return [row.text(key) for key in OPTION_COLUMNS if row.text(key)]


def _answer_letters(row: _Row, count: int) -> list[int] | None:
    text = unicodedata.normalize("NFKC", row.text("answer")).upper()
    letters = list(_ANSWER_SEPARATORS.sub("", text))
    if not letters:
        row.error("answer", _("The answer is empty: write the letters of the correct options."))
        return None
    if any(char not in OPTION_LETTERS for char in letters):
        row.error(
            "answer",
            _("“%s” is not option letters: write letters A to H, e.g. A or ACD.")
            % excerpt(row.text("answer")),
        )
        return None
    positions = sorted({OPTION_LETTERS.index(char) for char in letters})
    beyond = [OPTION_LETTERS[p] for p in positions if p >= count]
    if beyond:
        if count:
            message = _(
                "The answer %(letters)s has no option: only options A–%(last)s are filled."
            ) % {"letters": ", ".join(beyond), "last": OPTION_LETTERS[count - 1]}
        else:
            message = _("The answer %s has no option: no option is filled.") % ", ".join(beyond)
        row.error("answer", message)
        return None
    return positions


def _choice_options(row: _Row, qtype: str) -> list[OptionInput]:
    texts = _options(row)
    if qtype == QuestionType.TRUE_FALSE:
        answer = row.text("answer")
        truth = parse_truth(answer)
        letter = unicodedata.normalize("NFKC", answer).strip().upper()
        if not answer:
            row.error("answer", _("The answer is empty: write True or False (对/错, T/F, √/×)."))
            return []
        if truth is None and letter not in ("A", "B"):
            row.error(
                "answer",
                _("“%s” is not a true/false answer: write True or False (对/错, T/F, √/×).")
                % excerpt(answer),
            )
            return []
        # True is the first option, as the bank stores it; A/B pick an option by letter.
        position = ("A", "B").index(letter) if truth is None else (0 if truth else 1)
        texts = texts or list(TRUE_FALSE_TEXTS)
        return [OptionInput(text, index == position) for index, text in enumerate(texts)]
    positions = _answer_letters(row, len(texts))
    if positions is None:
        return [OptionInput(text) for text in texts]
    if qtype == QuestionType.SINGLE and len(positions) > 1:
        row.error(
            "answer",
            _("A single-choice question has exactly one answer; this row gives %s.")
            % ", ".join(OPTION_LETTERS[p] for p in positions),
        )
    return [OptionInput(text, index in positions) for index, text in enumerate(texts)]


def _row_question(row: _Row, type_lookup: dict[str, str]) -> QuestionInput | None:
    type_text = row.text("type")
    qtype = type_lookup.get(_key(type_text)) if type_text else None
    if not type_text:
        row.error("type", _("The type is empty."))
    elif qtype is None:
        row.error(
            "type",
            _(
                "Unknown question type “%s”: write single, multiple, true_false, fill_blank or "
                "short_answer (单选, 多选, 判断, 填空, 简答)."
            )
            % excerpt(type_text),
        )
    category = PATH_SEPARATOR.join(
        part.strip() for part in row.text("category").split(PATH_SEPARATOR) if part.strip()
    )
    if not category:
        row.error("category", _("The category is empty."))
    elif problem := category_path_error(category):
        row.error("category", problem)
    if not row.text("stem"):
        row.error("stem", _("The stem is empty."))

    difficulty: Any = 3
    if row.text("difficulty"):
        number = parse_number(row.text("difficulty"))
        if number is None or number != number.to_integral_value() or not 1 <= number <= 5:
            row.error("difficulty", _("Difficulty is a whole number from 1 to 5."))
        else:
            difficulty = int(number)
    tolerance = None
    if row.text("tolerance"):
        tolerance = parse_number(row.text("tolerance"))
        if tolerance is None:
            row.error("tolerance", _("The tolerance is not a number."))
    if qtype is None:
        return None

    options, blanks, reference = [], [], row.text("reference_answer")
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        options = _choice_options(row, qtype)
    elif qtype == QuestionType.FILL_BLANK:
        options = [OptionInput(text) for text in _options(row)]
        blanks = parse_blanks(row.text("answer"))
    else:
        options = [OptionInput(text) for text in _options(row)]
        answer = row.text("answer")
        if reference and answer and reference != answer:
            row.error(
                "reference_answer",
                _(
                    "Give the reference answer in one column: the answer and the reference "
                    "answer differ."
                ),
            )
        reference = reference or answer
    data = QuestionInput(
        type=qtype,
        stem=row.text("stem"),
        options=options,
        blanks=blanks,
        numeric_tolerance=tolerance,
        reference_answer=reference,
        explanation=row.text("explanation"),
        difficulty=difficulty,
        tags=parse_tags(row.text("tags")),
        category_path=category,
    )
    if any(issue.field == row.label("answer") for issue in row.issues):
        return None  # the answer's own error says it better than the option checks would
    too_long = [key for key in OPTION_COLUMNS if len(row.text(key)) > MAX_OPTION_LENGTH]
    if too_long:
        # Said per column here: the bank's own checks would quote repeated options whole.
        for key in too_long:
            row.error(key, _("An option has more than %d characters.") % MAX_OPTION_LENGTH)
        return None
    option_columns = [row.label(key) for key in OPTION_COLUMNS if key in row.labels]
    options_label = (
        f"{option_columns[0]}–{option_columns[-1]}" if option_columns else row.label("answer")
    )
    fields = {
        "type": "type",
        "stem": "stem",
        "blanks": "answer",
        "difficulty": "difficulty",
        "tags": "tags",
        "explanation": "explanation",
        "numeric_tolerance": "tolerance",
        "reference_answer": "reference_answer" if row.text("reference_answer") else "answer",
    }
    for name, messages in question_input_errors(data).items():
        for message in messages:
            if name == "options":
                issue = ImportIssue(row.number, options_label, message)
                if issue not in row.issues:
                    row.issues.append(issue)
            else:
                row.error(fields.get(name, "answer"), message)
    return None if row.issues else clean_input(data)


def _header_columns(header: Iterable[Any]) -> tuple[dict[str, int], dict[str, str]]:
    lookup = _lookup(HEADER_ALIASES, {**COLUMNS, **EXTRA_COLUMNS})
    index, labels = {}, {}
    for position, title in enumerate(header):
        key = lookup.get(_key(cell_text(title))) if title is not None else None
        if key and key not in index:
            index[key], labels[key] = position, cell_text(title)
    return index, labels


def parse_xlsx(data: bytes) -> ParsedBank:
    """Read every row of a question-bank workbook (its first sheet) into questions; nothing
    is written. Every problem is an ``ImportIssue`` naming the spreadsheet row, the column
    as headed in the file, and the reason: a required column missing from the header, an
    unknown type, an answer letter without an option, two answers to a single-choice
    question, an empty stem, a formula in a cell (never evaluated), and whatever
    ``question_input_errors`` finds. A file that is not an xlsx workbook, or one past the
    reader's bounds (``core.excel.read_xlsx_rows``), is one error."""
    bank = ParsedBank()
    try:
        _read_sheet(data, bank)
    except UnreadableWorkbook as error:
        bank.questions.clear()
        bank.errors.append(ImportIssue(None, None, str(error)))
    return bank


def _read_sheet(data: bytes, bank: ParsedBank) -> None:
    rows = iter(
        read_xlsx_rows(data, max_rows=MAX_SHEET_ROWS, max_columns=MAX_COLUMNS, formulas=True)
    )
    header = next(rows, None)
    if header is not None:
        header = header[:MAX_HEADER_COLUMNS]
    if header is None or not any(cell_text(value) for value in header):
        bank.errors.append(ImportIssue(None, None, _("The file is empty: it has no header row.")))
        return
    index, labels = _header_columns(header)
    missing = [key for key in REQUIRED_COLUMNS if key not in index]
    if missing:
        for key in missing:
            bank.errors.append(
                ImportIssue(
                    1,
                    str(COLUMNS[key]),
                    _("The header row has no “%(column)s” column (accepted names: %(names)s).")
                    % {"column": COLUMNS[key], "names": ", ".join(HEADER_ALIASES[key])},
                )
            )
        return
    type_lookup = _lookup(TYPE_ALIASES, dict(QuestionType.choices))
    count = 0
    for number, values in enumerate(rows, start=2):
        texts = {key: cell_text(values[i]) if i < len(values) else "" for key, i in index.items()}
        if not any(texts.values()):
            continue
        count += 1
        if count > MAX_ITEMS:
            bank.errors.append(
                ImportIssue(None, None, _("A question bank file has at most %d rows.") % MAX_ITEMS)
            )
            return
        row = _Row(number, texts, labels)
        formulas = [
            (key, i)
            for key, i in index.items()
            if i < len(values) and isinstance(values[i], Formula)
        ]
        for key, i in formulas:
            row.error(
                key,
                _("Cell %(cell)s holds a formula (%(formula)s): type its value instead.")
                % {"cell": f"{get_column_letter(i + 1)}{number}", "formula": excerpt(values[i])},
            )
        data = None if formulas else _row_question(row, type_lookup)
        if row.issues:
            bank.errors.extend(row.issues)
        elif data is not None:
            bank.questions.append(ParsedQuestion(row=number, data=data))
    if count == 0:
        bank.errors.append(ImportIssue(None, None, _("The file has a header but no questions.")))


# Writing -----------------------------------------------------------------------------------


def question_row(data: QuestionInput) -> list[Any]:
    """One question as a row of the import layout (``COLUMNS`` order)."""
    options = [""] * len(OPTION_LETTERS)
    answer = ""
    texts = [option.text for option in data.options]
    if data.type == QuestionType.TRUE_FALSE and texts == list(TRUE_FALSE_TEXTS):
        answer = "True" if data.options[0].correct else "False"
    elif data.type in (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE):
        options[: len(texts)] = texts
        answer = "".join(
            OPTION_LETTERS[position]
            for position, option in enumerate(data.options)
            if option.correct
        )
    elif data.type == QuestionType.FILL_BLANK:
        answer = blanks_text(data.blanks)
    else:
        answer = data.reference_answer
    tolerance = "" if data.numeric_tolerance is None else _number_text(data.numeric_tolerance)
    return [
        data.type,
        data.category_path,
        data.stem,
        *options,
        answer,
        data.difficulty,
        data.explanation,
        ", ".join(data.tags),
        tolerance,
    ]


def questions_to_xlsx(questions: Iterable[Question | QuestionInput]) -> bytes:
    """The questions (with category, current version and options loaded, as
    ``questions_for_export`` gives them) as a workbook in the import layout: importing it
    gives the same questions. Text that looks like a formula is written as text."""
    return build_xlsx(
        sheet_title=_("Questions"),
        header=[str(title) for title in COLUMNS.values()],
        rows=(question_row(export_input(question)) for question in questions),
        column_widths=COLUMN_WIDTHS,
    )


def template_examples() -> list[QuestionInput]:
    """One example of each type, about safety at work."""
    return [
        QuestionInput(
            type=QuestionType.SINGLE,
            category_path=_("Fire safety") + PATH_SEPARATOR + _("Emergency calls"),
            stem=_("Which number do you call to report a fire in China?"),
            options=[
                OptionInput("110"),
                OptionInput("119", True),
                OptionInput("120"),
                OptionInput("122"),
            ],
            difficulty=1,
            explanation=_("119 is the fire emergency number; 120 is for medical help."),
            tags=[_("fire"), _("emergency")],
        ),
        QuestionInput(
            type=QuestionType.MULTIPLE,
            category_path=_("Electrical safety"),
            stem=_("Which steps come before working on a low-voltage circuit?"),
            options=[
                OptionInput(_("Switch off and isolate the supply"), True),
                OptionInput(_("Lock out and tag out the switch"), True),
                OptionInput(_("Test that the circuit is dead"), True),
                OptionInput(_("Touch the wire to check it quickly")),
            ],
            difficulty=2,
            explanation=_("Isolate, lock out, prove dead: never test a conductor by touch."),
            tags=[_("electrical")],
        ),
        QuestionInput(
            type=QuestionType.TRUE_FALSE,
            category_path=_("Work at height"),
            stem=_("A safety harness is anchored above the worker: hook high, work low."),
            options=[OptionInput(TRUE_FALSE_TEXTS[0], True), OptionInput(TRUE_FALSE_TEXTS[1])],
            difficulty=1,
            explanation=_("An anchor above the worker shortens the fall and the swing."),
        ),
        QuestionInput(
            type=QuestionType.FILL_BLANK,
            category_path=_("Confined spaces"),
            stem=_(
                "The oxygen content in a confined space must stay between ___ % and ___ % "
                "by volume."
            ),
            blanks=[["19.5"], ["23.5", "23.5%"]],
            difficulty=3,
            explanation=_(
                "Separate the blanks with |, and the accepted answers of one blank with ;."
            ),
            tags=[_("confined space")],
        ),
        QuestionInput(
            type=QuestionType.SHORT_ANSWER,
            category_path=_("Hazardous chemicals"),
            stem=_("Describe what to do when a colleague is splashed with a corrosive liquid."),
            reference_answer=_(
                "Remove contaminated clothing, rinse with plenty of running water for at least "
                "15 minutes, call for medical help and bring the safety data sheet."
            ),
            difficulty=3,
            explanation=_("Graded by hand; the answer column holds the reference answer."),
            tags=[_("first aid")],
        ),
    ]


def template_xlsx() -> bytes:
    """A workbook with the header row and one example of each of the five types."""
    return questions_to_xlsx(template_examples())
