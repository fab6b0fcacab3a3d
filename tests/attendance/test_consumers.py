"""The attendance websockets: only people who may run the session connect; the board gets the
whole board on connect and every change once it commits; the projector also gets the current
code on connect, at each rotation and when the window is edited."""

import asyncio
import copy
import datetime
import uuid
from urllib.parse import urlsplit

import pytest
from asgiref.sync import sync_to_async
from django.utils import timezone

from attendance import codes
from attendance.consumers import SessionBoardConsumer, SessionProjectorConsumer, site_url
from attendance.routing import websocket_urlpatterns
from attendance.services import (
    RollCallEntry,
    SignInRefused,
    roll_call,
    sign_in,
    window_close,
    window_open,
)
from core.roles import Role
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory
from tests.live import live_socket, refused_code

BOARD_ROUTE = r"^ws/attendance/sessions/(?P<session_id>\d+)/$"
PROJECTOR_ROUTE = r"^ws/attendance/sessions/(?P<session_id>\d+)/projector/$"


def board_path(session) -> str:
    return f"/ws/attendance/sessions/{session.pk}/"


def projector_path(session) -> str:
    return f"/ws/attendance/sessions/{session.pk}/projector/"


def make_session(instructor, trainee):
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    return SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )


# The suite clears the cache before and after every test, and with REDIS_URL the cache is
# Redis: a FLUSHDB of its database, which also wipes the groups of a channel layer in that
# database, in every test running at once. The live tests' channel layer uses another one.
LIVE_REDIS_DB = 15


@pytest.fixture(autouse=True)
def own_channel_layer(settings):
    """A Redis database and key prefix of this test's own: session ids repeat across test
    databases (xdist workers, other runs) that share one Redis, and the cache is flushed."""
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if layers["default"]["BACKEND"].startswith("channels_redis"):
        url = urlsplit(settings.REDIS_URL)._replace(path=f"/{LIVE_REDIS_DB}").geturl()
        layers["default"]["CONFIG"] = {"hosts": [url], "prefix": f"test-{uuid.uuid4().hex[:12]}"}
        settings.CHANNEL_LAYERS = layers


@pytest.fixture
def session(instructor, trainee):
    return make_session(instructor, trainee)


async def receive_event(socket, event: str, timeout: float = 3) -> dict:
    """The data of the next message of ``event``, skipping others (codes, say)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        message = await socket.receive_json_from(timeout=max(deadline - loop.time(), 0.01))
        if message["event"] == event:
            return message["data"]


def test_routes_are_mounted():
    patterns = [pattern.pattern.regex.pattern for pattern in websocket_urlpatterns]
    assert patterns == [BOARD_ROUTE, PROJECTOR_ROUTE]


# Who may connect ------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("consumer", "route", "path"),
    [
        (SessionBoardConsumer, BOARD_ROUTE, "/ws/attendance/sessions/1/"),
        (SessionProjectorConsumer, PROJECTOR_ROUTE, "/ws/attendance/sessions/1/projector/"),
    ],
)
async def test_anonymous_is_refused(consumer, route, path):
    assert await refused_code(consumer.as_asgi(), path, None, route) == 4401


@pytest.mark.django_db(transaction=True)
async def test_instructor_of_another_session_is_refused(session):
    other = await sync_to_async(EmployeeFactory)(roles=[Role.INSTRUCTOR])
    user = await sync_to_async(lambda: other.user)()
    for consumer, route, path in (
        (SessionBoardConsumer, BOARD_ROUTE, board_path(session)),
        (SessionProjectorConsumer, PROJECTOR_ROUTE, projector_path(session)),
    ):
        assert await refused_code(consumer.as_asgi(), path, user, route) == 4403


@pytest.mark.django_db(transaction=True)
async def test_trainee_is_refused_even_of_their_own_session(session, trainee):
    """The projector's code must never reach a trainee."""
    user = await sync_to_async(lambda: trainee.user)()
    code = await refused_code(
        SessionProjectorConsumer.as_asgi(), projector_path(session), user, PROJECTOR_ROUTE
    )
    assert code == 4403


