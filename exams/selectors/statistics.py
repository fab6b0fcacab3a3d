"""An exam's figures and item analysis, for the safety officer's summary and HR.

Who counts: ``eligible`` is everyone who may sit the exam; ``sat`` everyone with a
submitted or graded attempt, or a result (a practical score); rates are percentages with one
decimal (participation, the "reference rate" = sat / eligible; pass rate = passed / sat).
Score figures (mean, median, standard deviation, histogram) read the result that counts per
candidate (``ExamResult``). The standard deviation is the **population** one (divided by
n): the candidates are the whole group, not a sample of it.

Item analysis reads the counted attempts only (``ExamResult.attempt``), per question (the
question's id, across its versions):

- **facility index**: the mean fraction of the question's points earned (0 to 1; 1 = everyone
  right);
- **discrimination index** by the **upper-lower 27 % method**: counted attempts ordered by
  score, the top 27 % and the bottom 27 % (at least one each, rounded), and D = mean fraction
  earned in the upper group - the same in the lower group (-1 to 1). Below 0.2 the question
  separates strong from weak candidates poorly;
- **Cronbach's alpha** over the questions every counted attempt had (the whole paper for a
  fixed paper; for a random paper the questions common to all attempts, and None with the
  reason when fewer than two are);
- **weak knowledge areas**: per question category, the share of wrong answers (fewer points
  than the question's), worst first, each with its most-missed questions.

Item scores are loaded in a few queries and computed in Python: one exam has hundreds of
candidates, not millions.
"""

import statistics as stats
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exams.models import Answer, Attempt, AttemptStatus, Exam, ExamResult, Question
from exams.selectors.exams import exam_candidates

HISTOGRAM_BINS = 10
GROUP_SHARE = 0.27  # upper and lower groups of the discrimination index
MOST_MISSED_PER_AREA = 3
# Item flags: thresholds of common practice in classroom test analysis.
HARD_BELOW = 0.3
EASY_ABOVE = 0.9
LOW_DISCRIMINATION_BELOW = 0.2

ITEM_FLAGS = {
    "hard": gettext_lazy("very hard"),
    "easy": gettext_lazy("very easy"),
    "low_discrimination": gettext_lazy("separates poorly"),
    "negative_discrimination": gettext_lazy("weak candidates do better"),
}


@dataclass
class HistogramBin:
    start: float
    end: float
    count: int


@dataclass
class ItemStatistics:
    question: int
    stem: str
    category: str
    type: str
    points: float
    answered: int  # counted attempts that had the question
    wrong: int  # of those, attempts with fewer points than the question's
    facility: float | None
    discrimination: float | None
    wrong_rate: float | None  # share of attempts with fewer points than the question's
    flags: list[str] = field(default_factory=list)

    @property
    def poor(self) -> bool:
        return bool(self.flags)

    @property
    def flag_labels(self) -> list[str]:
        return [str(ITEM_FLAGS[flag]) for flag in self.flags]


@dataclass
class WeakArea:
    category: str
    answers: int
    wrong: int
    wrong_rate: float
    questions: list[ItemStatistics]


@dataclass
class ExamStatistics:
    eligible: int
    sat: int
    graded: int
    participation_rate: float | None
    passed: int
    pass_rate: float | None
    mean_score: float | None
    median_score: float | None
    std_dev: float | None
    max_score: float
    pass_score: float
    histogram: list[HistogramBin]
    items: list[ItemStatistics]
    group_size: int  # candidates in each of the upper and lower 27 % groups
    cronbach_alpha: float | None
    alpha_items: int
    alpha_note: str
    weak_areas: list[WeakArea]


def _percent(part: int, whole: int) -> float | None:
    return round(part * 100 / whole, 1) if whole else None


def _round(value: float | None, digits: int = 3) -> float | None:
    return None if value is None else round(value, digits)


def score_histogram(scores: list[float], max_score: float) -> list[HistogramBin]:
    """Ten equal bins from 0 to the maximum score; a bin holds scores from its start up to
    (not including) its end, the last one includes the maximum (and anything above)."""
    width = max_score / HISTOGRAM_BINS
    counts = [0] * HISTOGRAM_BINS
    for score in scores:
        # score * bins / max, not score // width: 2 // 0.4 is 4.0 in floating point.
        index = int(score * HISTOGRAM_BINS / max_score) if max_score > 0 else 0
        counts[min(max(index, 0), HISTOGRAM_BINS - 1)] += 1
    return [
        HistogramBin(round(i * width, 2), round((i + 1) * width, 2), counts[i])
        for i in range(HISTOGRAM_BINS)
    ]


