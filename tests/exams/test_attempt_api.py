"""The attempt API: starting and resuming, autosave (with its query budget and every bad
input of the issue), submitting, reading the result and the review, reopening; every
endpoint called by every role."""

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from attendance.models import Status
from attendance.services import RollCallEntry, roll_call
from exams.models import Answer, Attempt, AttemptQuestion, AttemptStatus, Exam, QuestionType
from exams.services.attempts import attempt_start, attempt_submit
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.exams.factories import answer_everything_right, make_exam
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def token_client(user) -> APIClient:
    """A client authenticated the way integrations and the bench are: a DRF token."""
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def training(trainee, instructor):
    training = TrainingFactory()
    training.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=trainee)
    return training


@pytest.fixture
def exam(training):
    return make_exam(training=training, shuffle_questions=True, shuffle_options=True)


def start(client, exam) -> dict:
    response = client.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert response.status_code in (200, 201), response.content
    return response.json()


def question(data: dict, qtype: str) -> dict:
    return next(q for q in data["questions"] if q["type"] == qtype)


def save_url(attempt_id, question_id) -> str:
    return f"/api/v1/attempts/{attempt_id}/answers/{question_id}/"


def stored(attempt_id) -> list[tuple]:
    return list(
        Answer.objects.filter(attempt_id=attempt_id)
        .order_by("pk")
        .values_list("selected", "text", "blanks", "flagged", "sequence")
    )


# Starting and resuming -------------------------------------------------------------------------


def test_start_returns_the_frozen_questions_in_the_attempts_order(trainee_api, exam):
    response = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert response.status_code == 201
    data = response.json()
    attempt = Attempt.objects.get(pk=data["id"])
    assert data["status"] == "in_progress"
    assert datetime.datetime.fromisoformat(data["deadline"]) == attempt.deadline
    assert datetime.datetime.fromisoformat(data["started_at"]) == attempt.started_at
    assert abs(datetime.datetime.fromisoformat(data["server_time"]) - timezone.now()).seconds < 5
    frozen = list(AttemptQuestion.objects.filter(attempt=attempt).order_by("position"))
    assert [q["id"] for q in data["questions"]] == [aq.key for aq in frozen]
    for shown, aq in zip(data["questions"], frozen, strict=True):
        assert [o["id"] for o in shown["options"]] == aq.option_keys
        assert all(set(o) == {"id", "text"} for o in shown["options"])
        assert {"id", "type", "stem", "points", "options", "blanks", "image", "answer"} <= set(
            shown
        )
        assert shown["answer"]["sequence"] == 0
    assert question(data, "fill_blank")["blanks"] == 1
    assert question(data, "single")["points"] == "2.00"


def test_a_second_start_resumes_the_attempt_with_its_answers(trainee, trainee_api, exam):
    first = start(trainee_api, exam)
    single = question(first, "single")
    chosen = single["options"][1]["id"]
    trainee_api.put(
        save_url(first["id"], single["id"]),
        {"selected": [chosen], "flagged": True, "sequence": 3},
        format="json",
    )
    again = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert again.status_code == 200
    data = again.json()
    assert data["id"] == first["id"] and data["deadline"] == first["deadline"]
    answer = question(data, "single")["answer"]
    assert (answer["selected"], answer["flagged"], answer["sequence"]) == ([chosen], True, 3)
    assert Attempt.objects.filter(exam=exam, employee=trainee).count() == 1


def test_the_server_restarted_mid_exam_resumes_everything(trainee, trainee_api, exam):
    first = start(trainee_api, exam)
    short = question(first, "short_answer")
    trainee_api.put(save_url(first["id"], short["id"]), {"text": "Ventilate"}, format="json")
    # A new process, a new client: nothing lives in memory but the database.
    fresh = token_client(trainee.user)
    listed = fresh.get(f"/api/v1/exams/{exam.pk}/").json()
    assert listed["eligibility"]["in_progress_attempt"] == first["id"]
    resumed = fresh.get(f"/api/v1/attempts/{first['id']}/").json()
    assert resumed["deadline"] == first["deadline"]
    assert question(resumed, "short_answer")["answer"]["text"] == "Ventilate"
    assert start(fresh, exam)["id"] == first["id"]


