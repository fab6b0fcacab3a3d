"""Question-bank import from GIFT: a hand-written file read field by field, the syntax's
variants, unbalanced braces named by question and line, unsupported types confirmed."""

from decimal import Decimal
from pathlib import Path

import pytest

from core.models import AuditEntry
from exams.content import OptionInput, QuestionInput
from exams.formats.gift import parse_gift
from exams.models import Question, QuestionCategory
from exams.services.imports import questions_import
from exams.services.questions import question_input_from_version

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "bank.gift"


def stored() -> list[QuestionInput]:
    return [
        question_input_from_version(q, q.current_version)
        for q in Question.objects.select_related("category", "current_version").order_by("id")
    ]


def run(text: str, **kwargs):
    return questions_import(actor=None, data=text.encode(), filename="bank.gift", **kwargs)


def one(text: str) -> QuestionInput:
    bank = parse_gift(text.encode())
    assert bank.errors == [] and len(bank.questions) == 1, bank
    return bank.questions[0].data


def assert_nothing_written():
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()
    assert not AuditEntry.objects.exists()


def test_hand_written_gift_file_is_read_field_by_field():
    result = questions_import(
        actor=None, data=FIXTURE.read_bytes(), filename="bank.txt", confirm_unsupported=True
    )

    assert result.ok and result.created == 6, [e.as_dict() for e in result.errors]
    assert result.format == "gift"
    assert result.unsupported == [{"row": 7, "type": "description", "name": "Read first"}]
    assert stored() == [
        QuestionInput(
            type="single",
            stem="Which number do you call to report a fire in China?",
            options=[OptionInput("110"), OptionInput("119", True), OptionInput("120")],
            explanation="119 is the fire emergency number.",
            difficulty=3,
            tags=["fire", "emergency"],
            category_path="Fire safety/Extinguishers",
        ),
        QuestionInput(
            type="multiple",
            stem="Which of these belong to the fire triangle?",
            options=[
                OptionInput("Heat", True),
                OptionInput("Oxygen", True),
                OptionInput("Nitrogen"),
            ],
            difficulty=3,
            category_path="Fire safety/Extinguishers",
        ),
        QuestionInput(
            type="true_false",
            stem="A harness may be anchored below the worker's feet.",
            options=[OptionInput("True"), OptionInput("False", True)],
            explanation="Hook high, work low.",
            difficulty=3,
            category_path="Work at height",
        ),
        QuestionInput(
            type="fill_blank",
            stem="Work at a height of ___ metres or more counts as work at height.",
            blanks=[["2", "two"]],
            difficulty=3,
            category_path="Work at height",
        ),
        QuestionInput(
            type="fill_blank",
            stem="How far, in metres, may a worker fall freely at most?",
            blanks=[["2"]],
            numeric_tolerance=Decimal("0.5"),
            difficulty=3,
            category_path="Work at height",
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the rescue plan for a worker suspended in a harness {within 15 min}.",
            difficulty=3,
            category_path="Work at height",
        ),
    ]
    assert [p["name"] for p in result.to_create] == [
        "Fire number",
        "Fire triangle",
        "Harness anchor",
        "Height threshold",
        "Free fall",
        "Rescue plan",
    ]


@pytest.mark.parametrize(
    ("answer", "is_true"), [("T", True), ("F", False), ("TRUE", True), ("false", False)]
)
def test_true_false_spellings(answer, is_true):
    data = one(f"Fire needs oxygen.{{{answer}}}")
    assert data.options == [OptionInput("True", is_true), OptionInput("False", not is_true)]


def test_escapes_are_read_as_the_characters():
    data = one(r"::a\:b::Is 1 \= 1 \# \{x\}? {=yes \~ sure ~no\=never}")
    assert data.stem == "Is 1 = 1 # {x}?"
    assert data.options == [OptionInput("yes ~ sure", True), OptionInput("no=never")]


def test_a_title_names_the_question_and_text_without_title_is_its_name():
    bank = parse_gift(b"::Named::Stem one {}\n\nStem two has no title {}")
    assert [q.name for q in bank.questions] == ["Named", "Stem two has no title"]


