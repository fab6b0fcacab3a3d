"""Self sign-in in a real browser, with the websockets live.

The instructor (one browser context) opens self sign-in on the session's attendance page and
puts the projector page up. A trainee (another context, a phone) first types a code from long
ago and is told it expired, then reads the current code off the projector and types it: signed
in. The projector and the attendance page, never reloaded, show the trainee present. A second
trainee, not signed in to the site, opens the projector's QR link, logs in and lands signed in.

pytest-django's ``live_server`` speaks WSGI only, so the ASGI application (HTTP and websockets)
is served by uvicorn in a thread of the test process, against the test database: the SQLite
in-memory database is handed to the server thread the way Django's own live server does it,
and on PostgreSQL the server opens its own connections (the test is transactional).
"""

import copy
import datetime
import re
import socket
import threading
import time
import uuid
from urllib.parse import urlsplit

import pytest
from django.contrib.auth.models import Group
from django.db import connections
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, SignInWindow, Status
from core.roles import Role
from tests.browser.conftest import chromium  # noqa: F401 (fixture)
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import PASSWORD, DepartmentFactory, EmployeeFactory

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

LIVE_REDIS_DB = 15
DESKTOP_VIEWPORT = {"width": 1366, "height": 800}
PHONE_VIEWPORT = {"width": 375, "height": 812}


class AsgiLiveServer:
    """The project's ASGI application served by uvicorn in a thread, on a free port."""

    def __init__(self):
        import uvicorn

        from config.asgi import application

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        config = uvicorn.Config(application, lifespan="off", log_level="warning")
        self._server = uvicorn.Server(config)
        # An in-memory SQLite database lives in this process's connection: share it.
        self._shared = {
            connection.alias: connection
            for connection in connections.all()
            if connection.vendor == "sqlite" and connection.is_in_memory_db()
        }
        self._thread = threading.Thread(target=self._run, name="asgi-live-server", daemon=True)

    def _run(self) -> None:
        for alias, connection in self._shared.items():
            connections[alias] = connection
        self._server.run(sockets=[self._socket])

    def start(self) -> None:
        for connection in self._shared.values():
            connection.inc_thread_sharing()
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the ASGI live server did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=15)
        self._socket.close()
        for connection in self._shared.values():
            connection.dec_thread_sharing()


