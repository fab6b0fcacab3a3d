"""The proctor board: the selector's states, counts and query count; the proctor websocket
(the safety officer only: the board on connect, then each event as services run); a
candidate's attempt websocket (their own attempt only; the deadline and the server's time,
never a key, a score or an explanation).

The async tests do their database work through ``database_sync_to_async``, which closes its
thread's connection afterwards: a connection left open there keeps PostgreSQL from dropping
the test database."""

import asyncio
import copy
import datetime
import json
import uuid
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from channels.db import database_sync_to_async
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.roles import Role
from exams.consumers import AttemptConsumer, ProctorBoardConsumer
from exams.models import Answer, AttemptStatus
from exams.routing import websocket_urlpatterns
from exams.selectors.proctor import ProctorState, proctor_board
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.grading import answer_grade
from exams.services.proctoring import attempt_reopen, attempts_extend, exam_close_early
from tests.exams.factories import (
    answer_everything_right,
    make_exam,
    make_paper,
    make_questions,
    save_by_bank_ids,
)
from tests.factories import EmployeeFactory
from tests.live import live_socket, refused_code

BOARD_ROUTE = r"^ws/exams/(?P<exam_id>\d+)/proctor/$"
ATTEMPT_ROUTE = r"^ws/attempts/(?P<attempt_id>\d+)/$"

# As in tests/attendance/test_consumers.py: the suite flushes the cache's Redis database, so
# the live tests' channel layer uses another database and a prefix of its own.
LIVE_REDIS_DB = 15


@pytest.fixture(autouse=True)
def own_channel_layer(settings):
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if layers["default"]["BACKEND"].startswith("channels_redis"):
        url = urlsplit(settings.REDIS_URL)._replace(path=f"/{LIVE_REDIS_DB}").geturl()
        layers["default"]["CONFIG"] = {"hosts": [url], "prefix": f"test-{uuid.uuid4().hex[:12]}"}
        settings.CHANNEL_LAYERS = layers


def board_path(exam) -> str:
    return f"/ws/exams/{exam.pk}/proctor/"


def attempt_path(attempt) -> str:
    return f"/ws/attempts/{attempt.pk}/"


def _aq(attempt, qtype: str):
    return (
        attempt.questions.select_related("version")
        .prefetch_related("version__options")
        .get(version__type=qtype)
    )


def _right_single(attempt):
    aq = _aq(attempt, "single")
    return aq.question_id_shown, [o.pk for o in aq.version.options.all() if o.correct]


