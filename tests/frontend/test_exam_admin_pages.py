"""The safety officer's exam pages: the list, create / edit / delete through the services,
overrides, the attempts with reopening, and practical scores; who may open them, and that a
bad form writes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEntry
from exams.models import (
    Attempt,
    AttemptStatus,
    Exam,
    ExamKind,
    ExamOverride,
    ExamResult,
    PracticalScore,
)
from exams.services.attempts import attempt_start, attempt_submit
from tests.courses.factories import TrainingFactory, bulk_trainees
from tests.exams.factories import answer_everything_right, make_exam, make_paper
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

LIST = reverse("exam_admin_list")
CREATE = reverse("exam_admin_create")


def _text(response) -> str:
    return response.content.decode()


def _local(value: datetime.datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def exam(trainee):
    return make_exam(candidates=[trainee], title="Fire safety theory")


@pytest.fixture
def sat(exam, trainee):
    """The trainee's attempt, answered and handed in (the open answer awaits grading)."""
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    return attempt_submit(attempt=attempt)


@pytest.fixture
def practical(trainee):
    return make_exam(
        candidates=[trainee], title="Extinguisher drill", kind=ExamKind.PRACTICAL, paper=None
    )


def _form_data(the_paper, trainee, **changes) -> dict:
    now = timezone.now()
    data = {
        "title": "Confined space exam",
        "kind": "theory",
        "paper": the_paper.pk,
        "training": "",
        "people": [trainee.pk],
        "opens_at": _local(now + datetime.timedelta(days=1)),
        "closes_at": _local(now + datetime.timedelta(days=1, hours=2)),
        "duration_minutes": "45",
        "max_attempts": "2",
        "attempt_counts": "last",
        "pass_score": "6",
        "shuffle_questions": "on",
        "multiple_scoring": "partial",
        "min_attendance_rate": "",
        "results_visible": "after_close",
        "review_visible": "on",
        "anonymous_grading": "on",
        "reward_top_n": "5",
        "performance_bands": "90: 10\n60：4\n0: 0",
    }
    data.update(changes)
    return data


def _pages(exam, attempt=None) -> list[str]:
    pages = [
        LIST,
        CREATE,
        reverse("exam_admin_edit", args=[exam.pk]),
        reverse("exam_admin_delete", args=[exam.pk]),
        reverse("exam_admin_overrides", args=[exam.pk]),
        reverse("exam_admin_attempts", args=[exam.pk]),
        reverse("exam_admin_questions", args=[exam.pk]),
    ]
    if attempt is not None:
        pages.append(reverse("exam_admin_attempt", args=[attempt.pk]))
    return pages


# Who may open the pages -------------------------------------------------------------------------


def test_every_page_renders_for_the_officer(officer_client, exam, sat, practical):
    for url in [*_pages(exam, sat), reverse("exam_admin_practical", args=[practical.pk])]:
        response = officer_client.get(url)
        assert response.status_code == 200, url


@pytest.mark.parametrize("client_name", ["trainee_client", "hr_client", "instructor_client"])
def test_others_are_refused(request, client_name, exam, sat, practical):
    client = request.getfixturevalue(client_name)
    urls = [*_pages(exam, sat), reverse("exam_admin_practical", args=[practical.pk])]
    for url in urls:
        assert client.get(url).status_code == 403, url
    reopen = reverse("exam_admin_attempt_reopen", args=[sat.pk])
    assert client.post(reopen, {"reason": "x", "minutes": "5"}).status_code == 403
    sat.refresh_from_db()
    assert sat.status != AttemptStatus.IN_PROGRESS


def test_anonymous_visitors_are_sent_to_sign_in(client, exam):
    response = client.get(LIST)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# The list -------------------------------------------------------------------------------------


