"""Races through the API, with real threads on PostgreSQL: twenty simultaneous starts give one
attempt, two simultaneous submits grade once.

SQLite (one writer per file, tests sharing one in-memory connection) cannot show the race;
the service tests cover each path one after the other there.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from core.models import AuditEntry
from exams.models import Attempt, ExamResult
from exams.services.papers import ItemSpec, paper_create
from tests.exams.factories import make_exam, make_questions

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="needs a database with row locks and several connections (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]


def _together(count: int, call) -> list:
    """Run ``call`` in ``count`` threads released at the same moment; their results."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index):
        try:
            barrier.wait(timeout=10)
            results[index] = call()
        except Exception as error:  # reported by the assertions below
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def _client(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def test_twenty_simultaneous_starts_give_one_attempt(trainee):
    exam = make_exam(candidates=[trainee])

    def start():
        response = _client(trainee.user).post(f"/api/v1/exams/{exam.pk}/attempts/")
        return response.status_code, response.json().get("id")

    results = _together(20, start)
    assert all(isinstance(r, tuple) for r in results), results
    statuses = sorted(status for status, _id in results)
    assert statuses == [200] * 19 + [201], statuses
    assert len({attempt_id for _status, attempt_id in results}) == 1
    assert Attempt.objects.filter(exam=exam, employee=trainee).count() == 1


def test_two_simultaneous_submits_grade_once(trainee):
    paper = paper_create(
        actor=None, title="Objective", items=[ItemSpec(q, Decimal(5)) for q in make_questions(4)]
    )
    exam = make_exam(candidates=[trainee], paper=paper)
    started = _client(trainee.user).post(f"/api/v1/exams/{exam.pk}/attempts/").json()
    for shown in started["questions"]:
        _client(trainee.user).put(
            f"/api/v1/attempts/{started['id']}/answers/{shown['id']}/",
            {"selected": [shown["options"][0]["id"]]},
            format="json",
        )

    def submit():
        response = _client(trainee.user).post(f"/api/v1/attempts/{started['id']}/submit/")
        return response.status_code, response.json()

    results = _together(2, submit)
    assert all(isinstance(r, tuple) for r in results), results
    (first_status, first), (second_status, second) = results
    assert first_status == second_status == 200
    assert first == second and first["status"] == "graded"
    attempt = Attempt.objects.get(pk=started["id"])
    assert (
        AuditEntry.objects.filter(action="attempt.closed", target_id=str(attempt.pk)).count() == 1
    )
    assert ExamResult.objects.filter(exam=exam, employee=trainee).count() == 1
