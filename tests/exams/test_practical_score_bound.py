"""Practical scores are marks out of 100 (they accepted up to 10,000), and score errors give
their range as a plain number ("from 0 to 10", not "1E+1", and not cut off after "from 0.");
issue 11, finding 9."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from exams.models import Answer, ExamKind, PracticalScore
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.exams import ExamSpec, exam_create
from exams.services.grading import answer_grade
from tests.certificates.factories import practical_exam
from tests.exams.factories import answer_everything_right, make_exam, make_paper

pytestmark = pytest.mark.django_db


def put_scores(client, exam, rows):
    return client.put(f"/api/v1/exams/{exam.pk}/practical-scores/", rows, format="json")


def test_practical_scores_run_from_0_to_100(officer_api, trainee):
    exam = practical_exam([trainee])
    for score in ("100", "0", "99.5"):
        response = put_scores(officer_api, exam, [{"employee": trainee.pk, "score": score}])
        assert response.status_code == 200, (score, response.content)
    for score in ("100.01", "101", "10000", "-1"):
        response = put_scores(officer_api, exam, [{"employee": trainee.pk, "score": score}])
        assert response.status_code == 400, score
        assert response.json() == {"scores": ["Row 1: the score is a number from 0 to 100."]}
    assert PracticalScore.objects.get(exam=exam, employee=trainee).score == Decimal("99.50")


def test_a_practical_exam_cannot_ask_for_more_than_full_marks(trainee):
    exam = practical_exam([trainee])
    spec = ExamSpec(
        title="Extinguisher drill",
        kind=ExamKind.PRACTICAL,
        opens_at=exam.opens_at,
        closes_at=exam.closes_at,
        duration_minutes=60,
        people=[trainee],
        pass_score=Decimal(150),
    )
    with pytest.raises(ValidationError) as refused:
        exam_create(actor=None, spec=spec)
    assert refused.value.message_dict["pass_score"] == [
        "A practical exam is marked from 0 to 100; its pass score cannot be higher."
    ]
    spec.pass_score = Decimal(100)
    assert exam_create(actor=None, spec=spec).pass_score == Decimal(100)


def test_a_grade_above_the_points_names_them_as_a_plain_number(trainee):
    # Ten points: Decimal("10.00").normalize() alone reads "1E+1".
    exam = make_exam(candidates=[trainee], paper=make_paper(points=10))
    attempt = attempt_start(employee=trainee, exam=exam).attempt
    answer_everything_right(attempt, trainee.user)
    attempt_submit(attempt=attempt)
    answer = Answer.objects.get(attempt=attempt, needs_grading=True)
    with pytest.raises(ValidationError) as refused:
        answer_grade(actor=None, answer=answer, score=Decimal(11))
    assert refused.value.message_dict["score"] == ["The score is from 0 to 10."]