def test_list_shows_each_exam_with_its_figures(officer_client, exam, sat, practical):
    text = _text(officer_client.get(LIST))
    assert "Fire safety theory" in text and "Extinguisher drill" in text
    row = text[text.index(f'id="exam-{exam.pk}"') :]
    row = row[: row.index("</tr>")]
    assert exam.paper.title in row
    assert reverse("exam_admin_attempts", args=[exam.pk]) in row
    assert reverse("exam_grading", args=[exam.pk]) in row
    assert "1 to grade" in row  # the short answer awaits a grader
    assert reverse("exam_ranking", args=[exam.pk]) in row
    assert reverse("exam_statistics", args=[exam.pk]) in row
    assert f"/exam-admin/{exam.pk}/proctor/" in row
    assert reverse("exam_admin_practical", args=[practical.pk]) in text


# Create, edit, delete ----------------------------------------------------------------------------


def test_create_writes_the_exam_through_the_service(officer_client, trainee, safety_officer):
    paper = make_paper()
    department = DepartmentFactory(name="Blast furnace")
    data = _form_data(paper, trainee, departments=[department.pk])
    response = officer_client.post(CREATE, data)
    assert response.status_code == 302, response.context["form"].errors
    exam = Exam.objects.get(title="Confined space exam")
    assert exam.paper == paper and exam.duration_minutes == 45 and exam.max_attempts == 2
    assert exam.attempt_counts == "last" and exam.multiple_scoring == "partial"
    assert exam.pass_score == Decimal("6") and exam.reward_top_n == 5
    assert exam.shuffle_questions and not exam.shuffle_options
    assert exam.results_visible == "after_close" and exam.review_visible
    assert list(exam.people.all()) == [trainee]
    assert list(exam.departments.all()) == [department]
    assert exam.performance_bands == [[90.0, 10.0], [60.0, 4.0], [0.0, 0.0]]
    assert _local(exam.opens_at) == data["opens_at"]
    assert exam.created_by == safety_officer.user
    assert AuditEntry.objects.filter(action="exam.created").count() == 1


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"closes_at": "2020-01-01T08:00"}, "closes_at"),
        ({"paper": ""}, "paper"),
        ({"performance_bands": "ninety: ten"}, "performance_bands"),
        ({"performance_bands": "-5: 3"}, "performance_bands"),
        ({"people": [], "departments": []}, "people"),
        ({"duration_minutes": "0"}, "duration_minutes"),
        ({"opens_at": "not a date"}, "opens_at"),
        ({"min_attendance_rate": "80"}, "min_attendance_rate"),  # no training
    ],
)
def test_a_bad_form_writes_nothing(officer_client, trainee, changes, field):
    data = _form_data(make_paper(), trainee, **changes)
    response = officer_client.post(CREATE, data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert "Please correct the errors below." in _text(response)
    assert not Exam.objects.exists()


def test_edit_shows_the_exam_and_saves_changes(officer_client, exam, trainee):
    url = reverse("exam_admin_edit", args=[exam.pk])
    form = officer_client.get(url).context["form"]
    assert form.initial["title"] == "Fire safety theory"
    assert form.initial["people"] == [trainee.pk]
    data = _form_data(exam.paper, trainee, title="Fire safety theory (retake)")
    data["opens_at"], data["closes_at"] = _local(exam.opens_at), _local(exam.closes_at)
    response = officer_client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    exam.refresh_from_db()
    assert exam.title == "Fire safety theory (retake)" and exam.duration_minutes == 45
    assert AuditEntry.objects.filter(action="exam.updated").exists()


def test_edit_cannot_change_the_paper_once_started(officer_client, exam, sat, trainee):
    data = _form_data(make_paper(), trainee, title="Changed")
    response = officer_client.post(reverse("exam_admin_edit", args=[exam.pk]), data)
    assert response.status_code == 200
    assert "paper can no longer change" in str(response.context["form"].errors["paper"])
    exam.refresh_from_db()
    assert exam.title == "Fire safety theory"


def test_delete_asks_then_deletes(officer_client, exam):
    url = reverse("exam_admin_delete", args=[exam.pk])
    assert "Delete Fire safety theory?" in _text(officer_client.get(url))
    response = officer_client.post(url)
    assert response.status_code == 302 and response["Location"] == LIST
    assert not Exam.objects.filter(pk=exam.pk).exists()


def test_an_exam_somebody_sat_is_not_deleted(officer_client, exam, sat):
    response = officer_client.post(reverse("exam_admin_delete", args=[exam.pk]), follow=True)
    assert "cannot be deleted" in _text(response)
    assert Exam.objects.filter(pk=exam.pk).exists()


# Overrides --------------------------------------------------------------------------------------


def test_overrides_are_added_replaced_and_removed(officer_client, exam, trainee):
    url = reverse("exam_admin_overrides", args=[exam.pk])
    data = {
        "employee": trainee.pk,
        "extra_minutes": "15",
        "extra_attempts": "1",
        "reason": "Dyslexia",
    }
    assert officer_client.post(url, data).status_code == 302
    override = ExamOverride.objects.get(exam=exam, employee=trainee)
    assert (override.extra_minutes, override.extra_attempts, override.reason) == (15, 1, "Dyslexia")
    later = timezone.now() + datetime.timedelta(days=3)
    data.update(
        extra_minutes="",
        extra_attempts="",
        opens_at=_local(later),
        closes_at=_local(later + datetime.timedelta(hours=1)),
        reason="Was on a night shift",
    )
    assert officer_client.post(url, data).status_code == 302
    override = ExamOverride.objects.get(exam=exam, employee=trainee)
    assert override.extra_minutes == 0 and override.reason == "Was on a night shift"
    assert _local(override.opens_at) == _local(later)
    text = _text(officer_client.get(url))
    assert "Was on a night shift" in text and trainee.name in text
    delete = reverse("exam_admin_override_delete", args=[exam.pk, override.pk])
    assert officer_client.get(delete).status_code == 405
    assert officer_client.post(delete).status_code == 302
    assert not ExamOverride.objects.exists()
    assert AuditEntry.objects.filter(action="exam.override_deleted").exists()


@pytest.mark.parametrize(
    "changes",
    [
        {"reason": ""},
        {"reason": "   "},
        {"extra_minutes": "5000"},
        {"opens_at": "2030-01-02T10:00", "closes_at": "2030-01-01T10:00"},
        {"employee": "outsider"},
    ],
)
def test_a_bad_override_writes_nothing(officer_client, exam, trainee, changes):
    if changes.get("employee") == "outsider":
        changes = {"employee": EmployeeFactory().pk}
    data = {"employee": trainee.pk, "extra_minutes": "15", "reason": "Dyslexia", **changes}
    response = officer_client.post(reverse("exam_admin_overrides", args=[exam.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not ExamOverride.objects.exists()


# Attempts and reopening ---------------------------------------------------------------------------


def test_attempts_list_shows_each_attempt(officer_client, exam, sat, trainee):
    text = _text(officer_client.get(reverse("exam_admin_attempts", args=[exam.pk])))
    assert trainee.employee_no in text and trainee.name in text
    assert trainee.department.path in text
    assert "Submitted, awaiting grading" in text
    assert "Submitted by the candidate" in text
    assert reverse("exam_admin_attempt", args=[sat.pk]) in text


def _bulk_attempts(exam, employees):
    now = timezone.now()
    Attempt.objects.bulk_create(
        Attempt(
            exam=exam,
            employee=employee,
            number=1,
            status=AttemptStatus.GRADED,
            started_at=now - datetime.timedelta(minutes=40),
            deadline=now - datetime.timedelta(minutes=10),
            submitted_at=now - datetime.timedelta(minutes=12),
            close_reason="submitted",
            max_score=10,
            score=8,
            passed=True,
            duration_seconds=28 * 60,
        )
        for employee in employees
    )


def test_attempts_list_costs_the_same_queries_for_10_and_100(officer_client, exam):
    department = DepartmentFactory(name="Coking")
    employees = bulk_trainees(100, department, TrainingFactory())
    url = reverse("exam_admin_attempts", args=[exam.pk])
    _bulk_attempts(exam, employees[:10])
    with CaptureQueriesContext(connection) as few:
        assert officer_client.get(url).status_code == 200
    _bulk_attempts(exam, employees[10:])
    with CaptureQueriesContext(connection) as many:
        response = officer_client.get(url)
    assert response.context["page"].paginator.count == 100
    assert len(response.context["page"].object_list) == 50
    assert len(many.captured_queries) == len(few.captured_queries), [
        q["sql"] for q in many.captured_queries
    ]
    page_two = officer_client.get(url, {"page": 2})
    assert "Page 2 of 2" in _text(page_two)


def test_attempt_page_shows_answers_and_the_key(officer_client, sat):
    text = _text(officer_client.get(reverse("exam_admin_attempt", args=[sat.pk])))
    assert "Which number reports a fire in China?" in text
    assert "Correct" in text and "Chosen" in text
    assert "two" in text  # an accepted answer of the blank
    assert "Permit, isolate, ventilate" in text  # the reference answer
    assert "Awaits grading" in text
    assert "Reopen the attempt" in text


def test_reopen_lets_the_candidate_continue(officer_client, sat, safety_officer):
    url = reverse("exam_admin_attempt_reopen", args=[sat.pk])
    response = officer_client.post(url, {"reason": "Power cut in room 2", "minutes": "10"})
    assert response.status_code == 302
    sat.refresh_from_db()
    assert sat.status == AttemptStatus.IN_PROGRESS
    assert sat.reopened_reason == "Power cut in room 2"
    assert sat.deadline > timezone.now() + datetime.timedelta(minutes=9)
    assert AuditEntry.objects.filter(action="attempt.reopened").exists()
    text = _text(officer_client.get(reverse("exam_admin_attempt", args=[sat.pk])))
    assert "The attempt is in progress." in text
    # A second reopen of an attempt in progress is refused on the form.
    response = officer_client.post(url, {"reason": "Again", "minutes": "10"})
    assert response.status_code == 200 and "still in progress" in _text(response)


@pytest.mark.parametrize(
    "data", [{"reason": "", "minutes": "10"}, {"reason": "x", "minutes": "0"}, {"minutes": "ten"}]
)
def test_a_bad_reopen_changes_nothing(officer_client, sat, data):
    response = officer_client.post(reverse("exam_admin_attempt_reopen", args=[sat.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors
    sat.refresh_from_db()
    assert sat.status == AttemptStatus.SUBMITTED and sat.reopened_reason == ""


# Practical scores -------------------------------------------------------------------------------


def test_practical_scores_are_entered(officer_client, practical, trainee):
    other = EmployeeFactory(name="孙实操")
    practical.people.add(other)
    url = reverse("exam_admin_practical", args=[practical.pk])
    text = _text(officer_client.get(url))
    assert trainee.name in text and other.name in text
    response = officer_client.post(url, {f"score_{trainee.pk}": "85", f"score_{other.pk}": ""})
    assert response.status_code == 302
    score = PracticalScore.objects.get(exam=practical)
    assert (score.employee, score.score, score.passed) == (trainee, Decimal("85"), True)
    assert ExamResult.objects.get(exam=practical, employee=trainee).score == Decimal("85")
    assert officer_client.get(url).context["form"][f"score_{trainee.pk}"].initial == "85"


@pytest.mark.parametrize("bad", ["abc", "-3", "1e400"])
def test_a_bad_practical_score_writes_nothing(officer_client, practical, trainee, bad):
    other = EmployeeFactory()
    practical.people.add(other)
    url = reverse("exam_admin_practical", args=[practical.pk])
    response = officer_client.post(url, {f"score_{trainee.pk}": "70", f"score_{other.pk}": bad})
    assert response.status_code == 200
    assert "Nothing was saved." in _text(response)
    assert not PracticalScore.objects.exists() and not ExamResult.objects.exists()


def test_practical_scores_only_for_a_practical_exam(officer_client, exam):
    assert officer_client.get(reverse("exam_admin_practical", args=[exam.pk])).status_code == 404


def test_the_navigation_links_the_pages(officer_client, instructor_client, trainee_client):
    assert f'href="{LIST}"' in _text(officer_client.get(reverse("home")))
    grading = reverse("exam_grading_index")
    assert f'href="{grading}"' in _text(instructor_client.get(reverse("home")))
    assert "/exam-admin/" not in _text(trainee_client.get(reverse("home")))
