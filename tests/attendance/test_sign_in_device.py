"""The proxy rule ("a second trainee from the same device is refused") through the API as on
the page (issue 11, finding 6). It used to hang on the page's cookie, which a token client
never has, so the API let a second trainee in from the same phone or script."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from attendance import codes
from attendance.devices import DEVICE_COOKIE, device_key
from attendance.models import AttendanceRecord, ProxySignInAttempt
from attendance.services import window_open
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(instructor):
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    session = SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=now - datetime.timedelta(minutes=5),
        ends_at=now + datetime.timedelta(hours=2),
    )
    window_open(actor=None, session=session)
    return session


@pytest.fixture
def people(session):
    trainees = [EmployeeFactory(name=name) for name in ("彭建军", "Liu Wei", "Zhang Min")]
    for trainee in trainees:
        EnrollmentFactory(training=session.training, employee=trainee)
    return trainees


def code_now(session) -> str:
    window = session.sign_in_window
    return codes.short_code(window, codes.slot_at(window, timezone.now()))


def token_client(employee, **headers) -> APIClient:
    """A client with a token (no cookies), as an app or a script is."""
    client = APIClient(**headers)
    client.force_authenticate(employee.user)
    return client


def url(session) -> str:
    return f"/api/v1/sessions/{session.pk}/sign-in/"


def test_a_second_trainee_with_the_same_device_id_header_is_refused(session, people):
    first, friend, other = people
    phone = {"HTTP_X_DEVICE_ID": "app-install-4f9c2a7e"}
    response = token_client(first).post(url(session), {"code": code_now(session)}, **phone)
    assert response.status_code == 201
    response = token_client(friend).post(url(session), {"code": code_now(session)}, **phone)
    assert response.status_code == 403
    assert response.json()["code"] == "proxy_suspected"
    assert "This device has just signed in someone else." in response.json()["detail"]
    attempt = ProxySignInAttempt.objects.get()
    assert (attempt.employee, attempt.first_employee) == (friend, first)
    assert attempt.device == "app-install-4f9c2a7e"
    # Another phone (its own id) on the same network is fine.
    response = token_client(other).post(
        url(session), {"code": code_now(session)}, HTTP_X_DEVICE_ID="app-install-77aa01"
    )
    assert response.status_code == 201
    assert set(AttendanceRecord.objects.values_list("employee", flat=True)) == {
        first.pk,
        other.pk,
    }


def test_a_script_naming_no_device_is_one_device(session, people):
    """Two tokens used from one machine with no device id: the second is refused, as the
    page refuses a second trainee in one browser (before, the rule was skipped)."""
    first, friend, _other = people
    script = {"REMOTE_ADDR": "10.8.3.4", "HTTP_USER_AGENT": "python-requests/2.32"}
    response = token_client(first, **script).post(url(session), {"code": code_now(session)})
    assert response.status_code == 201
    response = token_client(friend, **script).post(url(session), {"code": code_now(session)})
    assert response.status_code == 403
    assert response.json()["code"] == "proxy_suspected"
    assert not AttendanceRecord.objects.filter(employee=friend).exists()


def test_unnamed_clients_on_other_addresses_are_other_devices(session, people):
    first, friend, _other = people
    agent = "python-requests/2.32"
    for person, address in ((first, "10.8.3.4"), (friend, "10.8.3.5")):
        client = token_client(person, REMOTE_ADDR=address, HTTP_USER_AGENT=agent)
        assert client.post(url(session), {"code": code_now(session)}).status_code == 201


def test_the_page_and_the_api_share_the_device(session, people):
    """Signed in on the page in a browser, then a friend's token is used through the API by
    the same browser (its cookie goes along): refused."""
    first, friend, _other = people
    browser = Client()
    browser.force_login(first.user)
    page = reverse("session_sign_in", args=[session.pk])
    browser.get(page)
    response = browser.post(page, {"code": code_now(session)})
    assert response.status_code == 302
    cookie = browser.cookies[DEVICE_COOKIE].value
    assert AttendanceRecord.objects.get(employee=first).device == cookie

    api = token_client(friend)
    api.cookies[DEVICE_COOKIE] = cookie
    response = api.post(url(session), {"code": code_now(session)})
    assert response.status_code == 403 and response.json()["code"] == "proxy_suspected"
    # An app sending the page's id in its header is the same device too.
    response = token_client(friend).post(
        url(session), {"code": code_now(session)}, HTTP_X_DEVICE_ID=cookie
    )
    assert response.status_code == 403


def test_the_policy_off_lets_a_shared_device_through(session, people, officer_api):
    first, friend, _other = people
    officer_api.put(
        f"/api/v1/trainings/{session.training_id}/attendance-policy/",
        {"excused_counts_as_attended": True, "proxy_check": "off", "proxy_window_minutes": 30},
        format="json",
    )
    phone = {"HTTP_X_DEVICE_ID": "kiosk-0001"}
    for person in (first, friend):
        response = token_client(person).post(url(session), {"code": code_now(session)}, **phone)
        assert response.status_code == 201


def test_device_key():
    assert device_key(device_id="app-1", client_ip="10.0.0.1") == "app-1"
    unnamed = device_key(device_id="", client_ip="10.0.0.1", user_agent="curl/8")
    assert unnamed.startswith("net:") and len(unnamed) <= 64
    assert unnamed == device_key(device_id="not valid!", client_ip="10.0.0.1", user_agent="curl/8")
    assert unnamed != device_key(device_id="", client_ip="10.0.0.2", user_agent="curl/8")
    assert device_key(device_id="x" * 65, client_ip=None) == ""
    assert device_key(device_id="", client_ip=None) == ""