@pytest.mark.django_db(transaction=True)
async def test_a_session_that_does_not_exist_is_refused(safety_officer):
    user = await sync_to_async(lambda: safety_officer.user)()
    path = "/ws/attendance/sessions/987654/"
    assert await refused_code(SessionBoardConsumer.as_asgi(), path, user, BOARD_ROUTE) == 4403


# The board ------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_board_gets_the_board_then_each_committed_change(session, instructor, trainee):
    user = await sync_to_async(lambda: instructor.user)()
    window = await sync_to_async(window_open)(actor=None, session=session)
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), user, BOARD_ROUTE
    ) as socket:
        board = await receive_event(socket, "attendance.board")
        assert (board["enrolled"], board["signed_in"]) == (1, 0)
        assert board["rows"][0]["employee_id"] == trainee.pk
        assert board["rows"][0]["status"] is None

        code = codes.short_code(window, codes.slot_at(window, timezone.now()))
        await sync_to_async(sign_in)(session=session, employee=trainee, code=code, device="d")
        changed = await receive_event(socket, "attendance.changed")
        assert (changed["enrolled"], changed["signed_in"]) == (1, 1)
        assert changed["counts"]["present"] == 1 and changed["counts"]["missing"] == 0
        row = changed["rows"][0]
        assert (row["employee_id"], row["status"], row["method"]) == (
            trainee.pk,
            "present",
            "self_sign_in",
        )
        assert row["signed_in_at"]
        # The board socket never carries a code.
        assert await socket.receive_nothing(timeout=0.3)


@pytest.mark.django_db(transaction=True)
async def test_roll_call_by_one_instructor_reaches_the_sheet_of_another(
    session, instructor, trainee, safety_officer
):
    officer = await sync_to_async(lambda: safety_officer.user)()
    teacher = await sync_to_async(lambda: instructor.user)()
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), officer, BOARD_ROUTE
    ) as socket:
        await receive_event(socket, "attendance.board")
        entries = [RollCallEntry(trainee, "excused", "Sick leave")]
        await sync_to_async(roll_call)(actor=teacher, session=session, entries=entries)
        row = (await receive_event(socket, "attendance.changed"))["rows"][0]
        assert (row["status"], row["reason"], row["method"]) == (
            "excused",
            "Sick leave",
            "roll_call",
        )


@pytest.mark.django_db(transaction=True)
async def test_board_reports_refused_proxy_sign_ins(session, instructor, trainee):
    friend = await sync_to_async(EmployeeFactory)(name="代签者")
    await sync_to_async(EnrollmentFactory)(training=session.training, employee=friend)
    user = await sync_to_async(lambda: instructor.user)()
    window = await sync_to_async(window_open)(actor=None, session=session)
    code = codes.short_code(window, codes.slot_at(window, timezone.now()))
    await sync_to_async(sign_in)(session=session, employee=trainee, code=code, device="phone")
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), user, BOARD_ROUTE
    ) as socket:
        assert (await receive_event(socket, "attendance.board"))["proxy_attempts"] == []
        with pytest.raises(SignInRefused, match="someone else"):
            await sync_to_async(sign_in)(
                session=session, employee=friend, code=code, device="phone"
            )
        refused = await receive_event(socket, "proxy.refused")
        assert (refused["employee"], refused["first_employee"]) == ("代签者", trainee.name)


# The projector --------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
async def test_projector_gets_the_code_on_connect(session, instructor):
    user = await sync_to_async(lambda: instructor.user)()
    window = await sync_to_async(window_open)(actor=None, session=session)
    before = codes.slot_at(window, timezone.now())
    async with live_socket(
        SessionProjectorConsumer.as_asgi(), projector_path(session), user, PROJECTOR_ROUTE
    ) as socket:
        data = await receive_event(socket, "code")
        after = codes.slot_at(window, timezone.now())
        assert data["slot"] in (before, after)
        assert data["code"] == codes.short_code(window, data["slot"])
        token = codes.qr_token(window, data["slot"])
        assert data["qr_url"] == f"http://localhost/sign-in/{session.pk}/{token}/"
        assert data["qr_svg"].startswith("<svg")
        assert 0 < data["expires_in"] <= window.rotation_seconds
        assert data["rotation_seconds"] == window.rotation_seconds
        assert data["window"]["open"] is True
        assert codes.check_short_code(window, data["code"], timezone.now()).state == (
            codes.CodeState.VALID
        )


