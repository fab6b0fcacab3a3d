"""Two submissions of the same answer at the same moment store one response.

The real race needs two connections that block on each other's row lock, which SQLite (one
writer per file, tests sharing one in-memory connection) cannot show; the lock and constraint
paths are tested one after the other in test_questionnaire_services.py. Here, on PostgreSQL,
two threads submit at once.
"""

import threading

import pytest
from django.db import connection, connections

from core.errors import Conflict
from courses.models import Response
from courses.services.questionnaires import response_submit
from tests.courses.test_questionnaire_support import (
    full_answers,
    make_small_questionnaire,
    make_trainees,
    make_training,
)


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="needs a database with row locks and several connections (PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("anonymous", [False, True])
def test_concurrent_double_submit_stores_one_response(anonymous):
    (trainee,) = make_trainees(1)
    questionnaire = make_small_questionnaire(make_training(trainees=[trainee]), anonymous=anonymous)
    answers = full_answers(questionnaire)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def submit():
        try:
            barrier.wait(timeout=10)
            response_submit(questionnaire=questionnaire, employee=trainee, answers=answers)
            outcomes.append("stored")
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "stored"]
    assert Response.objects.filter(questionnaire=questionnaire).count() == 1
