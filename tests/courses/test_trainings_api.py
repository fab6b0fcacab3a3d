import datetime

import pytest

from core.excel import XLSX_CONTENT_TYPE
from courses.models import Enrollment, Session, Training
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    SessionFactory,
    TrainingFactory,
    at,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 1, 16)


@pytest.fixture
def training(trainee, instructor):
    training = TrainingFactory(starts_on=DAY, ends_on=DAY + datetime.timedelta(days=2))
    training.instructors.add(instructor)
    training.course.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=trainee)
    return training


def test_courses_permissions(anon_api, trainee_api, hr_api, instructor_api, officer_api, training):
    assert anon_api.get("/api/v1/courses/").status_code == 401
    assert trainee_api.get("/api/v1/courses/").status_code == 403
    assert hr_api.get("/api/v1/courses/").status_code == 403
    assert instructor_api.get("/api/v1/courses/").json()["count"] == 1  # own course
    assert instructor_api.post("/api/v1/courses/", {"title": "X"}, format="json").status_code == 403
    CourseFactory()
    assert officer_api.get("/api/v1/courses/").json()["count"] == 2
    response = officer_api.post(
        "/api/v1/courses/",
        {"title": "Fire safety", "description": "d", "hours": "4.5"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["hours"] == "4.5"
    assert officer_api.post("/api/v1/courses/", {"title": " "}, format="json").status_code == 400
    assert (
        officer_api.post(
            "/api/v1/courses/", {"title": "x", "hours": "-1"}, format="json"
        ).status_code
        == 400
    )


def test_course_with_trainings_cannot_be_deleted(officer_api, training):
    assert officer_api.delete(f"/api/v1/courses/{training.course_id}/").status_code == 409
    empty = CourseFactory()
    assert officer_api.delete(f"/api/v1/courses/{empty.pk}/").status_code == 204


def test_trainings_are_listed_per_role(
    anon_api, trainee_api, instructor_api, hr_api, officer_api, training
):
    TrainingFactory()
    assert anon_api.get("/api/v1/trainings/").status_code == 401
    mine = trainee_api.get("/api/v1/trainings/").json()
    assert [t["id"] for t in mine["results"]] == [training.pk]
    assert "trainees" not in mine["results"][0]
    assert instructor_api.get("/api/v1/trainings/").json()["count"] == 1
    assert hr_api.get("/api/v1/trainings/").json()["count"] == 2
    body = officer_api.get(f"/api/v1/trainings/{training.pk}/").json()
    assert body["trainee_count"] == 1 and len(body["trainees"]) == 1


def test_another_trainees_training_is_404(trainee_api):
    other = TrainingFactory()
    assert trainee_api.get(f"/api/v1/trainings/{other.pk}/").status_code == 404
    assert trainee_api.get(f"/api/v1/trainings/{other.pk}/sessions/").status_code == 404


def test_create_training_with_departments(officer_api, trainee_api, instructor):
    course = CourseFactory()
    crew = DepartmentFactory(name="Crew 1")
    members = EmployeeFactory.create_batch(3, department=crew)
    single = EmployeeFactory()
    body = {
        "course": course.pk,
        "title": "Safety production knowledge training",
        "starts_on": "2027-01-16",
        "ends_on": "2027-01-18",
        "location": "Training centre",
        "instructors": [instructor.pk],
        "trainees": [single.pk],
        "departments": [crew.pk],
    }
    assert trainee_api.post("/api/v1/trainings/", body, format="json").status_code == 403
    response = officer_api.post("/api/v1/trainings/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert set(data["trainees"]) == {single.pk, *(m.pk for m in members)}
    assert data["departments"] == [crew.pk]
    bad = {**body, "ends_on": "2027-01-15"}
    response = officer_api.post("/api/v1/trainings/", bad, format="json")
    assert response.status_code == 400 and "ends_on" in response.json()
    assert Training.objects.count() == 1


def test_update_adds_trainees(officer_api, training):
    newcomer = EmployeeFactory()
    response = officer_api.patch(
        f"/api/v1/trainings/{training.pk}/",
        {"trainees": [newcomer.pk], "location": "Room 2"},
        format="json",
    )
    assert response.status_code == 200
    assert newcomer.pk in response.json()["trainees"]
    assert response.json()["location"] == "Room 2"


def test_enroll_and_unenroll(officer_api, instructor_api, training, trainee):
    captain = EmployeeFactory(position="Crew captain")
    url = f"/api/v1/trainings/{training.pk}/enroll/"
    assert (
        instructor_api.post(url, {"positions": ["Crew captain"]}, format="json").status_code == 403
    )
    response = officer_api.post(
        url, {"positions": ["Crew captain"], "trainees": [trainee.pk]}, format="json"
    )
    assert response.json() == {"added": 1, "enrolled": 2}
    url = f"/api/v1/trainings/{training.pk}/trainees/{captain.pk}/"
    assert instructor_api.delete(url).status_code == 403
    assert officer_api.delete(url).status_code == 204
    assert not Enrollment.objects.filter(employee=captain).exists()


def test_audience_and_training_rate(
    officer_api, hr_api, instructor_api, trainee_api, training, trainee
):
    url = f"/api/v1/trainings/{training.pk}/audience/"
    rule = [{"department": trainee.department_id, "position": ""}]
    assert trainee_api.put(url, rule, format="json").status_code == 403
    assert instructor_api.put(url, rule, format="json").status_code == 403
    assert (
        officer_api.put(url, [{"department": None, "position": ""}], format="json").status_code
        == 400
    )
    assert officer_api.put(url, rule, format="json").json() == [
        {"department": trainee.department_id, "position": ""}
    ]
    rate_url = f"/api/v1/trainings/{training.pk}/training-rate/"
    assert trainee_api.get(rate_url).status_code == 403
    for client in (officer_api, hr_api, instructor_api):
        body = client.get(rate_url).json()
        assert (body["required"], body["trained"], body["rate"]) == (1, 0, 0.0)
        assert body["by_department"][0]["department"] == trainee.department.path


def test_enrollments_list_and_export(officer_api, trainee_api, training):
    body = officer_api.get(f"/api/v1/trainings/{training.pk}/enrollments/").json()
    assert body["count"] == 1 and body["results"][0]["trained"] is False
    assert trainee_api.get(f"/api/v1/trainings/{training.pk}/enrollments/").status_code == 403
    response = officer_api.get(f"/api/v1/trainings/{training.pk}/enrollments.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment")


def test_sessions_crud_and_clash(officer_api, trainee_api, instructor_api, training, instructor):
    url = f"/api/v1/trainings/{training.pk}/sessions/"
    body = {
        "topic": "Laws and regulations",
        "starts_at": at(DAY, 9).isoformat(),
        "ends_at": at(DAY, 11).isoformat(),
        "location": "Room 1",
        "instructor": instructor.pk,
    }
    assert trainee_api.post(url, body, format="json").status_code == 403
    assert instructor_api.post(url, body, format="json").status_code == 403
    created = officer_api.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    clash = officer_api.post(url, {**body, "topic": "Other"}, format="json")
    assert clash.status_code == 400 and "starts_at" in clash.json()
    backwards = {**body, "starts_at": at(DAY, 14).isoformat(), "ends_at": at(DAY, 13).isoformat()}
    assert officer_api.post(url, backwards, format="json").status_code == 400
    assert Session.objects.count() == 1
    listed = trainee_api.get(url).json()
    assert listed["results"][0]["instructor_name"] == instructor.name
    session_url = f"{url}{created.json()['id']}/"
    moved = officer_api.patch(
        session_url,
        {"starts_at": at(DAY, 10).isoformat(), "ends_at": at(DAY, 12).isoformat()},
        format="json",
    )
    assert moved.status_code == 200
    assert trainee_api.delete(session_url).status_code == 403
    assert officer_api.delete(session_url).status_code == 204


def test_training_list_costs_the_same_queries_for_many_trainees(officer_api, training):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer_api.get("/api/v1/trainings/").status_code == 200
        return len(captured)

    queries()
    few = queries()
    EnrollmentFactory.create_batch(30, training=training)
    SessionFactory.create_batch(3, training=training)
    TrainingFactory.create_batch(3)
    assert queries() == few