def test_attendance_below_the_minimum_is_refused_with_the_reason(trainee, trainee_api):
    today = timezone.localdate()
    training = TrainingFactory(
        starts_on=today - datetime.timedelta(days=3), ends_on=today - datetime.timedelta(days=1)
    )
    EnrollmentFactory(training=training, employee=trainee)
    sessions = [SessionFactory(training=training) for _ in range(2)]
    for session in sessions:
        roll_call(actor=None, session=session, entries=[RollCallEntry(trainee, Status.ABSENT)])
    exam = make_exam(training=training, min_attendance_rate=Decimal(80))
    detail = trainee_api.get(f"/api/v1/exams/{exam.pk}/").json()
    assert detail["eligibility"]["can_start"] is False
    response = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert response.status_code == 409
    assert "attendance" in response.json()["detail"] and "80" in response.json()["detail"]
    assert not Attempt.objects.filter(exam=exam).exists()


def test_a_trainee_who_may_not_sit_gets_404(trainee_api, exam):
    other_exam = make_exam(candidates=[EmployeeFactory()])
    assert trainee_api.get(f"/api/v1/exams/{other_exam.pk}/").status_code == 404
    assert trainee_api.post(f"/api/v1/exams/{other_exam.pk}/attempts/").status_code == 404
    assert not Attempt.objects.filter(exam=other_exam).exists()


def test_no_start_before_opening_or_after_closing(trainee, trainee_api):
    now = timezone.now()
    later = make_exam(
        candidates=[trainee],
        opens_at=now + datetime.timedelta(hours=1),
        closes_at=now + datetime.timedelta(hours=2),
    )
    response = trainee_api.post(f"/api/v1/exams/{later.pk}/attempts/")
    assert response.status_code == 409 and "opens at" in response.json()["detail"]


# Saving -----------------------------------------------------------------------------------------