@pytest.mark.django_db(transaction=True)
async def test_projector_pushes_the_next_code_at_the_rotation(session, instructor):
    user = await sync_to_async(lambda: instructor.user)()
    window = await sync_to_async(window_open)(
        actor=None, session=session, rotation_seconds=5, grace_seconds=1
    )
    async with live_socket(
        SessionProjectorConsumer.as_asgi(), projector_path(session), user, PROJECTOR_ROUTE
    ) as socket:
        first = await receive_event(socket, "code")
        second = await receive_event(socket, "code", timeout=first["expires_in"] + 2)
        assert second["slot"] == first["slot"] + 1
        assert second["code"] == codes.short_code(window, second["slot"])
        assert second["expires_in"] > 3


@pytest.mark.django_db(transaction=True)
async def test_closing_the_window_wakes_the_projector(session, instructor):
    user = await sync_to_async(lambda: instructor.user)()
    await sync_to_async(window_open)(actor=None, session=session)
    async with live_socket(
        SessionProjectorConsumer.as_asgi(), projector_path(session), user, PROJECTOR_ROUTE
    ) as socket:
        assert (await receive_event(socket, "code"))["code"]
        await sync_to_async(window_close)(actor=user, session=session)
        await receive_event(socket, "window.changed")
        data = await receive_event(socket, "code", timeout=2)
        assert data["code"] is None and data["qr_url"] is None
        assert data["window"]["open"] is False and data["window"]["upcoming"] is False


@pytest.mark.django_db(transaction=True)
async def test_projector_without_a_window_shows_no_code(session, instructor):
    user = await sync_to_async(lambda: instructor.user)()
    async with live_socket(
        SessionProjectorConsumer.as_asgi(), projector_path(session), user, PROJECTOR_ROUTE
    ) as socket:
        data = await receive_event(socket, "code")
        assert data["code"] is None and data["window"] is None
        await sync_to_async(window_open)(actor=None, session=session)
        data = await receive_event(socket, "code", timeout=2)
        assert data["code"] and data["window"]["open"]


def test_site_url_follows_the_host_and_a_tls_proxy(settings):
    scope = {"scheme": "ws", "headers": [(b"host", b"training.example.com")]}
    assert site_url(scope, "/sign-in/") == "http://training.example.com/sign-in/"
    assert site_url({**scope, "scheme": "wss"}, "/x/") == "https://training.example.com/x/"
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxied = {**scope, "headers": [*scope["headers"], (b"x-forwarded-proto", b"https")]}
    assert site_url(proxied, "/x/") == "https://training.example.com/x/"


@pytest.mark.django_db(transaction=True)
async def test_page_may_ask_for_the_whole_board_again_but_not_too_often(
    session, instructor, monkeypatch
):
    user = await sync_to_async(lambda: instructor.user)()
    async with live_socket(
        SessionBoardConsumer.as_asgi(), board_path(session), user, BOARD_ROUTE
    ) as socket:
        await receive_event(socket, "attendance.board")
        await socket.send_json_to({"action": "refresh"})
        assert await socket.receive_nothing(timeout=0.2)  # just sent on connect
        monkeypatch.setattr("attendance.consumers.REFRESH_INTERVAL_SECONDS", 0)
        await socket.send_json_to({"action": "something else"})
        assert await socket.receive_nothing(timeout=0.2)
        await socket.send_json_to({"action": "refresh"})
        board = await receive_event(socket, "attendance.board")
        assert board["enrolled"] == 1
