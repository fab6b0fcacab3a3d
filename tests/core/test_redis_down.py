"""Redis unreachable (issue 11, finding 4): the channel layer and the cache point at a port
nothing listens on, and the core flows still answer, through the API and the pages.

Every write commits once and answers as usual (live events are dropped with a warning), the
throttles still count (per process) and still refuse past their limit, a live page's socket
is refused cleanly, and the batch command closes every expired attempt. The tests are
transactional, so on-commit callbacks (where live events are sent) run inside the request,
as in production.
"""

import asyncio
import datetime
import logging
import socket
from io import StringIO

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from attendance import codes
from attendance.models import AttendanceRecord, SignInWindow, Status
from attendance.services import window_open
from certificates.services import certificate_issue
from config.routing import websocket_urlpatterns
from core.live import CLOSE_TRY_AGAIN_LATER, send_now
from exams.models import Answer, Attempt, AttemptStatus
from exams.services.attempts import attempt_start
from tests.certificates.factories import make_holder, make_type, qualify
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.exams.factories import make_exam, make_paper, make_questions
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    """A port of 127.0.0.1 that nothing listens on (bound for a moment, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def redis_settings(url: str, prefix: str) -> tuple[dict, dict]:
    """CHANNEL_LAYERS and CACHES as config/settings.py builds them from REDIS_URL."""
    layers = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [{"address": url, "socket_connect_timeout": 2}],
                "prefix": prefix,
            },
        }
    }
    caches = {
        "default": {
            "BACKEND": "core.cache.RedisCacheWithFallback",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
            "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2},
        }
    }
    return layers, caches


@pytest.fixture
def redis_down(settings, caplog):
    """Channel layer and cache on a closed port. Requested after the suite's autouse
    fixture that puts a local-memory cache in place, so this override wins."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    settings.CHANNEL_LAYERS, settings.CACHES = redis_settings(url, "redis-down")
    # Every call tries Redis again, so every flow below meets the refused connection.
    settings.REDIS_RETRY_SECONDS = 0
    caplog.set_level(logging.WARNING)
    # A new port: a new, empty per-process fallback, and a new outage to be warned about.
    yield url
    cache.clear()  # frees this location's fallback


def outage_warnings(caplog, logger: str) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == logger and record.levelno == logging.WARNING
    ]


# Exams: start, save, submit (API and page) -------------------------------------------------


@pytest.fixture
def exam_setup(db):
    trainee = EmployeeFactory(roles=["trainee"])
    training = TrainingFactory()
    EnrollmentFactory(training=training, employee=trainee)
    exam = make_exam(training=training, paper=make_paper(questions=make_questions(3)))
    return exam, trainee


def test_attempt_start_save_and_submit_through_the_api(redis_down, caplog, exam_setup):
    exam, trainee = exam_setup
    api = APIClient()
    api.force_authenticate(trainee.user)

    started = api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert started.status_code == 201, started.content
    data = started.json()
    # Started once: asking again resumes the same attempt.
    again = api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert again.status_code == 200 and again.json()["id"] == data["id"]
    assert Attempt.objects.filter(exam=exam, employee=trainee).count() == 1

    question = data["questions"][0]
    url = f"/api/v1/attempts/{data['id']}/answers/{question['id']}/"
    body = {"selected": [question["options"][0]["id"]], "sequence": 1}
    saved = api.put(url, body, format="json")
    assert saved.status_code == 200, saved.content
    assert saved.json()["saved"] is True and saved.json()["sequence"] == 1
    # The page's retry of the same save is recognised as done, not saved twice.
    retried = api.put(url, body, format="json")
    assert retried.status_code == 200 and retried.json()["saved"] is False
    answer = Answer.objects.get(attempt_id=data["id"], sequence=1)
    assert answer.selected and answer.is_answered

    submitted = api.post(f"/api/v1/attempts/{data['id']}/submit/")
    assert submitted.status_code == 200, submitted.content
    attempt = Attempt.objects.get(pk=data["id"])
    assert attempt.status == AttemptStatus.GRADED and attempt.score is not None
    assert api.post(f"/api/v1/attempts/{data['id']}/submit/").status_code == 200
    assert Attempt.objects.filter(exam=exam, employee=trainee).count() == 1

    warnings = outage_warnings(caplog, "core.live")
    assert warnings and "unreachable" in warnings[0]