def discrimination_groups(ordered_attempts: list[int]) -> tuple[list[int], list[int]]:
    """The upper and lower 27 % of attempts already ordered best first (at least one each;
    none with fewer than two attempts)."""
    total = len(ordered_attempts)
    if total < 2:
        return [], []
    size = max(1, round(total * GROUP_SHARE))
    return ordered_attempts[:size], ordered_attempts[-size:]


def cronbach_alpha(item_scores: list[list[float]]) -> float | None:
    """Alpha of a candidates x items score matrix: k/(k-1) * (1 - sum of item variances /
    variance of the totals); None with fewer than two items or candidates, or when every
    total is equal. Population variances (the ratio is the same with sample ones)."""
    if len(item_scores) < 2 or len(item_scores[0]) < 2:
        return None
    k = len(item_scores[0])
    totals = [sum(row) for row in item_scores]
    total_variance = stats.pvariance(totals)
    if total_variance == 0:
        return None
    item_variance = sum(stats.pvariance(column) for column in zip(*item_scores, strict=True))
    return k / (k - 1) * (1 - item_variance / total_variance)


def _flags(facility: float | None, discrimination: float | None) -> list[str]:
    flags = []
    if facility is not None and facility < HARD_BELOW:
        flags.append("hard")
    if facility is not None and facility > EASY_ABOVE:
        flags.append("easy")
    if discrimination is not None:
        if discrimination < 0:
            flags.append("negative_discrimination")
        elif discrimination < LOW_DISCRIMINATION_BELOW:
            flags.append("low_discrimination")
    return flags


def _mean(values: list[float]) -> float | None:
    return stats.fmean(values) if values else None


def exam_statistics(*, exam: Exam) -> ExamStatistics:
    """The exam's figures, histogram, item analysis, alpha and weak areas (see the module
    docstring for each definition). Seven queries, whatever the number of candidates."""
    eligible = exam_candidates(exam).count()
    sat_ids = set(
        Attempt.objects.filter(
            exam=exam, status__in=[AttemptStatus.SUBMITTED, AttemptStatus.GRADED]
        ).values_list("employee_id", flat=True)
    )
    results = list(
        ExamResult.objects.filter(exam=exam).values_list(
            "employee_id", "attempt_id", "score", "passed"
        )
    )
    sat_ids |= {employee_id for employee_id, *_rest in results}
    scores = [float(score) for _e, _a, score, _p in results]
    passed = sum(1 for *_rest, result_passed in results if result_passed)
    attempt_score = {attempt: float(score) for _e, attempt, score, _p in results if attempt}

    max_score = Attempt.objects.filter(pk__in=list(attempt_score)).aggregate(m=Max("max_score"))[
        "m"
    ]
    max_score = float(max_score) if max_score else 100.0
    max_score = max([max_score, *scores])

    items, group_size, alpha, alpha_items, alpha_note, areas = _item_analysis(
        exam=exam, attempt_score=attempt_score
    )
    return ExamStatistics(
        eligible=eligible,
        sat=len(sat_ids),
        graded=len(results),
        participation_rate=_percent(len(sat_ids), eligible),
        passed=passed,
        pass_rate=_percent(passed, len(sat_ids)),
        mean_score=_round(_mean(scores), 2),
        median_score=_round(stats.median(scores), 2) if scores else None,
        std_dev=_round(stats.pstdev(scores), 2) if scores else None,
        max_score=max_score,
        pass_score=float(exam.pass_score),
        histogram=score_histogram(scores, max_score) if max_score > 0 else [],
        items=items,
        group_size=group_size,
        cronbach_alpha=_round(alpha),
        alpha_items=alpha_items,
        alpha_note=alpha_note,
        weak_areas=areas,
    )


