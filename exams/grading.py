"""Scoring one answer against the key of the version it was shown: pure functions, no queries.

- Single choice and true/false: full points for exactly the correct option, else 0.
- Multiple choice, all or nothing: full points for exactly the correct set, else 0.
- Multiple choice, partial credit: any wrong option selected voids the question (0); otherwise
  each correct option selected earns points / number of correct options.
- Fill in the blank: each blank earns points / number of blanks when it matches an accepted
  answer (``exams.content.blank_matches``: case, full/half width and surrounding spaces are
  ignored, numbers within the tolerance count).
- Short answer: graded by hand; ``score_answer`` returns None.
"""

from decimal import ROUND_HALF_UP, Decimal

from exams.content import blank_matches
from exams.models import MultipleScoring, QuestionType

CENT = Decimal("0.01")


def _round(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def score_answer(
    *,
    question_type: str,
    points: Decimal,
    correct_option_ids: set[int],
    blanks_key: list[list[str]],
    numeric_tolerance: Decimal | None,
    selected: list[int],
    blanks: list[str],
    text: str,
    multiple_scoring: str = MultipleScoring.ALL_OR_NOTHING,
) -> Decimal | None:
    """The points an answer earns, or None when a person must grade it (short answer)."""
    chosen = set(selected)
    if question_type in (QuestionType.SINGLE, QuestionType.TRUE_FALSE):
        return points if chosen and chosen == correct_option_ids else Decimal(0)
    if question_type == QuestionType.MULTIPLE:
        if multiple_scoring == MultipleScoring.PARTIAL:
            if not chosen or chosen - correct_option_ids or not correct_option_ids:
                return Decimal(0)
            return _round(points * len(chosen) / len(correct_option_ids))
        return points if chosen and chosen == correct_option_ids else Decimal(0)
    if question_type == QuestionType.FILL_BLANK:
        if not blanks_key:
            return Decimal(0)
        given = list(blanks) if blanks else ([text] if text else [])
        hits = sum(
            1
            for index, accepted in enumerate(blanks_key)
            if index < len(given) and blank_matches(str(given[index]), accepted, numeric_tolerance)
        )
        if hits == len(blanks_key):
            return points
        return _round(points * hits / len(blanks_key))
    return None
