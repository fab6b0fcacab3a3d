"""Who may call the bank and paper API, and that the key never reaches anyone else.

Every exams endpoint is called by every role: safety officers and admins get their answer,
trainees, instructors and HR 403, anonymous callers 401; and no answer to a trainee or an
instructor carries a correct flag, an accepted answer, a reference answer or an
explanation.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from exams.content import OptionInput, QuestionInput
from exams.models import Paper, Question, QuestionCategory
from exams.services.papers import ItemSpec, paper_create
from tests.exams.factories import category, make_question, make_questions

pytestmark = pytest.mark.django_db

SECRETS = ["ZEBRA-ANSWER", "EXPLAIN-SECRET", "REFERENCE-SECRET", "correct"]
GIFT = "::Q1:: How many legs has a tripod? {=three ~two ~four}\n"


@pytest.fixture
def bank():
    fire = category("Fire safety")
    empty = category("Empty")
    single = make_question(
        "Fire safety",
        data=QuestionInput(
            type="single",
            stem="Which number reports a fire?",
            options=[OptionInput("110"), OptionInput("119", True)],
            explanation="EXPLAIN-SECRET",
        ),
    )
    blank = make_question(
        "Fire safety",
        data=QuestionInput(
            type="fill_blank", stem="The password is ___.", blanks=[["ZEBRA-ANSWER"]]
        ),
    )
    short = make_question(
        "Fire safety",
        data=QuestionInput(
            type="short_answer", stem="Explain.", reference_answer="REFERENCE-SECRET"
        ),
    )
    make_questions(5, "Fire safety")
    paper = paper_create(
        actor=None,
        title="Paper",
        items=[ItemSpec(q, 1) for q in (single, blank, short)],
    )
    return {"fire": fire, "empty": empty, "single": single, "paper": paper}


def png():
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "blue").save(buffer, format="PNG")
    return SimpleUploadedFile("stem.png", buffer.getvalue(), content_type="image/png")


def endpoints(bank) -> list[tuple[str, str, str, object, str, int]]:
    """(name, method, url, body, body format, the status a safety officer gets)."""
    fire, empty = bank["fire"].pk, bank["empty"].pk
    question, paper = bank["single"].pk, bank["paper"].pk
    new_question = {
        "type": "true_false",
        "stem": "Smoking is allowed in the store.",
        "answer": False,
        "category": fire,
    }
    whole_question = {
        "type": "single",
        "stem": "Which number reports a fire?",
        "options": [{"text": "110"}, {"text": "119", "correct": True}],
        "category": fire,
    }
    new_paper = {"title": "New", "rules": [{"category": fire, "count": 2, "points": 1}]}
    return [
        ("categories list", "get", "/api/v1/question-categories/", None, "json", 200),
        ("category create", "post", "/api/v1/question-categories/", {"name": "X"}, "json", 201),
        ("category detail", "get", f"/api/v1/question-categories/{fire}/", None, "json", 200),
        (
            "category put",
            "put",
            f"/api/v1/question-categories/{fire}/",
            {"name": "Fire", "parent": None},
            "json",
            200,
        ),
        (
            "category patch",
            "patch",
            f"/api/v1/question-categories/{fire}/",
            {"name": "Fire"},
            "json",
            200,
        ),
        ("category delete", "delete", f"/api/v1/question-categories/{empty}/", None, "json", 204),
        ("questions list", "get", "/api/v1/questions/", None, "json", 200),
        ("questions retired", "get", "/api/v1/questions/?state=all", None, "json", 200),
        ("question create", "post", "/api/v1/questions/", new_question, "json", 201),
        ("question detail", "get", f"/api/v1/questions/{question}/", None, "json", 200),
        ("question put", "put", f"/api/v1/questions/{question}/", whole_question, "json", 200),
        (
            "question patch",
            "patch",
            f"/api/v1/questions/{question}/",
            {"difficulty": 4},
            "json",
            200,
        ),
        # On a paper: retired, not deleted.
        ("question delete", "delete", f"/api/v1/questions/{question}/", None, "json", 200),
        ("versions", "get", f"/api/v1/questions/{question}/versions/", None, "json", 200),
        ("image put", "put", f"/api/v1/questions/{question}/image/", "png", "multipart", 200),
        ("image delete", "delete", f"/api/v1/questions/{question}/image/", None, "json", 200),
        ("export xlsx", "get", "/api/v1/questions/export/?format=xlsx", None, "json", 200),
        ("export xml", "get", "/api/v1/questions/export/?format=moodle_xml", None, "json", 200),
        ("template", "get", "/api/v1/questions/import/template.xlsx", None, "json", 200),
        ("import", "post", "/api/v1/questions/import/", "gift", "multipart", 200),
        ("papers list", "get", "/api/v1/papers/", None, "json", 200),
        ("paper create", "post", "/api/v1/papers/", new_paper, "json", 201),
        ("paper detail", "get", f"/api/v1/papers/{paper}/", None, "json", 200),
        ("paper put", "put", f"/api/v1/papers/{paper}/", new_paper, "json", 200),
        ("paper patch", "patch", f"/api/v1/papers/{paper}/", {"title": "T"}, "json", 200),
        ("paper delete", "delete", f"/api/v1/papers/{paper}/", None, "json", 204),
        ("preview", "get", f"/api/v1/papers/{paper}/preview/", None, "json", 200),
        ("preview key", "get", f"/api/v1/papers/{paper}/preview/?key=1", None, "json", 200),
        ("pdf", "get", f"/api/v1/papers/{paper}/pdf/", None, "json", 200),
        ("pdf key", "get", f"/api/v1/papers/{paper}/pdf/?key=1", None, "json", 200),
    ]


def _names() -> list[str]:
    class Stub:
        pk = 1

    stub = {"fire": Stub, "empty": Stub, "single": Stub, "paper": Stub}
    return [row[0] for row in endpoints(stub)]


ENDPOINT_NAMES = _names()


def call(client, bank, name):
    row = next(row for row in endpoints(bank) if row[0] == name)
    _name, method, url, body, body_format, officer_status = row
    if body == "png":
        body = {"file": png()}
    elif body == "gift":
        body = {"file": SimpleUploadedFile("bank.gift", GIFT.encode()), "dry_run": "true"}
    response = getattr(client, method)(url, body, format=body_format)
    return response, officer_status


def _state() -> tuple:
    """What a refused call must not have changed."""
    return (
        list(Question.objects.values_list("id", "difficulty", "is_active", "current_version")),
        list(QuestionCategory.objects.values_list("id", "path")),
        list(Paper.objects.values_list("id", "title")),
    )


@pytest.mark.parametrize("role", ["officer_api", "admin_api"])
@pytest.mark.parametrize("name", ENDPOINT_NAMES)
def test_safety_officers_and_admins_may_call_every_endpoint(request, bank, role, name):
    response, expected = call(request.getfixturevalue(role), bank, name)
    assert response.status_code == expected, response.content[:500]


@pytest.mark.parametrize(
    ("role", "expected"),
    [("trainee_api", 403), ("instructor_api", 403), ("hr_api", 403), ("anon_api", 401)],
)
@pytest.mark.parametrize("name", ENDPOINT_NAMES)
def test_everyone_else_is_refused_and_nothing_changes(request, bank, role, expected, name):
    before = _state()
    response, _officer_status = call(request.getfixturevalue(role), bank, name)
    assert response.status_code == expected, response.content[:500]
    assert _state() == before


@pytest.mark.parametrize("role", ["trainee_api", "instructor_api"])
def test_trainees_and_instructors_never_see_the_key(request, bank, role):
    client = request.getfixturevalue(role)
    for name in ENDPOINT_NAMES:
        response, _officer_status = call(client, bank, name)
        assert response.status_code in (401, 403, 404), name
        body = response.content.decode("utf-8", "replace")
        for secret in SECRETS:
            assert secret not in body, (name, secret)
    # The same calls by the safety officer do show it: the check above has teeth.
    officer = request.getfixturevalue("officer_api")
    shown = officer.get(f"/api/v1/papers/{bank['paper'].pk}/preview/?key=1").content.decode()
    assert all(secret in shown for secret in SECRETS)
