"""The question-bank API: categories, questions (every type, versions, retiring, the stem
picture), filters, query counts, bad input, and import / export wiring."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from PIL import Image

from core.excel import XLSX_CONTENT_TYPE
from core.models import AuditEntry
from exams.models import Question, QuestionCategory, QuestionVersion
from exams.services.questions import question_delete, question_versions_mark_used
from tests.exams.factories import category, make_question, make_questions, single_input

pytestmark = pytest.mark.django_db

QUESTIONS = "/api/v1/questions/"
CATEGORIES = "/api/v1/question-categories/"


def single_payload(category_id, **extra):
    payload = {
        "type": "single",
        "stem": "Which number reports a fire in China?",
        "options": [
            {"text": "110", "correct": False},
            {"text": "119", "correct": True},
            {"text": "120", "correct": False},
        ],
        "category": category_id,
        "difficulty": 2,
        "explanation": "119 is the fire emergency number.",
        "tags": ["fire", "emergency"],
    }
    payload.update(extra)
    return payload


def png_file(name="stem.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


# Categories ---------------------------------------------------------------------------------


def test_category_crud_keeps_paths_and_counts(officer_api):
    response = officer_api.post(CATEGORIES, {"name": "Fire safety"}, format="json")
    assert response.status_code == 201, response.json()
    fire = response.json()
    assert fire["path"] == "Fire safety" and fire["parent"] is None
    child = officer_api.post(
        CATEGORIES, {"name": "Extinguishers", "parent": fire["id"]}, format="json"
    ).json()
    assert child["path"] == "Fire safety/Extinguishers"
    make_questions(2, "Fire safety/Extinguishers")
    make_question("Fire safety")

    listed = officer_api.get(CATEGORIES).json()
    by_path = {row["path"]: row for row in listed["results"]}
    assert by_path["Fire safety"]["question_count"] == 3
    assert by_path["Fire safety"]["own_question_count"] == 1
    assert by_path["Fire safety/Extinguishers"]["question_count"] == 2

    renamed = officer_api.patch(
        f"{CATEGORIES}{fire['id']}/", {"name": "Fire"}, format="json"
    ).json()
    assert renamed["path"] == "Fire"
    assert officer_api.get(f"{CATEGORIES}{child['id']}/").json()["path"] == "Fire/Extinguishers"
    assert officer_api.get(f"{CATEGORIES}?parent=none").json()["count"] == 1
    assert officer_api.get(f"{CATEGORIES}?search=extinguish").json()["count"] == 1

    # Not empty: refused with the reason; an empty one goes.
    refused = officer_api.delete(f"{CATEGORIES}{fire['id']}/")
    assert refused.status_code == 400 and "sub-categories" in refused.json()["detail"]
    empty = officer_api.post(CATEGORIES, {"name": "Empty"}, format="json").json()
    assert officer_api.delete(f"{CATEGORIES}{empty['id']}/").status_code == 204
    assert officer_api.get(f"{CATEGORIES}{empty['id']}/").status_code == 404


def test_category_bad_input(officer_api):
    fire = category("Fire safety")
    child = category("Fire safety/Extinguishers")
    cases = [
        {"name": ""},
        {"name": "A/B"},
        {"name": "x" * 101},
        {"name": "Fire safety"},  # exists at the top
        {"name": "Orphan", "parent": 999999},
        {"name": "Orphan", "parent": "abc"},
        {"name": ["list"]},
    ]
    for body in cases:
        response = officer_api.post(CATEGORIES, body, format="json")
        assert response.status_code == 400, body
    moved = officer_api.patch(f"{CATEGORIES}{fire.pk}/", {"parent": child.pk}, format="json")
    assert moved.status_code == 400 and "parent" in moved.json()
    assert QuestionCategory.objects.count() == 2
    assert officer_api.get(f"{CATEGORIES}?parent=x").status_code == 400


# Questions: create and read -----------------------------------------------------------------


def test_create_single_choice_and_read_it_back(officer_api, safety_officer):
    fire = category("Fire safety")
    response = officer_api.post(QUESTIONS, single_payload(fire.pk), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["type"] == "single"
    assert [(o["text"], o["correct"]) for o in body["options"]] == [
        ("110", False),
        ("119", True),
        ("120", False),
    ]
    assert all(isinstance(o["id"], int) for o in body["options"])
    assert body["category"] == fire.pk and body["category_path"] == "Fire safety"
    assert body["difficulty"] == 2 and body["tags"] == ["fire", "emergency"]
    assert body["version"] == 1 and body["retired"] is False and body["is_active"] is True
    assert body["image"] is None and body["accepted_answers"] == [] and body["blanks"] == []
    question = Question.objects.get(pk=body["id"])
    assert question.created_by == safety_officer.user
    assert AuditEntry.objects.filter(action="question.created").count() == 1
    assert officer_api.get(f"{QUESTIONS}{question.pk}/").json() == body


def test_create_every_other_type(officer_api):
    fire = category("Fire safety").pk
    multiple = officer_api.post(
        QUESTIONS,
        {
            "type": "multiple",
            "stem": "Which extinguishers suit an electrical fire?",
            "options": [
                {"text": "Carbon dioxide", "correct": True},
                {"text": "Dry powder", "correct": True},
                {"text": "Water"},
            ],
            "category": fire,
        },
        format="json",
    )
    assert multiple.status_code == 201, multiple.json()
    assert [o["correct"] for o in multiple.json()["options"]] == [True, True, False]

    # True/false through the ``answer`` convenience, and through options.
    convenience = officer_api.post(
        QUESTIONS,
        {"type": "true_false", "stem": "High hook, low use.", "answer": True, "category": fire},
        format="json",
    )
    assert convenience.status_code == 201, convenience.json()
    assert [(o["text"], o["correct"]) for o in convenience.json()["options"]] == [
        ("True", True),
        ("False", False),
    ]
    explicit = officer_api.post(
        QUESTIONS,
        {
            "type": "true_false",
            "stem": "Water puts out an oil fire.",
            "options": [{"text": "True", "correct": False}, {"text": "False", "correct": True}],
            "category": fire,
        },
        format="json",
    )
    assert explicit.status_code == 201, explicit.json()

    # Fill in the blank: accepted_answers alone is one blank with alternatives.
    one_blank = officer_api.post(
        QUESTIONS,
        {
            "type": "fill_blank",
            "stem": "Work at a height of ___ metres or more is work at height.",
            "accepted_answers": ["2", "two"],
            "numeric_tolerance": "0.5",
            "category": fire,
        },
        format="json",
    ).json()
    assert one_blank["blanks"] == [["2", "two"]]
    assert one_blank["accepted_answers"] == ["2", "two"]
    assert one_blank["numeric_tolerance"] == "0.5000"
    two_blanks = officer_api.post(
        QUESTIONS,
        {
            "type": "fill_blank",
            "stem": "Fire ___, police ___.",
            "blanks": [["119"], ["110", "one one zero"]],
            "accepted_answers": ["ignored when blanks are given"],
            "category": fire,
        },
        format="json",
    ).json()
    assert two_blanks["blanks"] == [["119"], ["110", "one one zero"]]
    assert two_blanks["accepted_answers"] == ["119", "110", "one one zero"]

    short = officer_api.post(
        QUESTIONS,
        {
            "type": "short_answer",
            "stem": "Describe the steps before entering a confined space.",
            "reference_answer": "Permit, isolate, ventilate, test the air.",
            "category": fire,
        },
        format="json",
    ).json()
    assert short["reference_answer"].startswith("Permit") and short["options"] == []
    assert Question.objects.count() == 6


def test_service_rules_come_back_as_field_errors(officer_api):
    fire = category("Fire safety").pk
    two_correct = single_payload(
        fire,
        options=[{"text": "A", "correct": True}, {"text": "B", "correct": True}],
    )
    response = officer_api.post(QUESTIONS, two_correct, format="json")
    assert response.status_code == 400
    assert "exactly one correct" in response.json()["options"][0]

    officer_api.post(QUESTIONS, single_payload(fire), format="json")
    duplicate = officer_api.post(QUESTIONS, single_payload(fire), format="json")
    assert duplicate.status_code == 400 and "already has this stem" in duplicate.json()["stem"][0]

    no_blank = officer_api.post(
        QUESTIONS, {"type": "fill_blank", "stem": "___", "category": fire}, format="json"
    )
    assert no_blank.status_code == 400 and "blanks" in no_blank.json()
    assert Question.objects.count() == 1


BAD_BODIES = [
    ("type", {"type": "essay"}),
    ("difficulty", {"difficulty": 9}),
    ("difficulty", {"difficulty": "hard"}),
    ("difficulty", {"difficulty": 10**30}),
    ("category", {"category": 999999}),
    ("category", {"category": "fire"}),
    ("options", {"options": "A;B;C"}),
    ("options", {"options": ["A", "B"]}),
    ("options", {"options": [{"text": {"nested": 1}, "correct": True}]}),
    ("options", {"options": [{"correct": True}, {"text": "B"}]}),
    ("stem", {"stem": "x" * (1024 * 1024)}),
    ("stem", {"stem": ["not", "text"]}),
    ("stem", {"stem": "   "}),
    ("tags", {"tags": "fire"}),
    ("tags", {"tags": ["a,b"]}),
    ("numeric_tolerance", {"numeric_tolerance": "lots"}),
    ("numeric_tolerance", {"numeric_tolerance": "NaN"}),
    ("blanks", {"blanks": "2"}),
    ("explanation", {"explanation": "x" * 6000}),
]


@pytest.mark.parametrize(("field", "change"), BAD_BODIES, ids=[f for f, _c in BAD_BODIES])
def test_bad_input_is_a_400_on_the_field_and_writes_nothing(officer_api, field, change):
    fire = category("Fire safety").pk
    response = officer_api.post(QUESTIONS, single_payload(fire, **change), format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert not Question.objects.exists()


def test_garbage_bodies_are_400(officer_api):
    fire = category("Fire safety").pk
    assert (
        officer_api.post(QUESTIONS, "not json{", content_type="application/json").status_code == 400
    )
    assert officer_api.post(QUESTIONS, "[1, 2]", content_type="application/json").status_code == (
        400
    )
    assert officer_api.post(QUESTIONS, {}, format="json").status_code == 400
    question = make_question()
    assert (
        officer_api.patch(
            f"{QUESTIONS}{question.pk}/", json.dumps("x"), content_type="application/json"
        ).status_code
        == 400
    )
    assert officer_api.get(f"{QUESTIONS}abc/").status_code == 404
    assert officer_api.get(f"{QUESTIONS}999999/").status_code == 404
    assert Question.objects.count() == 1
    del fire


# Editing, versions, deleting ----------------------------------------------------------------


def test_edit_in_place_until_used_then_new_version(officer_api):
    question = make_question(data=single_input("Old stem?"))
    url = f"{QUESTIONS}{question.pk}/"

    patched = officer_api.patch(url, {"stem": "New stem?", "difficulty": 4}, format="json")
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert body["new_version"] is False and body["version"] == 1
    assert body["stem"] == "New stem?" and body["difficulty"] == 4
    assert len(body["options"]) == 4  # PATCH kept what it did not send

    question_versions_mark_used(version_ids=[question.current_version_id])
    patched = officer_api.patch(url, {"stem": "Newer stem?"}, format="json").json()
    assert patched["new_version"] is True and patched["version"] == 2

    history = officer_api.get(f"{url}versions/").json()
    assert history["count"] == 2
    newest, oldest = history["results"]
    assert (newest["number"], newest["current"], newest["stem"]) == (2, True, "Newer stem?")
    assert (oldest["number"], oldest["current"], oldest["stem"]) == (1, False, "New stem?")
    assert oldest["used_at"] is not None
    assert [o["correct"] for o in oldest["options"]] == [True, False, False, False]

    # PUT sends the whole question: tags not sent are cleared; is_active is kept.
    put = officer_api.put(
        url,
        single_payload(question.category_id, tags=[], difficulty=5),
        format="json",
    )
    assert put.status_code == 200, put.json()
    assert put.json()["tags"] == [] and put.json()["difficulty"] == 5
    assert put.json()["stem"] == "Which number reports a fire in China?"

    # Switch it off and move it: no new content, no new version.
    other = category("Electrical safety")
    off = officer_api.patch(url, {"is_active": False, "category": other.pk}, format="json").json()
    assert off["is_active"] is False and off["category_path"] == "Electrical safety"
    assert off["new_version"] is False


def test_patch_can_change_type_when_it_sends_the_new_content(officer_api):
    question = make_question()
    url = f"{QUESTIONS}{question.pk}/"
    refused = officer_api.patch(url, {"type": "short_answer"}, format="json")
    assert refused.status_code == 400 and "options" in refused.json()
    changed = officer_api.patch(
        url, {"type": "fill_blank", "options": [], "accepted_answers": ["119"]}, format="json"
    ).json()
    assert changed["type"] == "fill_blank" and changed["blanks"] == [["119"]]


def test_delete_unused_question_is_gone(officer_api):
    question = make_question()
    assert officer_api.delete(f"{QUESTIONS}{question.pk}/").status_code == 204
    assert not Question.objects.exists() and not QuestionVersion.objects.exists()


def test_delete_used_question_retires_it(officer_api):
    question = make_question()
    question_versions_mark_used(version_ids=[question.current_version_id])
    url = f"{QUESTIONS}{question.pk}/"
    response = officer_api.delete(url)
    assert response.status_code == 200
    assert response.json()["retired"] is True and response.json()["is_active"] is False
    assert officer_api.get(QUESTIONS).json()["count"] == 0
    assert officer_api.get(f"{QUESTIONS}?state=retired").json()["count"] == 1
    assert officer_api.get(url).json()["retired"] is True
    edit = officer_api.patch(url, {"stem": "Again?"}, format="json")
    assert edit.status_code == 400 and "retired" in edit.json()["detail"]


def test_stem_picture_upload_and_removal(officer_api):
    question = make_question()
    url = f"{QUESTIONS}{question.pk}/image/"
    response = officer_api.put(url, {"file": png_file()}, format="multipart")
    assert response.status_code == 200, response.json()
    assert response.json()["image"].endswith(".png")
    svg = SimpleUploadedFile("x.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>")
    refused = officer_api.put(url, {"file": svg}, format="multipart")
    assert refused.status_code == 400 and "image" in refused.json()
    assert officer_api.put(url, {}, format="multipart").status_code == 400
    removed = officer_api.delete(url)
    assert removed.status_code == 200 and removed.json()["image"] is None


def test_picture_larger_than_the_upload_limit_is_refused(officer_api, settings):
    settings.MAX_UPLOAD_SIZE = 100
    question = make_question()
    big = SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * 5000)
    response = officer_api.put(f"{QUESTIONS}{question.pk}/image/", {"file": big})
    assert response.status_code == 400 and "larger than" in response.json()["file"][0]


# Filters and query counts -------------------------------------------------------------------


def test_list_filters(officer_api):
    make_question("Fire safety", data=single_input("Where is the hydrant?", difficulty=1))
    make_question(
        "Fire safety/Extinguishers",
        data=single_input("How to hold the extinguisher?", tags=["practice"]),
    )
    make_question("Electrical safety", data=single_input("Who may repair wiring?"))
    make_question("Electrical safety", data=single_input("Switched off?"), is_active=False)
    fire = QuestionCategory.objects.get(path="Fire safety")

    def count(query):
        response = officer_api.get(f"{QUESTIONS}?{query}")
        assert response.status_code == 200, response.json()
        return response.json()["count"]

    assert count("") == 3
    assert count(f"category={fire.pk}") == 2
    assert count(f"category={fire.pk}&include_subcategories=1") == 2
    assert count(f"category={fire.pk}&include_subcategories=0") == 1
    assert count("search=EXTINGUISHER") == 1
    assert count("tag=practice") == 1
    assert count("type=single") == 3
    assert count("type=fill_blank") == 0
    assert count("difficulty=1") == 1
    assert count("state=inactive") == 1
    assert count("state=all") == 4
    assert count("category=&difficulty=&type=") == 3
    for bad in ("difficulty=9", "state=gone", "category=999999", "type=essay", "category=x"):
        assert officer_api.get(f"{QUESTIONS}?{bad}").status_code == 400, bad


@pytest.mark.parametrize("api", ["officer_api", "admin_api"])
def test_list_costs_the_same_queries_for_10_and_100_questions(request, api):
    client = request.getfixturevalue(api)
    make_questions(10, "Fire safety")
    client.get(QUESTIONS)  # warm-up: roles and sessions are read once per user

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(f"{QUESTIONS}?page_size=500")
        assert response.status_code == 200
        return len(captured), response.json()["count"]

    few, count = queries()
    assert count == 10
    make_questions(90, "Fire safety/Extinguishers")
    many, count = queries()
    assert count == 100
    assert few == many, (few, many)


# Import, export, template -------------------------------------------------------------------


def test_template_is_an_xlsx_download(officer_api):
    response = officer_api.get(f"{QUESTIONS}import/template.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment")
    assert response.content[:2] == b"PK"


def test_export_then_dry_run_then_import_round_trip(officer_api):
    make_questions(3, "Fire safety")
    make_question("Electrical safety", data=single_input("Who may repair wiring?"))
    fire = QuestionCategory.objects.get(path="Fire safety")
    exported = officer_api.get(f"{QUESTIONS}export/?format=xlsx&category={fire.pk}")
    assert exported.status_code == 200, exported.content[:300]
    assert exported["Content-Type"] == XLSX_CONTENT_TYPE
    assert exported["Content-Disposition"].startswith("attachment")
    workbook = exported.content

    # Everything already there: a re-import finds only duplicates and creates nothing.
    again = officer_api.post(
        f"{QUESTIONS}import/",
        {"file": SimpleUploadedFile("bank.xlsx", workbook), "dry_run": "true"},
        format="multipart",
    )
    assert again.status_code == 200, again.json()
    assert again.json()["dry_run"] is True and len(again.json()["duplicates"]) == 3

    for question in Question.objects.filter(category=fire):
        question_delete(actor=None, question=question)
    dry = officer_api.post(
        f"{QUESTIONS}import/",
        {"file": SimpleUploadedFile("bank.xlsx", workbook), "dry_run": "1"},
        format="multipart",
    )
    assert dry.status_code == 200, dry.json()
    assert len(dry.json()["to_create"]) == 3 and dry.json()["created"] == 0
    assert not Question.objects.filter(category=fire).exists()

    real = officer_api.post(
        f"{QUESTIONS}import/",
        {"file": SimpleUploadedFile("bank.xlsx", workbook)},
        format="multipart",
    )
    assert real.status_code == 201, real.json()
    assert real.json()["created"] == 3 and real.json()["errors"] == []
    stems = {q.current_version.stem for q in Question.objects.filter(category=fire)}
    assert stems == {row["stem"] for row in dry.json()["to_create"]} and len(stems) == 3


def test_export_moodle_xml(officer_api):
    make_questions(2, "Fire safety")
    response = officer_api.get(f"{QUESTIONS}export/?format=moodle_xml")
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/xml")
    assert b"<quiz" in response.content
    assert officer_api.get(f"{QUESTIONS}export/?format=pdf").status_code == 400
    assert officer_api.get(f"{QUESTIONS}export/?difficulty=9").status_code == 400


def test_import_errors_are_400_and_write_nothing(officer_api):
    gift = "::Q1:: Which number reports a fire? {=119 ~110 ~120\n"  # unbalanced brace
    response = officer_api.post(
        f"{QUESTIONS}import/",
        {"file": SimpleUploadedFile("bank.gift", gift.encode()), "format": "gift"},
        format="multipart",
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert errors and {"row", "field", "message"} <= set(errors[0])
    assert not Question.objects.exists()

    not_xlsx = officer_api.post(
        f"{QUESTIONS}import/",
        {"file": SimpleUploadedFile("bank.xlsx", b"this is not a workbook")},
        format="multipart",
    )
    assert not_xlsx.status_code == 400 and not_xlsx.json()["errors"]


def test_import_upload_checks(officer_api, settings):
    url = f"{QUESTIONS}import/"
    assert "file" in officer_api.post(url, {}, format="multipart").json()
    empty = officer_api.post(url, {"file": SimpleUploadedFile("a.xlsx", b"")}, format="multipart")
    assert empty.status_code == 400 and "file" in empty.json()
    bad_format = officer_api.post(
        url, {"file": SimpleUploadedFile("a.txt", b"x"), "format": "csv"}, format="multipart"
    )
    assert bad_format.status_code == 400 and "format" in bad_format.json()
    settings.MAX_UPLOAD_SIZE = 1000
    big = SimpleUploadedFile("bank.xlsx", b"0" * 5000)
    response = officer_api.post(url, {"file": big}, format="multipart")
    assert response.status_code == 400 and "larger than" in response.json()["file"][0]
    assert not Question.objects.exists()


MOODLE_WITH_MATCHING = b"""<?xml version="1.0" encoding="UTF-8"?>
<quiz>
  <question type="category"><category><text>$course$/top/Gas safety</text></category></question>
  <question type="truefalse">
    <name><text>Gas leak</text></name>
    <questiontext format="html"><text>Open the windows when gas leaks.</text></questiontext>
    <answer fraction="100"><text>true</text></answer>
    <answer fraction="0"><text>false</text></answer>
  </question>
  <question type="matching">
    <name><text>Match the signs</text></name>
    <questiontext format="html"><text>Match.</text></questiontext>
  </question>
</quiz>
"""


def test_unsupported_types_need_confirmation(officer_api):
    url = f"{QUESTIONS}import/"
    refused = officer_api.post(
        url,
        {"file": SimpleUploadedFile("moodle.xml", MOODLE_WITH_MATCHING)},
        format="multipart",
    )
    assert refused.status_code == 400, refused.json()
    body = refused.json()
    assert body["needs_confirmation"] is True and body["errors"] == []
    assert body["unsupported"] == [{"row": 2, "type": "matching", "name": "Match the signs"}]
    assert body["categories_to_create"] == ["Gas safety"]
    assert not Question.objects.exists() and not QuestionCategory.objects.exists()

    confirmed = officer_api.post(
        url,
        {
            "file": SimpleUploadedFile("bank.bin", MOODLE_WITH_MATCHING),
            "format": "moodle_xml",
            "confirm_unsupported": "true",
        },
        format="multipart",
    )
    assert confirmed.status_code == 201, confirmed.json()
    assert confirmed.json()["created"] == 1
    question = Question.objects.get()
    assert question.category.path == "Gas safety" and question.type == "true_false"