def _item_analysis(*, exam: Exam, attempt_score: dict[int, float]):
    # attempt -> question -> (score, points); questions in the order first shown.
    earned: dict[int, dict[int, tuple[float, float]]] = defaultdict(dict)
    first_position: dict[int, int] = {}
    rows = Answer.objects.filter(
        attempt_id__in=ExamResult.objects.filter(exam=exam, attempt__isnull=False).values(
            "attempt_id"
        )
    ).values_list(
        "attempt_id",
        "attempt_question__question_id_shown",
        "attempt_question__position",
        "attempt_question__points",
        "score",
    )
    for attempt_id, question_id, position, points, score in rows:
        if score is None or attempt_id not in attempt_score:
            continue  # awaiting grading: not part of a counted result
        earned[attempt_id][question_id] = (float(score), float(points))
        first_position[question_id] = min(position, first_position.get(question_id, position))

    ordered = sorted(earned, key=lambda a: (-attempt_score[a], a))
    upper, lower = discrimination_groups(ordered)
    questions = {
        pk: (stem or "", category, qtype)
        for pk, stem, category, qtype in Question.objects.filter(
            pk__in=list(first_position)
        ).values_list("pk", "current_version__stem", "category__path", "type")
    }

    def fraction(attempt_id: int, question_id: int) -> float | None:
        pair = earned[attempt_id].get(question_id)
        if pair is None:
            return None
        score, points = pair
        return score / points if points else 1.0

    items = []
    for question_id in sorted(first_position, key=lambda q: (first_position[q], q)):
        had = [a for a in ordered if question_id in earned[a]]
        fractions = [fraction(a, question_id) for a in had]
        upper_mean = _mean([f for a in upper if (f := fraction(a, question_id)) is not None])
        lower_mean = _mean([f for a in lower if (f := fraction(a, question_id)) is not None])
        discrimination = (
            upper_mean - lower_mean if upper_mean is not None and lower_mean is not None else None
        )
        facility = _mean(fractions)
        wrong = sum(1 for a in had if earned[a][question_id][0] < earned[a][question_id][1])
        stem, category, qtype = questions.get(question_id, ("", "", ""))
        items.append(
            ItemStatistics(
                question=question_id,
                stem=stem,
                category=category,
                type=qtype,
                points=max(earned[a][question_id][1] for a in had),
                answered=len(had),
                wrong=wrong,
                facility=_round(facility),
                discrimination=_round(discrimination),
                wrong_rate=_round(wrong / len(had)) if had else None,
                flags=_flags(facility, discrimination),
            )
        )

    alpha, alpha_items, alpha_note = _alpha(ordered, earned, [i.question for i in items])
    return items, len(upper), alpha, alpha_items, alpha_note, _weak_areas(items)


def _alpha(ordered: list[int], earned: dict, question_ids: list[int]):
    """Alpha over the questions common to every counted attempt, with a note on what it was
    computed over or why it could not be."""
    if len(ordered) < 2:
        return None, 0, _("Cronbach's alpha needs at least two graded attempts.")
    common = [q for q in question_ids if all(q in earned[a] for a in ordered)]
    if len(common) < 2:
        return (
            None,
            len(common),
            _(
                "Cronbach's alpha needs at least two questions that every candidate had; "
                "this random paper gave different questions to different candidates."
            ),
        )
    matrix = [[earned[a][q][0] for q in common] for a in ordered]
    alpha = cronbach_alpha(matrix)
    if alpha is None:
        return None, len(common), _("Every candidate had the same total: alpha is undefined.")
    if len(common) < len(question_ids):
        note = _("Computed over the %(k)d of %(n)d questions every candidate had.") % {
            "k": len(common),
            "n": len(question_ids),
        }
    else:
        note = _("Computed over all %d questions of the paper.") % len(common)
    return alpha, len(common), note


def _weak_areas(items: list[ItemStatistics]) -> list[WeakArea]:
    """Categories by share of wrong answers, worst first (only those with a wrong answer),
    each with its most-missed questions."""
    by_category: dict[str, list[ItemStatistics]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    areas = []
    for category, group in by_category.items():
        answers = sum(item.answered for item in group)
        wrong = sum(item.wrong for item in group)
        if not answers or not wrong:
            continue
        missed = sorted(
            (item for item in group if item.wrong),
            key=lambda item: (-(item.wrong_rate or 0), item.question),
        )
        areas.append(
            WeakArea(
                category=category,
                answers=answers,
                wrong=wrong,
                wrong_rate=round(wrong / answers, 3),
                questions=missed[:MOST_MISSED_PER_AREA],
            )
        )
    return sorted(areas, key=lambda area: (-area.wrong_rate, area.category))