def test_formats_html_is_stripped_and_markdown_kept():
    assert one("[html]<p>Hot &amp; <b>dry</b></p>{}").stem == "Hot & dry"
    assert one("[markdown]Use **CO2**{}").stem == "Use **CO2**"
    assert one("[plain]a < b{}").stem == "a < b"


def test_missing_word_keeps_the_blank_in_place():
    data = one("Dial {=119 =一一九} to report a fire.")
    assert data.type == "fill_blank" and data.stem == "Dial ___ to report a fire."
    assert data.blanks == [["119", "一一九"]]
    choice = one("The {~red =green ~blue} wire is earth.")
    assert choice.type == "single" and choice.stem == "The ___ wire is earth."


def test_multiple_answers_span_lines_with_feedback():
    data = one(
        "Which are PPE?{\n~%50%Helmet#yes\n~%50%Gloves\n~%-100%Phone#no\n####PPE protects you.\n}"
    )
    assert data.type == "multiple" and data.explanation == "PPE protects you."
    assert [o.correct for o in data.options] == [True, True, False]


@pytest.mark.parametrize(
    ("answers", "accepted", "tolerance"),
    [
        ("#9.8:0.2", ["9.8"], "0.2"),
        ("#1..5", ["3"], "2"),
        ("#=9.8:0.1 =10:0.3 ~20", ["9.8", "10"], "0.3"),
        ("#42", ["42"], "0"),
    ],
)
def test_numeric_answers(answers, accepted, tolerance):
    data = one(f"How much? {{{answers}}}")
    assert data.blanks == [accepted] and data.numeric_tolerance == Decimal(tolerance)


def test_category_lines_and_comments():
    text = (
        "// a comment {{{ with braces\n$CATEGORY: Gas/Cylinders\n\n"
        "// [tag:gas]\nChain cylinders upright?{T}\n\n$CATEGORY: $course$/top/Other\nX?{F}"
    )
    bank = parse_gift(text.encode())
    assert [(q.data.category_path, q.data.tags) for q in bank.questions] == [
        ("Gas/Cylinders", ["gas"]),
        ("Other", []),
    ]


def test_gb18030_file_is_read():
    data = "::火警::火警电话是？{=119 ~110}".encode("gb18030")
    bank = parse_gift(data)
    assert bank.errors == [] and bank.questions[0].name == "火警"


# Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("Good?{T}\n\nFirst line\nUnclosed {=a ~b\nmore", 4),
        ("Good?{T}\n\nToo many}{T}", 3),
        ("Good?{T}\n\nTwo pairs {T} and {F}", 3),
    ],
)
def test_unbalanced_braces_name_the_question_and_line(text, line):
    result = run(text)
    assert [(e.row, e.field) for e in result.errors] == [(2, "answers")]
    assert f"Question 2 (line {line}): the braces {{ }} do not balance" in result.errors[0].message
    assert_nothing_written()


def test_unsupported_matching_needs_confirmation():
    text = "::Pairs::Match {=Fire -> 119 =Police -> 110}\n\n::Kept::Kept?{T}"
    result = run(text)
    assert result.needs_confirmation and result.unsupported == [
        {"row": 1, "type": "matching", "name": "Pairs"}
    ]
    assert_nothing_written()
    confirmed = run(text, confirm_unsupported=True)
    assert confirmed.ok and confirmed.created == 1
    assert stored()[0].stem == "Kept?"


def test_invalid_question_is_named_with_its_line():
    result = run("Good?{T}\n\n\n::Broken::Pick one {~a ~b}")
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 2,
            "field": "answers",
            "message": "“Broken” (line 4): A multiple-choice question needs at least one correct "
            "option.",
        }
    ]
    assert_nothing_written()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\x00\x01binary", "The file is not a GIFT text file."),
        (b"// only a comment\n", "The file holds no questions."),
        (b"::Title without end {T}", None),
    ],
)
def test_files_without_questions_are_refused(data, message):
    result = questions_import(actor=None, data=data, filename="bank.gift")
    assert not result.ok
    if message:
        assert result.errors[0].message == message
    assert_nothing_written()
