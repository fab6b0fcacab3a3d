"""Question-bank import from Excel: every type and spelling read, every bad input named by
row, column and reason, and nothing written unless the whole file is good."""

import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from core.excel import build_xlsx
from core.models import AuditEntry
from exams.content import OptionInput, QuestionInput
from exams.formats import excel
from exams.models import Question, QuestionCategory
from exams.services import imports
from exams.services.imports import questions_import
from exams.services.questions import question_input_from_version
from tests.exams.factories import make_question

pytestmark = pytest.mark.django_db

HEADER = [
    "Type",
    "Category",
    "Stem",
    "A",
    "B",
    "C",
    "D",
    "Answer",
    "Difficulty",
    "Explanation",
    "Tags",
]


def row(
    type="single",
    stem="Which number reports a fire?",
    options=("110", "119", "120"),
    answer="B",
    category="Fire safety",
    difficulty=2,
    explanation="119 is the fire number.",
    tags="fire, emergency",
):
    cells = list(options) + [""] * (4 - len(options))
    return [type, category, stem, *cells, answer, difficulty, explanation, tags]


def workbook(rows, header=HEADER) -> bytes:
    """A workbook as a user saves it (plain openpyxl: a text starting with = is a formula)."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for values in rows:
        sheet.append(values)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def run(rows, header=HEADER, **kwargs):
    return questions_import(actor=None, data=workbook(rows, header), filename="bank.xlsx", **kwargs)


def stored() -> list[QuestionInput]:
    return [
        question_input_from_version(q, q.current_version)
        for q in Question.objects.select_related("category", "current_version").order_by("id")
    ]


def assert_nothing_written():
    assert not Question.objects.exists()
    assert not QuestionCategory.objects.exists()
    assert not AuditEntry.objects.exists()


def only_error(result):
    assert not result.ok and result.created == 0
    assert len(result.errors) == 1, [e.as_dict() for e in result.errors]
    return result.errors[0].as_dict()


def test_every_type_is_imported_with_every_field():
    rows = [
        row(),
        row(
            type="multiple",
            category="Electrical safety / Low voltage",
            stem="Which extinguishers suit an electrical fire?",
            options=("Carbon dioxide", "Dry powder", "Water", "Foam"),
            answer="AB",
            difficulty=3,
            explanation="Water and foam conduct.",
            tags="electrical",
        ),
        row(
            type="true_false",
            category="Work at height",
            stem="A harness is anchored above the worker.",
            options=(),
            answer="True",
            difficulty=1,
            explanation="",
            tags="",
        ),
        row(
            type="fill_blank",
            category="Work at height",
            stem="Height of ___ m; phone ___.",
            options=(),
            answer="2;two|119",
            difficulty=4,
            explanation="GB/T 3608.",
            tags="height",
        ),
        row(
            type="short_answer",
            category="Confined spaces",
            stem="Describe the entry permit.",
            options=(),
            answer="Permit, isolate, ventilate, test.",
            difficulty=5,
            explanation="",
            tags="",
        ),
    ]
    result = run(rows)

    assert result.ok and result.created == 5 and result.errors == []
    assert stored() == [
        QuestionInput(
            type="single",
            stem="Which number reports a fire?",
            options=[OptionInput("110"), OptionInput("119", True), OptionInput("120")],
            explanation="119 is the fire number.",
            difficulty=2,
            tags=["fire", "emergency"],
            category_path="Fire safety",
        ),
        QuestionInput(
            type="multiple",
            stem="Which extinguishers suit an electrical fire?",
            options=[
                OptionInput("Carbon dioxide", True),
                OptionInput("Dry powder", True),
                OptionInput("Water"),
                OptionInput("Foam"),
            ],
            explanation="Water and foam conduct.",
            difficulty=3,
            tags=["electrical"],
            category_path="Electrical safety/Low voltage",
        ),
        QuestionInput(
            type="true_false",
            stem="A harness is anchored above the worker.",
            options=[OptionInput("True", True), OptionInput("False")],
            difficulty=1,
            category_path="Work at height",
        ),
        QuestionInput(
            type="fill_blank",
            stem="Height of ___ m; phone ___.",
            blanks=[["2", "two"], ["119"]],
            explanation="GB/T 3608.",
            difficulty=4,
            tags=["height"],
            category_path="Work at height",
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the entry permit.",
            reference_answer="Permit, isolate, ventilate, test.",
            difficulty=5,
            category_path="Confined spaces",
        ),
    ]
    assert set(QuestionCategory.objects.values_list("path", flat=True)) == {
        "Fire safety",
        "Electrical safety",
        "Electrical safety/Low voltage",
        "Work at height",
        "Confined spaces",
    }
    assert AuditEntry.objects.filter(action="question.imported").count() == 5
    whole = AuditEntry.objects.get(action="question_bank.imported")
    assert whole.target_id == "" and whole.target_type is None
    assert whole.after == {
        "format": "xlsx",
        "filename": "bank.xlsx",
        "created": 5,
        "duplicates": 0,
        "unsupported_skipped": 0,
    }


def test_chinese_headers_and_type_names_are_read():
    header = [
        "题型",
        "分类路径",
        "题干",
        "选项A",
        "选项B",
        "选项C",
        "正确答案",
        "难度",
        "解析",
        "标签",
    ]
    rows = [
        ["单选题", "消防安全", "火警电话是？", "110", "119", "120", "B", 1, "119。", "消防；应急"],
        ["多选", "电气安全", "哪些可以扑救电气火灾？", "二氧化碳", "干粉", "水", "A、B", 2, "", ""],
        ["判断题", "高处作业", "安全带应高挂低用。", "", "", "", "对", 1, "", ""],
        ["判断", "高处作业", "可以在雷雨天登高作业。", "", "", "", "×", 1, "", ""],
        [
            "填空题",
            "高处作业",
            "坠落高度基准面___米以上为高处作业。",
            "",
            "",
            "",
            "2；两",
            2,
            "",
            "",
        ],
        [
            "简答题",
            "有限空间",
            "简述有限空间作业流程。",
            "",
            "",
            "",
            "先通风、再检测、后作业",
            4,
            "",
            "",
        ],
    ]
    result = run(rows, header=header)

    assert result.ok and result.created == 6, [e.as_dict() for e in result.errors]
    single, multiple, right, wrong, fill, short = stored()
    assert single.type == "single" and single.options[1] == OptionInput("119", True)
    assert single.tags == ["消防", "应急"] and single.category_path == "消防安全"
    assert [o.correct for o in multiple.options] == [True, True, False]
    assert right.options == [OptionInput("True", True), OptionInput("False")]
    assert wrong.options == [OptionInput("True"), OptionInput("False", True)]
    assert fill.blanks == [["2", "两"]]
    assert short.type == "short_answer" and short.reference_answer == "先通风、再检测、后作业"


@pytest.mark.parametrize("answer", ["ACD", "acd", "A,C,D", "A, C, D", "Ａ、Ｃ、Ｄ", "A;C;D", "CAD"])
def test_multiple_choice_answer_spellings(answer):
    result = run([row(type="multiple", options=("a", "b", "c", "d"), answer=answer)])
    assert result.ok, [e.as_dict() for e in result.errors]
    assert [o.correct for o in stored()[0].options] == [True, False, True, True]


@pytest.mark.parametrize(
    ("answer", "is_true"),
    [
        ("对", True),
        ("错", False),
        ("正确", True),
        ("错误", False),
        ("T", True),
        ("F", False),
        ("True", True),
        ("false", False),
        ("√", True),
        ("×", False),
        ("A", True),
        ("B", False),
    ],
)
def test_true_false_answer_spellings(answer, is_true):
    result = run([row(type="判断", options=(), answer=answer)])
    assert result.ok, [e.as_dict() for e in result.errors]
    assert stored()[0].options == [OptionInput("True", is_true), OptionInput("False", not is_true)]


def test_true_false_with_its_own_option_labels_keeps_them():
    result = run([row(type="true_false", options=("Correct", "Incorrect"), answer="B")])
    assert result.ok
    assert stored()[0].options == [OptionInput("Correct"), OptionInput("Incorrect", True)]


def test_fill_blank_separators_and_escapes():
    answer = r"a\|b ; c；d | e\;f | C:\temp"
    result = run([row(type="fill_blank", options=(), answer=answer)])
    assert result.ok
    assert stored()[0].blanks == [["a|b", "c", "d"], ["e;f"], [r"C:\temp"]]


def test_reference_answer_column_and_tolerance_column():
    header = [*HEADER, "Reference answer", "Tolerance"]
    rows = [
        [*row(type="short_answer", options=(), answer=""), "Lock out, tag out.", ""],
        [*row(type="fill_blank", options=(), answer="9.8", stem="g = ___ m/s²"), "", "0.05"],
    ]
    result = run(rows, header=header)
    assert result.ok, [e.as_dict() for e in result.errors]
    short, fill = stored()
    assert short.reference_answer == "Lock out, tag out."
    assert fill.blanks == [["9.8"]] and fill.numeric_tolerance == Decimal("0.05")


def test_numbers_typed_as_numbers_are_read_as_text():
    result = run([row(options=(110, 119, 120.5), answer="B", difficulty=2.0)])
    assert result.ok
    assert [o.text for o in stored()[0].options] == ["110", "119", "120.5"]


def test_blank_rows_are_skipped_and_rows_keep_their_numbers():
    result = run([row(), [None] * len(HEADER), row(stem="")], dry_run=True)
    assert only_error(result) == {"row": 4, "field": "Stem", "message": "The stem is empty."}


def test_dry_run_previews_and_writes_nothing():
    rows = [row(), row(type="fill_blank", options=(), answer="2|3", category="A/B", stem="x")]
    result = run(rows, dry_run=True)
    assert result.ok and result.dry_run and result.created == 0
    assert result.to_create == [
        {
            "row": 2,
            "name": "",
            "type": "single",
            "category": "Fire safety",
            "stem": "Which number reports a fire?",
            "answer": "B",
        },
        {
            "row": 3,
            "name": "",
            "type": "fill_blank",
            "category": "A/B",
            "stem": "x",
            "answer": "2 | 3",
        },
    ]
    assert result.categories_to_create == ["A", "A/B", "Fire safety"]
    assert_nothing_written()


def test_template_imports_cleanly_with_one_question_of_each_type():
    result = questions_import(actor=None, data=excel.template_xlsx(), filename="template.xlsx")
    assert result.ok and result.created == 5
    assert sorted(q.type for q in stored()) == sorted(
        ["single", "multiple", "true_false", "fill_blank", "short_answer"]
    )


# Bad input: each names row, column and reason, and nothing is written ---------------------


def test_wrong_header_names_the_missing_columns():
    result = run([row()], header=["Kind", "Category", "Text", *HEADER[3:7], "Solution"])
    assert not result.ok
    missing = {(e.row, e.field) for e in result.errors}
    assert missing == {(1, "Type"), (1, "Stem"), (1, "Answer")}
    assert "题型" in result.errors[0].message  # the accepted names are listed
    assert_nothing_written()


def test_unknown_type_is_named():
    error = only_error(run([row(), row(type="matching")]))
    assert error["row"] == 3 and error["field"] == "Type"
    assert "matching" in error["message"]
    assert_nothing_written()


def test_answer_letter_beyond_the_options_is_named():
    error = only_error(run([row(answer="D")]))
    assert error == {
        "row": 2,
        "field": "Answer",
        "message": "The answer D has no option: only options A–C are filled.",
    }
    assert_nothing_written()


def test_single_choice_row_with_two_answers_is_refused():
    error = only_error(run([row(answer="A,B")]))
    assert error == {
        "row": 2,
        "field": "Answer",
        "message": "A single-choice question has exactly one answer; this row gives A, B.",
    }
    assert_nothing_written()


def test_empty_stem_is_named():
    error = only_error(run([row(stem="   ")]))
    assert error == {"row": 2, "field": "Stem", "message": "The stem is empty."}
    assert_nothing_written()


def test_formula_in_a_cell_is_an_error_and_is_not_evaluated():
    error = only_error(run([row(), row(options=("110", "=SUM(1,2)", "120"))]))
    assert error["row"] == 3 and error["field"] == "B"
    assert "E3" in error["message"] and "=SUM(1,2)" in error["message"]
    assert_nothing_written()


def test_a_10000_row_sheet_with_one_bad_row_imports_nothing_and_names_it():
    rows = [row(stem=f"Question {n}?") for n in range(10_000)]
    rows[5_000] = row(stem="Question 5000?", answer="Z")
    data = build_xlsx(sheet_title="Bank", header=HEADER, rows=rows)

    result = questions_import(actor=None, data=data, filename="big.xlsx")

    error = only_error(result)
    assert error["row"] == 5_002 and error["field"] == "Answer"
    assert "Z" in error["message"]
    assert_nothing_written()


def test_a_file_that_is_not_xlsx_but_named_so_is_refused():
    data = b"Type,Category,Stem\nsingle,Fire,Why?\n"
    error = only_error(questions_import(actor=None, data=data, filename="bank.xlsx"))
    assert error == {
        "row": None,
        "field": None,
        "message": "The file is not an Excel .xlsx workbook.",
    }
    assert_nothing_written()


def test_an_option_gap_is_named():
    error = only_error(run([row(options=("110", "", "120"), answer="A")]))
    assert error["row"] == 2 and error["field"] == "B"
    assert_nothing_written()


@pytest.mark.parametrize("difficulty", [0, 6, 2.5, "hard"])
def test_bad_difficulty_is_named(difficulty):
    error = only_error(run([row(difficulty=difficulty)]))
    assert error["field"] == "Difficulty"


def test_empty_category_is_named():
    error = only_error(run([row(category=" / ")]))
    assert error == {"row": 2, "field": "Category", "message": "The category is empty."}


def test_unknown_true_false_answer_is_named():
    error = only_error(run([row(type="true_false", options=(), answer="maybe")]))
    assert error["field"] == "Answer" and "maybe" in error["message"]


def test_options_on_a_fill_blank_row_are_refused():
    error = only_error(run([row(type="fill_blank", answer="2")]))
    assert error["field"] == "A–D" and "no options" in error["message"]


def test_every_bad_row_is_reported_at_once():
    result = run([row(stem=""), row(), row(type="x"), row(answer="")])
    assert [(e.row, e.field) for e in result.errors] == [(2, "Stem"), (4, "Type"), (5, "Answer")]
    assert_nothing_written()


def test_a_header_without_rows_is_refused():
    error = only_error(run([]))
    assert error["message"] == "The file has a header but no questions."


def test_too_many_rows_are_refused(monkeypatch):
    monkeypatch.setattr(excel, "MAX_ITEMS", 3)
    error = only_error(run([row(stem=f"Q{n}") for n in range(4)]))
    assert error["message"] == "A question bank file has at most 3 rows."


def test_a_file_too_large_is_refused(monkeypatch):
    monkeypatch.setattr(imports, "MAX_FILE_SIZE", 100)
    error = only_error(run([row()]))
    assert error["field"] == "file" and "larger" in error["message"]
    assert_nothing_written()


@pytest.mark.parametrize(
    ("filename", "format", "message"),
    [
        ("bank.csv", "", "Name the format, or upload an .xlsx, .xml (Moodle XML) or .gift file."),
        ("bank.xlsx", "docx", "Unknown import format “docx”: use xlsx, moodle_xml or gift."),
    ],
)
def test_unknown_format_is_refused(filename, format, message):
    result = questions_import(actor=None, data=workbook([row()]), filename=filename, format=format)
    assert only_error(result) == {"row": None, "field": "format", "message": message}


def test_format_field_wins_over_the_file_name():
    result = questions_import(
        actor=None, data=workbook([row()]), filename="upload.bin", format="xlsx"
    )
    assert result.ok and result.format == "xlsx" and result.created == 1


# Duplicates ----------------------------------------------------------------------------


def test_duplicates_within_the_file_are_reported_and_created_once():
    result = run([row(), row(stem="Other?"), row(stem="  which NUMBER reports a fire? ")])
    assert result.ok and result.created == 2
    assert [d.as_dict() for d in result.duplicates] == [
        {
            "row": 4,
            "field": "stem",
            "message": "Same question as 2 in “Fire safety”; this one is left out.",
        }
    ]
    assert Question.objects.count() == 2
    assert AuditEntry.objects.get(action="question_bank.imported").after["duplicates"] == 1


def test_duplicates_of_the_bank_are_reported_and_not_created():
    existing = make_question(
        "Fire safety",
        data=QuestionInput(
            type="single",
            stem="Which number reports a fire?",
            options=[OptionInput("110"), OptionInput("119", True), OptionInput("120")],
        ),
    )
    result = run([row(), row(category="Other category")])
    assert result.ok and result.created == 1
    assert [d.as_dict() for d in result.duplicates] == [
        {
            "row": 2,
            "field": "stem",
            "message": f"Question #{existing.pk} in “Fire safety” already has this stem and "
            "these options; this one is left out.",
        }
    ]
    assert Question.objects.filter(category__path="Other category").count() == 1


def test_a_file_of_duplicates_only_creates_nothing_but_is_not_an_error():
    run([row()])
    result = run([row()])
    assert result.ok and result.created == 0 and len(result.duplicates) == 1
    assert Question.objects.count() == 1
