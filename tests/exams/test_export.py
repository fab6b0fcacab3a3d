"""Exports: Excel and Moodle XML files that import back into an empty bank as the same
questions; formula-like text written as text; the template."""

import io
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from exams.content import TRUE_FALSE_TEXTS, OptionInput, QuestionInput
from exams.formats.excel import COLUMNS, questions_to_xlsx, template_xlsx
from exams.formats.moodle import questions_to_moodle_xml
from exams.models import Question, QuestionCategory, QuestionVersion
from exams.selectors.bank import question_search, questions_for_export
from exams.services.imports import questions_import
from exams.services.questions import question_input_from_version
from tests.exams.factories import category, every_type_inputs, make_question

pytestmark = pytest.mark.django_db


def bank_inputs() -> list[QuestionInput]:
    """Every type, in two levels of categories, with the awkward cases an export must keep."""
    paths = ["Fire safety", "Electrical safety/Low voltage", "Work at height"]
    inputs = every_type_inputs()
    for index, data in enumerate(inputs):
        data.category_path = paths[index % len(paths)]
    inputs += [
        QuestionInput(
            type="fill_blank",
            stem="Oxygen must stay between ___ % and ___ %.",
            blanks=[["19.5"], ["23.5", "23.5%"]],
            explanation="Two blanks.",
            difficulty=4,
            tags=["confined space", "gas"],
            category_path="Confined spaces",
        ),
        QuestionInput(
            type="fill_blank",
            stem="No marks in this stem, two blanks",
            blanks=[["a|b", "c;d"], [r"C:\temp", "x*"]],
            category_path="Confined spaces",
        ),
        QuestionInput(
            type="fill_blank",
            stem="Acceleration due to gravity is ___ m/s².",
            blanks=[["9.8", "9.81"]],
            numeric_tolerance=Decimal("0.05"),
            difficulty=2,
            category_path="Physics",
        ),
        QuestionInput(
            type="single",
            stem="=Which formula-like text is written as text?",
            options=[
                OptionInput("=SUM(A1)", True),
                OptionInput("-5 °C"),
                OptionInput("+86 119"),
                OptionInput("@home"),
            ],
            explanation="-Nothing is evaluated.",
            difficulty=5,
            tags=["excel"],
            category_path="Fire safety",
        ),
        QuestionInput(
            type="multiple",
            stem="Which are gases at room temperature?\nChoose all.",
            options=[
                OptionInput("Methane", True),
                OptionInput("Propane", True),
                OptionInput("Hydrogen sulphide", True),
                OptionInput("Water"),
            ],
            category_path="Gas",
        ),
    ]
    return inputs


def make_bank() -> None:
    for data in bank_inputs():
        make_question(data.category_path, data=data)


def bank_snapshot() -> list[QuestionInput]:
    questions = Question.objects.select_related("category", "current_version")
    return sorted(
        (question_input_from_version(q, q.current_version) for q in questions),
        key=lambda data: (data.category_path, data.stem),
    )


def empty_the_bank() -> None:
    Question.objects.update(current_version=None)
    QuestionVersion.objects.all().delete()
    Question.objects.all().delete()
    for node in sorted(QuestionCategory.objects.all(), key=lambda c: -c.depth):
        node.delete()
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()


def exported_questions():
    return questions_for_export(questions=Question.objects.all())


def test_excel_export_imports_back_into_an_empty_bank_as_the_same_questions():
    make_bank()
    before = bank_snapshot()
    data = questions_to_xlsx(exported_questions())

    empty_the_bank()
    result = questions_import(actor=None, data=data, filename="export.xlsx")

    assert result.ok and result.created == len(before), [e.as_dict() for e in result.errors]
    assert result.duplicates == []
    after = bank_snapshot()
    assert after == before
    # Field by field, so a failure says which one.
    for old, new in zip(before, after, strict=True):
        assert (new.type, new.stem, new.category_path) == (old.type, old.stem, old.category_path)
        assert [(o.text, o.correct) for o in new.options] == [
            (o.text, o.correct) for o in old.options
        ]
        assert new.blanks == old.blanks and new.numeric_tolerance == old.numeric_tolerance
        assert (new.explanation, new.difficulty, new.tags, new.reference_answer) == (
            old.explanation,
            old.difficulty,
            old.tags,
            old.reference_answer,
        )


