"""Exam result pages: the index, the ranking with the reward list and the sheet download,
the statistics with inline SVG. Wiring, permissions and query counts."""

import io
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from core.excel import XLSX_CONTENT_TYPE
from exams.models import ExamResult
from tests.courses.factories import SessionFactory, TrainingFactory, at, bulk_trainees
from tests.exams.factories import make_exam
from tests.exams.test_results import PAST, T0, add_result, attend_everything, training_with_trainees
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

PAGES = ["exam_ranking", "exam_performance_sheet", "exam_statistics"]


@pytest.fixture
def exam(instructor):
    training, sessions, trainees = training_with_trainees(3)
    training.instructors.add(instructor)
    exam = make_exam(training=training, reward_top_n=1, title="Safety production knowledge exam")
    add_result(exam, trainees[0], 70, duration=800)
    add_result(exam, trainees[1], 95, duration=905)
    attend_everything(sessions, [trainees[0]])
    return exam


def test_index_lists_exams_for_officer_and_hr(officer_client, hr_client, exam):
    for client in (officer_client, hr_client):
        text = client.get(reverse("exam_results_index")).content.decode()
        assert "Safety production knowledge exam" in text
        assert reverse("exam_ranking", args=[exam.pk]) in text
        assert reverse("exam_statistics", args=[exam.pk]) in text


def test_nav_links_to_results_for_hr_only(hr_client, trainee_client):
    assert reverse("exam_results_index") in hr_client.get(reverse("home")).content.decode()
    assert reverse("exam_results_index") not in trainee_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("role_client", ["trainee_client", "instructor_client"])
def test_index_403_for_others(request, role_client):
    assert (
        request.getfixturevalue(role_client).get(reverse("exam_results_index")).status_code == 403
    )


@pytest.mark.parametrize("name", [*PAGES, "exam_results_index"])
def test_anonymous_goes_to_login(client, exam, name):
    target = reverse(name) if name == "exam_results_index" else reverse(name, args=[exam.pk])
    response = client.get(target)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("name", PAGES)
def test_trainee_gets_403(trainee_client, exam, name):
    response = trainee_client.get(reverse(name, args=[exam.pk]))
    assert response.status_code == 403
    assert "T001" not in response.content.decode()  # nobody's result


@pytest.mark.parametrize("name", PAGES)
def test_officer_and_hr_get_every_page_and_404_for_a_missing_exam(
    officer_client, hr_client, exam, name
):
    for client in (officer_client, hr_client):
        assert client.get(reverse(name, args=[exam.pk])).status_code == 200
        assert client.get(reverse(name, args=[exam.pk + 999])).status_code == 404


def test_instructor_sees_statistics_of_their_training_only(instructor_client, exam):
    assert instructor_client.get(reverse("exam_ranking", args=[exam.pk])).status_code == 403
    assert instructor_client.get(reverse("exam_statistics", args=[exam.pk])).status_code == 200
    other = make_exam(candidates=[EmployeeFactory()])
    assert instructor_client.get(reverse("exam_statistics", args=[other.pk])).status_code == 403


def test_ranking_page(hr_client, exam):
    text = hr_client.get(reverse("exam_ranking", args=[exam.pk])).content.decode()
    assert "an equal score goes to the shorter time taken" in text  # the tie rule
    assert "Top 1" in text and "15:05" in text  # 905 s
    assert reverse("exam_performance_sheet", args=[exam.pk]) in text
    assert 'id="reward-list"' in text and "Full attendance" in text
    assert "Reward list: 2 people" in text


def test_ranking_by_department(hr_client):
    north, south = DepartmentFactory(name="North crew"), DepartmentFactory(name="South crew")
    a, b = (
        EmployeeFactory(department=north, name="甲"),
        EmployeeFactory(department=south, name="乙"),
    )
    exam = make_exam(candidates=[a, b])
    add_result(exam, a, 60)
    add_result(exam, b, 90)
    text = hr_client.get(reverse("exam_ranking", args=[exam.pk]), {"by": "department"}).content
    text = text.decode()
    assert "Ranking by department" in text
    assert text.index("North crew") < text.index("甲") < text.index("South crew") < text.index("乙")
    partial = hr_client.get(
        reverse("exam_ranking", args=[exam.pk]),
        {"by": "department"},
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "<html" not in partial and "甲" in partial


def test_sheet_download(hr_client, exam):
    response = hr_client.get(reverse("exam_performance_sheet", args=[exam.pk]))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [(row[0], row[4]) for row in rows[1:]] == [("T001", 1), ("T000", 2), ("T002", None)]


def test_statistics_page_with_inline_svg(officer_client, exam):
    text = officer_client.get(reverse("exam_statistics", args=[exam.pk])).content.decode()
    assert "<svg" in text and "&lt;svg" not in text
    assert "upper-lower 27% groups" in text
    assert "66.7%" in text and "100.0%" in text  # participation, pass rate
    # No chart library, nothing from another site: the only script is the page's htmx.
    scripts = re.findall(r'<script src="([^"]+)"', text)
    assert len(scripts) == 1 and "htmx" in scripts[0] and scripts[0].startswith("/static/")
    assert re.findall(r'(?:src|href)="(https?:[^"]*)"', text) == []


def _ranking_page_queries(client, count: int) -> int:
    department = DepartmentFactory(name=f"Crew {count}")
    training = TrainingFactory(starts_on=PAST, ends_on=PAST)
    SessionFactory(training=training, starts_at=at(PAST, 9), ends_at=at(PAST, 11))
    employees = bulk_trainees(count, department, training, prefix=f"G{count}-")
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
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("exam_ranking", args=[exam.pk])).status_code == 200
    return len(queries)


def test_ranking_page_queries_do_not_grow(hr_client):
    hr_client.get(reverse("home"))
    assert _ranking_page_queries(hr_client, 10) == _ranking_page_queries(hr_client, 100)
