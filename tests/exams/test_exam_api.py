"""The exam API: CRUD, who sees which exams and which fields, overrides, extra time,
closing early, the grading queue, key corrections and practical scores; every endpoint
called by every role."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from core.models import AuditEntry
from exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    Exam,
    ExamOverride,
    PracticalScore,
    QuestionType,
)
from exams.services.attempts import attempt_start, attempt_submit
from tests.courses.factories import EnrollmentFactory, TrainingFactory
from tests.exams.factories import answer_everything_right, make_exam, make_paper
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ROLES = ["officer_api", "admin_api", "hr_api", "instructor_api", "trainee_api", "anon_api"]


@pytest.fixture
def setup(trainee, instructor):
    """A training taught by ``instructor`` with ``trainee`` and another candidate enrolled;
    its exam (the other candidate has sat it: an open answer awaits grading); an exam
    nobody started (to delete); a practical exam; an override for ``trainee``."""
    training = TrainingFactory()
    training.instructors.add(instructor)
    other = EmployeeFactory(name="Other candidate")
    for employee in (trainee, other):
        EnrollmentFactory(training=training, employee=employee)
    exam = make_exam(training=training)
    sat = attempt_start(employee=other, exam=exam).attempt
    answer_everything_right(sat, other.user)
    attempt_submit(attempt=sat)
    spare = make_exam(candidates=[trainee], title="Spare exam")
    practical = make_exam(training=training, kind="practical", title="Practical")
    ExamOverride.objects.create(exam=spare, employee=trainee, extra_minutes=5, reason="Injury")
    single = sat.questions.get(version__type=QuestionType.SINGLE)
    return {
        "training": training,
        "exam": exam,
        "spare": spare,
        "practical": practical,
        "other": other,
        "trainee": trainee,
        "version": single.version_id,
        "paper": exam.paper_id,
    }


def exam_body(s, **extra) -> dict:
    now = timezone.now()
    return {
        "title": "Hot work theory",
        "paper": s["paper"],
        "training": s["training"].pk,
        "opens_at": (now - datetime.timedelta(hours=1)).isoformat(),
        "closes_at": (now + datetime.timedelta(hours=3)).isoformat(),
        "duration_minutes": 45,
        **extra,
    }


def endpoints(s) -> list[tuple[str, str, str, object, dict]]:
    """(name, method, url, body, expected status per role)."""
    exam, spare, practical = s["exam"].pk, s["spare"].pk, s["practical"].pk
    trainee = s["trainee"].pk
    everyone = dict.fromkeys(ROLES[:-1], 200) | {"anon_api": 401}
    officers = {"officer_api": 200, "admin_api": 200, "hr_api": 403} | {
        "instructor_api": 403,
        "trainee_api": 403,
        "anon_api": 401,
    }
    return [
        ("list", "get", "/api/v1/exams/", None, everyone),
        ("detail", "get", f"/api/v1/exams/{exam}/", None, everyone),
        (
            "create",
            "post",
            "/api/v1/exams/",
            exam_body(s),
            officers | dict.fromkeys(["officer_api", "admin_api"], 201),
        ),
        ("put", "put", f"/api/v1/exams/{exam}/", exam_body(s, title="Renamed"), officers),
        ("patch", "patch", f"/api/v1/exams/{exam}/", {"pass_score": "70"}, officers),
        (
            "delete",
            "delete",
            f"/api/v1/exams/{spare}/",
            None,
            officers | {"officer_api": 204, "admin_api": 204},
        ),
        (
            "attempts list",
            "get",
            f"/api/v1/exams/{exam}/attempts/",
            None,
            officers | {"hr_api": 200},
        ),
        (
            "start",
            "post",
            f"/api/v1/exams/{exam}/attempts/",
            None,
            {
                "officer_api": 403,
                "admin_api": 404,  # holds every role but sits no exam
                "hr_api": 403,
                "instructor_api": 403,
                "trainee_api": 201,
                "anon_api": 401,
            },
        ),
        ("overrides", "get", f"/api/v1/exams/{spare}/overrides/", None, officers),
        (
            "override put",
            "put",
            f"/api/v1/exams/{exam}/overrides/{trainee}/",
            {"reason": "Broken arm", "extra_minutes": 15},
            officers,
        ),
        (
            "override delete",
            "delete",
            f"/api/v1/exams/{spare}/overrides/{trainee}/",
            None,
            officers | {"officer_api": 204, "admin_api": 204},
        ),
        (
            "extend",
            "post",
            f"/api/v1/exams/{exam}/extend/",
            {"minutes": 5, "reason": "Network down"},
            officers,
        ),
        ("close", "post", f"/api/v1/exams/{exam}/close/", {"reason": "Fire alarm"}, officers),
        (
            "grading",
            "get",
            f"/api/v1/exams/{exam}/grading/",
            None,
            officers | {"instructor_api": 200},
        ),
        (
            "correct key",
            "post",
            f"/api/v1/exams/{exam}/questions/{s['version']}/correct-key/",
            {"correct_positions": [0], "reason": "Typo in the key"},
            officers,
        ),
        (
            "practical scores",
            "put",
            f"/api/v1/exams/{practical}/practical-scores/",
            [{"employee": trainee, "score": "85"}],
            officers,
        ),
    ]


def _names():
    class Stub:
        pk = 1
        paper_id = 1

    stub = dict.fromkeys(["training", "exam", "spare", "practical", "trainee"], Stub)
    return [row[0] for row in endpoints(stub | {"version": 1, "paper": 1})]


def _state() -> tuple:
    return (
        list(Exam.objects.values_list("id", "title", "pass_score", "closed_early_at")),
        list(ExamOverride.objects.values_list("id", "extra_minutes")),
        list(Attempt.objects.values_list("id", "status", "deadline", "score")),
        list(PracticalScore.objects.values_list("id", "score")),
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", _names())
def test_every_endpoint_by_every_role(request, setup, role, name):
    _name, method, url, body, expected = next(r for r in endpoints(setup) if r[0] == name)
    before = _state()
    response = getattr(request.getfixturevalue(role), method)(url, body, format="json")
    assert response.status_code == expected[role], (role, name, response.content[:400])
    if expected[role] >= 400 and method != "get":
        assert _state() == before


def test_trainees_see_only_their_exams_without_other_peoples_settings(setup, trainee_api):
    stranger = make_exam(candidates=[EmployeeFactory()], title="Not yours")
    data = trainee_api.get("/api/v1/exams/").json()
    ids = {row["id"] for row in data["results"]}
    assert ids == {setup["exam"].pk, setup["spare"].pk}
    row = next(r for r in data["results"] if r["id"] == setup["exam"].pk)
    for hidden in (
        "people",
        "departments",
        "performance_bands",
        "reward_top_n",
        "anonymous_grading",
    ):
        assert hidden not in row
    assert row["paper"] == setup["paper"]
    assert row["eligibility"] == {
        "can_start": True,
        "reasons": [],
        "attempts_used": 0,
        "attempts_allowed": 1,
        "opens_at": row["opens_at"],
        "closes_at": row["closes_at"],
        "duration_minutes": 30,
        "in_progress_attempt": None,
    }
    spare = trainee_api.get(f"/api/v1/exams/{setup['spare'].pk}/").json()
    # The override gives this trainee five more minutes.
    assert spare["eligibility"]["duration_minutes"] == 35
    assert trainee_api.get(f"/api/v1/exams/{stranger.pk}/").status_code == 404
    assert trainee_api.post(f"/api/v1/exams/{stranger.pk}/attempts/").status_code == 404
    assert not Attempt.objects.filter(exam=stranger).exists()


def test_instructors_see_the_exams_of_trainings_they_teach(setup, instructor_api):
    elsewhere = make_exam(candidates=[EmployeeFactory()], title="Another training's exam")
    data = instructor_api.get("/api/v1/exams/").json()
    ids = {row["id"] for row in data["results"]}
    assert setup["exam"].pk in ids and elsewhere.pk not in ids
    row = next(r for r in data["results"] if r["id"] == setup["exam"].pk)
    assert "people" in row and "eligibility" not in row
    assert instructor_api.get(f"/api/v1/exams/{elsewhere.pk}/").status_code == 404
    assert instructor_api.get(f"/api/v1/exams/{elsewhere.pk}/grading/").status_code == 404


def test_officer_sees_every_field(setup, officer_api, hr_api):
    for client in (officer_api, hr_api):
        row = client.get(f"/api/v1/exams/{setup['exam'].pk}/").json()
        for name in (
            "id",
            "title",
            "paper",
            "training",
            "opens_at",
            "closes_at",
            "duration_minutes",
            "max_attempts",
            "pass_score",
            "shuffle_questions",
            "shuffle_options",
            "min_attendance_rate",
            "results_visible",
            "kind",
            "departments",
            "people",
            "attempt_counts",
            "multiple_scoring",
            "review_visible",
            "anonymous_grading",
            "reward_top_n",
            "performance_bands",
            "closed_early_at",
        ):
            assert name in row, name


def test_create_update_and_delete(setup, officer_api, trainee):
    body = exam_body(
        setup,
        people=[trainee.pk],
        results_visible="after_close",
        performance_bands=[[60, 2], [90, 5]],
        closed_early_at="2020-01-01T00:00:00Z",  # read-only: ignored
    )
    created = officer_api.post("/api/v1/exams/", body, format="json")
    assert created.status_code == 201, created.content
    data = created.json()
    exam = Exam.objects.get(pk=data["id"])
    assert exam.closed_early_at is None and exam.created_by_id is not None
    assert data["performance_bands"] == [[90.0, 5.0], [60.0, 2.0]]
    assert data["people"] == [trainee.pk]
    assert AuditEntry.objects.filter(action="exam.created").exists()
    patched = officer_api.patch(f"/api/v1/exams/{exam.pk}/", {"title": "New title"}, format="json")
    assert patched.status_code == 200
    exam.refresh_from_db()
    assert exam.title == "New title" and exam.results_visible == "after_close"
    assert list(exam.people.all()) == [trainee]
    assert officer_api.delete(f"/api/v1/exams/{exam.pk}/").status_code == 204
    assert not Exam.objects.filter(pk=exam.pk).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"closes_at": "2000-01-01T00:00:00Z"}, "closes_at"),
        ({"duration_minutes": 0}, "duration_minutes"),
        ({"paper": None}, "paper"),
        ({"training": None}, "people"),
        ({"results_visible": "sometimes"}, "results_visible"),
        ({"performance_bands": "lots"}, "performance_bands"),
        ({"paper": 999999}, "paper"),
    ],
)
def test_bad_exams_are_refused(setup, officer_api, change, field):
    count = Exam.objects.count()
    response = officer_api.post("/api/v1/exams/", exam_body(setup, **change), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert Exam.objects.count() == count


def test_an_exam_someone_sat_is_not_deleted_and_its_paper_is_kept(setup, officer_api):
    exam = setup["exam"]
    assert officer_api.delete(f"/api/v1/exams/{exam.pk}/").status_code == 400
    other_paper = make_paper()
    response = officer_api.patch(
        f"/api/v1/exams/{exam.pk}/", {"paper": other_paper.pk}, format="json"
    )
    assert response.status_code == 400 and "paper" in response.json()


def test_attempt_list_for_officer_and_hr(setup, officer_api, hr_api):
    for client in (officer_api, hr_api):
        data = client.get(f"/api/v1/exams/{setup['exam'].pk}/attempts/").json()
        assert data["count"] == 1
        (row,) = data["results"]
        other = setup["other"]
        assert row["employee"] == other.pk and row["employee_no"] == other.employee_no
        assert row["name"] == "Other candidate" and row["department"] == other.department.path
        assert row["number"] == 1 and row["status"] == AttemptStatus.SUBMITTED
        for name in (
            "started_at",
            "deadline",
            "submitted_at",
            "score",
            "passed",
            "duration_seconds",
        ):
            assert name in row


def test_attempt_list_closes_attempts_whose_time_is_up(setup, officer_api, trainee):
    attempt = attempt_start(employee=trainee, exam=setup["exam"]).attempt
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    data = officer_api.get(f"/api/v1/exams/{setup['exam'].pk}/attempts/?status=graded").json()
    assert attempt.pk in {row["id"] for row in data["results"]}
    assert Attempt.objects.get(pk=attempt.pk).close_reason == "deadline"


def test_overrides(setup, officer_api, trainee):
    exam = setup["exam"]
    url = f"/api/v1/exams/{exam.pk}/overrides/{trainee.pk}/"
    response = officer_api.put(url, {"extra_minutes": 20, "extra_attempts": 1}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    response = officer_api.put(
        url, {"reason": "Dyslexia", "extra_minutes": 20, "extra_attempts": 1}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["extra_minutes"] == 20 and response.json()["employee"] == trainee.pk
    override = ExamOverride.objects.get(exam=exam, employee=trainee)
    assert (override.extra_minutes, override.extra_attempts) == (20, 1)
    listed = officer_api.get(f"/api/v1/exams/{exam.pk}/overrides/").json()
    assert [row["employee"] for row in listed] == [trainee.pk]
    stranger = EmployeeFactory()
    response = officer_api.put(
        f"/api/v1/exams/{exam.pk}/overrides/{stranger.pk}/", {"reason": "x"}, format="json"
    )
    assert response.status_code == 400 and "employee" in response.json()
    assert (
        officer_api.put(
            f"/api/v1/exams/{exam.pk}/overrides/999999/", {"reason": "x"}, format="json"
        ).status_code
        == 404
    )
    assert officer_api.delete(url).status_code == 204
    assert officer_api.delete(url).status_code == 404
    assert not ExamOverride.objects.filter(exam=exam, employee=trainee).exists()


def test_extend_one_candidate_or_everyone(setup, officer_api, trainee):
    exam = setup["exam"]
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    url = f"/api/v1/exams/{exam.pk}/extend/"
    assert officer_api.post(url, {"minutes": 5}, format="json").status_code == 400
    assert officer_api.post(url, {"minutes": 0, "reason": "x"}, format="json").status_code == 400
    response = officer_api.post(
        url, {"minutes": 10, "reason": "Power cut", "employee": trainee.pk}, format="json"
    )
    assert response.status_code == 200 and response.json() == {"extended": 1}
    moved = Attempt.objects.get(pk=attempt.pk)
    assert moved.deadline == attempt.deadline + datetime.timedelta(minutes=10)
    response = officer_api.post(url, {"minutes": 5, "reason": "Network"}, format="json")
    assert response.json() == {"extended": 1}
    stranger = EmployeeFactory()
    response = officer_api.post(
        url, {"minutes": 5, "reason": "x", "employee": stranger.pk}, format="json"
    )
    assert response.status_code == 400 and "employee" in response.json()


def test_close_early(setup, officer_api, trainee):
    exam = setup["exam"]
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    url = f"/api/v1/exams/{exam.pk}/close/"
    assert officer_api.post(url, {}, format="json").status_code == 400
    response = officer_api.post(url, {"reason": "Fire alarm"}, format="json")
    assert response.status_code == 200
    assert response.json()["attempts_closed"] == 1 and response.json()["closed_early_at"]
    assert Attempt.objects.get(pk=attempt.pk).close_reason == "exam_closed"
    assert officer_api.post(url, {"reason": "Again"}, format="json").status_code == 409


def test_grading_queue_is_anonymous_and_grades(setup, officer_api, instructor_api):
    exam = setup["exam"]
    data = instructor_api.get(f"/api/v1/exams/{exam.pk}/grading/").json()
    (item,) = data["results"]
    assert data["questions"] == [{"question": item["question"], "pending": 1}]
    assert item["text"] == "My answer" and item["needs_grading"] is True
    body = str(data)
    other = setup["other"]
    for revealing in ("employee", "employee_no", "name"):
        assert revealing not in item
    assert other.name not in body and other.employee_no not in body
    attempt = Attempt.objects.get(exam=exam, employee=other)
    assert item["attempt"] != str(attempt.pk) and len(item["attempt"]) == 8
    url = f"/api/v1/answers/{item['id']}/grade/"
    assert instructor_api.put(url, {"score": "99", "comment": ""}, format="json").status_code == 400
    response = instructor_api.put(url, {"score": "1.5", "comment": "Half"}, format="json")
    assert response.status_code == 200 and response.json()["score"] == "1.50"
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.GRADED and attempt.score == Decimal("9.50")
    assert instructor_api.get(f"/api/v1/exams/{exam.pk}/grading/").json()["results"] == []
    graded = officer_api.get(f"/api/v1/exams/{exam.pk}/grading/?state=graded").json()
    assert graded["results"][0]["comment"] == "Half"
    assert officer_api.get(f"/api/v1/exams/{exam.pk}/grading/?state=bad").status_code == 400
    # Named when the exam says so.
    Exam.objects.filter(pk=exam.pk).update(anonymous_grading=False)
    named = officer_api.get(f"/api/v1/exams/{exam.pk}/grading/?state=all").json()["results"][0]
    assert named["name"] == "Other candidate" and named["employee_no"] == other.employee_no


def test_grading_refuses_strangers_and_objective_answers(setup, instructor_api, officer_api):
    exam = setup["exam"]
    objective = Answer.objects.filter(
        attempt__exam=exam, attempt_question__version__type=QuestionType.SINGLE
    ).get()
    assert (
        officer_api.put(
            f"/api/v1/answers/{objective.pk}/grade/", {"score": 0}, format="json"
        ).status_code
        == 404
    )
    elsewhere_candidate = EmployeeFactory()
    elsewhere = make_exam(candidates=[elsewhere_candidate])
    attempt = attempt_start(employee=elsewhere_candidate, exam=elsewhere).attempt
    answer_everything_right(attempt, elsewhere_candidate.user)
    attempt_submit(attempt=attempt)
    open_answer = Answer.objects.get(attempt=attempt, needs_grading=True)
    url = f"/api/v1/answers/{open_answer.pk}/grade/"
    assert instructor_api.put(url, {"score": 1}, format="json").status_code == 404
    assert officer_api.put(url, {"score": 1}, format="json").status_code == 200


def test_correct_key_regrades(setup, officer_api):
    exam = setup["exam"]
    attempt = Attempt.objects.get(exam=exam, employee=setup["other"])
    url = f"/api/v1/exams/{exam.pk}/questions/{setup['version']}/correct-key/"
    assert officer_api.post(url, {"correct_positions": [0]}, format="json").status_code == 400
    response = officer_api.post(
        url, {"correct_positions": [0], "reason": "The key was wrong"}, format="json"
    )
    assert response.status_code == 200
    assert response.json() == {
        "version": setup["version"],
        "answers_changed": 1,
        "attempts_changed": 1,
    }
    single = Answer.objects.get(attempt=attempt, attempt_question__version_id=setup["version"])
    assert single.score == 0
    assert AuditEntry.objects.filter(action="question.key_corrected").exists()
    # A version no attempt of this exam showed.
    unrelated = make_paper().items.first().question.current_version_id
    url = f"/api/v1/exams/{exam.pk}/questions/{unrelated}/correct-key/"
    assert (
        officer_api.post(url, {"correct_positions": [0], "reason": "x"}, format="json").status_code
        == 404
    )


def test_practical_scores(setup, officer_api, trainee):
    practical = setup["practical"]
    url = f"/api/v1/exams/{practical.pk}/practical-scores/"
    response = officer_api.put(
        url,
        [{"employee": trainee.pk, "score": "85"}, {"employee": setup["other"].pk, "score": "40"}],
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == [
        {"employee": trainee.pk, "score": "85.00", "passed": True},
        {"employee": setup["other"].pk, "score": "40.00", "passed": False},
    ]
    stranger = EmployeeFactory()
    before = list(PracticalScore.objects.values_list("employee_id", "score"))
    for body in (
        [{"employee": stranger.pk, "score": "50"}],
        [{"employee": 999999, "score": "50"}],
        [{"employee": trainee.pk, "score": "lots"}],
        {"employee": trainee.pk, "score": "50"},
    ):
        assert officer_api.put(url, body, format="json").status_code == 400, body
    assert list(PracticalScore.objects.values_list("employee_id", "score")) == before
    theory = f"/api/v1/exams/{setup['exam'].pk}/practical-scores/"
    assert (
        officer_api.put(theory, [{"employee": trainee.pk, "score": 1}], format="json").status_code
        == 409
    )


def test_a_candidates_exam_view_closes_an_attempt_whose_time_is_up(setup, trainee, trainee_api):
    exam = setup["exam"]
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    running = trainee_api.get(f"/api/v1/exams/{exam.pk}/").json()["eligibility"]
    assert running["in_progress_attempt"] == attempt.pk
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - datetime.timedelta(minutes=5)
    )
    eligibility = trainee_api.get(f"/api/v1/exams/{exam.pk}/").json()["eligibility"]
    assert eligibility["in_progress_attempt"] is None and eligibility["attempts_used"] == 1
    assert eligibility["can_start"] is False and eligibility["reasons"]
    assert Attempt.objects.get(pk=attempt.pk).close_reason == "deadline"
