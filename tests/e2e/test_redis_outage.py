"""Redis dies mid-run and comes back (issue 11, finding 4): a real ASGI server (uvicorn, in a
thread of this process, on the test database) with its channel layer and cache on a private
redis-server, which the test kills and starts again on the same port.

While Redis is up an instructor's live board hears a sign-in. Killing Redis closes the
board's socket with 1013 ("try again later"), a reconnect is refused cleanly and every
request keeps answering: sign-in, an answer save, the token endpoint with its throttle.
Once Redis is back the board reconnects (as ``frontend/live.js`` does), catches up with
the whole board, and live events flow again; the cache is Redis again, not the per-process
fallback.
"""

import asyncio
import datetime
import json
import urllib.error
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from attendance import codes
from attendance.models import AttendanceRecord, SignInWindow
from attendance.services import window_open
from exams.models import Answer
from tests.browser.test_sign_in_flow import AsgiLiveServer
from tests.core.test_redis_down import redis_settings
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.exams.factories import make_exam, make_paper, make_questions
from tests.factories import PASSWORD, EmployeeFactory
from tests.private_redis import PrivateRedis, redis_server_available

pytestmark = [
    pytest.mark.skipif(not redis_server_available(), reason="redis-server is not on PATH"),
    pytest.mark.django_db(transaction=True),
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

EVENT_SECONDS = 10
CLOSE_TRY_AGAIN_LATER = 1013


@pytest.fixture
def private_redis():
    with PrivateRedis() as server:
        yield server


@pytest.fixture
def live_server_on_private_redis(private_redis, transactional_db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.CHANNEL_LAYERS, settings.CACHES = redis_settings(private_redis.url, "outage")
    # Try Redis again at once after a failure: the test restarts it and goes straight on.
    settings.REDIS_RETRY_SECONDS = 0
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


def request(url: str, *, token: str = "", data=None, method=None, headers=None):
    """(status, JSON body or the start of the text) of one call."""
    headers = {"Content-Type": "application/json", **(headers or {})}
    if token:
        headers["Authorization"] = f"Token {token}"
    body = json.dumps(data).encode() if data is not None else None
    call = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(call, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.read().decode()[:2000]


def sign_in(base: str, session, employee, device: str) -> tuple[int, object]:
    """What the trainee's app does: the code on the screen, from its own device."""
    window = SignInWindow.objects.get(session=session)
    code = codes.short_code(window, codes.slot_at(window, timezone.now()))
    return request(
        f"{base}/api/v1/sessions/{session.pk}/sign-in/",
        token=Token.objects.get_or_create(user=employee.user)[0].key,
        data={"code": code},
        headers={"X-Device-Id": device},
    )


def get_token(base: str, username: str, password: str) -> int:
    url = f"{base}/api/v1/auth/token/"
    return request(url, data={"username": username, "password": password})[0]


async def next_event(socket, event: str) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + EVENT_SECONDS
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no {event!r} event within {EVENT_SECONDS} s")
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=remaining))
        if message["event"] == event:
            return message["data"]


def test_live_pages_survive_redis_dying_and_pick_up_when_it_is_back(
    live_server_on_private_redis, private_redis
):
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed, InvalidStatus

    base = live_server_on_private_redis.url
    now = timezone.now()
    instructor = EmployeeFactory(roles=["instructor"])
    trainees = [EmployeeFactory(roles=["trainee"]) for _ in range(3)]
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    for trainee in trainees:
        EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=2),
    )
    window_open(actor=instructor.user, session=session)
    exam = make_exam(candidates=[trainees[0]], paper=make_paper(questions=make_questions(2)))
    token = Token.objects.get_or_create(user=trainees[0].user)[0].key
    browser = Client()
    browser.force_login(instructor.user)
    cookie = f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"
    board_url = f"{base.replace('http://', 'ws://')}/ws/attendance/sessions/{session.pk}/"

    def open_board():
        return connect(
            board_url,
            origin=base,
            additional_headers={"Cookie": cookie},
            open_timeout=10,
            close_timeout=2,
        )

    async def scenario() -> dict:
        seen = {}
        async with open_board() as board:
            seen["board_before"] = await next_event(board, "attendance.board")
            seen["sign_in_before"] = await asyncio.to_thread(
                sign_in, base, session, trainees[0], "device-a"
            )
            seen["changed_before"] = await next_event(board, "attendance.changed")

            # Redis dies: the open board is told to try again later.
            private_redis.kill()
            with pytest.raises(ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(board.recv(), timeout=EVENT_SECONDS)
            seen["close_code"] = closed.value.rcvd.code if closed.value.rcvd else None

        # While it is down a reconnect is refused cleanly, and the requests answer.
        with pytest.raises(InvalidStatus) as refused:
            async with open_board():
                pass
        seen["refused_status"] = refused.value.response.status_code
        seen["sign_in_down"] = await asyncio.to_thread(
            sign_in, base, session, trainees[1], "device-b"
        )
        started = await asyncio.to_thread(
            request, f"{base}/api/v1/exams/{exam.pk}/attempts/", token=token, data={}
        )
        seen["start_down"] = started[0]
        attempt = started[1]
        question = attempt["questions"][0]
        seen["save_down"] = await asyncio.to_thread(
            request,
            f"{base}/api/v1/attempts/{attempt['id']}/answers/{question['id']}/",
            token=token,
            data={"selected": [question["options"][0]["id"]], "sequence": 1},
            method="PUT",
        )
        seen["tokens_down"] = [
            await asyncio.to_thread(get_token, base, trainees[2].user.username, "guess")
            for _ in range(11)
        ]

        # Redis is back on the same port: the page's reconnect catches up, events flow.
        private_redis.start()
        async with open_board() as board:
            seen["board_after"] = await next_event(board, "attendance.board")
            seen["sign_in_after"] = await asyncio.to_thread(
                sign_in, base, session, trainees[2], "device-c"
            )
            seen["changed_after"] = await next_event(board, "attendance.changed")
        seen["token_after"] = await asyncio.to_thread(
            get_token, base, trainees[2].user.username, PASSWORD
        )
        # Django's cache keys: "<prefix>:<version>:<key>" (the throttle's among them).
        seen["cache_keys_after"] = sorted(private_redis.client().scan_iter("outage:1:*"))
        return seen

    try:
        seen = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
    finally:
        private_redis.kill()

    assert (seen["board_before"]["enrolled"], seen["board_before"]["signed_in"]) == (3, 0)
    assert seen["sign_in_before"][0] == 201 and seen["changed_before"]["signed_in"] == 1
    assert seen["close_code"] == CLOSE_TRY_AGAIN_LATER

    assert seen["refused_status"] == 403  # the handshake refused: the page retries later
    assert seen["sign_in_down"][0] == 201, seen["sign_in_down"]
    assert seen["start_down"] == 201
    assert seen["save_down"][0] == 200 and seen["save_down"][1]["saved"] is True
    # The token endpoint's throttle still counts (in this process): 10 a minute.
    assert seen["tokens_down"] == [400] * 10 + [429]

    # Back: the board shows both sign-ins made so far, then hears the third.
    assert seen["board_after"]["signed_in"] == 2
    assert seen["sign_in_after"][0] == 201 and seen["changed_after"]["signed_in"] == 3
    # The cache is Redis again: the token endpoint counts there, afresh.
    assert seen["token_after"] == 200
    assert b"outage:1:throttle_auth_127.0.0.1" in seen["cache_keys_after"]
    assert AttendanceRecord.objects.count() == 3
    assert Answer.objects.filter(sequence=1).count() == 1
