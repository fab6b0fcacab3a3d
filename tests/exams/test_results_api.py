"""API of rankings, the performance sheet, the reward list and statistics: wiring,
permissions per role, bad input and query counts."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.excel import XLSX_CONTENT_TYPE
from exams.models import ExamResult
from tests.courses.factories import SessionFactory, TrainingFactory, at, bulk_trainees
from tests.exams.factories import make_exam
from tests.exams.test_results import PAST, T0, add_result, attend_everything, training_with_trainees
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

ENDPOINTS = ["ranking/", "ranking.xlsx", "reward-list/", "statistics/"]


@pytest.fixture
def exam(instructor):
    """A training of three taught by ``instructor``; two sat, T000 with full attendance."""
    training, sessions, trainees = training_with_trainees(3)
    training.instructors.add(instructor)
    exam = make_exam(training=training, reward_top_n=1)
    add_result(exam, trainees[0], 70, duration=800)
    add_result(exam, trainees[1], 95, duration=900)
    attend_everything(sessions, [trainees[0]])
    return exam


def url(exam_id: int, endpoint: str) -> str:
    return f"/api/v1/exams/{exam_id}/{endpoint}"


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_anonymous_401_trainee_403(anon_api, trainee_api, exam, endpoint):
    assert anon_api.get(url(exam.pk, endpoint)).status_code == 401
    response = trainee_api.get(url(exam.pk, endpoint))
    assert response.status_code == 403
    assert b"T001" not in response.content  # nobody's result


@pytest.mark.parametrize("endpoint", ["ranking/", "ranking.xlsx", "reward-list/"])
def test_instructor_403_for_rankings(instructor_api, exam, endpoint):
    assert instructor_api.get(url(exam.pk, endpoint)).status_code == 403


def test_instructor_reads_statistics_only_of_exams_they_teach(instructor_api, exam):
    assert instructor_api.get(url(exam.pk, "statistics/")).status_code == 200
    other = make_exam(candidates=[EmployeeFactory()])
    assert instructor_api.get(url(other.pk, "statistics/")).status_code == 403


@pytest.mark.parametrize("client_name", ["officer_api", "hr_api", "admin_api"])
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_officer_hr_and_admin_read_everything(request, exam, client_name, endpoint):
    client = request.getfixturevalue(client_name)
    assert client.get(url(exam.pk, endpoint)).status_code == 200
    assert client.get(url(exam.pk + 999, endpoint)).status_code == 404


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_hr_may_not_write(hr_api, exam, endpoint):
    assert hr_api.post(url(exam.pk, endpoint), {}).status_code == 405
    assert ExamResult.objects.filter(exam=exam).count() == 2


def test_ranking_rows(hr_api, exam):
    body = hr_api.get(url(exam.pk, "ranking/")).json()
    assert body["count"] == 2 and "shorter time" in body["tie_rule"]
    first, second = body["results"]
    assert first["rank"] == 1 and first["score"] == 95.0 and first["employee_no"] == "T001"
    assert set(first) >= {
        "rank",
        "employee",
        "employee_no",
        "name",
        "department",
        "score",
        "passed",
        "duration_seconds",
        "full_attendance",
        "reward",
    }
    assert (first["reward"], first["reward_reason"], first["full_attendance"]) == (
        True,
        "top_scorer",
        False,
    )
    assert (second["rank"], second["reward_reason"], second["duration_seconds"]) == (
        2,
        "full_attendance",
        800,
    )


def test_ranking_limit_and_department(officer_api):
    north, south = DepartmentFactory(name="North"), DepartmentFactory(name="South")
    people = [EmployeeFactory(department=north if n % 2 else south) for n in range(6)]
    exam = make_exam(candidates=people, reward_top_n=1)
    for n, person in enumerate(people):
        add_result(exam, person, 90 - n)
    top = officer_api.get(url(exam.pk, "ranking/"), {"limit": 2}).json()
    assert [r["rank"] for r in top["results"]] == [1, 2] and "count" not in top
    body = officer_api.get(url(exam.pk, "ranking/"), {"department": north.pk}).json()
    assert [(r["employee"], r["rank"]) for r in body["results"]] == [
        (people[1].pk, 1),
        (people[3].pk, 2),
        (people[5].pk, 3),
    ]
    # The reward follows the overall rank: first in North is second overall, no reward.
    assert not any(r["reward"] for r in body["results"])
    paged = officer_api.get(url(exam.pk, "ranking/"), {"page_size": 4, "page": 2}).json()
    assert [r["rank"] for r in paged["results"]] == [5, 6]


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": "x"}, {"limit": 501}, {"department": "x"}, {"department": 99999}],
)
def test_ranking_bad_query_is_400(officer_api, exam, params):
    response = officer_api.get(url(exam.pk, "ranking/"), params)
    assert response.status_code == 400
    assert set(response.json()) <= {"limit", "department"}


def test_sheet_download_opens_with_the_right_rank(hr_api, exam):
    response = hr_api.get(url(exam.pk, "ranking.xlsx"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    ranks = {row[0]: row[4] for row in rows[1:]}
    assert ranks == {"T001": 1, "T000": 2, "T002": None}


def test_sheet_errors_are_json_whatever_the_accept_header(trainee_api, exam):
    response = trainee_api.get(url(exam.pk, "ranking.xlsx"), HTTP_ACCEPT=XLSX_CONTENT_TYPE)
    assert response.status_code == 403 and response["Content-Type"] == "application/json"


def test_reward_list(hr_api, exam):
    body = hr_api.get(url(exam.pk, "reward-list/")).json()
    assert body["top_n"] == 1 and "full attendance" in body["rule"]
    assert [(r["employee_no"], r["rank"], r["reason"]) for r in body["results"]] == [
        ("T001", 1, "top_scorer"),
        ("T000", None, "full_attendance"),
    ]


def test_statistics_shape(officer_api, exam):
    body = officer_api.get(url(exam.pk, "statistics/")).json()
    assert (body["eligible"], body["sat"], body["passed"]) == (3, 2, 2)
    assert body["participation_rate"] == 66.7 and body["pass_rate"] == 100.0
    assert body["mean_score"] == 82.5 and body["median_score"] == 82.5
    assert body["std_dev"] == 12.5 and body["std_dev_kind"] == "population"
    assert len(body["histogram"]) == 10 and set(body["histogram"][0]) == {"from", "to", "count"}
    assert sum(b["count"] for b in body["histogram"]) == 2
    assert body["discrimination_method"] == "upper_lower_27"
    for key in ("items", "cronbach_alpha", "weak_areas", "alpha_note"):
        assert key in body


def _ranking_queries(api, count: int) -> int:
    department = DepartmentFactory(name=f"Crew {count}")
    training = TrainingFactory(starts_on=PAST, ends_on=PAST)
    SessionFactory(training=training, starts_at=at(PAST, 9), ends_at=at(PAST, 11))
    employees = bulk_trainees(count, department, training, prefix=f"R{count}-")
    exam = make_exam(training=training)
    ExamResult.objects.bulk_create(
        ExamResult(
            exam=exam,
            employee=e,
            department=department,
            score=Decimal(n % 100),
            passed=True,
            duration_seconds=n,
            submitted_at=T0,
        )
        for n, e in enumerate(employees)
    )
    api.get(url(exam.pk, "ranking/"))  # the caller's roles are read once, then kept
    counts = []
    for endpoint in ("ranking/?page_size=500", "ranking.xlsx", "reward-list/"):
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url(exam.pk, endpoint)).status_code == 200
        counts.append(len(queries))
    return counts


def test_query_counts_do_not_grow_with_results(officer_api):
    assert _ranking_queries(officer_api, 10) == _ranking_queries(officer_api, 100)
