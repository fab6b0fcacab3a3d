"""The live attendance pages: who may open the hub, projector and roll-call sheet; opening and
closing self sign-in; one-tap roll call; and the trainee's sign-in by QR code (also for a
visitor not yet signed in to the site) and by typed code."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, Method, ProxySignInAttempt, SignInWindow, Status
from attendance.services import RollCallEntry, roll_call, sign_in, window_open
from core.roles import Role
from frontend.views.attendance_live import DEVICE_COOKIE, SIGN_IN_CLAIM
from tests.conftest import PASSWORD
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

RUNNER_PAGES = ["session_attendance", "session_projector", "session_roll_call"]


@pytest.fixture
def session(trainee, instructor):
    """A session that started five minutes ago, taught by ``instructor``, with ``trainee``
    and two more trainees enrolled."""
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    workshop = DepartmentFactory(name="Blast furnace workshop")
    for name in ("彭建军", "Liu Wei"):
        EnrollmentFactory(
            training=training, employee=EmployeeFactory(name=name, department=workshop)
        )
    return SessionFactory(
        training=training,
        instructor=instructor,
        topic="Gas poisoning and rescue",
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


def qr_url(session, token) -> str:
    return reverse("session_sign_in_qr", kwargs={"session_id": session.pk, "token": token})


def htmx_post(client, url, data):
    return client.post(url, data, headers={"HX-Request": "true"})


# Who may open the runner's pages ---------------------------------------------------------------


@pytest.mark.parametrize("name", RUNNER_PAGES)
def test_anonymous_visitor_is_sent_to_login(client, session, name):
    url = reverse(name, args=[session.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize("name", RUNNER_PAGES)
def test_trainee_and_hr_get_404(trainee_client, hr_client, session, name):
    assert trainee_client.get(reverse(name, args=[session.pk])).status_code == 404
    assert hr_client.get(reverse(name, args=[session.pk])).status_code == 404


@pytest.mark.parametrize("name", RUNNER_PAGES)
def test_instructor_of_another_session_gets_404(session, name):
    other = EmployeeFactory(roles=[Role.INSTRUCTOR])
    SessionFactory(instructor=other)
    assert client_for(other.user).get(reverse(name, args=[session.pk])).status_code == 404


@pytest.mark.parametrize("name", RUNNER_PAGES)
def test_runners_get_the_pages(instructor_client, officer_client, session, window, name):
    training_instructor = EmployeeFactory(roles=[Role.INSTRUCTOR])
    session.training.instructors.add(training_instructor)
    url = reverse(name, args=[session.pk])
    for client in (instructor_client, officer_client, client_for(training_instructor.user)):
        response = client.get(url)
        assert response.status_code == 200
        text = response.content.decode()
        assert "Gas poisoning and rescue" in text
        assert f'data-ws-path="/ws/attendance/sessions/{session.pk}/' in text


def test_posts_of_others_are_refused(trainee_client, session, trainee):
    assert trainee_client.post(reverse("session_attendance", args=[session.pk])).status_code == 404
    response = trainee_client.post(
        reverse("session_roll_call_mark", args=[session.pk]),
        {"employee": trainee.pk, "status": "present"},
    )
    assert response.status_code == 404
    assert not AttendanceRecord.objects.exists()
    assert not SignInWindow.objects.exists()


# The hub: opening and closing self sign-in, the board -----------------------------------------


def test_opening_sign_in_with_the_defaults(instructor_client, session):
    url = reverse("session_attendance", args=[session.pk])
    response = instructor_client.post(
        url, {"opens_at": "", "closes_at": "", "late_after_minutes": "10"}, follow=True
    )
    assert response.redirect_chain == [(url, 302)]
    window = SignInWindow.objects.get(session=session)
    assert window.opens_at <= timezone.now() < window.closes_at
    text = response.content.decode()
    assert "Self sign-in is open from" in text
    assert "Open now, until" in text
    assert "Close sign-in now" in text


def test_opening_sign_in_with_bad_times_shows_the_refusal(instructor_client, session):
    start = timezone.localtime(session.starts_at)
    response = instructor_client.post(
        reverse("session_attendance", args=[session.pk]),
        {
            "opens_at": f"{start:%Y-%m-%dT%H:%M}",
            "closes_at": f"{start - datetime.timedelta(hours=1):%Y-%m-%dT%H:%M}",
            "late_after_minutes": "10",
        },
    )
    assert response.status_code == 200
    assert "The window closes before it opens." in response.content.decode()
    assert not SignInWindow.objects.exists()


def test_closing_sign_in(instructor_client, session, window):
    response = instructor_client.post(
        reverse("session_window_close", args=[session.pk]), follow=True
    )
    assert "Self sign-in is closed." in response.content.decode()
    window.refresh_from_db()
    assert window.closes_at <= timezone.now()


def test_window_status_partial_for_htmx(instructor_client, session, window):
    response = instructor_client.get(
        reverse("session_attendance", args=[session.pk]), headers={"HX-Request": "true"}
    )
    text = response.content.decode()
    assert text.lstrip().startswith('<div class="att-window" id="window-status"')
    assert "<html" not in text


def test_board_shows_signed_in_late_and_missing(instructor_client, session, window, trainee):
    late = EmployeeFactory(name="Zhang Min")
    EnrollmentFactory(training=session.training, employee=late)
    sign_in(session=session, employee=trainee, code=current_code(window), device="a")
    roll_call(actor=None, session=session, entries=[RollCallEntry(late, Status.LATE)])
    text = instructor_client.get(reverse("session_attendance", args=[session.pk])).content.decode()
    assert '<span data-count="signed_in">2</span>' in text
    assert '<span data-count="enrolled">4</span>' in text
    late_list = text.split('data-list="late"')[1].split("</ul>")[0]
    missing_list = text.split('data-list="missing"')[1].split("</ul>")[0]
    assert "Zhang Min" in late_list and trainee.name not in late_list
    assert "彭建军" in missing_list and "Liu Wei" in missing_list
    assert trainee.name not in missing_list


# The projector -------------------------------------------------------------------------------


def test_projector_shows_the_current_code_and_qr_of_the_absolute_url(
    instructor_client, session, window
):
    before = codes.slot_at(window, timezone.now())
    response = instructor_client.get(reverse("session_projector", args=[session.pk]))
    after = codes.slot_at(window, timezone.now())
    text = response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    slots = {before, after}
    assert any(f'data-code="{codes.short_code(window, slot)}"' in text for slot in slots)
    assert any(
        f'data-qr-url="http://testserver{qr_url(session, codes.qr_token(window, slot))}"' in text
        for slot in slots
    )
    assert 'src="data:image/svg+xml;charset=utf-8,%3Csvg' in text
    assert f'data-ws-path="/ws/attendance/sessions/{session.pk}/projector/"' in text
    assert "Or open http://testserver/sign-in/ and type the code." in text


def test_projector_without_a_window_shows_no_code(instructor_client, session):
    text = instructor_client.get(reverse("session_projector", args=[session.pk])).content.decode()
    assert 'data-code=""' in text
    assert "Self sign-in has not been opened for this session." in text


# Roll call -----------------------------------------------------------------------------------


def test_roll_call_sheet_groups_trainees_by_department(instructor_client, session, trainee):
    text = instructor_client.get(reverse("session_roll_call", args=[session.pk])).content.decode()
    assert "Blast furnace workshop" in text
    assert text.count('class="rc-row"') == 3
    assert f'id="rc-row-{trainee.pk}"' in text
    assert "All remaining absent" in text


def test_a_tap_saves_at_once_and_returns_the_row(instructor_client, instructor, session, trainee):
    response = htmx_post(
        instructor_client,
        reverse("session_roll_call_mark", args=[session.pk]),
        {"employee": trainee.pk, "status": "late"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert text.lstrip().startswith(f'<li class="rc-row" id="rc-row-{trainee.pk}"')
    assert 'value="late" class="rc-status rc-late" aria-pressed="true"' in text
    assert "Late · Roll call" in text
    record = AttendanceRecord.objects.get(session=session, employee=trainee)
    assert (record.status, record.method, record.recorded_by) == (
        Status.LATE,
        Method.ROLL_CALL,
        instructor.user,
    )


def test_excused_needs_a_reason_shown_in_the_row(instructor_client, session, trainee):
    url = reverse("session_roll_call_mark", args=[session.pk])
    response = htmx_post(instructor_client, url, {"employee": trainee.pk, "status": "excused"})
    assert response.status_code == 422
    assert "needs a reason" in response.content.decode()
    assert f'id="rc-row-{trainee.pk}"' in response.content.decode()
    assert not AttendanceRecord.objects.exists()
    response = htmx_post(
        instructor_client,
        url,
        {"employee": trainee.pk, "status": "excused", "reason": "Sick leave"},
    )
    assert response.status_code == 200
    assert "Excused · Roll call — Sick leave" in response.content.decode()


def test_roll_call_of_a_trainee_not_enrolled_is_refused(instructor_client, session):
    outsider = EmployeeFactory(name="外人")
    response = htmx_post(
        instructor_client,
        reverse("session_roll_call_mark", args=[session.pk]),
        {"employee": outsider.pk, "status": "present"},
    )
    assert response.status_code == 422
    assert "外人 is not enrolled in this training." in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_roll_call_of_an_unknown_employee_or_status(instructor_client, session, trainee):
    url = reverse("session_roll_call_mark", args=[session.pk])
    response = htmx_post(instructor_client, url, {"employee": 999999, "status": "present"})
    assert response.status_code == 422
    assert "This trainee does not exist." in response.content.decode()
    response = htmx_post(instructor_client, url, {"employee": trainee.pk, "status": "asleep"})
    assert response.status_code == 422
    assert not AttendanceRecord.objects.exists()


def test_roll_call_without_script_goes_back_to_the_sheet(instructor_client, session, trainee):
    url = reverse("session_roll_call_mark", args=[session.pk])
    response = instructor_client.post(url, {"employee": trainee.pk, "status": "present"})
    assert response.status_code == 302
    assert response["Location"] == reverse("session_roll_call", args=[session.pk])
    assert AttendanceRecord.objects.get().status == Status.PRESENT


def test_all_remaining_absent(instructor_client, session, window, trainee):
    sign_in(session=session, employee=trainee, code=current_code(window), device="a")
    response = instructor_client.post(
        reverse("session_roll_call_remaining_absent", args=[session.pk]), follow=True
    )
    assert "2 trainees were marked absent." in response.content.decode()
    statuses = sorted(AttendanceRecord.objects.values_list("status", flat=True))
    assert statuses == [Status.ABSENT, Status.ABSENT, Status.PRESENT]


# Trainees: the QR code ------------------------------------------------------------------------


def test_qr_scan_by_a_visitor_not_signed_in_completes_after_the_login(client, session, window):
    trainee = session.training.enrollments.get(employee__name="彭建军").employee
    url = qr_url(session, current_token(window))
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"
    assert client.session[SIGN_IN_CLAIM]["session_id"] == session.pk
    assert client.cookies[DEVICE_COOKIE]["httponly"]
    login_page = client.get(response["Location"]).content.decode()
    assert "finish signing in to the class" in login_page

    response = client.post(
        reverse("login"),
        {"username": trainee.user.username, "password": PASSWORD, "next": url},
    )
    assert response["Location"] == url
    response = client.get(url, follow=True)
    assert response.redirect_chain == [(reverse("session_sign_in", args=[session.pk]), 302)]
    text = response.content.decode()
    assert "Signed in: present" in text
    record = AttendanceRecord.objects.get()
    assert (record.employee, record.method) == (trainee, Method.SELF_SIGN_IN)
    assert record.device == client.cookies[DEVICE_COOKIE].value
    assert SIGN_IN_CLAIM not in client.session


def test_the_scan_time_is_honoured_after_a_slow_login(client, session, window, monkeypatch):
    """The code expires while the trainee types their password: the scan still counts."""
    trainee = session.training.enrollments.get(employee__name="Liu Wei").employee
    url = qr_url(session, current_token(window))
    scanned = timezone.now()
    assert client.get(url).status_code == 302
    later = scanned + datetime.timedelta(seconds=90)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.force_login(trainee.user)
    response = client.get(url, follow=True)
    assert "Signed in: present" in response.content.decode()
    record = AttendanceRecord.objects.get()
    assert abs((record.signed_in_at - scanned).total_seconds()) < 1


def test_a_scan_older_than_five_minutes_is_not_honoured(client, session, window, monkeypatch):
    trainee = session.training.enrollments.get(employee__name="Liu Wei").employee
    url = qr_url(session, current_token(window))
    assert client.get(url).status_code == 302
    later = timezone.now() + datetime.timedelta(minutes=6)
    monkeypatch.setattr(timezone, "now", lambda: later)
    client.force_login(trainee.user)
    response = client.get(url)
    assert "This code has expired. Use the code now on the screen." in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_a_stale_qr_token_is_refused_as_expired(client, trainee_client, session, window):
    old = codes.qr_token(window, codes.slot_at(window, timezone.now()) - 40)
    # A visitor not signed in is asked to log in first (tests/frontend/test_scan_anonymous.py).
    assert client.get(qr_url(session, old))["Location"].startswith(reverse("login"))
    response = trainee_client.get(qr_url(session, old))
    assert response.status_code == 200
    text = response.content.decode()
    assert "This code has expired. Use the code now on the screen." in text
    assert not AttendanceRecord.objects.exists()


def test_a_forged_qr_token_is_refused(client, trainee_client, session, window):
    slot = codes.slot_at(window, timezone.now())
    response = trainee_client.get(qr_url(session, f"{slot}-AAAAAAAAAAAAAAAAAAAAAA"))
    assert "This code is not valid for this session." in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_qr_of_a_trainee_not_enrolled(session, window):
    outsider = EmployeeFactory()
    response = client_for(outsider.user).get(qr_url(session, current_token(window)))
    assert "You are not enrolled in this training." in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_qr_before_the_window_opens(trainee_client, session):
    response = trainee_client.get(qr_url(session, "1-abc"))
    assert "Sign-in for this session has not opened yet." in response.content.decode()


# Trainees: typing the code -------------------------------------------------------------------


def test_typing_the_code(trainee_client, session, window):
    url = reverse("session_sign_in", args=[session.pk])
    page = trainee_client.get(url).content.decode()
    assert 'inputmode="numeric"' in page and 'autocomplete="one-time-code"' in page
    response = trainee_client.post(url, {"code": current_code(window)}, follow=True)
    assert response.redirect_chain == [(url, 302)]
    text = response.content.decode()
    assert "Signed in: present" in text
    assert 'id="sign-in-form"' not in text
    assert AttendanceRecord.objects.get().method == Method.SELF_SIGN_IN

    again = trainee_client.post(url, {"code": "000000"}, follow=True).content.decode()
    record = AttendanceRecord.objects.get()
    assert f"Already signed in at {timezone.localtime(record.signed_in_at):%H:%M}" in again


def test_typing_the_code_late(trainee_client, session):
    window = window_open(actor=None, session=session, late_after_minutes=1)
    response = trainee_client.post(
        reverse("session_sign_in", args=[session.pk]), {"code": current_code(window)}, follow=True
    )
    assert "Signed in: late" in response.content.decode()


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("12345", "Type the six digits shown on the screen."),
        ("abcdef", "Type the six digits shown on the screen."),
        ("", "This field is required."),
    ],
)
def test_code_form_errors(trainee_client, session, window, code, message):
    response = trainee_client.post(reverse("session_sign_in", args=[session.pk]), {"code": code})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not AttendanceRecord.objects.exists()


def test_wrong_and_stale_codes_are_refused(trainee_client, session, window):
    url = reverse("session_sign_in", args=[session.pk])
    made_up = "123456" if current_code(window) != "123456" else "654321"
    text = trainee_client.post(url, {"code": made_up}).content.decode()
    assert "This code is not valid for this session." in text
    stale = codes.short_code(window, codes.slot_at(window, timezone.now()) - 40)
    text = trainee_client.post(url, {"code": stale}).content.decode()
    assert "This code has expired. Use the code now on the screen." in text
    assert not AttendanceRecord.objects.exists()


def test_full_width_digits_are_accepted(trainee_client, session, window):
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in current_code(window))
    response = trainee_client.post(
        reverse("session_sign_in", args=[session.pk]), {"code": wide}, follow=True
    )
    assert "Signed in: present" in response.content.decode()


def test_before_the_window_opens(trainee_client, session):
    text = trainee_client.post(
        reverse("session_sign_in", args=[session.pk]), {"code": "123456"}
    ).content.decode()
    assert "Sign-in for this session has not opened yet." in text


def test_picker_offers_the_sessions_open_now(trainee_client, trainee, session, window):
    later = SessionFactory(
        training=session.training,
        starts_at=session.starts_at + datetime.timedelta(days=1),
        ends_at=session.ends_at + datetime.timedelta(days=1),
    )
    url = reverse("session_sign_in")
    page = trainee_client.get(url).content.decode()
    assert f'<option value="{session.pk}" selected>' in page
    assert f'value="{later.pk}"' not in page
    response = trainee_client.post(url, {"session": later.pk, "code": current_code(window)})
    assert "Sign-in for this session is not open." in response.content.decode()
    response = trainee_client.post(url, {"session": session.pk, "code": current_code(window)})
    assert response["Location"] == reverse("session_sign_in", args=[session.pk])
    assert AttendanceRecord.objects.get().employee == trainee


def test_picker_with_nothing_open(trainee_client, session):
    text = trainee_client.get(reverse("session_sign_in")).content.decode()
    assert "No sign-in is open for you right now." in text


def test_sign_in_page_of_a_session_not_mine_is_404(session, window):
    outsider = EmployeeFactory()
    assert (
        client_for(outsider.user).get(reverse("session_sign_in", args=[session.pk])).status_code
        == 404
    )


def test_sign_in_page_needs_login(client, session):
    url = reverse("session_sign_in", args=[session.pk])
    assert client.get(url)["Location"] == f"{reverse('login')}?next={url}"


def test_device_cookie_and_proxy_refusal(trainee, session, window):
    """A second trainee on the same phone within the policy's minutes is refused, and the
    instructor's board lists the attempt."""
    friend = session.training.enrollments.get(employee__name="Liu Wei").employee
    phone = client_for(trainee.user)
    url = reverse("session_sign_in", args=[session.pk])
    phone.get(url)
    cookie = phone.cookies[DEVICE_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["max-age"] > 365 * 24 * 3600
    phone.post(url, {"code": current_code(window)})
    phone.force_login(friend.user)  # the friend borrows the phone (same device cookie)
    text = phone.post(url, {"code": current_code(window)}).content.decode()
    assert "This device has just signed in someone else." in text
    assert ProxySignInAttempt.objects.get().employee == friend
    assert not AttendanceRecord.objects.filter(employee=friend).exists()
