"""A trainee asking for a training they may not see gets 404 from every training address of
the API and the pages, the answer for one that does not exist, so 403 against 404 cannot
tell which trainings exist (issue 11, finding 9). Their own training's staff parts stay
403, and anonymous callers still get 401 (API) or the login page."""

import pytest

from tests.courses.factories import EnrollmentFactory, SessionFactory, TrainingFactory

pytestmark = pytest.mark.django_db

MISSING = 999_999

# (method, address) under /api/v1/trainings/{id}/ and /trainings/{id}/; {session} is one
# of the training's sessions, {employee} one of its trainees.
API = [
    ("get", "trainings/{id}/"),
    ("put", "trainings/{id}/"),
    ("patch", "trainings/{id}/"),
    ("delete", "trainings/{id}/"),
    ("get", "trainings/{id}/audience/"),
    ("put", "trainings/{id}/audience/"),
    ("post", "trainings/{id}/enroll/"),
    ("get", "trainings/{id}/enrollments/"),
    ("get", "trainings/{id}/enrollments.xlsx"),
    ("get", "trainings/{id}/training-rate/"),
    ("delete", "trainings/{id}/trainees/{employee}/"),
    ("get", "trainings/{id}/sessions/"),
    ("post", "trainings/{id}/sessions/"),
    ("get", "trainings/{id}/sessions/{session}/"),
    ("put", "trainings/{id}/sessions/{session}/"),
    ("delete", "trainings/{id}/sessions/{session}/"),
    ("get", "trainings/{id}/study/"),
    ("get", "trainings/{id}/progress/"),
    ("get", "trainings/{id}/progress.xlsx"),
    ("get", "trainings/{id}/questionnaires/"),
    ("post", "trainings/{id}/questionnaires/"),
    ("get", "trainings/{id}/attendance/"),
    ("get", "trainings/{id}/attendance-policy/"),
]
PAGES = [
    ("get", "trainings/{id}/"),
    ("get", "trainings/{id}/edit/"),
    ("post", "trainings/{id}/edit/"),
    ("get", "trainings/{id}/enrol/"),
    ("post", "trainings/{id}/trainees/{employee}/remove/"),
    ("get", "trainings/{id}/audience/"),
    ("get", "trainings/{id}/enrolment.xlsx"),
    ("get", "trainings/{id}/sessions/new/"),
    ("get", "trainings/{id}/sessions/{session}/edit/"),
    ("post", "trainings/{id}/sessions/{session}/delete/"),
    ("get", "trainings/{id}/study/"),
    ("get", "trainings/{id}/progress/"),
    ("get", "trainings/{id}/progress.xlsx"),
    ("get", "trainings/{id}/questionnaires/"),
    ("get", "trainings/{id}/attendance/"),
    ("get", "trainings/{id}/attendance.xlsx"),
]
# Staff parts of a training the trainee is in: they may see the training, not these.
STAFF_API = [
    ("get", "trainings/{id}/enrollments/"),
    ("get", "trainings/{id}/training-rate/"),
    ("get", "trainings/{id}/progress/"),
    ("put", "trainings/{id}/"),
    ("post", "trainings/{id}/sessions/"),
    ("post", "trainings/{id}/questionnaires/"),
]
STAFF_PAGES = [
    ("get", "trainings/{id}/edit/"),
    ("get", "trainings/{id}/progress/"),
    ("get", "trainings/{id}/questionnaires/"),
]


@pytest.fixture
def trainings(trainee):
    mine = TrainingFactory(title="Mine")
    EnrollmentFactory(training=mine, employee=trainee)
    SessionFactory(training=mine)
    other = TrainingFactory(title="Someone else's")
    other_trainee = EnrollmentFactory(training=other).employee
    return {
        "mine": mine,
        "other": other,
        "session": SessionFactory(training=other).pk,
        "employee": other_trainee.pk,
    }


def address(template: str, training_id: int, trainings: dict) -> str:
    return template.format(
        id=training_id, session=trainings["session"], employee=trainings["employee"]
    )


def call(client, method: str, url: str, api: bool):
    if api:
        return getattr(client, method)(url, {}, format="json")
    return getattr(client, method)(url)


@pytest.mark.parametrize(("method", "template"), API)
def test_the_api_answers_404_for_a_training_the_trainee_may_not_see(
    method, template, trainee_api, trainings
):
    for training_id in (trainings["other"].pk, MISSING):
        url = "/api/v1/" + address(template, training_id, trainings)
        response = call(trainee_api, method, url, api=True)
        assert response.status_code == 404, (method, url, response.status_code)


@pytest.mark.parametrize(("method", "template"), PAGES)
def test_the_pages_answer_404_for_a_training_the_trainee_may_not_see(
    method, template, trainee_client, trainings
):
    for training_id in (trainings["other"].pk, MISSING):
        url = "/" + address(template, training_id, trainings)
        response = call(trainee_client, method, url, api=False)
        assert response.status_code == 404, (method, url, response.status_code)


def test_the_staff_parts_of_the_trainees_own_training_stay_403(
    trainee_api, trainee_client, trainings
):
    mine = trainings["mine"].pk
    for method, template in STAFF_API:
        url = "/api/v1/" + address(template, mine, trainings)
        assert call(trainee_api, method, url, api=True).status_code == 403, url
    for method, template in STAFF_PAGES:
        url = "/" + address(template, mine, trainings)
        assert call(trainee_client, method, url, api=False).status_code == 403, url


def test_anonymous_callers_are_still_asked_to_sign_in(anon_api, client, trainings):
    other = trainings["other"].pk
    assert anon_api.get(f"/api/v1/trainings/{other}/progress/").status_code == 401
    assert anon_api.put(f"/api/v1/trainings/{other}/", {}, format="json").status_code == 401
    response = client.get(f"/trainings/{other}/edit/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_the_safety_officer_still_reaches_every_training(officer_api, officer_client, trainings):
    other = trainings["other"].pk
    assert officer_api.get(f"/api/v1/trainings/{other}/enrollments/").status_code == 200
    assert officer_api.get(f"/api/v1/trainings/{other}/progress/").status_code == 200
    assert officer_client.get(f"/trainings/{other}/edit/").status_code == 200
