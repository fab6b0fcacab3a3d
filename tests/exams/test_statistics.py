"""Exam statistics (exams.selectors.statistics) on a small example computed by hand, and the
SVG charts (exams.charts)."""

import math
import random
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from exams.charts import facility_bars_svg, score_histogram_svg
from exams.models import AttemptQuestion
from exams.selectors.papers import RuleSpec
from exams.selectors.statistics import (
    HistogramBin,
    cronbach_alpha,
    discrimination_groups,
    exam_statistics,
    score_histogram,
)
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.papers import paper_create
from tests.exams.factories import category, make_exam, make_paper, make_questions, save_by_bank_ids
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

# Who got which of the four one-point questions right (1) or wrong (0):
PATTERNS = [
    [1, 1, 1, 1],  # total 4
    [1, 1, 1, 0],  # 3
    [1, 1, 0, 0],  # 2
    [1, 0, 0, 1],  # 2
    [0, 0, 0, 1],  # 1
]


def sit(exam, employee, rights: list[int]) -> None:
    """Start, answer each question right (its correct option) or wrong, submit."""
    attempt = attempt_start(employee=employee, exam=exam).attempt
    questions = attempt.questions.select_related("version").prefetch_related("version__options")
    for aq, right in zip(questions.order_by("position"), rights, strict=True):
        option = next(o for o in aq.version.options.all() if o.correct == bool(right))
        save_by_bank_ids(
            user=employee.user,
            attempt_id=attempt.pk,
            question_id=aq.question_id_shown,
            selected=[option.pk],
        )
    attempt_submit(attempt=attempt)


@pytest.fixture
def example():
    """Fire safety: questions 1 and 2; electrical safety: 3 and 4. Five candidates sit as in
    PATTERNS, a sixth may sit but does not. Pass score 2 of 4."""
    fire = make_questions(2, "Fire safety")
    electrical = make_questions(2, "Electrical safety")
    questions = fire + electrical
    people = [EmployeeFactory() for _ in range(6)]
    exam = make_exam(
        paper=make_paper(questions=questions, points=1), candidates=people, pass_score=2
    )
    for person, pattern in zip(people, PATTERNS, strict=False):
        sit(exam, person, pattern)
    return exam, questions


def test_figures_of_the_hand_computed_example(example):
    exam, _questions = example
    figures = exam_statistics(exam=exam)
    assert (figures.eligible, figures.sat, figures.graded, figures.passed) == (6, 5, 5, 4)
    assert figures.participation_rate == 83.3  # 5 of 6
    assert figures.pass_rate == 80.0  # 4 of 5
    assert figures.mean_score == 2.4
    assert figures.median_score == 2
    assert figures.std_dev == round(math.sqrt(1.04), 2)  # population: 5.2 / 5
    assert figures.max_score == 4
    # Ten bins of 0.4: 1 -> [0.8, 1.2), 2 and 2 -> [2.0, 2.4), 3 -> [2.8, 3.2), 4 -> last.
    assert [b.count for b in figures.histogram] == [0, 0, 1, 0, 0, 2, 0, 1, 0, 1]
    assert (figures.histogram[5].start, figures.histogram[5].end) == (2.0, 2.4)


def test_items_facility_discrimination_and_alpha(example):
    exam, questions = example
    figures = exam_statistics(exam=exam)
    assert [item.question for item in figures.items] == [q.pk for q in questions]
    assert [item.facility for item in figures.items] == [0.8, 0.6, 0.4, 0.6]
    # Five attempts: the upper and lower 27 % are one attempt each (totals 4 and 1).
    assert figures.group_size == 1
    assert [item.discrimination for item in figures.items] == [1.0, 1.0, 1.0, 0.0]
    assert figures.items[3].flags == ["low_discrimination"]
    assert all(not item.flags for item in figures.items[:3])
    assert [item.wrong for item in figures.items] == [1, 2, 3, 2]
    # Item variances .16 + .24 + .24 + .24 = .88; variance of the totals 1.04;
    # alpha = 4/3 * (1 - .88/1.04) = 0.205.
    assert figures.cronbach_alpha == 0.205
    assert figures.alpha_items == 4