def test_saves_of_each_kind(trainee_api, exam):
    data = start(trainee_api, exam)
    attempt_id = data["id"]
    multiple = question(data, "multiple")
    ids = [o["id"] for o in multiple["options"][:2]]
    response = trainee_api.put(
        save_url(attempt_id, multiple["id"]), {"selected": ids, "sequence": 1}, format="json"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["saved"] is True and body["sequence"] == 1 and body["answered"] is True
    assert abs(datetime.datetime.fromisoformat(body["saved_at"]) - timezone.now()).seconds < 5
    blank = question(data, "fill_blank")
    assert (
        trainee_api.put(
            save_url(attempt_id, blank["id"]), {"blanks": ["2"], "sequence": 1}, format="json"
        ).status_code
        == 200
    )
    short = question(data, "short_answer")
    response = trainee_api.put(
        save_url(attempt_id, short["id"]), {"text": "", "flagged": True}, format="json"
    )
    assert response.status_code == 200 and response.json()["answered"] is False
    answers = {
        a.attempt_question.key: a
        for a in Answer.objects.filter(attempt_id=attempt_id).select_related("attempt_question")
    }
    stored_ids = answers[multiple["id"]].attempt_question.option_id_of()
    assert answers[multiple["id"]].selected == [stored_ids[i] for i in ids]
    assert answers[blank["id"]].blanks == ["2"]
    assert answers[short["id"]].flagged is True


def test_a_save_costs_at_most_four_queries_with_a_token(trainee, exam):
    client = token_client(trainee.user)
    data = start(client, exam)
    single = question(data, "single")
    url = save_url(data["id"], single["id"])
    with CaptureQueriesContext(connection) as queries:
        response = client.put(
            url, {"selected": [single["options"][0]["id"]], "sequence": 7}, format="json"
        )
    assert response.status_code == 200 and response.json()["saved"] is True
    # Token lookup, the attempt's question, the conditional update.
    assert len(queries) <= 4, [q["sql"] for q in queries]
    assert len(queries) == 3


def test_a_save_with_a_session_costs_four_queries(trainee, exam):
    client = APIClient()
    client.force_login(trainee.user)
    data = start(client, exam)
    single = question(data, "single")
    url = save_url(data["id"], single["id"])
    with CaptureQueriesContext(connection) as queries:
        response = client.put(
            url, {"selected": [single["options"][0]["id"]], "sequence": 7}, format="json"
        )
    assert response.status_code == 200
    # Session, user, the attempt's question, the conditional update.
    assert len(queries) <= 4, [q["sql"] for q in queries]


def test_an_older_sequence_after_a_newer_one_is_ignored(trainee_api, exam):
    data = start(trainee_api, exam)
    single = question(data, "single")
    first, second = (o["id"] for o in single["options"][:2])
    url = save_url(data["id"], single["id"])
    assert trainee_api.put(url, {"selected": [second], "sequence": 9}, format="json").json()[
        "saved"
    ]
    late = trainee_api.put(url, {"selected": [first], "sequence": 8}, format="json")
    assert late.status_code == 200
    assert late.json()["saved"] is False and late.json()["sequence"] == 9
    answer = Answer.objects.get(attempt_id=data["id"], attempt_question__key=single["id"])
    assert answer.selected == [answer.attempt_question.option_id_of()[second]]
    assert answer.sequence == 9


def test_saving_to_another_persons_attempt_is_404_and_writes_nothing(trainee, training, exam):
    other = EmployeeFactory()
    EnrollmentFactory(training=training, employee=other)
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = attempt.questions.get(version__type=QuestionType.SHORT_ANSWER)
    before = stored(attempt.pk)
    for client in (
        token_client(other.user),
        token_client(EmployeeFactory(roles=["safety_officer"]).user),
    ):
        response = client.put(
            save_url(attempt.pk, aq.question_id_shown), {"text": "mine"}, format="json"
        )
        assert response.status_code == 404
    assert stored(attempt.pk) == before


def test_saving_after_the_deadline_and_grace_is_409_and_changes_nothing(trainee_api, exam):
    data = start(trainee_api, exam)
    short = question(data, "short_answer")
    url = save_url(data["id"], short["id"])
    trainee_api.put(url, {"text": "in time", "sequence": 1}, format="json")
    # The clock moves on: the deadline passed 31 seconds ago (the grace is 30).
    Attempt.objects.filter(pk=data["id"]).update(
        deadline=timezone.now() - datetime.timedelta(seconds=31)
    )
    before = stored(data["id"])
    response = trainee_api.put(url, {"text": "too late", "sequence": 2}, format="json")
    assert response.status_code == 409
    assert [row[:3] for row in stored(data["id"])] == [row[:3] for row in before]
    assert Attempt.objects.get(pk=data["id"]).status != AttemptStatus.IN_PROGRESS


def test_a_save_within_the_grace_is_kept(trainee_api, exam):
    data = start(trainee_api, exam)
    short = question(data, "short_answer")
    Attempt.objects.filter(pk=data["id"]).update(
        deadline=timezone.now() - datetime.timedelta(seconds=10)
    )
    response = trainee_api.put(save_url(data["id"], short["id"]), {"text": "just"}, format="json")
    assert response.status_code == 200 and response.json()["saved"]


@pytest.mark.parametrize(
    "extra",
    [
        {"score": "100"},
        {"deadline": "2099-01-01T00:00:00Z"},
        {"status": "graded"},
        {"correct": True},
        {"saved_at": "2099-01-01T00:00:00Z"},
    ],
)
def test_fields_the_client_may_not_send_are_refused(trainee_api, exam, extra):
    data = start(trainee_api, exam)
    single = question(data, "single")
    attempt = Attempt.objects.get(pk=data["id"])
    before = stored(attempt.pk)
    response = trainee_api.put(
        save_url(attempt.pk, single["id"]),
        {"selected": [single["options"][0]["id"]], **extra},
        format="json",
    )
    assert response.status_code == 400 and next(iter(extra)) in response.json()
    after = Attempt.objects.get(pk=attempt.pk)
    assert (after.deadline, after.status, after.score) == (attempt.deadline, "in_progress", None)
    assert stored(attempt.pk) == before


def test_an_option_of_another_question_is_400(trainee_api, exam):
    data = start(trainee_api, exam)
    single, multiple = question(data, "single"), question(data, "multiple")
    before = stored(data["id"])
    response = trainee_api.put(
        save_url(data["id"], single["id"]),
        {"selected": [multiple["options"][0]["id"]]},
        format="json",
    )
    assert response.status_code == 400 and "selected" in response.json()
    assert stored(data["id"]) == before


@pytest.mark.parametrize(
    "body",
    [
        {"text": "x" * 1_000_000},
        {"selected": list(range(10_000))},
        {"blanks": ["a"] * 10_000},
        {"text": "x" * 10_001},
        ["not", "an", "object"],
        {"flagged": "yes"},
    ],
    ids=["1MB", "10k options", "10k blanks", "long text", "list", "flag"],
)
def test_oversized_or_misshapen_answers_are_400_before_any_query(trainee_api, exam, body):
    data = start(trainee_api, exam)
    short = question(data, "short_answer")
    before = stored(data["id"])
    with CaptureQueriesContext(connection) as queries:
        response = trainee_api.put(save_url(data["id"], short["id"]), body, format="json")
    assert response.status_code == 400
    # trainee_api is force-authenticated: not even an authentication query ran.
    assert len(queries) == 0, [q["sql"] for q in queries]
    assert stored(data["id"]) == before


def test_a_replayed_save_after_submit_is_409(trainee_api, exam):
    data = start(trainee_api, exam)
    short = question(data, "short_answer")
    url = save_url(data["id"], short["id"])
    assert trainee_api.put(url, {"text": "final", "sequence": 4}, format="json").status_code == 200
    assert trainee_api.post(f"/api/v1/attempts/{data['id']}/submit/").status_code == 200
    replay = trainee_api.put(url, {"text": "final", "sequence": 4}, format="json")
    assert replay.status_code == 409
    newer = trainee_api.put(url, {"text": "changed", "sequence": 5}, format="json")
    assert newer.status_code == 409
    assert Answer.objects.get(attempt_id=data["id"], text="final")


def test_a_client_clock_an_hour_off_has_no_effect(trainee_api, exam):
    off = timezone.now() + datetime.timedelta(hours=1)
    date_header = off.strftime("%a, %d %b %Y %H:%M:%S GMT")
    response = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/", HTTP_DATE=date_header)
    data = response.json()
    attempt = Attempt.objects.get(pk=data["id"])
    assert abs((attempt.started_at - timezone.now()).total_seconds()) < 5
    assert attempt.deadline == attempt.started_at + datetime.timedelta(minutes=30)
    short = question(data, "short_answer")
    saved = trainee_api.put(
        save_url(data["id"], short["id"]),
        {"text": "hello", "sequence": int(off.timestamp() * 1000)},
        format="json",
        HTTP_DATE=date_header,
    ).json()
    assert saved["saved"] is True
    assert abs(datetime.datetime.fromisoformat(saved["saved_at"]) - timezone.now()).seconds < 5
    assert Attempt.objects.get(pk=data["id"]).deadline == attempt.deadline


# Submitting, results, review ---------------------------------------------------------------------


def test_submit_is_idempotent_and_shows_the_result_when_allowed(trainee, trainee_api, exam):
    data = start(trainee_api, exam)
    attempt = Attempt.objects.get(pk=data["id"])
    answer_everything_right(attempt, trainee.user)
    first = trainee_api.post(f"/api/v1/attempts/{attempt.pk}/submit/")
    assert first.status_code == 200
    # The short answer awaits a grader: submitted, no score yet.
    assert first.json() == {"id": attempt.pk, "status": "submitted", "score": None, "passed": None}
    assert trainee_api.post(f"/api/v1/attempts/{attempt.pk}/submit/").json() == first.json()


def test_score_is_shown_immediately_or_after_close(trainee, training):
    from exams.services.papers import ItemSpec, paper_create
    from tests.exams.factories import make_questions

    def paper():
        items = [ItemSpec(q, Decimal(5)) for q in make_questions(2)]
        return paper_create(actor=None, title="Objective", items=items)

    client = token_client(trainee.user)
    # Two papers: while an exam on the same paper can still be sat, no review shows the key.
    now_exam = make_exam(training=training, paper=paper())
    later_exam = make_exam(training=training, paper=paper(), results_visible="after_close")
    for exam, visible in ((now_exam, True), (later_exam, False)):
        data = start(client, exam)
        body = client.post(f"/api/v1/attempts/{data['id']}/submit/").json()
        assert body["status"] == "graded"
        assert (body["score"] is not None) is visible
        assert (body["passed"] is not None) is visible
        detail = client.get(f"/api/v1/attempts/{data['id']}/").json()
        assert (detail["score"] is not None) is visible
        # Review follows the results (review_visible is on by default; the only candidate
        # has used their one attempt, so no one can still sit).
        assert all("correct" in o for q in detail["questions"] for o in q["options"]) is visible
        assert all("explanation" in q for q in detail["questions"]) is visible


def test_review_shows_the_key_only_when_allowed(trainee, trainee_api, officer_api, hr_api, exam):
    data = start(trainee_api, exam)
    attempt = Attempt.objects.get(pk=data["id"])
    answer_everything_right(attempt, trainee.user)
    attempt_submit(attempt=attempt)
    before = trainee_api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert before["status"] == "submitted" and before["score"] is None
    assert "explanation" not in question(before, "single")
    assert question(before, "short_answer")["answer"]["text"] == "My answer"
    open_answer = Answer.objects.get(attempt=attempt, needs_grading=True)
    officer_api.put(f"/api/v1/answers/{open_answer.pk}/grade/", {"score": 2}, format="json")
    after = trainee_api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    # Ten points of ten, under the default pass score of 60.
    assert after["score"] == "10.00" and after["passed"] is False
    single = question(after, "single")
    assert any(o["correct"] for o in single["options"])
    assert single["explanation"] == "119 is the fire emergency number."
    assert question(after, "fill_blank")["accepted_answers"] == [["2", "two"]]
    assert single["answer"]["score"] == "2.00"
    # Staff see the candidate; HR without the key.
    staff = hr_api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert staff["employee"] == trainee.pk and staff["name"] == trainee.name
    assert "explanation" not in question(staff, "single")
    officer = officer_api.get(f"/api/v1/attempts/{attempt.pk}/").json()
    assert "explanation" in question(officer, "single")


def test_reading_an_expired_attempt_closes_it_with_its_answers(trainee_api, exam):
    data = start(trainee_api, exam)
    short = question(data, "short_answer")
    trainee_api.put(save_url(data["id"], short["id"]), {"text": "kept"}, format="json")
    Attempt.objects.filter(pk=data["id"]).update(
        deadline=timezone.now() - datetime.timedelta(minutes=2)
    )
    body = trainee_api.get(f"/api/v1/attempts/{data['id']}/").json()
    assert body["status"] == "submitted" and body["close_reason"] == "deadline"
    assert question(body, "short_answer")["answer"]["text"] == "kept"


def test_reopen(trainee, officer_api, trainee_api, exam):
    data = start(trainee_api, exam)
    trainee_api.post(f"/api/v1/attempts/{data['id']}/submit/")
    url = f"/api/v1/attempts/{data['id']}/reopen/"
    assert officer_api.post(url, {"minutes": 10}, format="json").status_code == 400
    assert officer_api.post(url, {"reason": "x", "minutes": 0}, format="json").status_code == 400
    response = officer_api.post(url, {"reason": "Power cut", "minutes": 10}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "in_progress" and body["reopened_reason"] == "Power cut"
    assert "questions" not in body
    assert (
        officer_api.post(url, {"reason": "again", "minutes": 5}, format="json").status_code == 409
    )
    short = question(data, "short_answer")
    saved = trainee_api.put(save_url(data["id"], short["id"]), {"text": "more"}, format="json")
    assert saved.status_code == 200


# Every role ------------------------------------------------------------------------------------

ROLES = ["officer_api", "admin_api", "hr_api", "instructor_api", "trainee_api", "anon_api"]


@pytest.fixture
def sat(trainee, training, exam):
    """The trainee's closed attempt (short answer awaiting a grade), and their attempt of a
    second exam, in progress."""
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    attempt_submit(attempt=attempt)
    running_exam = make_exam(training=training)
    running = attempt_start(employee=trainee, exam=running_exam).attempt
    short = running.questions.get(version__type=QuestionType.SHORT_ANSWER)
    return {
        "closed": attempt,
        "running": running,
        "question": short.key,
        "open_answer": Answer.objects.get(attempt=attempt, needs_grading=True),
    }


def attempt_endpoints(s) -> list[tuple[str, str, str, object, dict]]:
    closed, running = s["closed"].pk, s["running"].pk
    staff_forbidden = {"hr_api": 403, "instructor_api": 403, "trainee_api": 403, "anon_api": 401}
    return [
        (
            "detail",
            "get",
            f"/api/v1/attempts/{closed}/",
            None,
            dict.fromkeys(ROLES[:-1], 200) | {"anon_api": 401},
        ),
        (
            "save",
            "put",
            save_url(running, s["question"]),
            {"text": "x"},
            dict.fromkeys(ROLES[:-2], 404) | {"trainee_api": 200, "anon_api": 401},
        ),
        (
            "submit",
            "post",
            f"/api/v1/attempts/{running}/submit/",
            None,
            dict.fromkeys(ROLES[:-2], 403) | {"trainee_api": 200, "anon_api": 401},
        ),
        (
            "reopen",
            "post",
            f"/api/v1/attempts/{closed}/reopen/",
            {"reason": "Crash", "minutes": 5},
            {"officer_api": 200, "admin_api": 200} | staff_forbidden,
        ),
        (
            "grade",
            "put",
            f"/api/v1/answers/{s['open_answer'].pk}/grade/",
            {"score": 1, "comment": "ok"},
            {"officer_api": 200, "admin_api": 200} | staff_forbidden | {"instructor_api": 200},
        ),
    ]


ATTEMPT_ENDPOINTS = ["detail", "save", "submit", "reopen", "grade"]


def _snapshot() -> tuple:
    return (
        list(Attempt.objects.order_by("pk").values_list("status", "deadline", "score")),
        list(Answer.objects.order_by("pk").values_list("text", "score", "sequence")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", ATTEMPT_ENDPOINTS)
def test_every_attempt_endpoint_by_every_role(request, sat, role, name):
    _name, method, url, body, expected = next(r for r in attempt_endpoints(sat) if r[0] == name)
    before = _snapshot()
    response = getattr(request.getfixturevalue(role), method)(url, body, format="json")
    assert response.status_code == expected[role], (role, name, response.content[:300])
    if response.status_code >= 400:
        assert _snapshot() == before


@pytest.mark.parametrize("name", ATTEMPT_ENDPOINTS)
def test_another_trainee_gets_404_and_changes_nothing(sat, name):
    _name, method, url, body, _expected = next(r for r in attempt_endpoints(sat) if r[0] == name)
    client = token_client(EmployeeFactory().user)
    before = _snapshot()
    response = getattr(client, method)(url, body, format="json")
    assert response.status_code == (403 if name in ("reopen", "grade") else 404)
    assert _snapshot() == before


def test_an_instructor_of_another_training_cannot_read_or_grade(sat):
    stranger = EmployeeFactory(roles=["instructor"])
    client = token_client(stranger.user)
    assert client.get(f"/api/v1/attempts/{sat['closed'].pk}/").status_code == 404
    grade = client.put(
        f"/api/v1/answers/{sat['open_answer'].pk}/grade/", {"score": 1}, format="json"
    )
    assert grade.status_code == 404


def test_save_bodies_are_json_only(trainee_api, sat):
    url = save_url(sat["running"].pk, sat["question"])
    response = trainee_api.put(url, json.dumps({"text": "x"}), content_type="text/plain")
    assert response.status_code == 415


def test_an_anonymous_grader_reading_the_attempt_does_not_learn_the_candidate(
    trainee, instructor_api, hr_api, sat
):
    body = instructor_api.get(f"/api/v1/attempts/{sat['closed'].pk}/").json()
    assert "employee" not in body and "name" not in body
    assert trainee.name not in str(body) and trainee.employee_no not in str(body)
    assert hr_api.get(f"/api/v1/attempts/{sat['closed'].pk}/").json()["name"] == trainee.name
    Exam.objects.filter(pk=sat["closed"].exam_id).update(anonymous_grading=False)
    assert (
        instructor_api.get(f"/api/v1/attempts/{sat['closed'].pk}/").json()["name"] == trainee.name
    )
