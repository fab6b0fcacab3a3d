"""The proctor board page: who may open it, what it shows without its script, and the extra
time and close-early forms (they call the services; refusals are shown on the form)."""

import datetime
import json
import re

import pytest
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from exams.models import Attempt, AttemptStatus, ExamOverride
from exams.services.attempts import attempt_start, attempt_submit
from tests.exams.factories import make_exam, save_by_bank_ids
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def exam(trainee):
    return make_exam(candidates=[trainee], title="Hot work theory exam")


@pytest.fixture
def attempt(exam, trainee):
    return attempt_start(employee=trainee, exam=exam).attempt


def board_url(exam) -> str:
    return reverse("proctor_board", args=[exam.pk])


def board_json(page: str) -> dict:
    match = re.search(r'<script id="proctor-board" type="application/json">(.*?)</script>', page)
    return json.loads(match.group(1))


# Who may open it ------------------------------------------------------------------------------


def test_anonymous_is_sent_to_the_login(client, exam):
    response = client.get(board_url(exam))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_only_the_safety_officer_opens_it(exam, trainee_client, hr_client, instructor_client):
    for client in (trainee_client, hr_client, instructor_client):
        assert client.get(board_url(exam)).status_code == 403
        url = reverse("proctor_extend", args=[exam.pk])
        assert client.post(url, {"minutes": 5, "reason": "x"}).status_code == 403
        url = reverse("proctor_close_early", args=[exam.pk])
        assert client.post(url, {"reason": "x", "confirm": "on"}).status_code == 403
    exam.refresh_from_db()
    assert exam.closed_early_at is None
    assert not AuditEntry.objects.filter(action__in=["exam.closed_early", "attempt.extended"])


def test_unknown_exam_is_404(officer_client):
    assert officer_client.get(reverse("proctor_board", args=[987654])).status_code == 404
    url = reverse("proctor_extend", args=[987654])
    assert officer_client.post(url, {"minutes": 5, "reason": "x"}).status_code == 404


def test_actions_take_post_only(officer_client, exam):
    assert officer_client.get(reverse("proctor_extend", args=[exam.pk])).status_code == 405
    assert officer_client.get(reverse("proctor_close_early", args=[exam.pk])).status_code == 405


# The board ------------------------------------------------------------------------------------


def test_board_shows_every_candidate_state(officer_client, exam, trainee, attempt):
    waiting = EmployeeFactory(roles=[Role.TRAINEE], name="张未考", employee_no="E900")
    exam.people.add(waiting)
    aq = attempt.questions.select_related("version").get(version__type="single")
    right = [o.pk for o in aq.version.options.all() if o.correct]
    save_by_bank_ids(
        user=trainee.user, attempt_id=attempt.pk, question_id=aq.question_id_shown, selected=right
    )
    response = officer_client.get(board_url(exam))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    page = response.content.decode()
    assert "Proctor board: Hot work theory exam" in page
    assert trainee.name in page and trainee.employee_no in page and "张未考" in page
    assert "1 of 5" in page and "In progress" in page and "Not started" in page
    assert re.search(r'data-count="in_progress">1<', page)
    assert re.search(r'data-count="not_started">1<', page)
    assert re.search(r'class="proctor-clock">(29:5\d|30:00)<', page)
    assert f'data-ws-path="/ws/exams/{exam.pk}/proctor/"' in page
    assert "frontend/proctor.js" in page
    # Two forms with a reason on one page: each field has an id of its own.
    assert page.count('id="extend_reason"') == 1 and page.count('id="close_reason"') == 1
    board = board_json(page)
    row = next(r for r in board["rows"] if r["employee_id"] == trainee.pk)
    assert row["answered"] == [aq.question_id_shown] and row["attempt_id"] == attempt.pk
    assert board["server_time"] and board["counts"]["candidates"] == 2
    labels = json.loads(
        re.search(
            r'<script id="proctor-labels" type="application/json">(.*?)</script>', page
        ).group(1)
    )
    assert labels["state"]["in_progress"] == "In progress"


def test_graded_scores_show_to_the_officer(officer_client, exam, trainee, attempt):
    attempt = attempt_submit(attempt=attempt)
    assert attempt.status == AttemptStatus.GRADED
    page = officer_client.get(board_url(exam)).content.decode()
    assert "Graded" in page and "0 of 10" in page and "failed" in page
    assert re.search(r'data-count="handed_in">1<', page)