def test_attempt_start_and_hand_in_through_the_pages(redis_down, caplog, exam_setup):
    exam, trainee = exam_setup
    client = Client()
    client.force_login(trainee.user)

    response = client.post(f"/exams/{exam.pk}/")
    assert response.status_code == 302, response.content[:2000]
    attempt = Attempt.objects.get(exam=exam, employee=trainee)
    assert response["Location"] == f"/attempts/{attempt.pk}/"
    assert client.get(response["Location"]).status_code == 200

    response = client.post(f"/attempts/{attempt.pk}/hand-in/")
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED
    assert client.get(response["Location"]).status_code == 200
    assert outage_warnings(caplog, "core.live")


def test_close_expired_attempts_closes_every_one(redis_down, caplog):
    start = timezone.now() - datetime.timedelta(hours=1)
    people = [EmployeeFactory(roles=["trainee"]) for _ in range(4)]
    exam = make_exam(candidates=people, now=start, paper=make_paper(questions=make_questions(2)))
    attempts = [attempt_start(employee=person, exam=exam, now=start).attempt for person in people]

    out = StringIO()
    call_command("close_expired_attempts", stdout=out)

    assert "Closed 4 expired attempt(s)." in out.getvalue()
    statuses = Attempt.objects.filter(pk__in=[a.pk for a in attempts]).values_list(
        "status", flat=True
    )
    assert list(statuses) == [AttemptStatus.GRADED] * 4
    assert outage_warnings(caplog, "core.live")


# Attendance: self sign-in (API and page) and roll call (API and page) -----------------------


@pytest.fixture
def class_now(db):
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
    return session, instructor, trainees


def current_code(session) -> str:
    window = SignInWindow.objects.get(session=session)
    return codes.short_code(window, codes.slot_at(window, timezone.now()))