@pytest.fixture
def role_groups(transactional_db):
    """The role groups come from a data migration, and a live-server test before this one
    may have flushed them: make sure they exist."""
    for name in Role.values:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def asgi_live_server(transactional_db, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1"]
    # With Redis: a database and key prefix of its own. Session ids repeat across test
    # databases sharing one Redis, and the suite's cache.clear() is a FLUSHDB of the
    # database the cache (REDIS_URL) shares with the channel layer.
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    if layers["default"]["BACKEND"].startswith("channels_redis"):
        url = urlsplit(settings.REDIS_URL)._replace(path=f"/{LIVE_REDIS_DB}").geturl()
        layers["default"]["CONFIG"] = {"hosts": [url], "prefix": f"test-{uuid.uuid4().hex[:12]}"}
        settings.CHANNEL_LAYERS = layers
    server = AsgiLiveServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def contexts(chromium):  # noqa: F811
    opened = []

    def new(viewport):
        context = chromium.new_context(viewport=viewport, locale="en-US")
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield new
    for context in opened:
        context.close()


def log_in(page, base_url: str, username: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Welcome")


def projector_code(projector) -> str:
    """The code as the trainees read it off the screen, e.g. "480 213"."""
    text = projector.locator("#projector-code").inner_text().strip()
    assert re.fullmatch(r"\d{3} \d{3}", text), text
    return text


def test_trainee_signs_in_with_the_code_on_the_projector_and_the_board_updates(
    asgi_live_server, role_groups, contexts, artifacts_dir
):
    from playwright.sync_api import expect

    base = asgi_live_server.url
    workshop = DepartmentFactory(name="Blast furnace workshop")
    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="I100", name="Wang Laoshi")
    trainees = [
        EmployeeFactory(roles=[Role.TRAINEE], employee_no=f"T10{n}", name=name, department=workshop)
        for n, name in enumerate(["彭建军", "Liu Wei", "Zhang Min"], start=1)
    ]
    now = timezone.now()
    training = TrainingFactory(
        title="Blast furnace gas safety", starts_on=now.date(), ends_on=now.date()
    )
    for trainee in trainees:
        EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        topic="Gas poisoning and rescue",
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=2),
        location="Training room 2",
    )

    # The instructor opens self sign-in on the session's attendance page. -----------------
    instructor_context = contexts(DESKTOP_VIEWPORT)
    hub = instructor_context.new_page()
    log_in(hub, base, "I100")
    hub.goto(f"{base}/sessions/{session.pk}/attendance/")
    expect(hub.locator("#window-status")).to_contain_text(
        "Self sign-in has not been opened for this session."
    )
    expect(hub.locator("[data-connection]")).to_have_text("Live")
    hub.get_by_role("button", name="Open sign-in").click()
    expect(hub.locator(".messages")).to_contain_text("Self sign-in is open from")
    expect(hub.locator("#window-status")).to_contain_text("Open now, until")
    expect(hub.locator("[data-connection]")).to_have_text("Live")
    expect(hub.locator('#board [data-count="signed_in"]')).to_have_text("0")
    expect(hub.locator('#board [data-list="missing"] li')).to_have_count(3)
    window = SignInWindow.objects.get(session=session)

    # ... and puts the projector up: code, QR code and countdown, pushed live. ------------
    projector = instructor_context.new_page()
    projector.goto(f"{base}/sessions/{session.pk}/projector/")
    expect(projector.locator("[data-connection]")).to_have_text("Live")
    expect(projector.locator("#projector-code")).to_have_text(re.compile(r"^\d{3} \d{3}$"))
    expect(projector.locator("[data-countdown]")).to_have_text(re.compile(r"Next code in \d+ s"))
    expect(projector.locator(".pj-count")).to_contain_text("0 of 3 signed in")
    qr_url = projector.locator("#projector-qr").get_attribute("data-qr-url")
    assert qr_url.startswith(f"{base}/sign-in/{session.pk}/")
    projector.screenshot(path=str(artifacts_dir / "sign-in-1-projector.png"))

    # A trainee on a phone: a code from long ago is refused, the one on the screen works. --
    phone = contexts(PHONE_VIEWPORT).new_page()
    log_in(phone, base, "T101")
    phone.goto(f"{base}/sign-in/")
    expect(phone.get_by_label("Session")).to_have_value(str(session.pk))
    stale = codes.short_code(window, codes.slot_at(window, timezone.now()) - 40)
    phone.get_by_label("Code on the screen").fill(stale)
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.get_by_role("alert")).to_contain_text(
        "This code has expired. Use the code now on the screen."
    )
    assert not AttendanceRecord.objects.exists()

    phone.get_by_label("Code on the screen").fill(projector_code(projector))
    phone.get_by_role("button", name="Sign in").click()
    expect(phone.locator("#sign-in-state")).to_contain_text("Signed in: present")
    phone.screenshot(path=str(artifacts_dir / "sign-in-2-phone.png"), full_page=True)

    # The projector and the attendance page show it without a reload. -----------------------
    expect(projector.locator(".pj-count")).to_contain_text("1 of 3 signed in")
    expect(projector.locator('[data-list="missing"]')).not_to_contain_text("彭建军")
    expect(projector.locator('[data-list="missing"] li')).to_have_count(2)
    expect(hub.locator('#board [data-count="signed_in"]')).to_have_text("1")
    expect(hub.locator('#board [data-count="present"]')).to_have_text("1")
    expect(hub.locator('#board [data-list="missing"]')).not_to_contain_text("彭建军")

    # A second trainee, not signed in to the site, scans the QR code. ----------------------
    qr_phone = contexts(PHONE_VIEWPORT).new_page()
    qr_phone.goto(projector.locator("#projector-qr").get_attribute("data-qr-url"))
    expect(qr_phone.locator(".messages")).to_contain_text("finish signing in to the class")
    qr_phone.get_by_label("Username").fill("T102")
    qr_phone.get_by_label("Password").fill(PASSWORD)
    qr_phone.get_by_role("button", name="Sign in").click()
    expect(qr_phone.locator("#sign-in-state")).to_contain_text("Signed in: present")
    expect(projector.locator(".pj-count")).to_contain_text("2 of 3 signed in")
    expect(hub.locator('#board [data-list="missing"] li')).to_have_count(1)
    expect(hub.locator('#board [data-list="missing"]')).to_contain_text("Zhang Min")

    projector.screenshot(path=str(artifacts_dir / "sign-in-3-projector-after.png"))
    hub.screenshot(path=str(artifacts_dir / "sign-in-4-attendance-page.png"), full_page=True)
    records = AttendanceRecord.objects.order_by("employee__employee_no")
    assert [(r.employee.employee_no, r.status) for r in records] == [
        ("T101", Status.PRESENT),
        ("T102", Status.PRESENT),
    ]