def test_excel_export_of_true_false_with_own_labels_imports_back():
    make_question(
        "Labels",
        data=QuestionInput(
            type="true_false",
            stem="Custom labels?",
            options=[OptionInput("Yes", True), OptionInput("No")],
        ),
    )
    before = bank_snapshot()
    data = questions_to_xlsx(exported_questions())
    empty_the_bank()
    assert questions_import(actor=None, data=data, filename="x.xlsx").created == 1
    assert bank_snapshot() == before


def test_excel_export_writes_formula_like_text_as_text():
    make_bank()
    data = questions_to_xlsx(exported_questions())
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    assert header == [str(title) for title in COLUMNS.values()]
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value]
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value[0] in "=-+@"]
    assert {c.value for c in formula_like} >= {"=SUM(A1)", "-5 °C", "+86 119", "@home"}
    assert all(c.data_type == "s" and c.quotePrefix for c in formula_like)


def test_excel_export_of_a_category_holds_only_its_questions():
    make_bank()
    fire = category("Fire safety")
    data = questions_to_xlsx(questions_for_export(questions=question_search(category=fire)))
    rows = list(load_workbook(io.BytesIO(data), read_only=True).worksheets[0].values)[1:]
    assert {row[1] for row in rows} == {"Fire safety"}
    assert len(rows) == Question.objects.filter(category=fire).count()


def test_moodle_export_imports_back_into_an_empty_bank_as_the_same_questions():
    make_bank()
    before = bank_snapshot()
    data = questions_to_moodle_xml(exported_questions())

    empty_the_bank()
    result = questions_import(actor=None, data=data, filename="export.xml")

    assert result.ok and result.created == len(before), [e.as_dict() for e in result.errors]
    after = bank_snapshot()
    for old, new in zip(before, after, strict=True):
        # Moodle XML carries everything but the difficulty.
        assert new.difficulty == 3
        new.difficulty = old.difficulty
        assert new == old


def test_moodle_export_uses_moodle_types_fractions_and_categories():
    make_bank()
    root = ElementTree.fromstring(questions_to_moodle_xml(exported_questions()))
    assert root.tag == "quiz"
    categories = [
        q.find("category/text").text for q in root.iter("question") if q.get("type") == "category"
    ]
    assert "$course$/top/Electrical safety/Low voltage" in categories
    kinds = [q.get("type") for q in root.iter("question") if q.get("type") != "category"]
    assert sorted(set(kinds)) == [
        "cloze",
        "essay",
        "multichoice",
        "numerical",
        "shortanswer",
        "truefalse",
    ]
    gases = next(
        q
        for q in root.iter("question")
        if q.findtext("questiontext/text", "").startswith("Which are gases")
    )
    assert gases.findtext("single") == "false"
    assert [a.get("fraction") for a in gases.findall("answer")] == [
        "33.33333",
        "33.33333",
        "33.33333",
        "-100",
    ]
    clozes = [
        q.findtext("questiontext/text") for q in root.iter("question") if q.get("type") == "cloze"
    ]
    # Blanks marked ___ in the stem are written in place, otherwise after the stem.
    assert sorted(clozes) == [
        "No marks in this stem, two blanks\n{1:SHORTANSWER:=a|b~=c;d}\n"
        "{2:SHORTANSWER:=C:\\temp~=x\\*}",
        "Oxygen must stay between {1:SHORTANSWER:=19.5} % and {2:SHORTANSWER:=23.5~=23.5%} %.",
    ]


def test_template_has_a_header_and_one_example_of_each_type():
    rows = list(load_workbook(io.BytesIO(template_xlsx()), read_only=True).worksheets[0].values)
    assert list(rows[0]) == [str(title) for title in COLUMNS.values()]
    assert [row[0] for row in rows[1:]] == [
        "single",
        "multiple",
        "true_false",
        "fill_blank",
        "short_answer",
    ]
    true_false = rows[3]
    assert true_false[COLUMNS_INDEX["answer"]] in (TRUE_FALSE_TEXTS[0], TRUE_FALSE_TEXTS[1])


COLUMNS_INDEX = {key: index for index, key in enumerate(COLUMNS)}