def test_sign_in_and_roll_call(redis_down, caplog, class_now):
    session, instructor, (by_api, by_page, absent) = class_now
    window_open(actor=instructor.user, session=session)

    api = APIClient()
    api.force_authenticate(by_api.user)
    api.credentials(HTTP_X_DEVICE_ID="phone-of-the-api-trainee")
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    response = api.post(url, {"code": current_code(session)}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "present"
    # The phone's retry after a lost answer finds the sign-in already made.
    assert api.post(url, {"code": current_code(session)}, format="json").status_code == 200

    page = Client()
    page.force_login(by_page.user)
    form = page.get(f"/sign-in/{session.pk}/")
    assert form.status_code == 200
    response = page.post(f"/sign-in/{session.pk}/", {"code": current_code(session)})
    assert response.status_code == 302, response.content[:2000]
    assert page.get(response["Location"]).status_code == 200

    runner = APIClient()
    runner.force_authenticate(instructor.user)
    response = runner.put(
        f"/api/v1/sessions/{session.pk}/roll-call/",
        [{"employee": by_page.pk, "status": "late"}],
        format="json",
    )
    assert response.status_code == 200, response.content
    sheet = Client()
    sheet.force_login(instructor.user)
    response = sheet.post(
        f"/sessions/{session.pk}/roll-call/mark/", {"employee": absent.pk, "status": "absent"}
    )
    assert response.status_code == 302

    records = dict(AttendanceRecord.objects.values_list("employee_id", "status"))
    assert records == {by_api.pk: Status.PRESENT, by_page.pk: Status.LATE, absent.pk: "absent"}
    assert outage_warnings(caplog, "core.live")


# Throttles: the login page, the token endpoint, certificate verification -------------------


def test_login_page_still_limits_failures_per_process(redis_down, caplog, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    person = EmployeeFactory(roles=["trainee"])
    other = EmployeeFactory(roles=["trainee"])
    client = Client()

    def sign_in(username, password):
        return client.post(
            "/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR="10.9.0.1"
        )

    for _ in range(3):
        response = sign_in(person.user.username, "wrong password")
        assert response.status_code == 200 and response.context["form"].errors
    # Past the limit: refused without checking the password, even the right one.
    assert sign_in(person.user.username, PASSWORD).status_code == 429
    # Nobody else is refused for it.
    response = sign_in(other.user.username, PASSWORD)
    assert response.status_code == 302 and "_auth_user_id" in client.session

    warnings = outage_warnings(caplog, "core.cache")
    assert warnings and "per-process cache" in warnings[0]
    # Rate-limited: one warning for the outage, not one per cache call.
    assert len(warnings) == 1


def test_token_endpoint_answers_and_still_throttles(redis_down, caplog):
    person = EmployeeFactory(roles=["trainee"])
    api = APIClient()
    url = "/api/v1/auth/token/"

    response = api.post(url, {"username": person.user.username, "password": PASSWORD})
    assert response.status_code == 200 and response.json()["token"]
    statuses = [
        api.post(url, {"username": person.user.username, "password": "guess"}).status_code
        for _ in range(12)
    ]
    # The "auth" rate is 10 a minute: nine more answers, then refused.
    assert statuses[:9] == [400] * 9
    assert set(statuses[9:]) == {429}
    assert outage_warnings(caplog, "core.cache")


@pytest.fixture
def certificate(db):
    holder = make_holder(name="张大伟")
    certificate_type = make_type()
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def test_certificate_verification_answers_and_still_throttles(
    redis_down, caplog, settings, certificate
):
    settings.VERIFY_RATE_LIMIT = 4
    api = APIClient()
    query = {"number": certificate.number, "name": "张大伟"}

    response = api.get("/api/v1/verify/", query)
    assert response.status_code == 200 and response.json()["valid"] is True
    page = Client()
    response = page.get(f"/verify/{certificate.token}/")
    assert response.status_code == 200 and certificate.number in response.content.decode()
    response = page.post("/verify/", query)
    assert response.status_code == 200 and certificate.number in response.content.decode()
    assert api.get("/api/v1/verify/", query).status_code == 200
    # The fifth from the same address in the window is refused, on the API and the pages.
    refused = api.get("/api/v1/verify/", query)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert page.get(f"/verify/{certificate.token}/").status_code == 429
    # Another address is not refused for it.
    assert api.get("/api/v1/verify/", query, REMOTE_ADDR="10.9.0.2").status_code == 200
    assert outage_warnings(caplog, "core.cache")


def test_an_import_preview_kept_in_the_cache_can_be_confirmed(redis_down, caplog):
    from exams.models import Question
    from tests.frontend.test_bank_pages import GOOD_ROWS, workbook

    officer = EmployeeFactory(roles=["safety_officer"])
    client = Client()
    client.force_login(officer.user)

    response = client.post("/bank/import/", {"file": workbook(GOOD_ROWS), "format": ""})
    assert response.status_code == 200
    token = response.context["confirm"]["token"].value()
    response = client.post("/bank/import/", {"token": token})
    assert response.status_code == 302
    assert Question.objects.count() == len(GOOD_ROWS)


# Live pages and events ---------------------------------------------------------------------


def test_an_event_is_dropped_with_a_warning(redis_down, caplog):
    assert send_now("session.1", "attendance.changed", {"n": 1}) is False
    assert send_now("session.1", "attendance.changed", {"n": 2}) is False
    warnings = outage_warnings(caplog, "core.live")
    assert len(warnings) == 1 and "unreachable" in warnings[0]


def test_a_live_page_socket_is_refused_cleanly(redis_down, caplog, class_now):
    session, instructor, _trainees = class_now

    async def connect() -> tuple[bool, int]:
        communicator = WebsocketCommunicator(
            URLRouter(websocket_urlpatterns), f"/ws/attendance/sessions/{session.pk}/"
        )
        communicator.scope["user"] = instructor.user
        try:
            # The consumer neither crashes (an exception would be raised here) nor hangs.
            return await communicator.connect(timeout=5)
        finally:
            await communicator.wait(timeout=5)

    connected, code = asyncio.run(connect())
    assert (connected, code) == (False, CLOSE_TRY_AGAIN_LATER)
    assert outage_warnings(caplog, "core.live")
