"""Several web workers: a sign-in handled by one server process reaches a board connected to
another, through Redis, with one PostgreSQL database behind both.

Two real servers are started on free ports (daphne for the board, uvicorn for the sign-in)
against the test database, with their own Redis key prefix. The instructor's board socket is
opened on the first, the trainee signs in with the code form on the second, and the board
must receive the "attendance.changed" event. Skipped unless the suite runs on PostgreSQL with
REDIS_URL set (an in-memory SQLite test database cannot be shared between processes, and the
in-memory channel layer does not cross processes).
"""

import asyncio
import contextlib
import datetime
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, Method, Status
from attendance.services import window_open
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory

ROOT = Path(__file__).resolve().parents[2]
LIVE_REDIS_DB = 15
STARTUP_SECONDS = 30
EVENT_SECONDS = 15
# A board sits idle between sign-ins: wait longer than one blocking read of the channel layer
# (5 s), which redis-py 8's default socket timeout (also 5 s) can cut short.
IDLE_SECONDS = 6

pytestmark = [
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql"
        or not getattr(settings, "REDIS_URL", ""),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL) shared by two processes",
    ),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def database_url() -> str:
    """The test database (``test_<name>``), as the servers' DATABASE_URL."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    at = "@" if credentials else ""
    return f"postgres://{credentials}{at}{host}{port}/{quote(db['NAME'], safe='')}"


def server_environment(prefix: str) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_CURRENT_TEST")
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        DATABASE_URL=database_url(),
        # A Redis database of their own: the suite's cache.clear() (every test, in every
        # process running the suite) is a FLUSHDB of REDIS_URL's database, which would wipe
        # the board's group.
        REDIS_URL=urlsplit(settings.REDIS_URL)._replace(path=f"/{LIVE_REDIS_DB}").geturl(),
        # Both servers share a prefix of their own: other runs on this Redis do not interfere.
        CHANNELS_PREFIX=prefix,
        CACHE_KEY_PREFIX=prefix,
        # The same secret as this process: session cookies and sign-in codes must verify.
        SECRET_KEY=settings.SECRET_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        SECURE_HSTS_SECONDS="0",
        LOG_LEVEL="WARNING",
    )
    return environment


@dataclass
class Server:
    url: str
    output: Callable[[], str]


@contextlib.contextmanager
def running_server(kind: str, prefix: str):
    """A server process on a free port of 127.0.0.1, stopped afterwards whatever happens."""
    port = free_port()
    commands = {
        "daphne": ["-m", "daphne", "-b", "127.0.0.1", "-p", str(port)],
        "uvicorn": [
            "-m",
            "uvicorn",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--no-access-log",
        ],
    }
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile(mode="w+") as log:
        process = subprocess.Popen(
            [sys.executable, *commands[kind], "config.asgi:application"],
            cwd=ROOT,
            env=server_environment(prefix),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

        def output() -> str:
            log.seek(0)
            return log.read()[-4000:]

        try:
            deadline = time.monotonic() + STARTUP_SECONDS
            while not answers(f"{url}/accounts/login/"):
                if process.poll() is not None:
                    pytest.fail(f"{kind} exited with {process.returncode}:\n{output()}")
                if time.monotonic() > deadline:
                    pytest.fail(f"{kind} did not answer within {STARTUP_SECONDS} s:\n{output()}")
                time.sleep(0.2)
            yield Server(url, output)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def http(url: str, cookies: dict[str, str], data: dict | None = None) -> tuple[int, Message, str]:
    """One request with the given cookies (updated from the answer); redirects not followed."""
    request = urllib.request.Request(
        url,
        data=urlencode(data).encode() if data is not None else None,
        headers={"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())},
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        response = opener.open(request, timeout=10)
    except urllib.error.HTTPError as error:  # 3xx and 4xx arrive here
        response = error
    with response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _sep, value = header.split(";", 1)[0].partition("=")
            cookies[name.strip()] = value.strip()
        return response.status, response.headers, response.read().decode()


def sign_in_by_the_code_form(base_url: str, session_id: int, cookies: dict, window) -> str:
    """What a trainee's phone does: open the code page, type the code on the screen."""
    page_url = f"{base_url}/sign-in/{session_id}/"
    status, _headers, page = http(page_url, cookies)
    assert status == 200, page[:2000]
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    code = codes.short_code(window, codes.slot_at(window, timezone.now()))
    status, headers, body = http(page_url, cookies, {"csrfmiddlewaretoken": csrf, "code": code})
    assert status == 302, body[:2000]
    status, _headers, page = http(f"{base_url}{headers['Location']}", cookies)
    assert status == 200
    return page


async def next_event(socket, event: str, timeout: float) -> dict:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        remaining = deadline - loop.time()
        if remaining <= 0:
            raise AssertionError(f"no {event!r} event within {timeout} s")
        message = json.loads(await asyncio.wait_for(socket.recv(), timeout=remaining))
        if message["event"] == event:
            return message["data"]


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_sign_in_on_one_worker_reaches_the_board_on_another(instructor, trainee):
    from websockets.asyncio.client import connect

    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )
    window = window_open(actor=instructor.user, session=session)
    instructor_cookie = session_cookie(instructor.user)
    trainee_cookies = {settings.SESSION_COOKIE_NAME: session_cookie(trainee.user)}

    prefix = f"two-workers-{uuid.uuid4().hex[:12]}"
    with (
        running_server("daphne", prefix) as server_a,
        running_server("uvicorn", prefix) as server_b,
    ):
        board_url = (
            f"{server_a.url.replace('http://', 'ws://')}/ws/attendance/sessions/{session.pk}/"
        )

        async def scenario():
            async with connect(
                board_url,
                origin=server_a.url,
                additional_headers={
                    "Cookie": f"{settings.SESSION_COOKIE_NAME}={instructor_cookie}"
                },
                open_timeout=10,
                close_timeout=2,
            ) as board_socket:
                board = await next_event(board_socket, "attendance.board", EVENT_SECONDS)
                await asyncio.sleep(IDLE_SECONDS)
                page = await asyncio.to_thread(
                    sign_in_by_the_code_form, server_b.url, session.pk, trainee_cookies, window
                )
                changed = await next_event(board_socket, "attendance.changed", EVENT_SECONDS)
                return board, page, changed

        try:
            board, page, changed = asyncio.run(asyncio.wait_for(scenario(), timeout=60))
        except Exception as error:
            pytest.fail(
                f"{error!r}\n--- daphne (board) ---\n{server_a.output()}"
                f"\n--- uvicorn (sign-in) ---\n{server_b.output()}"
            )

    assert (board["enrolled"], board["signed_in"]) == (1, 0)
    assert "Signed in: present" in page
    assert changed["signed_in"] == 1
    row = changed["rows"][0]
    assert (row["employee_id"], row["status"], row["method"]) == (
        trainee.pk,
        Status.PRESENT,
        Method.SELF_SIGN_IN,
    )
    record = AttendanceRecord.objects.get()
    assert (record.employee, record.status) == (trainee, Status.PRESENT)
