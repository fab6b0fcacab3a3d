"""Nothing of the key reaches a trainee through the API during an attempt: every JSON answer
they receive (exam list and detail, start, resume, saves, refused saves, submit, the attempt
before results are visible) is read whole and searched for the word ``correct``, the
accepted answers of the blanks, the reference answer and the explanations."""

import pytest
from django.utils import timezone

from exams.content import OptionInput, QuestionInput
from exams.models import Answer
from exams.services.grading import answer_grade
from exams.services.papers import ItemSpec, paper_create
from exams.services.questions import question_create
from tests.exams.factories import category, make_exam

pytestmark = pytest.mark.django_db

SECRETS = [
    "ZEBRA-BLANK-ANSWER",
    "OKAPI-ALSO-ACCEPTED",
    "REFERENCE-SECRET-TEXT",
    "EXPLAIN-SECRET-SINGLE",
    "EXPLAIN-SECRET-MULTIPLE",
    "EXPLAIN-SECRET-TRUE-FALSE",
    "EXPLAIN-SECRET-BLANK",
    "EXPLAIN-SECRET-SHORT",
]


def _paper():
    bank = category("Leak check")
    inputs = [
        QuestionInput(
            type="single",
            stem="Which number reports a fire?",
            options=[OptionInput("110"), OptionInput("119", True), OptionInput("120")],
            explanation="EXPLAIN-SECRET-SINGLE",
        ),
        QuestionInput(
            type="multiple",
            stem="Which extinguishers suit an electrical fire?",
            options=[
                OptionInput("Carbon dioxide", True),
                OptionInput("Dry powder", True),
                OptionInput("Water"),
            ],
            explanation="EXPLAIN-SECRET-MULTIPLE",
        ),
        QuestionInput(
            type="true_false",
            stem="High hook, low use.",
            options=[OptionInput("True", True), OptionInput("False")],
            explanation="EXPLAIN-SECRET-TRUE-FALSE",
        ),
        QuestionInput(
            type="fill_blank",
            stem="The password is ___.",
            blanks=[["ZEBRA-BLANK-ANSWER", "OKAPI-ALSO-ACCEPTED"]],
            explanation="EXPLAIN-SECRET-BLANK",
        ),
        QuestionInput(
            type="short_answer",
            stem="Describe the permit.",
            reference_answer="REFERENCE-SECRET-TEXT",
            explanation="EXPLAIN-SECRET-SHORT",
        ),
    ]
    questions = [question_create(actor=None, category=bank, data=data) for data in inputs]
    return paper_create(actor=None, title="Leak check", items=[ItemSpec(q, 2) for q in questions])


class Recorder:
    """Calls the API as the trainee and keeps every body received."""

    def __init__(self, client):
        self.client = client
        self.bodies: list[tuple[str, str]] = []

    def __call__(self, method: str, url: str, body=None, expected=(200, 201)) -> dict:
        response = getattr(self.client, method)(url, body, format="json")
        assert response.status_code in expected, (url, response.status_code, response.content)
        self.bodies.append((f"{method} {url}", response.content.decode()))
        return response.json()

    def assert_no_key(self):
        assert self.bodies
        for where, body in self.bodies:
            assert "correct" not in body.lower(), where
            for secret in SECRETS:
                assert secret not in body, (where, secret)


def _sit(call: Recorder, exam) -> dict:
    """Everything a trainee's page does during an attempt."""
    call("get", "/api/v1/exams/")
    call("get", f"/api/v1/exams/{exam.pk}/")
    started = call("post", f"/api/v1/exams/{exam.pk}/attempts/")
    attempt = started["id"]
    call("post", f"/api/v1/exams/{exam.pk}/attempts/")  # resume
    call("get", f"/api/v1/attempts/{attempt}/")
    by_type = {q["type"]: q for q in started["questions"]}
    for kind, body in (
        ("single", {"selected": [by_type["single"]["options"][1]["id"]]}),
        ("multiple", {"selected": [o["id"] for o in by_type["multiple"]["options"][:2]]}),
        ("true_false", {"selected": [by_type["true_false"]["options"][0]["id"]]}),
        ("fill_blank", {"blanks": ["a guess"]}),
        ("short_answer", {"text": "Get a permit first.", "flagged": True}),
    ):
        call("put", f"/api/v1/attempts/{attempt}/answers/{by_type[kind]['id']}/", body)
    # Refused saves: their error messages must not help either.
    call(
        "put",
        f"/api/v1/attempts/{attempt}/answers/{by_type['single']['id']}/",
        {"selected": [by_type["multiple"]["options"][0]["id"]]},
        expected=(400,),
    )
    call(
        "put",
        f"/api/v1/attempts/{attempt}/answers/{by_type['fill_blank']['id']}/",
        {"blanks": ["a", "b"]},
        expected=(400,),
    )
    call("post", f"/api/v1/attempts/{attempt}/submit/")
    call("post", f"/api/v1/attempts/{attempt}/submit/")
    call(
        "put",
        f"/api/v1/attempts/{attempt}/answers/{by_type['single']['id']}/",
        {"selected": []},
        expected=(409,),
    )
    call("get", f"/api/v1/attempts/{attempt}/")
    call("get", "/api/v1/exams/")
    call("get", f"/api/v1/exams/{exam.pk}/")
    return started


@pytest.mark.parametrize(
    "rules",
    [
        {"results_visible": "after_close"},
        {"results_visible": "never"},
        {"results_visible": "immediately"},  # the short answer awaits a grader
        {"results_visible": "immediately", "review_visible": False},
    ],
    ids=["after close", "never", "awaiting grading", "no review"],
)
def test_no_json_answer_to_a_trainee_carries_the_key(trainee, trainee_api, rules):
    exam = make_exam(candidates=[trainee], paper=_paper(), shuffle_options=True, **rules)
    call = Recorder(trainee_api)
    started = _sit(call, exam)
    call.assert_no_key()
    if rules.get("review_visible") is False:
        # Graded and the score shown, still no key.
        answer = Answer.objects.get(attempt_id=started["id"], needs_grading=True)
        answer_grade(actor=None, answer=answer, score=1)
        result = call("get", f"/api/v1/attempts/{started['id']}/")
        assert result["score"] is not None
        call.assert_no_key()


def test_the_check_has_teeth(trainee, trainee_api):
    """Once the exam closes and review is allowed, the same reads show the key."""
    exam = make_exam(candidates=[trainee], paper=_paper(), results_visible="after_close")
    call = Recorder(trainee_api)
    started = _sit(call, exam)
    answer = Answer.objects.get(attempt_id=started["id"], needs_grading=True)
    answer_grade(actor=None, answer=answer, score=1)
    exam.closes_at = timezone.now()
    exam.save(update_fields=["closes_at"])
    call("get", f"/api/v1/attempts/{started['id']}/")
    with pytest.raises(AssertionError):
        call.assert_no_key()
    last = call.bodies[-1][1]
    assert all(secret in last for secret in SECRETS)
