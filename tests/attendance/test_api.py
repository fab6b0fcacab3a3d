import datetime

import pytest
from django.utils import timezone

from attendance import codes
from attendance.models import AttendanceRecord, SignInWindow
from attendance.services import window_open
from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(trainee, instructor):
    now = timezone.now()
    training = TrainingFactory(starts_on=now.date(), ends_on=now.date())
    EnrollmentFactory(training=training, employee=trainee)
    start = now - datetime.timedelta(minutes=2)
    return SessionFactory(
        training=training,
        instructor=instructor,
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )


@pytest.fixture
def other_instructor_api(db):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(EmployeeFactory(roles=["instructor"]).user)
    return client


def current_code(session):
    window = SignInWindow.objects.get(session=session)
    return codes.short_code(window, codes.slot_at(window, timezone.now()))


def test_sign_in_window_permissions(
    session, anon_api, trainee_api, other_instructor_api, instructor_api, officer_api
):
    url = f"/api/v1/sessions/{session.pk}/sign-in-window/"
    assert anon_api.post(url, {}, format="json").status_code == 401
    assert trainee_api.post(url, {}, format="json").status_code == 404
    assert other_instructor_api.post(url, {}, format="json").status_code == 404
    response = instructor_api.post(url, {}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert len(body["code"]) == 6 and body["open"] is True
    assert f"/sign-in/{session.pk}/" in body["qr_url"]
    assert len(officer_api.get(url).json()["code"]) == 6  # may have rotated since
    assert trainee_api.get(url).status_code == 404  # the code never reaches a trainee
    assert instructor_api.delete(url).status_code == 204


def test_window_closing_before_opening_is_400(session, instructor_api):
    url = f"/api/v1/sessions/{session.pk}/sign-in-window/"
    now = timezone.now()
    body = {
        "opens_at": now.isoformat(),
        "closes_at": (now - datetime.timedelta(hours=1)).isoformat(),
    }
    response = instructor_api.post(url, body, format="json")
    assert response.status_code == 400 and "closes_at" in response.json()


def test_sign_in_flow(session, trainee_api, anon_api, instructor_api):
    url = f"/api/v1/sessions/{session.pk}/sign-in/"
    assert anon_api.post(url, {"code": "123456"}, format="json").status_code == 401
    assert trainee_api.post(url, {"code": "123456"}, format="json").status_code == 409  # not open
    window_open(actor=None, session=session)
    code = current_code(session)
    bad = "000000" if code != "000000" else "111111"
    response = trainee_api.post(url, {"code": bad}, format="json")
    assert response.status_code == 400 and "not valid" in response.json()["detail"]
    assert trainee_api.post(url, {}, format="json").status_code == 400
    response = trainee_api.post(url, {"code": code}, format="json")
    assert response.status_code == 201
    assert response.json()["status"] == "present"
    again = trainee_api.post(url, {"code": bad}, format="json")
    assert (
        again.status_code == 200 and again.json()["recorded_at"] == response.json()["recorded_at"]
    )
    assert AttendanceRecord.objects.count() == 1


def test_sign_in_to_a_training_not_enrolled_is_404(session):
    from rest_framework.test import APIClient

    window_open(actor=None, session=session)
    client = APIClient()
    client.force_authenticate(EmployeeFactory().user)
    response = client.post(
        f"/api/v1/sessions/{session.pk}/sign-in/", {"code": current_code(session)}, format="json"
    )
    assert response.status_code == 404
    assert not AttendanceRecord.objects.exists()


def test_roll_call(session, trainee, trainee_api, other_instructor_api, instructor_api):
    url = f"/api/v1/sessions/{session.pk}/roll-call/"
    body = [{"employee": trainee.pk, "status": "late"}]
    assert trainee_api.put(url, body, format="json").status_code == 404
    assert other_instructor_api.put(url, body, format="json").status_code == 404
    response = instructor_api.put(url, body, format="json")
    assert response.status_code == 200 and response.json()[0]["status"] == "late"
    outsider = EmployeeFactory()
    response = instructor_api.put(
        url, [{"employee": outsider.pk, "status": "present"}], format="json"
    )
    assert response.status_code == 400
    response = instructor_api.put(
        url, [{"employee": trainee.pk, "status": "excused"}], format="json"
    )
    assert response.status_code == 400
    response = instructor_api.put(
        url, [{"employee": trainee.pk, "status": "asleep"}], format="json"
    )
    assert response.status_code == 400
    assert AttendanceRecord.objects.get().status == "late"


def test_board_and_training_attendance(
    session, trainee, instructor_api, hr_api, trainee_api, officer_api
):
    board = instructor_api.get(f"/api/v1/sessions/{session.pk}/attendance/").json()
    assert (board["enrolled"], board["signed_in"], board["counts"]["missing"]) == (1, 0, 1)
    url = f"/api/v1/trainings/{session.training_id}/attendance/"
    assert trainee_api.get(url).status_code == 403
    body = hr_api.get(url).json()
    assert body["sessions_held"] == 1
    row = body["results"][0]
    assert (row["employee_no"], row["absent"], row["rate"], row["full_attendance"]) == (
        trainee.employee_no,
        1,
        0.0,
        False,
    )
    officer_api.put(
        f"/api/v1/sessions/{session.pk}/roll-call/",
        [{"employee": trainee.pk, "status": "present"}],
        format="json",
    )
    row = instructor_api.get(url).json()["results"][0]
    assert (row["attended"], row["rate"], row["hours"], row["full_attendance"]) == (
        1,
        100.0,
        2.0,
        True,
    )


def test_policy(session, officer_api, hr_api, instructor_api):
    url = f"/api/v1/trainings/{session.training_id}/attendance-policy/"
    assert hr_api.get(url).json()["proxy_check"] == "device"
    body = {
        "excused_counts_as_attended": False,
        "allowed_networks": "10.0.0.0/8",
        "proxy_check": "off",
        "proxy_window_minutes": 10,
    }
    assert hr_api.put(url, body, format="json").status_code == 403
    assert instructor_api.put(url, body, format="json").status_code == 403
    assert officer_api.put(url, body, format="json").json()["allowed_networks"] == "10.0.0.0/8"
    bad = {**body, "allowed_networks": "nonsense"}
    assert officer_api.put(url, bad, format="json").status_code == 400
