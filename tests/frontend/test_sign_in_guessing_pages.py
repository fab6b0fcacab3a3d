"""Issue 11: guessing sign-in codes on the page (finding 6) and the QR scan page for a visitor
not signed in (finding 9: it showed any session's title and times; now it asks to log in
first and says nothing about the session)."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, SignInFailure
from attendance.services import window_open
from core.models import AuditEntry
from frontend.views.attendance_live import SIGN_IN_CLAIM
from tests.conftest import PASSWORD
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

TITLE = "Confined space entry for the tank farm"
TOPIC = "Gas detector practice"


@pytest.fixture
def session(trainee, instructor):
    now = timezone.now()
    training = TrainingFactory(title=TITLE, starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    return SessionFactory(
        training=training,
        instructor=instructor,
        topic=TOPIC,
        location="Tank farm control room",
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )


@pytest.fixture
def window(session):
    return window_open(actor=None, session=session)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def current_code(window) -> str:
    return codes.short_code(window, codes.slot_at(window, timezone.now()))


def current_token(window) -> str:
    return codes.qr_token(window, codes.slot_at(window, timezone.now()))


def wrong_code(window) -> str:
    now = timezone.now()
    for candidate in range(1_000_000):
        text = f"{candidate:06d}"
        if codes.check_short_code(window, text, now).state == codes.CodeState.INVALID:
            return text
    raise AssertionError("no wrong code")


def qr_url(session_id: int, token: str) -> str:
    return reverse("session_sign_in_qr", kwargs={"session_id": session_id, "token": token})


# Guessing on the page -----------------------------------------------------------------------


def test_page_wrong_codes_until_locked_then_the_right_code_is_refused(
    trainee, session, window, instructor
):
    phone = client_for(trainee.user)
    url = reverse("session_sign_in", args=[session.pk])
    bad = wrong_code(window)
    for left in (4, 3, 2, 1):
        text = phone.post(url, {"code": bad}).content.decode()
        assert "This code is not valid for this session." in text
        assert f"{left} more wrong code" in text
    text = phone.post(url, {"code": bad}).content.decode()
    assert "Too many wrong codes: self sign-in to this session is locked for you." in text
    assert "Ask the instructor to call your name." in text
    response = phone.post(url, {"code": current_code(window)})
    assert response.status_code == 200  # the form again, with the refusal
    assert "Too many wrong codes" in response.content.decode()
    assert not AttendanceRecord.objects.exists()
    assert AuditEntry.objects.filter(action="attendance.sign_in_locked").count() == 1

    # The instructor's pages list the lock as a suspected proxy.
    teacher = client_for(instructor.user)
    for name in ("session_attendance", "session_roll_call"):
        page = teacher.get(reverse(name, args=[session.pk])).content.decode()
        assert f"{trainee.name} ({trainee.employee_no}) is locked out after 5 wrong codes" in page
        assert "a suspected proxy" in page


def test_page_a_different_trainee_is_not_locked(trainee, session, window):
    neighbour = EmployeeFactory(name="Liu Wei")
    EnrollmentFactory(training=session.training, employee=neighbour)
    url = reverse("session_sign_in", args=[session.pk])
    bad = wrong_code(window)
    guesser = client_for(trainee.user)
    for _attempt in range(5):
        guesser.post(url, {"code": bad})
    response = client_for(neighbour.user).post(url, {"code": current_code(window)}, follow=True)
    assert "Signed in: present" in response.content.decode()


def test_forged_qr_tokens_lock_too(settings, trainee, session, window):
    settings.SIGN_IN_FAILURE_LIMIT = 3
    phone = client_for(trainee.user)
    slot = codes.slot_at(window, timezone.now())
    for _attempt in range(2):
        text = phone.get(qr_url(session.pk, f"{slot}-AAAAAAAAAAAAAAAAAAAAAA")).content.decode()
        assert "This code is not valid for this session." in text
    text = phone.get(qr_url(session.pk, f"{slot}-AAAAAAAAAAAAAAAAAAAAAA")).content.decode()
    assert "Too many wrong codes" in text
    text = phone.get(qr_url(session.pk, current_token(window))).content.decode()
    assert "Too many wrong codes" in text
    assert not AttendanceRecord.objects.exists()


def test_instructor_hub_without_locks_says_none(instructor, session, window):
    page = client_for(instructor.user).get(reverse("session_attendance", args=[session.pk]))
    text = page.content.decode()
    assert "Locked out after wrong codes (suspected proxies)" in text
    assert 'data-list="locks"' in text
    assert not SignInFailure.objects.exists()


# The scan page for a visitor not signed in -------------------------------------------------


def _says_nothing_about_the_session(response) -> None:
    text = response.content.decode()
    for detail in (TITLE, TOPIC, "Tank farm control room"):
        assert detail not in text


@pytest.mark.parametrize("state", ["open", "not_open", "closed", "no_such_session"])
def test_an_anonymous_scan_asks_to_log_in_and_shows_nothing(client, session, state):
    now = timezone.now()
    session_id = session.pk
    token = "1-abc"
    if state == "open":
        token = current_token(window_open(actor=None, session=session))
    elif state == "closed":
        window = window_open(
            actor=None,
            session=session,
            opens_at=now - datetime.timedelta(hours=2),
            closes_at=now - datetime.timedelta(hours=1),
        )
        token = codes.qr_token(window, codes.slot_at(window, now - datetime.timedelta(hours=1)))
    elif state == "no_such_session":
        session_id = session.pk + 1000
    url = qr_url(session_id, token)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    _says_nothing_about_the_session(response)
    login_page = client.get(response["Location"])
    assert login_page.status_code == 200
    assert "Sign in to your account to finish signing in to the class." in (
        login_page.content.decode()
    )
    _says_nothing_about_the_session(login_page)


def test_an_anonymous_scan_still_completes_after_the_login(client, trainee, session, window):
    url = qr_url(session.pk, current_token(window))
    assert client.get(url).status_code == 302
    assert client.session[SIGN_IN_CLAIM]["session_id"] == session.pk
    response = client.post(
        reverse("login"), {"username": trainee.user.username, "password": PASSWORD, "next": url}
    )
    assert response["Location"] == url
    response = client.get(url, follow=True)
    text = response.content.decode()
    assert "Signed in: present" in text
    assert TITLE in text  # once signed in and enrolled, the trainee sees their session
    assert AttendanceRecord.objects.get().employee == trainee


def test_after_the_login_someone_not_enrolled_learns_nothing_either(session, window):
    outsider = client_for(EmployeeFactory().user)
    response = outsider.get(qr_url(session.pk, current_token(window)))
    assert "You are not enrolled in this training." in response.content.decode()
    _says_nothing_about_the_session(response)


def test_an_overlong_token_is_not_remembered(client, session):
    response = client.get(qr_url(session.pk, "1-" + "A" * 500))
    assert response.status_code == 302
    assert SIGN_IN_CLAIM not in client.session
