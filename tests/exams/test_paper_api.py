"""The paper API: fixed items and draw rules with their pools, the service's refusals,
PATCH and PUT, the preview with and without the key, and the PDF."""

from decimal import Decimal

import pytest

from exams.content import OptionInput, QuestionInput
from exams.models import Paper, PaperItem
from exams.services.questions import question_delete, question_update, question_versions_mark_used
from tests.exams.factories import category, every_type_inputs, make_question, make_questions

pytestmark = pytest.mark.django_db

PAPERS = "/api/v1/papers/"


@pytest.fixture
def bank():
    """Twenty questions of fire safety (ten in a sub-category), one of each type in
    first aid."""
    make_questions(10, "Fire safety")
    make_questions(10, "Fire safety/Extinguishers")
    return {
        "fire": category("Fire safety"),
        "extinguishers": category("Fire safety/Extinguishers"),
        "first_aid": [make_question("First aid", data=data) for data in every_type_inputs()],
    }


def test_fixed_and_random_paper(officer_api, bank):
    first_aid = bank["first_aid"]
    body = {
        "title": "Fire safety exam",
        "description": "Theory exam after the training.",
        "items": [{"question": q.pk, "points": "4"} for q in first_aid],
        "rules": [
            {"category": bank["fire"].pk, "count": 5, "points": "2"},
            {
                "category": bank["fire"].pk,
                "count": 3,
                "points": "5",
                "include_subcategories": False,
                "difficulty": 3,
                "question_type": "single",
            },
        ],
    }
    response = officer_api.post(PAPERS, body, format="json")
    assert response.status_code == 201, response.json()
    paper = response.json()
    assert paper["title"] == "Fire safety exam"
    assert paper["total_points"] == "45.00"  # 5 x 4 + 5 x 2 + 3 x 5
    assert paper["question_count"] == 13 and paper["drawable"] is True
    assert [item["question"] for item in paper["items"]] == [q.pk for q in first_aid]
    assert paper["items"][0]["points"] == "4.00"
    wide, narrow = paper["rules"]
    assert wide["include_subcategories"] is True and wide["question_type"] == ""
    assert wide["pool_size"] == 20 and wide["category_path"] == "Fire safety"
    assert narrow["pool_size"] == 10 and narrow["available"] == 10
    assert wide["available"] == 17  # the narrow rule may take 3 of its pool first
    assert officer_api.get(f"{PAPERS}{paper['id']}/").json() == paper
    assert officer_api.get(PAPERS).json()["results"] == [paper]
    assert officer_api.get(f"{PAPERS}?search=FIRE").json()["count"] == 1
    assert officer_api.get(f"{PAPERS}?search=gas").json()["count"] == 0


def test_rule_asking_for_more_than_the_bank_holds_is_refused(officer_api, bank):
    body = {"title": "Too many", "rules": [{"category": bank["fire"].pk, "count": 30, "points": 1}]}
    response = officer_api.post(PAPERS, body, format="json")
    assert response.status_code == 400
    message = response.json()["rules"][0]
    assert "30" in message and "20" in message
    assert not Paper.objects.exists()


BAD_PAPERS = [
    ("title", {"title": ""}),
    ("title", {"title": "x" * 300}),
    ("items", {"items": "1,2,3"}),
    ("items", {"items": [{"question": 999999, "points": 1}]}),
    ("items", {"items": [{"question": "first", "points": 1}]}),
    ("items", {"items": [{"question": "{q}", "points": "lots"}]}),
    ("items", {"items": [{"question": "{q}", "points": 0}]}),
    ("items", {"items": [{"question": "{q}", "points": 2}, {"question": "{q}", "points": 2}]}),
    ("items", {"items": [{"points": 2}]}),
    ("items", {"items": []}),
    ("rules", {"rules": [{"category": "{c}", "count": 2, "points": 1, "difficulty": 9}]}),
    ("rules", {"rules": [{"category": "{c}", "count": 0, "points": 1}]}),
    ("rules", {"rules": [{"category": "{c}", "count": 2, "points": 1, "question_type": "x"}]}),
    ("rules", {"rules": [{"category": 999999, "count": 2, "points": 1}]}),
    ("rules", {"rules": [{"category": "{c}", "points": 1}]}),
    ("rules", {"rules": {"category": "{c}"}}),
]


