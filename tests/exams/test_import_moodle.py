"""Question-bank import from Moodle XML: a file written by hand in Moodle's format is read
field by field; unsafe XML is refused without expanding anything; unsupported types wait
for confirmation."""

from decimal import Decimal
from pathlib import Path

import pytest

from core.models import AuditEntry
from exams.content import OptionInput, QuestionInput
from exams.formats.moodle import parse_moodle_xml
from exams.models import Question, QuestionCategory
from exams.services.imports import questions_import
from exams.services.questions import question_input_from_version

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).parent / "fixtures" / "moodle_bank.xml"


def stored() -> list[QuestionInput]:
    return [
        question_input_from_version(q, q.current_version)
        for q in Question.objects.select_related("category", "current_version").order_by("id")
    ]


def quiz(*questions: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz>' + "".join(questions) + "</quiz>"
    ).encode()


def question(kind: str, name: str, body: str, text: str = "Stem?") -> str:
    return (
        f'<question type="{kind}"><name><text>{name}</text></name>'
        f'<questiontext format="html"><text>{text}</text></questiontext>{body}</question>'
    )


def answer(fraction: str, text: str, extra: str = "") -> str:
    return f'<answer fraction="{fraction}" format="html"><text>{text}</text>{extra}</answer>'


def run(data: bytes, **kwargs):
    return questions_import(actor=None, data=data, filename="bank.xml", **kwargs)


def assert_nothing_written():
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()
    assert not AuditEntry.objects.exists()


