"""Course and training pages: permissions, forms with bad input, enrolment, sessions."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, Enrollment, Session, Training, TrainingAudience
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    SessionFactory,
    TrainingFactory,
    bulk_trainees,
)
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 1, 16)


@pytest.fixture
def training(trainee, instructor):
    training = TrainingFactory(starts_on=DAY, ends_on=DAY + datetime.timedelta(days=2))
    training.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=trainee)
    SessionFactory(training=training, topic="Laws and regulations", instructor=instructor)
    return training


OFFICER_PAGES = [
    ("course_create", False),
    ("training_create", False),
    ("training_edit", True),
    ("training_enrol", True),
    ("training_audience", True),
    ("session_create", True),
]


@pytest.mark.parametrize(("name", "per_training"), OFFICER_PAGES)
def test_officer_pages_permissions(
    name, per_training, training, client, trainee_client, officer_client
):
    url = reverse(name, args=[training.pk]) if per_training else reverse(name)
    assert client.get(url).status_code == 302
    assert trainee_client.get(url).status_code in (403, 404)
    assert officer_client.get(url).status_code == 200


def test_course_pages(officer_client, instructor_client, trainee_client, training, instructor):
    training.course.instructors.add(instructor)
    other = CourseFactory(title="Fire safety")
    assert trainee_client.get(reverse("course_list")).status_code == 403
    page = instructor_client.get(reverse("course_list")).content.decode()
    assert training.course.title in page and "Fire safety" not in page
    assert instructor_client.get(reverse("course_edit", args=[other.pk])).status_code == 403
    page = officer_client.get(reverse("course_list")).content.decode()
    assert "Fire safety" in page


def test_course_create_with_bad_input_writes_nothing(officer_client, instructor):
    response = officer_client.post(reverse("course_create"), {"title": "", "hours": "-3"})
    assert response.status_code == 200
    assert Course.objects.count() == 0
    response = officer_client.post(
        reverse("course_create"),
        {"title": "Safety production knowledge", "hours": "20", "instructors": [instructor.pk]},
    )
    course = Course.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "course_detail", args=[course.pk]
    )
    assert list(course.instructors.all()) == [instructor]


def test_training_list_per_role(client, trainee_client, officer_client, training):
    other = TrainingFactory(title="Other training")
    assert client.get(reverse("training_list")).status_code == 302
    page = trainee_client.get(reverse("training_list")).content.decode()
    assert training.title in page and other.title not in page
    page = officer_client.get(reverse("training_list")).content.decode()
    assert other.title in page


def test_trainee_sees_own_training_but_not_others(trainee_client, training):
    page = trainee_client.get(reverse("training_detail", args=[training.pk])).content.decode()
    assert "Laws and regulations" in page
    assert reverse("training_study", args=[training.pk]) in page
    assert 'id="trainees"' not in page  # no other trainees' data
    other = TrainingFactory()
    assert trainee_client.get(reverse("training_detail", args=[other.pk])).status_code == 404


def test_training_create_and_bad_dates(officer_client, instructor):
    course = CourseFactory()
    crew = DepartmentFactory(name="Crew 1")
    EmployeeFactory.create_batch(2, department=crew)
    data = {
        "course": course.pk,
        "title": "Safety production knowledge training",
        "starts_on": "2027-01-16",
        "ends_on": "2027-01-15",
        "location": "Training centre",
        "instructors": [instructor.pk],
        "completion_attendance_rate": "80",
        "departments": [crew.pk],
    }
    response = officer_client.post(reverse("training_create"), data)
    assert response.status_code == 200
    assert "The last day is before the first day." in response.content.decode()
    assert not Training.objects.exists()
    response = officer_client.post(reverse("training_create"), {**data, "ends_on": "2027-01-18"})
    training = Training.objects.get()
    assert response["Location"] == reverse("training_detail", args=[training.pk])
    assert training.enrollments.count() == 2


def test_enrol_by_numbers_and_unknown_number(officer_client, training):
    newcomer = EmployeeFactory(employee_no="N100")
    url = reverse("training_enrol", args=[training.pk])
    response = officer_client.post(url, {"employee_numbers": "N100, NOPE"})
    assert "Unknown employee number: NOPE." in response.content.decode()
    assert not Enrollment.objects.filter(employee=newcomer).exists()
    response = officer_client.post(url, {"employee_numbers": "N100\nN100"})
    assert response.status_code == 302
    assert Enrollment.objects.filter(employee=newcomer).count() == 1
    response = officer_client.post(reverse("training_unenrol", args=[training.pk, newcomer.pk]))
    assert response.status_code == 302
    assert not Enrollment.objects.filter(employee=newcomer).exists()
    assert officer_client.post(url, {}).status_code == 200  # nothing given: form error


def test_audience_page_sets_rules(officer_client, training, trainee):
    url = reverse("training_audience", args=[training.pk])
    data = {
        "form-TOTAL_FORMS": "2",
        "form-INITIAL_FORMS": "0",
        "form-0-department": trainee.department_id,
        "form-0-position": "",
        "form-1-department": "",
        "form-1-position": "",
    }
    assert officer_client.post(url, data).status_code == 302
    rule = TrainingAudience.objects.get()
    assert (rule.department_id, rule.position) == (trainee.department_id, "")
    page = officer_client.get(reverse("training_detail", args=[training.pk])).content.decode()
    assert "Training rate" in page


def test_session_clash_is_shown_on_the_form(officer_client, training, instructor):
    url = reverse("session_create", args=[training.pk])
    session = training.sessions.get()
    start = session.starts_at.astimezone().strftime("%Y-%m-%dT%H:%M")
    response = officer_client.post(
        url, {"topic": "Fire", "starts_at": start, "ends_at": start, "instructor": instructor.pk}
    )
    assert "The session ends before it starts." in response.content.decode()
    end = (session.ends_at).astimezone().strftime("%Y-%m-%dT%H:%M")
    response = officer_client.post(
        url, {"topic": "Fire", "starts_at": start, "ends_at": end, "instructor": instructor.pk}
    )
    assert response.status_code == 200
    assert "already teaches" in response.content.decode()
    assert Session.objects.count() == 1
    edit = reverse("session_edit", args=[training.pk, session.pk])
    response = officer_client.post(
        edit, {"topic": "Moved", "starts_at": start, "ends_at": end, "instructor": instructor.pk}
    )
    assert response.status_code == 302
    assert (
        officer_client.post(reverse("session_delete", args=[training.pk, session.pk])).status_code
        == 302
    )
    assert not Session.objects.exists()


def test_enrolment_workbook_for_staff_only(officer_client, trainee_client, training):
    url = reverse("training_enrollment_xlsx", args=[training.pk])
    assert trainee_client.get(url).status_code == 403
    response = officer_client.get(url)
    assert response["Content-Disposition"].startswith("attachment")


def test_training_detail_costs_the_same_queries_for_10_and_1000(officer_client, training):
    url = reverse("training_detail", args=[training.pk])
    department = DepartmentFactory(name="Crew 7")

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer_client.get(url).status_code == 200
        return len(captured)

    bulk_trainees(10, department, training, prefix="A")
    few = queries()
    bulk_trainees(990, department, training, prefix="B")
    assert queries() == few


def test_training_list_costs_the_same_queries_for_many(trainee_client, officer_client, training):
    def queries(client):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("training_list")).status_code == 200
        return len(captured)

    few = queries(officer_client)
    for _ in range(5):
        EnrollmentFactory.create_batch(3, training=TrainingFactory())
    assert queries(officer_client) == few


def test_home_lists_the_trainees_trainings(trainee_client, training):
    page = trainee_client.get(reverse("home")).content.decode()
    assert training.title in page and "Laws and regulations" in page
