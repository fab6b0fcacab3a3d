"""A bot that knows nothing scores no better than chance: what a candidate is shown (the
attempt's identifiers and the order of the options) carries nothing about the key.

The demo bank is written the way safety offices write theirs and imports keep: the right
option first, so the lowest option id of the bank is the right one in 85 of its 93
single-choice questions. Blind strategies play the demo's fixed paper over many attempts:
the lowest identifier shown, the highest, the first option shown and the last (and for a
multiple-choice question the three lowest, highest, first or last). Each strategy's score
is compared with what guessing at random earns on the same questions, worked out exactly
per question (a single choice among n options: 1/n; k options of n where k are right: one
chance in C(n, k); all or nothing), with a margin of four standard deviations of that
guess, at least two points of the paper's hundred.

A few attempts go the whole way (answers saved and handed in through the API): the score
the server grades matches the score counted here, so the count is the real one.
"""

import math
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management.base import OutputWrapper
from rest_framework.test import APIClient

from core.roles import Role
from exams.api.attempt_payloads import attempt_payload
from exams.demo import FIXED_PAPER_TITLE, seed_exams
from exams.models import AttemptQuestion, Paper, QuestionOption, QuestionType
from exams.services.attempts import attempt_start
from people.demo import SeedContext, seed_people
from tests.exams.factories import make_exam
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

ATTEMPTS = 120  # attempts read by the strategies (each strategy plays every one)
PLAYED = 2  # attempts per strategy saved and handed in through the API
CHOICE = {QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE}


def _lowest(options: list[str], count: int) -> list[str]:
    return sorted(options)[:count]


def _highest(options: list[str], count: int) -> list[str]:
    return sorted(options)[-count:]


def _first(options: list[str], count: int) -> list[str]:
    return options[:count]


def _last(options: list[str], count: int) -> list[str]:
    return options[-count:]


STRATEGIES = {"lowest id": _lowest, "highest id": _highest, "first shown": _first}
STRATEGIES["last shown"] = _last


def _picks(question: dict, strategy) -> list[str]:
    """The strategy's choice from what the candidate sees of one question: its type and the
    option identifiers in the order shown."""
    shown = [option["id"] for option in question["options"]]
    count = 3 if question["type"] == QuestionType.MULTIPLE else 1
    return strategy(shown, min(count, len(shown)))


@pytest.fixture
def demo_exam():
    context = SeedContext(stdout=OutputWrapper(StringIO()))
    seed_people(context)
    seed_exams(context)
    paper = Paper.objects.get(title=FIXED_PAPER_TITLE)
    candidates = [EmployeeFactory(roles=[Role.TRAINEE]) for _ in range(ATTEMPTS)]
    # The demo exam's own settings (exams/demo_exam.py): options shuffled, questions not.
    exam = make_exam(candidates=candidates, paper=paper, shuffle_options=True, max_attempts=1)
    return exam, candidates


def _key(attempt_id: int) -> dict[str, tuple[Decimal, set[str], int]]:
    """Per question shown: (points, the right option identifiers, how many options)."""
    correct = dict(QuestionOption.objects.values_list("pk", "correct"))
    key = {}
    for aq in AttemptQuestion.objects.filter(attempt_id=attempt_id):
        right = {k for pk, k in zip(aq.option_order, aq.option_keys, strict=True) if correct[pk]}
        key[aq.key] = (aq.points, right, len(aq.option_keys))
    return key


def _chance(points: Decimal, right: set[str], options: int, picked: int) -> float:
    """The probability that ``picked`` options drawn at random are exactly the right ones."""
    if picked != len(right):
        return 0.0
    return 1 / math.comb(options, picked)


def test_blind_strategies_score_no_better_than_chance(demo_exam):
    exam, candidates = demo_exam
    scored = dict.fromkeys(STRATEGIES, 0.0)
    expected = dict.fromkeys(STRATEGIES, 0.0)
    variance = dict.fromkeys(STRATEGIES, 0.0)
    for candidate in candidates:
        attempt = attempt_start(employee=candidate, exam=exam).attempt
        seen = attempt_payload(attempt, show_results=False, with_key=False)
        key = _key(attempt.pk)
        for question in seen["questions"]:
            if question["type"] not in CHOICE:
                continue
            points, right, options = key[question["id"]]
            for name, strategy in STRATEGIES.items():
                picks = _picks(question, strategy)
                p = _chance(points, right, options, len(picks))
                scored[name] += float(points) if set(picks) == right else 0.0
                expected[name] += float(points) * p
                variance[name] += float(points) ** 2 * p * (1 - p)
    for name in STRATEGIES:
        mean, chance = scored[name] / ATTEMPTS, expected[name] / ATTEMPTS
        margin = max(4 * math.sqrt(variance[name]) / ATTEMPTS, 2.0)
        assert mean <= chance + margin, (
            f"{name}: {mean:.1f} points of 100 on average; chance gives {chance:.1f}"
        )


def test_the_count_is_the_servers_grade(demo_exam):
    """Blind answers saved and handed in through the API: the server's score is the score the
    strategies are credited with above."""
    exam, candidates = demo_exam
    exam.results_visible = "immediately"
    exam.save(update_fields=["results_visible"])
    players = iter(candidates)
    for strategy in STRATEGIES.values():
        for _ in range(PLAYED):
            client = APIClient()
            client.force_authenticate(next(players).user)
            started = client.post(f"/api/v1/exams/{exam.pk}/attempts/").json()
            key = _key(started["id"])
            counted = Decimal(0)
            for question in started["questions"]:
                if question["type"] not in CHOICE:
                    continue
                picks = _picks(question, strategy)
                url = f"/api/v1/attempts/{started['id']}/answers/{question['id']}/"
                saved = client.put(url, {"selected": picks}, format="json")
                assert saved.status_code == 200, saved.json()
                points, right, _options = key[question["id"]]
                counted += points if set(picks) == right else 0
            result = client.post(f"/api/v1/attempts/{started['id']}/submit/").json()
            # The two open answers were left empty: nothing waits for a grader.
            assert result["status"] == "graded"
            assert Decimal(result["score"]) == counted
