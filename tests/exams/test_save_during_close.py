"""The answer graded is the answer stored (PostgreSQL, real threads): saves hammer an attempt
while the candidate hands it in, or while ``close_expired_attempts`` closes it at the
deadline, hundreds of times. Each save either lands before the close, and is graded, or is
refused with a conflict; none is stored beside a score computed without it, and none that was
acknowledged is lost.

SQLite runs one writer at a time (and the tests share one in-memory connection), so the race
cannot happen there; the service tests cover each path one after the other.
"""

import datetime
import itertools
import random
import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, connections

from core.errors import Conflict
from exams.models import Answer, AttemptQuestion, AttemptStatus, QuestionOption
from exams.services.attempts import (
    answer_save,
    attempt_start,
    attempt_submit,
    attempts_close_expired,
    save_grace,
)
from exams.services.papers import ItemSpec, paper_create
from tests.exams.factories import make_exam, make_questions
from tests.factories import EmployeeFactory

pytestmark = [
    pytest.mark.skipif(
        connection.vendor == "sqlite",
        reason="needs a database with row locks and several connections (PostgreSQL)",
    ),
    pytest.mark.django_db(transaction=True),
]

RUNS = 100  # per way of closing
SAVERS = 4
QUESTIONS = 6


class Saver(threading.Thread):
    """Saves random choices to random questions of one attempt until told to stop, numbering
    every save from one counter shared by the savers (so a later save always wins)."""

    def __init__(self, *, user, attempt_id, questions, sequence, now, stop, seed):
        super().__init__(daemon=True)
        self.args = user, attempt_id, questions, sequence, now
        self.stop, self.rng = stop, random.Random(seed)
        self.acknowledged: list[tuple[str, int, str]] = []  # (question, sequence, option)
        self.refused = 0
        self.errors: list[Exception] = []

    def run(self):
        user, attempt_id, questions, sequence, now = self.args
        try:
            while not self.stop.is_set():
                question, options = self.rng.choice(questions)
                option = self.rng.choice(options)
                number = next(sequence)
                try:
                    result = answer_save(
                        user=user,
                        attempt_id=attempt_id,
                        question=question,
                        selected=[option],
                        sequence=number,
                        now=now,
                    )
                except Conflict:
                    self.refused += 1
                    if self.refused > 3:
                        return
                    continue
                if result.saved:
                    self.acknowledged.append((question, number, option))
        except Exception as error:  # reported by the test
            self.errors.append(error)
        finally:
            connections.close_all()


@pytest.fixture
def exam():
    paper = paper_create(
        actor=None,
        title="Hammered",
        items=[ItemSpec(q, Decimal(1)) for q in make_questions(QUESTIONS, options=4)],
    )
    return make_exam(paper=paper, candidates=[EmployeeFactory() for _ in range(RUNS)])


def _run(exam, employee, how: str, seed: int) -> tuple[list[Saver], int]:
    rng = random.Random(seed)
    attempt = attempt_start(employee=employee, exam=exam).attempt
    questions = [(aq.key, aq.option_keys) for aq in AttemptQuestion.objects.filter(attempt=attempt)]
    within = attempt.started_at + datetime.timedelta(minutes=1)
    stop, sequence = threading.Event(), itertools.count(1)
    savers = [
        Saver(
            user=employee.user,
            attempt_id=attempt.pk,
            questions=questions,
            sequence=sequence,
            now=within,
            stop=stop,
            seed=seed * 10 + n,
        )
        for n in range(SAVERS)
    ]
    for saver in savers:
        saver.start()
    time.sleep(rng.uniform(0.002, 0.03))
    if how == "submit":
        attempt_submit(attempt=attempt, now=within)
    else:
        after = attempt.deadline + save_grace() + datetime.timedelta(seconds=1)
        assert attempts_close_expired(now=after, exam=exam).closed == 1
    time.sleep(0.01)
    stop.set()
    for saver in savers:
        saver.join(timeout=30)
    return savers, attempt.pk


def _problems(attempt_id: int, savers: list[Saver]) -> list[str]:
    correct = dict(QuestionOption.objects.values_list("pk", "correct"))
    problems = []
    latest: dict[str, int] = {}
    for saver in savers:
        problems += [f"error: {error!r}" for error in saver.errors]
        for question, number, _option in saver.acknowledged:
            latest[question] = max(latest.get(question, 0), number)
    answers = Answer.objects.filter(attempt_id=attempt_id).select_related("attempt_question")
    for answer in answers:
        aq = answer.attempt_question
        right = answer.selected == [pk for pk in aq.option_order if correct[pk]]
        if answer.score != (aq.points if right else 0):
            problems.append(f"{aq.key}: stored {answer.selected}, scored {answer.score}")
        if not answer.closed:
            problems.append(f"{aq.key}: not closed")
        if answer.sequence != latest.get(aq.key, 0):
            problems.append(
                f"{aq.key}: stored save {answer.sequence}, last acknowledged "
                f"{latest.get(aq.key, 0)}"
            )
    return problems


@pytest.mark.parametrize("how", ["submit", "deadline"])
def test_the_stored_answer_is_the_graded_answer(exam, how):
    candidates = list(exam.people.all())
    problems, acknowledged, refused = [], 0, 0
    for run, employee in enumerate(candidates):
        savers, attempt_id = _run(exam, employee, how, seed=run)
        problems += [f"run {run}: {p}" for p in _problems(attempt_id, savers)]
        acknowledged += sum(len(s.acknowledged) for s in savers)
        refused += sum(s.refused for s in savers)
    assert not problems, "\n".join(problems[:40])
    # The race was run: saves landed before the close and saves were refused after it.
    assert acknowledged > RUNS and refused >= RUNS, (acknowledged, refused)
    assert not exam.attempts.filter(status=AttemptStatus.IN_PROGRESS).exists()
