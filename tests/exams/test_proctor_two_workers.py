"""Several web workers: an answer saved through one server process reaches the proctor board
connected to another, through Redis, with one PostgreSQL database behind both.

The approach (and the helpers) of tests/attendance/test_two_workers.py: two real servers on
free ports (daphne holds the safety officer's board socket, uvicorn takes the candidate's
save) against the test database, with a Redis database and key prefix of their own. Skipped
unless the suite runs on PostgreSQL with REDIS_URL set.
"""

import asyncio
import json
import re
import urllib.error
import urllib.request
import uuid

import pytest
from django.conf import settings

from exams.models import Answer
from exams.services.attempts import attempt_start
from tests.attendance.test_two_workers import (
    EVENT_SECONDS,
    IDLE_SECONDS,
    http,
    next_event,
    running_server,
    session_cookie,
)
from tests.exams.factories import make_exam

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
        or not getattr(settings, "REDIS_URL", ""),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) shared by two processes",
    ),
    pytest.mark.django_db(transaction=True),
]


def save_answer(base_url: str, attempt_id: int, question_id: str, cookies: dict, body: dict):
    """What the exam page does: open the attempt (which sets the CSRF cookie), then PUT the
    answer to the API with the token in the header. Returns (status, body)."""
    status, _headers, page = http(f"{base_url}/attempts/{attempt_id}/", cookies)
    assert status == 200, page[:2000]
    token = cookies.get("csrftoken") or re.search(r'data-csrf-token="([^"]+)"', page).group(1)
    request = urllib.request.Request(
        f"{base_url}/api/v1/attempts/{attempt_id}/answers/{question_id}/",
        data=json.dumps(body).encode(),
        method="PUT",
        headers={
            "Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items()),
            "Content-Type": "application/json",
            "X-CSRFToken": token,
        },
    )
    try:
        response = urllib.request.urlopen(request, timeout=10)
    except urllib.error.HTTPError as error:
        response = error
    with response:
        return response.status, response.read().decode()


def test_a_save_on_one_worker_reaches_the_board_on_another(safety_officer, trainee):
    from websockets.asyncio.client import connect

    exam = make_exam(candidates=[trainee])
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    aq = attempt.questions.select_related("version").get(version__type="single")
    right = [o.pk for o in aq.version.options.all() if o.correct]
    officer_cookie = session_cookie(safety_officer.user)
    trainee_cookies = {settings.SESSION_COOKIE_NAME: session_cookie(trainee.user)}

    prefix = f"proctor-workers-{uuid.uuid4().hex[:12]}"
    with (
        running_server("daphne", prefix) as server_a,
        running_server("uvicorn", prefix) as server_b,
    ):
        board_url = f"{server_a.url.replace('http://', 'ws://')}/ws/exams/{exam.pk}/proctor/"

        async def scenario():
            async with connect(
                board_url,
                origin=server_a.url,
                additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={officer_cookie}"},
                open_timeout=10,
                close_timeout=2,
            ) as board_socket:
                board = await next_event(board_socket, "proctor.board", EVENT_SECONDS)
                await asyncio.sleep(IDLE_SECONDS)
                saved = await asyncio.to_thread(
                    save_answer,
                    server_b.url,
                    attempt.pk,
                    aq.key,
                    trainee_cookies,
                    {"selected": [aq.option_key_of()[pk] for pk in right], "sequence": 1},
                )
                event = await next_event(board_socket, "answer.saved", EVENT_SECONDS)
                return board, saved, event

        try:
            board, saved, event = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
        except Exception as error:
            pytest.fail(
                f"{error!r}\n--- daphne (board) ---\n{server_a.output()}"
                f"\n--- uvicorn (save) ---\n{server_b.output()}"
            )

    row = board["rows"][0]
    assert (row["employee_id"], row["state"], row["answered"]) == (trainee.pk, "in_progress", [])
    status, body = saved
    assert status == 200, body
    assert json.loads(body)["saved"] is True
    # The board (staff only) keeps answered questions by the bank's ids.
    assert event == {
        "attempt": attempt.pk,
        "employee": trainee.pk,
        "question": aq.question_id_shown,
        "answered": True,
    }
    answer = Answer.objects.get(attempt_question=aq)
    assert (answer.selected, answer.sequence) == (right, 1)