def test_board_in_chinese(officer_client, exam, attempt):
    officer_client.cookies["django_language"] = "zh-hans"
    response = officer_client.get(board_url(exam), headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 200


def test_extend_link_picks_the_candidate(officer_client, exam, trainee):
    page = officer_client.get(board_url(exam) + f"?extend={trainee.pk}").content.decode()
    assert re.search(rf'<option value="{trainee.pk}" selected>', page)
    page = officer_client.get(board_url(exam) + "?extend=nonsense").content.decode()
    assert re.search(r'<option value="" selected>', page)


# Extra time -----------------------------------------------------------------------------------


def test_extend_everyone_in_progress(officer_client, exam, attempt, safety_officer):
    url = reverse("proctor_extend", args=[exam.pk])
    response = officer_client.post(url, {"employee": "", "minutes": "15", "reason": "Outage"})
    assert response.status_code == 302 and response["Location"] == board_url(exam)
    moved = Attempt.objects.get(pk=attempt.pk)
    assert moved.deadline == attempt.deadline + datetime.timedelta(minutes=15)
    entry = AuditEntry.objects.get(action="attempt.extended")
    assert entry.actor == safety_officer.user and entry.note == "Outage"
    page = officer_client.get(board_url(exam)).content.decode()
    assert "1 attempt in progress has 15 more minutes." in page


def test_extend_one_candidate(officer_client, exam, trainee, attempt):
    other = EmployeeFactory(roles=[Role.TRAINEE])
    exam.people.add(other)
    second = attempt_start(employee=other, exam=exam).attempt
    url = reverse("proctor_extend", args=[exam.pk])
    data = {"employee": str(trainee.pk), "minutes": "7", "reason": "Reading aid"}
    response = officer_client.post(url, data, follow=True)
    assert f"{trainee.name} has 7 more minutes." in response.content.decode()
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline + datetime.timedelta(
        minutes=7
    )
    assert Attempt.objects.get(pk=second.pk).deadline == second.deadline
    override = ExamOverride.objects.get(exam=exam, employee=trainee)
    assert (override.extra_minutes, override.reason) == (7, "Reading aid")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"minutes": "0", "reason": "Outage"}, "Give a number of minutes from 1 to 1440."),
        ({"minutes": "5000", "reason": "Outage"}, "Give a number of minutes from 1 to 1440."),
        ({"minutes": "ten", "reason": "Outage"}, "Enter a whole number."),
        ({"minutes": "5", "reason": ""}, "This field is required."),
        ({"minutes": "5", "reason": "   "}, "This field is required."),
        (
            {"minutes": "5", "reason": "Outage", "employee": "987654"},
            "Select a valid choice.",
        ),
    ],
)
def test_bad_extra_time_is_shown_and_changes_nothing(officer_client, exam, attempt, data, message):
    url = reverse("proctor_extend", args=[exam.pk])
    response = officer_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the errors below." in page and message in page
    assert 'id="extend"' in page and "Proctor board" in page
    assert Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline
    assert not ExamOverride.objects.exists()
    assert not AuditEntry.objects.filter(action="attempt.extended").exists()


def test_a_non_candidate_cannot_be_given_time(officer_client, exam, attempt):
    stranger = EmployeeFactory(roles=[Role.TRAINEE])
    url = reverse("proctor_extend", args=[exam.pk])
    data = {"employee": str(stranger.pk), "minutes": "5", "reason": "x"}
    response = officer_client.post(url, data)
    assert response.status_code == 200 and "Select a valid choice." in response.content.decode()
    assert not ExamOverride.objects.exists()


# Closing early --------------------------------------------------------------------------------


def test_close_early_hands_in_every_attempt(officer_client, exam, attempt, safety_officer):
    url = reverse("proctor_close_early", args=[exam.pk])
    response = officer_client.post(url, {"reason": "Fire alarm", "confirm": "on"}, follow=True)
    page = response.content.decode()
    assert "The exam is closed; 1 attempt in progress was handed in." in page
    exam.refresh_from_db()
    assert exam.closed_early_at is not None
    closed = Attempt.objects.get(pk=attempt.pk)
    assert closed.status != AttemptStatus.IN_PROGRESS and closed.close_reason == "exam_closed"
    entry = AuditEntry.objects.get(action="exam.closed_early")
    assert entry.actor == safety_officer.user and entry.note == "Fire alarm"
    # Closed: the form is gone, the notice is there.
    assert 'id="close"' not in page and "The exam was closed early at" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "Fire alarm"}, "Tick the box to confirm."),
        ({"reason": "", "confirm": "on"}, "This field is required."),
        ({"reason": "x" * 501, "confirm": "on"}, "at most 500 characters"),
    ],
)
def test_bad_close_is_shown_and_closes_nothing(officer_client, exam, attempt, data, message):
    url = reverse("proctor_close_early", args=[exam.pk])
    response = officer_client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'id="close"' in page
    exam.refresh_from_db()
    assert exam.closed_early_at is None
    assert Attempt.objects.get(pk=attempt.pk).status == AttemptStatus.IN_PROGRESS


def test_closing_twice_is_refused_on_the_form(officer_client, exam, attempt):
    url = reverse("proctor_close_early", args=[exam.pk])
    officer_client.post(url, {"reason": "Fire alarm", "confirm": "on"})
    response = officer_client.post(url, {"reason": "Again", "confirm": "on"})
    assert response.status_code == 200
    assert "The exam is already closed." in response.content.decode()
    assert AuditEntry.objects.filter(action="exam.closed_early").count() == 1