def test_two_instructors_share_the_roll_call_sheet(
    asgi_live_server, role_groups, contexts, artifacts_dir
):
    """Roll call on a phone and on a laptop at once: each tap is saved at once and shows on
    the other sheet without a reload; an excused absence asks for its reason."""
    from playwright.sync_api import expect

    base = asgi_live_server.url
    teacher = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="I200", name="Wang Laoshi")
    colleague = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="I201", name="Li Laoshi")
    furnace = DepartmentFactory(name="Blast furnace workshop")
    gas = DepartmentFactory(name="Gas station")
    late, excused, absent = (
        EmployeeFactory(roles=[Role.TRAINEE], employee_no=number, name=name, department=where)
        for number, name, where in [
            ("T201", "彭建军", furnace),
            ("T202", "Liu Wei", furnace),
            ("T203", "Zhang Min", gas),
        ]
    )
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    training.instructors.add(colleague)
    for trainee in (late, excused, absent):
        EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=teacher,
        topic="Gas detector practice",
        starts_at=now - datetime.timedelta(minutes=20),
        ends_at=now + datetime.timedelta(hours=1),
    )
    url = f"{base}/sessions/{session.pk}/roll-call/"

    phone = contexts(PHONE_VIEWPORT).new_page()
    log_in(phone, base, "I200")
    phone.goto(url)
    laptop = contexts(DESKTOP_VIEWPORT).new_page()
    log_in(laptop, base, "I201")
    laptop.goto(url)
    for sheet in (phone, laptop):
        expect(sheet.locator("[data-connection]")).to_have_text("Live")
        expect(sheet.locator(".rc-department h2")).to_have_count(2)

    def row(sheet, employee):
        return sheet.locator(f"#rc-row-{employee.pk}")

    # One tap on the phone; the laptop's sheet follows.
    row(phone, late).get_by_role("button", name="Late", exact=True).click()
    expect(row(phone, late).get_by_role("button", name="Late", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row(laptop, late).get_by_role("button", name="Late", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(row(laptop, late).locator('[data-cell="state"]')).to_contain_text("Late · Roll call")
    expect(laptop.locator('.rc-summary [data-count="signed_in"]')).to_have_text("1")

    # Excused on the laptop asks for the reason; the phone's sheet follows.
    laptop.once("dialog", lambda dialog: dialog.accept("Sick leave, note from the clinic"))
    row(laptop, excused).get_by_role("button", name="Excused", exact=True).click()
    expect(row(laptop, excused).locator('[data-cell="state"]')).to_contain_text(
        "Excused · Roll call — Sick leave, note from the clinic"
    )
    expect(row(phone, excused).locator('[data-cell="state"]')).to_contain_text(
        "Sick leave, note from the clinic"
    )

    # Everyone left is absent, after a confirmation.
    phone.once("dialog", lambda dialog: dialog.accept())
    phone.get_by_role("button", name="All remaining absent").click()
    expect(phone.locator(".messages")).to_contain_text("1 trainee was marked absent.")
    expect(row(laptop, absent).get_by_role("button", name="Absent", exact=True)).to_have_attribute(
        "aria-pressed", "true"
    )
    expect(laptop.locator('.rc-summary [data-count="missing"]')).to_have_text("0")
    phone.screenshot(path=str(artifacts_dir / "roll-call-1-phone.png"), full_page=True)
    laptop.screenshot(path=str(artifacts_dir / "roll-call-2-laptop.png"), full_page=True)

    records = {r.employee_id: r for r in AttendanceRecord.objects.all()}
    assert records[late.pk].status == Status.LATE
    assert (records[excused.pk].status, records[excused.pk].reason) == (
        Status.EXCUSED,
        "Sick leave, note from the clinic",
    )
    assert records[absent.pk].status == Status.ABSENT
    assert {r.recorded_by_id for r in records.values()} == {teacher.user_id, colleague.user_id}