async def receive_event(socket, event: str, timeout: float = 3) -> dict:
    """The data of the next message of ``event``, skipping others."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await socket.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
        if message["event"] == event:
            return message["data"]


def test_routes_are_mounted():
    patterns = [pattern.pattern.regex.pattern for pattern in websocket_urlpatterns]
    assert patterns == [BOARD_ROUTE, ATTEMPT_ROUTE]


# The selector ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_board_shows_each_candidate_state_and_the_counts():
    people = [EmployeeFactory(roles=[Role.TRAINEE]) for _ in range(4)]
    waiting, working, handed_in, graded = people
    now = timezone.now()
    exam = make_exam(candidates=people, now=now)

    attempt = attempt_start(employee=working, exam=exam, now=now).attempt
    question, right = _right_single(attempt)
    save_by_bank_ids(user=working.user, attempt_id=attempt.pk, question_id=question, selected=right)
    short = _aq(attempt, "short_answer").question_id_shown
    save_by_bank_ids(user=working.user, attempt_id=attempt.pk, question_id=short, text="Ventilate")
    blank = _aq(attempt, "fill_blank").question_id_shown
    save_by_bank_ids(user=working.user, attempt_id=attempt.pk, question_id=blank, blanks=["  "])
    # Answered, then cleared: no longer counts.
    tf = _aq(attempt, "true_false")
    choice = tf.version.options.first().pk
    save_by_bank_ids(
        user=working.user,
        attempt_id=attempt.pk,
        question_id=tf.question_id_shown,
        selected=[choice],
        sequence=1,
    )
    save_by_bank_ids(
        user=working.user,
        attempt_id=attempt.pk,
        question_id=tf.question_id_shown,
        selected=[],
        sequence=2,
    )

    submitted = attempt_start(employee=handed_in, exam=exam).attempt
    answer_everything_right(submitted, handed_in.user)  # a short answer: awaits grading
    attempt_submit(attempt=submitted)

    done = attempt_start(employee=graded, exam=exam).attempt
    question, right = _right_single(done)
    save_by_bank_ids(user=graded.user, attempt_id=done.pk, question_id=question, selected=right)
    done = attempt_submit(attempt=done)
    assert done.status == AttemptStatus.GRADED

    board = proctor_board(exam, now=now + datetime.timedelta(minutes=5))
    rows = {row.employee_id: row for row in board.rows}
    assert set(rows) == {p.pk for p in people}

    assert rows[waiting.pk].state == ProctorState.NOT_STARTED
    assert rows[waiting.pk].attempt_id is None and rows[waiting.pk].answered == []

    row = rows[working.pk]
    assert (row.state, row.attempt_id, row.attempt_number, row.questions) == (
        "in_progress",
        attempt.pk,
        1,
        5,
    )
    assert sorted(row.answered) == sorted([question_for(attempt, "single"), short])
    assert row.answered_count == 2
    assert row.deadline == attempt.deadline
    assert row.seconds_left == 25 * 60 and row.time_left == "25:00"
    assert row.score is None

    row = rows[handed_in.pk]
    assert (row.state, row.score, row.answered) == ("submitted", None, [])
    assert row.submitted_at is not None and row.seconds_left is None

    row = rows[graded.pk]
    assert row.state == "graded"
    assert (row.score, row.max_score, row.passed) == (done.score, Decimal(10), done.passed)
    assert row.score == Decimal(2)

    assert board.counts == {
        "not_started": 1,
        "in_progress": 1,
        "submitted": 1,
        "graded": 1,
        "candidates": 4,
        "handed_in": 2,
    }
    payload = board.payload()
    assert payload["exam"] == exam.pk and payload["closed"] is False
    assert [r["employee_id"] for r in payload["rows"]] == [r.employee_id for r in board.rows]
    assert "seconds_left" not in payload["rows"][0]


def question_for(attempt, qtype: str) -> int:
    return _aq(attempt, qtype).question_id_shown


@pytest.mark.django_db
def test_board_rows_are_by_department_then_employee_number(department):
    from tests.factories import DepartmentFactory

    other = DepartmentFactory(name="A workshop")
    people = [
        EmployeeFactory(employee_no="E3", department=department),
        EmployeeFactory(employee_no="E1", department=department),
        EmployeeFactory(employee_no="E2", department=other),
    ]
    exam = make_exam(candidates=people)
    board = proctor_board(exam)
    assert [r.employee_no for r in board.rows] == ["E2", "E1", "E3"]
    assert board.rows[0].department == other.path


@pytest.mark.django_db
def test_board_shows_the_attempt_in_progress_else_the_latest(trainee, safety_officer):
    exam = make_exam(candidates=[trainee], max_attempts=2)
    first = attempt_submit(attempt=attempt_start(employee=trainee, exam=exam).attempt)
    row = proctor_board(exam).rows[0]
    assert (row.attempt_id, row.attempt_number, row.state) == (first.pk, 1, "graded")

    second = attempt_start(employee=trainee, exam=exam).attempt
    row = proctor_board(exam).rows[0]
    assert (row.attempt_id, row.attempt_number, row.state) == (second.pk, 2, "in_progress")

    attempt_submit(attempt=second)
    attempt_reopen(actor=safety_officer.user, attempt=first, reason="Power cut", minutes=10)
    row = proctor_board(exam).rows[0]
    assert (row.attempt_id, row.attempt_number, row.state) == (first.pk, 1, "in_progress")


@pytest.mark.django_db
def test_closed_early_exam_is_closed_on_the_board(trainee, safety_officer):
    exam = make_exam(candidates=[trainee])
    exam_close_early(actor=safety_officer.user, exam=exam, reason="Fire alarm")
    exam.refresh_from_db()
    payload = proctor_board(exam).payload()
    assert payload["closed"] is True and payload["closed_early_at"] == exam.closed_early_at


def _board_queries(count: int) -> int:
    people = [EmployeeFactory(roles=[Role.TRAINEE]) for _ in range(count)]
    paper = make_paper(questions=make_questions(3, path=f"Board {count}"))
    exam = make_exam(candidates=people, paper=paper, max_attempts=2)
    for index, person in enumerate(people):
        if index % 2:
            continue
        attempt = attempt_start(employee=person, exam=exam).attempt
        aq = attempt.questions.select_related("version").first()
        question = aq.question_id_shown
        right = [o.pk for o in aq.version.options.all() if o.correct]
        save_by_bank_ids(
            user=person.user, attempt_id=attempt.pk, question_id=question, selected=right
        )
        if index % 4 == 0:
            attempt_submit(attempt=attempt)
    with CaptureQueriesContext(connection) as queries:
        board = proctor_board(exam)
        assert len(board.rows) == count
        board.payload()
    return len(queries)


@pytest.mark.django_db
def test_board_reads_a_fixed_number_of_queries():
    small = _board_queries(10)
    assert small == _board_queries(100)
    assert small <= 4


# The proctor websocket ---------------------------------------------------------------------------


@pytest.mark.django_db
async def test_anonymous_is_refused():
    assert (
        await refused_code(
            ProctorBoardConsumer.as_asgi(), "/ws/exams/1/proctor/", None, BOARD_ROUTE
        )
        == 4401
    )
    assert (
        await refused_code(AttemptConsumer.as_asgi(), "/ws/attempts/1/", None, ATTEMPT_ROUTE)
        == 4401
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", [Role.TRAINEE, Role.HR, Role.INSTRUCTOR])
async def test_only_the_safety_officer_watches_the_board(role):
    person = await database_sync_to_async(EmployeeFactory)(roles=[role])
    exam = await database_sync_to_async(make_exam)(candidates=[person])
    user = await database_sync_to_async(lambda: person.user)()
    code = await refused_code(ProctorBoardConsumer.as_asgi(), board_path(exam), user, BOARD_ROUTE)
    assert code == 4403


@pytest.mark.django_db(transaction=True)
async def test_an_exam_that_does_not_exist_is_refused(safety_officer):
    user = await database_sync_to_async(lambda: safety_officer.user)()
    path = "/ws/exams/987654/proctor/"
    assert await refused_code(ProctorBoardConsumer.as_asgi(), path, user, BOARD_ROUTE) == 4403


@pytest.mark.django_db(transaction=True)
async def test_officer_gets_the_board_then_each_event(safety_officer, trainee):
    exam = await database_sync_to_async(make_exam)(candidates=[trainee])
    officer = await database_sync_to_async(lambda: safety_officer.user)()
    candidate = await database_sync_to_async(lambda: trainee.user)()
    async with live_socket(
        ProctorBoardConsumer.as_asgi(), board_path(exam), officer, BOARD_ROUTE
    ) as socket:
        board = await receive_event(socket, "proctor.board")
        assert board["exam"] == exam.pk and board["server_time"]
        assert board["counts"]["not_started"] == 1 and board["counts"]["candidates"] == 1
        assert board["rows"][0]["employee_id"] == trainee.pk
        assert board["rows"][0]["state"] == "not_started"

        attempt = (await database_sync_to_async(attempt_start)(employee=trainee, exam=exam)).attempt
        started = await receive_event(socket, "attempt.started")
        assert (started["attempt"], started["employee"], started["status"]) == (
            attempt.pk,
            trainee.pk,
            "in_progress",
        )
        assert (started["questions"], started["answered"], started["number"]) == (5, 0, 1)
        assert started["deadline"] == attempt.deadline.isoformat()

        question, right = await database_sync_to_async(_right_single)(attempt)
        await database_sync_to_async(save_by_bank_ids)(
            user=candidate, attempt_id=attempt.pk, question_id=question, selected=right, sequence=1
        )
        saved = await receive_event(socket, "answer.saved")
        assert saved == {
            "attempt": attempt.pk,
            "employee": trainee.pk,
            "question": question,
            "answered": True,
        }
        await database_sync_to_async(save_by_bank_ids)(
            user=candidate, attempt_id=attempt.pk, question_id=question, selected=[], sequence=2
        )
        assert (await receive_event(socket, "answer.saved"))["answered"] is False

        moved = await database_sync_to_async(attempts_extend)(
            actor=officer, exam=exam, minutes=5, reason="Network outage"
        )
        assert moved == 1
        extended = await receive_event(socket, "attempt.deadline")
        assert extended["attempt"] == attempt.pk
        assert (
            extended["deadline"] == (attempt.deadline + datetime.timedelta(minutes=5)).isoformat()
        )

        await database_sync_to_async(save_by_bank_ids)(
            user=candidate, attempt_id=attempt.pk, question_id=question, selected=right, sequence=3
        )
        await receive_event(socket, "answer.saved")
        closed = await database_sync_to_async(attempt_submit)(attempt=attempt)
        data = await receive_event(socket, "attempt.closed")
        assert (data["attempt"], data["status"]) == (attempt.pk, "graded")
        assert Decimal(data["score"]) == closed.score == Decimal(2)
        assert data["passed"] == closed.passed and Decimal(data["max_score"]) == Decimal(10)

        await database_sync_to_async(exam_close_early)(
            actor=officer, exam=exam, reason="Done early"
        )
        assert (await receive_event(socket, "exam.closed"))["exam"] == exam.pk


@pytest.mark.django_db(transaction=True)
async def test_deadline_storm_reaches_the_board_as_closes(safety_officer, trainee):
    """Closing the exam early closes each attempt in progress; the board hears every one."""
    other = await database_sync_to_async(EmployeeFactory)(roles=[Role.TRAINEE])
    exam = await database_sync_to_async(make_exam)(candidates=[trainee, other])
    officer = await database_sync_to_async(lambda: safety_officer.user)()
    ids = set()
    for person in (trainee, other):
        ids.add(
            (await database_sync_to_async(attempt_start)(employee=person, exam=exam)).attempt.pk
        )
    async with live_socket(
        ProctorBoardConsumer.as_asgi(), board_path(exam), officer, BOARD_ROUTE
    ) as socket:
        board = await receive_event(socket, "proctor.board")
        assert board["counts"]["in_progress"] == 2
        await database_sync_to_async(exam_close_early)(
            actor=officer, exam=exam, reason="Fire alarm"
        )
        await receive_event(socket, "exam.closed")
        closed = {(await receive_event(socket, "attempt.closed"))["attempt"] for _ in ids}
        assert closed == ids


@pytest.mark.django_db(transaction=True)
async def test_board_may_be_asked_again_but_not_too_often(safety_officer, trainee, monkeypatch):
    exam = await database_sync_to_async(make_exam)(candidates=[trainee])
    officer = await database_sync_to_async(lambda: safety_officer.user)()
    async with live_socket(
        ProctorBoardConsumer.as_asgi(), board_path(exam), officer, BOARD_ROUTE
    ) as socket:
        await receive_event(socket, "proctor.board")
        await socket.send_json_to({"action": "refresh"})
        assert await socket.receive_nothing(timeout=0.2)  # just sent on connect
        monkeypatch.setattr("exams.consumers.REFRESH_INTERVAL_SECONDS", 0)
        await socket.send_json_to({"action": "something else"})
        assert await socket.receive_nothing(timeout=0.2)
        await database_sync_to_async(attempt_start)(employee=trainee, exam=exam)
        await receive_event(socket, "attempt.started")
        await socket.send_json_to({"action": "refresh"})
        board = await receive_event(socket, "proctor.board")
        assert board["counts"]["in_progress"] == 1


# The candidate's attempt websocket ------------------------------------------------------------

CANDIDATE_KEYS = {
    "attempt.deadline": {"attempt", "deadline", "server_time"},
    "attempt.closed": {"attempt", "status", "server_time"},
}


@pytest.mark.django_db(transaction=True)
async def test_attempt_socket_admits_only_the_candidate(trainee, safety_officer):
    other = await database_sync_to_async(EmployeeFactory)(roles=[Role.TRAINEE])
    exam = await database_sync_to_async(make_exam)(candidates=[trainee, other])
    attempt = (await database_sync_to_async(attempt_start)(employee=trainee, exam=exam)).attempt
    for person in (other, safety_officer):
        user = await database_sync_to_async(lambda p=person: p.user)()
        code = await refused_code(
            AttemptConsumer.as_asgi(), attempt_path(attempt), user, ATTEMPT_ROUTE
        )
        assert code == 4403
    user = await database_sync_to_async(lambda: trainee.user)()
    async with live_socket(
        AttemptConsumer.as_asgi(), attempt_path(attempt), user, ATTEMPT_ROUTE
    ) as socket:
        assert await socket.receive_nothing(timeout=0.1)


@pytest.mark.django_db(transaction=True)
async def test_candidate_hears_extra_time_and_the_close_and_nothing_else(trainee, safety_officer):
    rival = await database_sync_to_async(EmployeeFactory)(roles=[Role.TRAINEE])
    exam = await database_sync_to_async(make_exam)(candidates=[trainee, rival])
    officer = await database_sync_to_async(lambda: safety_officer.user)()
    user = await database_sync_to_async(lambda: trainee.user)()
    rival_user = await database_sync_to_async(lambda: rival.user)()
    attempt = (await database_sync_to_async(attempt_start)(employee=trainee, exam=exam)).attempt
    messages = []
    async with live_socket(
        AttemptConsumer.as_asgi(), attempt_path(attempt), user, ATTEMPT_ROUTE
    ) as socket:
        # Another candidate starts, answers everything right and is graded: nothing of it
        # reaches this candidate.
        other = (await database_sync_to_async(attempt_start)(employee=rival, exam=exam)).attempt
        await database_sync_to_async(answer_everything_right)(other, rival_user)
        await database_sync_to_async(attempt_submit)(attempt=other)
        # The candidate's own saves are not echoed either.
        question, right = await database_sync_to_async(_right_single)(attempt)
        await database_sync_to_async(save_by_bank_ids)(
            user=user, attempt_id=attempt.pk, question_id=question, selected=right
        )
        assert await socket.receive_nothing(timeout=0.3)

        before = timezone.now()
        await database_sync_to_async(attempts_extend)(
            actor=officer, exam=exam, minutes=10, reason="Late bus", employee=trainee
        )
        message = await socket.receive_json_from(timeout=3)
        messages.append(message)
        assert message["event"] == "attempt.deadline"
        data = message["data"]
        assert data["attempt"] == attempt.pk
        new_deadline = attempt.deadline + datetime.timedelta(minutes=10)
        assert data["deadline"] == new_deadline.isoformat()
        server_time = datetime.datetime.fromisoformat(data["server_time"])
        assert before <= server_time <= timezone.now()

        await database_sync_to_async(attempt_submit)(attempt=attempt)
        message = await socket.receive_json_from(timeout=3)
        messages.append(message)
        assert message["event"] == "attempt.closed"
        assert message["data"]["status"] == "graded"
        assert await socket.receive_nothing(timeout=0.3)

    for message in messages:
        assert set(message) == {"event", "data"}
        assert set(message["data"]) == CANDIDATE_KEYS[message["event"]]
        text = json.dumps(message).lower()
        for word in ("correct", "score", "explanation", "key", "blanks", "passed", "answer"):
            assert word not in text
    answers = await database_sync_to_async(lambda: Answer.objects.filter(attempt=attempt).count())()
    assert answers == 5


@pytest.mark.django_db(transaction=True)
async def test_board_hears_when_grading_makes_a_score_final(safety_officer, trainee):
    """An attempt waiting for its open answer to be graded shows its score on the board as
    soon as the grader finishes, without a reload."""
    exam = await database_sync_to_async(make_exam)(candidates=[trainee])
    officer = await database_sync_to_async(lambda: safety_officer.user)()
    candidate = await database_sync_to_async(lambda: trainee.user)()
    attempt = (await database_sync_to_async(attempt_start)(employee=trainee, exam=exam)).attempt
    short = await database_sync_to_async(lambda: _aq(attempt, "short_answer"))()
    await database_sync_to_async(save_by_bank_ids)(
        user=candidate, attempt_id=attempt.pk, question_id=short.question_id_shown, text="Permit"
    )
    submitted = await database_sync_to_async(attempt_submit)(attempt=attempt)
    assert submitted.status == "submitted"
    async with live_socket(
        ProctorBoardConsumer.as_asgi(), board_path(exam), officer, BOARD_ROUTE
    ) as socket:
        await receive_event(socket, "proctor.board")
        answer = await database_sync_to_async(lambda: short.answer)()
        await database_sync_to_async(answer_grade)(actor=officer, answer=answer, score=1)
        graded = await receive_event(socket, "attempt.closed")
        assert (graded["attempt"], graded["status"]) == (attempt.pk, "graded")
        assert Decimal(graded["score"]) == Decimal(1)
