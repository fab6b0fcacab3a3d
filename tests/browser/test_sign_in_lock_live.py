"""A trainee guesses codes on a phone until locked out (issue 11, finding 6): the
instructor's attendance page and roll-call sheet, never reloaded, show the lock as a
suspected proxy (``attendance.js`` draws the ``sign_in.locked`` event)."""

import datetime

import pytest
from django.utils import timezone

from attendance import codes
from attendance.services import window_open
from core.roles import Role
from tests.browser.conftest import chromium  # noqa: F401 (fixture)
from tests.browser.test_sign_in_flow import (  # noqa: F401 (fixtures)
    DESKTOP_VIEWPORT,
    PHONE_VIEWPORT,
    asgi_live_server,
    contexts,
    log_in,
    role_groups,
)
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]


def test_a_lock_shows_live_on_the_instructors_pages(
    asgi_live_server,  # noqa: F811
    role_groups,  # noqa: F811
    contexts,  # noqa: F811
):
    from playwright.sync_api import expect

    base = asgi_live_server.url
    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="I300", name="Wang Laoshi")
    guesser = EmployeeFactory(roles=[Role.TRAINEE], employee_no="T301", name="彭建军")
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=guesser)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=2),
    )
    window = window_open(actor=instructor.user, session=session)

    desk = contexts(DESKTOP_VIEWPORT)
    hub = desk.new_page()
    log_in(hub, base, "I300")
    hub.goto(f"{base}/sessions/{session.pk}/attendance/")
    sheet = desk.new_page()
    sheet.goto(f"{base}/sessions/{session.pk}/roll-call/")
    for page in (hub, sheet):
        expect(page.locator("[data-connection]")).to_have_text("Live")
    expect(hub.locator('[data-empty="locks"]')).to_be_visible()
    expect(sheet.locator('[data-panel="locks"]')).to_be_hidden()

    phone = contexts(PHONE_VIEWPORT).new_page()
    log_in(phone, base, "T301")
    phone.goto(f"{base}/sign-in/{session.pk}/")
    now = timezone.now()
    bad = next(
        f"{n:06d}"
        for n in range(1_000_000)
        if codes.check_short_code(window, f"{n:06d}", now).state == codes.CodeState.INVALID
    )
    for _attempt in range(5):
        phone.get_by_label("Code on the screen").fill(bad)
        phone.get_by_role("button", name="Sign in").click()
        expect(phone.get_by_role("alert")).to_be_visible()
    expect(phone.get_by_role("alert")).to_contain_text("Too many wrong codes")

    expected = "彭建军 (T301) is locked out after 5 wrong codes: a suspected proxy."
    expect(hub.locator('[data-list="locks"]')).to_contain_text(expected)
    expect(hub.locator('[data-empty="locks"]')).to_be_hidden()
    expect(sheet.locator('[data-panel="locks"]')).to_be_visible()
    expect(sheet.locator('[data-list="locks"]')).to_contain_text(expected)