def test_hand_written_moodle_file_is_read_field_by_field():
    result = run(FIXTURE.read_bytes())

    assert result.ok and result.created == 5, [e.as_dict() for e in result.errors]
    assert result.format == "moodle_xml" and result.unsupported == []
    assert [(p["row"], p["name"], p["type"]) for p in result.to_create] == [
        (1, "CO2 on electrical fires", "single"),
        (2, "Fire triangle", "multiple"),
        (3, "Harness anchor", "true_false"),
        (4, "Height threshold", "fill_blank"),
        (5, "Rescue plan", "short_answer"),
    ]
    assert stored() == [
        QuestionInput(
            type="single",
            stem="Which extinguisher is best for a fire in a live electrical cabinet?",
            options=[
                OptionInput("Water"),
                OptionInput("Carbon dioxide (CO2)", True),
                OptionInput("Foam"),
            ],
            explanation="Carbon dioxide leaves no residue & does not conduct.",
            difficulty=3,
            tags=["fire", "electrical"],
            category_path="Fire safety/Extinguishers",
        ),
        QuestionInput(
            type="multiple",
            stem="Which of these belong to the fire triangle?\n\nChoose all that apply.",
            options=[
                OptionInput("Heat", True),
                OptionInput("Oxygen", True),
                OptionInput("Nitrogen"),
                OptionInput("Water > 50 °C"),
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
            tags=["height"],
            category_path="Work at height",
        ),
        QuestionInput(
            type="fill_blank",
            stem="Work at a height of ___ metres or more\ncounts as work at height.",
            blanks=[["2", "two"]],
            explanation="GB/T 3608",
            difficulty=3,
            category_path="Work at height",
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the rescue plan for a worker suspended in a harness.",
            reference_answer=(
                "Rescue within 15 minutes;\n\nuse a rescue kit, never cut the lanyard."
            ),
            difficulty=3,
            category_path="Work at height",
        ),
    ]
    assert sorted(QuestionCategory.objects.values_list("path", flat=True)) == [
        "Fire safety",
        "Fire safety/Extinguishers",
        "Work at height",
    ]
    assert AuditEntry.objects.get(action="question_bank.imported").after["format"] == "moodle_xml"


@pytest.mark.parametrize(
    ("written", "path"),
    [
        ("$course$/top/Fire safety/Extinguishers", "Fire safety/Extinguishers"),
        ("$system$/top/Electrical", "Electrical"),
        ("$module$/top/Quiz bank", "Quiz bank"),
        ("$cat1$/Gas", "Gas"),
        ("$course$/Old style", "Old style"),
        ("top/Plain", "Plain"),
    ],
)
def test_moodle_category_prefixes_are_dropped(written, path):
    category = f'<question type="category"><category><text>{written}</text></category></question>'
    body = "<graderinfo format='html'><text></text></graderinfo>"
    bank = parse_moodle_xml(quiz(category, question("essay", "E", body)))
    assert bank.questions[0].data.category_path == path


def test_questions_without_a_category_go_to_the_default_one():
    bank = parse_moodle_xml(quiz(question("essay", "E", "")))
    assert bank.questions[0].data.category_path == "Imported"


def test_numerical_becomes_fill_blank_with_tolerance():
    body = answer("100", "9.8", "<tolerance>0.1</tolerance>") + answer("0", "*")
    bank = parse_moodle_xml(quiz(question("numerical", "g", body)))
    data = bank.questions[0].data
    assert data.type == "fill_blank" and data.blanks == [["9.8"]]
    assert data.numeric_tolerance == Decimal("0.1")


def test_cloze_with_short_answer_and_numerical_blanks_is_fill_blank():
    text = "Fire {1:SHORTANSWER:=119~=one one nine~%50%911} and g {2:NM:=9.8:0.1}."
    bank = parse_moodle_xml(quiz(question("cloze", "Two blanks", "", text=text)))
    data = bank.questions[0].data
    assert data.stem == "Fire ___ and g ___."
    assert data.blanks == [["119", "one one nine"], ["9.8"]]
    assert data.numeric_tolerance == Decimal("0.1")


def test_shortanswer_wildcard_is_refused_and_escaped_star_kept():
    bank = parse_moodle_xml(quiz(question("shortanswer", "W", answer("100", "fire*"))))
    assert bank.errors[0].row == 1 and bank.errors[0].field == "answer"
    assert "wildcard" in bank.errors[0].message
    bank = parse_moodle_xml(quiz(question("shortanswer", "W", answer("100", r"5\*3"))))
    assert bank.questions[0].data.blanks == [["5*3"]]


def test_errors_name_the_question_number_its_name_and_the_element():
    single_two_right = "<single>true</single>" + answer("100", "a") + answer("100", "b")
    result = run(
        quiz(
            '<question type="category"><category><text>$course$/top/A</text></category></question>',
            question(
                "multichoice",
                "Good",
                "<single>true</single>" + answer("100", "a") + answer("0", "b"),
            ),
            question("multichoice", "Two right", single_two_right),
            question("essay", "No stem", "", text=""),
        )
    )
    assert [e.as_dict() for e in result.errors] == [
        {
            "row": 2,
            "field": "answer",
            "message": "“Two right”: A single-choice question has exactly one correct option; "
            "this one has 2.",
        },
        {"row": 3, "field": "questiontext", "message": "“No stem”: The stem is empty."},
    ]
    assert_nothing_written()


def test_unsupported_types_need_confirmation_then_are_skipped():
    data = quiz(
        question("essay", "Kept", ""),
        question("matching", "Pairs", "<subquestion><text>a</text></subquestion>"),
        question("cloze", "Drop-down", "", text="Pick {1:MULTICHOICE:=a~b}"),
        question("description", "Intro", ""),
    )
    result = run(data)
    assert not result.ok and result.needs_confirmation and result.errors == []
    assert result.unsupported == [
        {"row": 2, "type": "matching", "name": "Pairs"},
        {"row": 3, "type": "cloze", "name": "Drop-down"},
        {"row": 4, "type": "description", "name": "Intro"},
    ]
    assert [p["name"] for p in result.to_create] == ["Kept"]
    assert_nothing_written()

    confirmed = run(data, confirm_unsupported=True)
    assert confirmed.ok and confirmed.created == 1
    assert AuditEntry.objects.get(action="question_bank.imported").after["unsupported_skipped"] == 3


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<quiz><question type="essay"><name><text>&lol9;</text></name>
<questiontext format="html"><text>&lol9;</text></questiontext></question></quiz>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE quiz [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<quiz><question type="essay"><name><text>Leak</text></name>
<questiontext format="html"><text>&secret;</text></questiontext></question></quiz>
"""

REFUSED = (
    "The file declares a DTD or XML entities, which are refused for safety (Moodle never "
    "writes them); nothing in it was read."
)


@pytest.mark.parametrize("data", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["bomb", "external"])
def test_entity_bomb_and_external_entity_are_refused_without_expanding(data, monkeypatch):
    expanded = []
    monkeypatch.setattr(
        "exams.formats.moodle.formatted_text", lambda element: expanded.append(element) or ""
    )
    result = run(data)
    assert [e.as_dict() for e in result.errors] == [
        {"row": None, "field": None, "message": REFUSED}
    ]
    assert expanded == [] and result.to_create == []
    assert "root:" not in str(result.as_dict()) and "lollol" not in str(result.as_dict())
    assert_nothing_written()


def test_a_plain_dtd_is_refused_too():
    data = b'<?xml version="1.0"?><!DOCTYPE quiz SYSTEM "http://example.com/q.dtd"><quiz/>'
    assert run(data).errors[0].message == REFUSED


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<quiz><question>", "The file is not well-formed XML (line 1, column 16)."),
        (
            b"<html><body/></html>",
            "The file is not Moodle XML: its root element is <html>, not <quiz>.",
        ),
        (b"<quiz></quiz>", "The file holds no questions."),
    ],
)
def test_files_that_are_not_moodle_xml_are_refused(data, message):
    assert [e.as_dict() for e in run(data).errors] == [
        {"row": None, "field": None, "message": message}
    ]
    assert_nothing_written()


def test_duplicates_in_a_moodle_file_are_left_out():
    essay = question("essay", "E", "")
    result = run(quiz(essay, essay))
    assert result.ok and result.created == 1
    assert result.duplicates[0].row == 2