@pytest.mark.parametrize(("field", "change"), BAD_PAPERS, ids=[f for f, _c in BAD_PAPERS])
def test_bad_paper_input_is_a_400(officer_api, bank, field, change):
    question, fire = bank["first_aid"][0], bank["fire"]

    def fill(value):
        if isinstance(value, dict):
            return {key: fill(item) for key, item in value.items()}
        if isinstance(value, list):
            return [fill(item) for item in value]
        return {"{q}": question.pk, "{c}": fire.pk}.get(value, value)

    body = {"title": "Paper", "items": [{"question": question.pk, "points": 1}]}
    body.update(fill(change))
    response = officer_api.post(PAPERS, body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert field in response.json()
    assert not Paper.objects.exists()


def test_retired_question_cannot_be_put_on_a_paper(officer_api, bank):
    question = bank["first_aid"][0]
    question_versions_mark_used(version_ids=[question.current_version_id])
    question_delete(actor=None, question=question)
    body = {"title": "Paper", "items": [{"question": question.pk, "points": 1}]}
    response = officer_api.post(PAPERS, body, format="json")
    assert response.status_code == 400 and "retired" in response.json()["items"][0]


def test_patch_keeps_what_it_does_not_send_and_put_replaces(officer_api, bank):
    first_aid = bank["first_aid"]
    created = officer_api.post(
        PAPERS,
        {
            "title": "Paper",
            "description": "Kept",
            "items": [{"question": first_aid[0].pk, "points": 2}],
            "rules": [{"category": bank["fire"].pk, "count": 2, "points": 1}],
        },
        format="json",
    ).json()
    url = f"{PAPERS}{created['id']}/"
    patched = officer_api.patch(url, {"title": "Renamed"}, format="json")
    assert patched.status_code == 200, patched.json()
    body = patched.json()
    assert body["title"] == "Renamed" and body["description"] == "Kept"
    assert len(body["items"]) == 1 and len(body["rules"]) == 1

    patched = officer_api.patch(url, {"rules": []}, format="json").json()
    assert patched["rules"] == [] and patched["total_points"] == "2.00"

    put = officer_api.put(
        url,
        {"title": "Whole", "items": [{"question": first_aid[1].pk, "points": 3}]},
        format="json",
    )
    assert put.status_code == 200, put.json()
    assert put.json()["description"] == "" and put.json()["items"][0]["question"] == first_aid[1].pk
    assert officer_api.put(url, {"items": []}, format="json").status_code == 400
    assert officer_api.delete(url).status_code == 204
    assert not PaperItem.objects.exists()
    assert officer_api.get(url).status_code == 404


def _paper(officer_api, bank) -> dict:
    body = {
        "title": "Preview",
        "items": [{"question": q.pk, "points": 2} for q in bank["first_aid"]],
        "rules": [{"category": bank["extinguishers"].pk, "count": 4, "points": "2.5"}],
    }
    response = officer_api.post(PAPERS, body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


KEY_FIELDS = {"accepted_answers", "blanks", "explanation", "reference_answer", "numeric_tolerance"}


def test_preview_without_and_with_key(officer_api, bank):
    paper = _paper(officer_api, bank)
    plain = officer_api.get(f"{PAPERS}{paper['id']}/preview/")
    assert plain.status_code == 200, plain.json()
    body = plain.json()
    assert body["total_points"] == "20.00" and len(body["questions"]) == 9
    for question in body["questions"]:
        assert not KEY_FIELDS & set(question)
        assert all(set(option) == {"id", "text"} for option in question["options"])
    blank = next(q for q in body["questions"] if q["type"] == "fill_blank")
    assert blank["blank_count"] == 1
    text = plain.content.decode()
    assert "correct" not in text and "two" not in text and "Permit" not in text
    assert (
        officer_api.get(f"{PAPERS}{paper['id']}/preview/?key=0").json()["questions"][0]
        == (body["questions"][0])
    )

    keyed = officer_api.get(f"{PAPERS}{paper['id']}/preview/?key=1").json()
    by_type = {q["type"]: q for q in keyed["questions"][:5]}
    assert [o["correct"] for o in by_type["single"]["options"]] == [False, True, False]
    assert by_type["fill_blank"]["blanks"] == [["2", "two"]]
    assert by_type["fill_blank"]["accepted_answers"] == ["2", "two"]
    assert by_type["short_answer"]["reference_answer"].startswith("Permit")
    assert by_type["single"]["explanation"].startswith("119")
    assert officer_api.get(f"{PAPERS}{paper['id']}/preview/?key=maybe").status_code == 400


def test_preview_draws_the_current_versions(officer_api, bank):
    question = bank["first_aid"][0]
    paper = _paper(officer_api, bank)
    question_versions_mark_used(version_ids=[question.current_version_id])
    question_update(
        actor=None,
        question=question,
        category=question.category,
        data=QuestionInput(
            type="single",
            stem="Which number reports a fire in China (new)?",
            options=[OptionInput("110"), OptionInput("119", True)],
        ),
    )
    first = officer_api.get(f"{PAPERS}{paper['id']}/preview/").json()["questions"][0]
    assert first["stem"].endswith("(new)?") and len(first["options"]) == 2


def test_paper_that_can_no_longer_be_drawn_is_a_409(officer_api, bank):
    paper = _paper(officer_api, bank)
    for question in bank["extinguishers"].questions.all()[:7]:
        question_delete(actor=None, question=question)
    detail = officer_api.get(f"{PAPERS}{paper['id']}/").json()
    assert detail["drawable"] is False and detail["rules"][0]["enough"] is False
    preview = officer_api.get(f"{PAPERS}{paper['id']}/preview/")
    assert preview.status_code == 409
    assert "Fire safety/Extinguishers" in preview.json()["detail"]
    pdf = officer_api.get(f"{PAPERS}{paper['id']}/pdf/")
    assert pdf.status_code == 409 and pdf["Content-Type"] == "application/json"


def test_pdf_with_and_without_key(officer_api, bank):
    paper = _paper(officer_api, bank)
    for key in ("0", "1"):
        response = officer_api.get(f"{PAPERS}{paper['id']}/pdf/?key={key}")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment")
        assert response.content.startswith(b"%PDF")
    # A client asking for the PDF by its type still gets it.
    asked = officer_api.get(f"{PAPERS}{paper['id']}/pdf/", HTTP_ACCEPT="application/pdf")
    assert asked.status_code == 200
    assert officer_api.get(f"{PAPERS}999999/pdf/").status_code == 404


def test_points_are_decimals(officer_api, bank):
    paper = officer_api.post(
        PAPERS,
        {"title": "Halves", "rules": [{"category": bank["fire"].pk, "count": 3, "points": "0.5"}]},
        format="json",
    ).json()
    assert Decimal(paper["total_points"]) == Decimal("1.5")
