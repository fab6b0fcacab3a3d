"""A live page in a real browser while Redis dies and comes back (issue 11, finding 4).

The instructor's attendance page is live over a websocket served by uvicorn (in a thread,
as in ``test_sign_in_flow``) on a private redis-server. The test kills Redis: the page says
the connection is lost and keeps retrying (``frontend/live.js``); the test starts Redis
again on the same port: without a reload the page is live again, catches up with a sign-in
made during the outage and shows the next one as it happens.
"""

import datetime

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from attendance.models import AttendanceRecord
from core.roles import Role
from tests.browser.conftest import chromium  # noqa: F401 (fixture)
from tests.browser.test_sign_in_flow import (  # noqa: F401 (fixtures)
    DESKTOP_VIEWPORT,
    AsgiLiveServer,
    contexts,
    log_in,
    role_groups,
)
from tests.core.test_redis_down import redis_settings
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.e2e.test_redis_outage import request, sign_in
from tests.factories import EmployeeFactory
from tests.private_redis import PrivateRedis, redis_server_available

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not redis_server_available(), reason="redis-server is not on PATH"),
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]


@pytest.fixture
def private_redis():
    with PrivateRedis() as server:
        yield server


@pytest.fixture
def live_server_on_private_redis(private_redis, transactional_db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    settings.CHANNEL_LAYERS, settings.CACHES = redis_settings(private_redis.url, "reconnect")
    settings.REDIS_RETRY_SECONDS = 0
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


def sign_in_now(base: str, session, employee, device: str) -> None:
    """A trainee's app signs in, through the server."""
    status, body = sign_in(base, session, employee, device)
    assert status == 201, body


def test_the_attendance_page_reconnects_once_redis_is_back(
    live_server_on_private_redis,
    private_redis,
    role_groups,  # noqa: F811
    contexts,  # noqa: F811
):
    from playwright.sync_api import expect

    base = live_server_on_private_redis.url
    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="I300")
    trainees = [EmployeeFactory(roles=[Role.TRAINEE]) for _ in range(3)]
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    for trainee in trainees:
        EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=2),
    )
    # Through the server: this thread runs Playwright's event loop, and services that send
    # live events must not be called from it.
    token = Token.objects.get_or_create(user=instructor.user)[0].key
    opened = request(f"{base}/api/v1/sessions/{session.pk}/sign-in-window/", token=token, data={})
    assert opened[0] == 200, opened

    page = contexts(DESKTOP_VIEWPORT).new_page()
    log_in(page, base, "I300")
    page.goto(f"{base}/sessions/{session.pk}/attendance/")
    connection = page.locator("[data-connection]")
    signed_in = page.locator('#board [data-count="signed_in"]')
    expect(connection).to_have_text("Live")
    sign_in_now(base, session, trainees[0], "device-a")
    expect(signed_in).to_have_text("1")

    private_redis.kill()
    expect(connection).to_have_text("Connection lost, reconnecting…")
    sign_in_now(base, session, trainees[1], "device-b")  # made while the page cannot hear it
    assert AttendanceRecord.objects.count() == 2

    private_redis.start()
    # live.js retries after 1 s, 2 s, 4 s...: well within the default 10 s.
    expect(connection).to_have_text("Live")
    expect(signed_in).to_have_text("2")  # the whole board again on reconnect
    sign_in_now(base, session, trainees[2], "device-c")
    expect(signed_in).to_have_text("3")  # events flow again