def test_weak_areas_worst_first_with_most_missed_questions(example):
    exam, questions = example
    areas = exam_statistics(exam=exam).weak_areas
    assert [(a.category, a.wrong, a.answers, a.wrong_rate) for a in areas] == [
        ("Electrical safety", 5, 10, 0.5),
        ("Fire safety", 3, 10, 0.3),
    ]
    assert [q.question for q in areas[0].questions] == [questions[2].pk, questions[3].pk]
    assert [q.question for q in areas[1].questions] == [questions[1].pk, questions[0].pk]


def test_statistics_queries_do_not_grow_with_candidates(example):
    exam, _questions = example
    with CaptureQueriesContext(connection) as queries:
        exam_statistics(exam=exam)
    assert len(queries) <= 8


def test_an_exam_nobody_sat():
    exam = make_exam(candidates=[EmployeeFactory()])
    figures = exam_statistics(exam=exam)
    assert (figures.eligible, figures.sat, figures.participation_rate) == (1, 0, 0.0)
    assert figures.pass_rate is None and figures.mean_score is None and figures.std_dev is None
    assert figures.items == [] and figures.cronbach_alpha is None and figures.weak_areas == []
    assert "two graded attempts" in figures.alpha_note


def test_random_paper_alpha_over_common_questions_or_none_with_reason():
    pool = category("Hazardous chemicals")
    make_questions(8, "Hazardous chemicals")
    paper = paper_create(
        actor=None, title="Random", rules=[RuleSpec(category=pool, count=2, points=Decimal(5))]
    )
    people = [EmployeeFactory() for _ in range(4)]
    exam = make_exam(paper=paper, candidates=people)
    for seed, person in enumerate(people):
        attempt = attempt_start(employee=person, exam=exam, rng=random.Random(seed)).attempt
        attempt_submit(attempt=attempt)
    drawn = [
        set(
            AttemptQuestion.objects.filter(attempt__employee=p).values_list(
                "question_id_shown", flat=True
            )
        )
        for p in people
    ]
    common = set.intersection(*drawn)
    figures = exam_statistics(exam=exam)
    assert figures.alpha_items == len(common)
    assert len(figures.items) == len(set.union(*drawn))
    assert all(item.answered == sum(item.question in d for d in drawn) for item in figures.items)
    assert len(common) < 2  # two of eight drawn for each of four: (almost) never shared
    assert figures.cronbach_alpha is None and "random paper" in figures.alpha_note


def test_pure_helpers():
    assert discrimination_groups([]) == ([], [])
    assert discrimination_groups([7]) == ([], [])
    ordered = list(range(10))
    assert discrimination_groups(ordered) == ([0, 1, 2], [7, 8, 9])
    assert cronbach_alpha([[1, 1], [1, 1]]) is None  # equal totals
    assert cronbach_alpha([[1], [0]]) is None  # one item
    matrix = [[1, 1, 1, 1], [1, 1, 1, 0], [1, 1, 0, 0], [1, 0, 0, 1], [0, 0, 0, 1]]
    assert round(cronbach_alpha(matrix), 6) == round(4 / 3 * (1 - 0.88 / 1.04), 6)
    bins = score_histogram([0, 59.9, 60, 100, 120], 100)
    assert [b.count for b in bins] == [1, 0, 0, 0, 0, 1, 1, 0, 0, 2]


def test_charts_are_svg_with_escaped_text(example):
    exam, _questions = example
    figures = exam_statistics(exam=exam)
    svg = score_histogram_svg(figures.histogram, pass_score=2, max_score=4)
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert svg.count("<rect") == 10 and "Pass 2" in svg
    bars = facility_bars_svg(figures.items)
    assert bars.count("<rect") == 4 and "#c0562b" in bars  # the poor item in its colour
    assert "<script" not in svg + bars and "http://" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    hostile = [HistogramBin(0, 1, 1)]
    item = figures.items[0]
    item.question = '<script>alert("x")</script>'
    assert "<script>" not in score_histogram_svg(hostile) + facility_bars_svg([item])
    assert "&lt;script&gt;" in facility_bars_svg([item])
