"""The key (review with right answers and explanations) reaches a candidate only when no one
can still start or continue an attempt on the same paper: after the close, or once every
candidate has used their attempts. The score alone may show at once."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from exams.models import Exam
from exams.selectors.exams import paper_sittings_over, results_visible, review_visible
from exams.services.attempts import attempt_start, attempt_submit
from exams.services.exams import override_set
from exams.services.proctoring import attempt_reopen
from tests.exams.factories import answer_everything_right, make_exam, make_paper, make_questions
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _api(employee) -> APIClient:
    client = APIClient()
    client.force_authenticate(employee.user)
    return client


def _sit(exam, employee):
    attempt = attempt_start(employee=employee, exam=exam).attempt
    answer_everything_right(attempt, employee.user)
    return attempt_submit(attempt=attempt)


def _shows_key(employee, attempt) -> bool:
    body = _api(employee).get(f"/api/v1/attempts/{attempt.pk}/").json()
    with_key = any("correct" in option for q in body["questions"] for option in q["options"])
    assert with_key == body["review_visible"]
    return with_key


@pytest.fixture
def pair():
    first, second = EmployeeFactory(), EmployeeFactory()
    paper = make_paper(questions=make_questions(3))  # objective only: graded at hand-in
    exam = make_exam(candidates=[first, second], paper=paper, results_visible="immediately")
    return exam, first, second


def test_an_early_finisher_sees_the_score_but_not_the_key_while_others_can_sit(pair):
    exam, first, second = pair
    done = _sit(exam, first)
    assert results_visible(done) and not review_visible(done)
    body = _api(first).get(f"/api/v1/attempts/{done.pk}/").json()
    assert body["score"] is not None and body["review_visible"] is False
    text = str(body)
    assert "correct" not in text and "explanation" not in text and "accepted" not in text
    # The page says when the review comes, and shows none of it.
    page = Client()
    page.force_login(first.user)
    html = page.get(reverse("attempt_result", args=[done.pk])).content.decode()
    assert 'id="result-score"' in html and 'id="review-pending"' in html
    assert '<section id="review">' not in html and "key-tag" not in html

    # The other candidate hands in: no one can sit any more, the key shows.
    _sit(exam, second)
    assert _shows_key(first, done)
    html = page.get(reverse("attempt_result", args=[done.pk])).content.decode()
    assert '<section id="review">' in html and 'id="review-pending"' not in html


def test_a_candidate_with_an_attempt_left_keeps_the_key_hidden_from_everyone(pair):
    exam, first, second = pair
    exam.max_attempts = 2
    exam.save(update_fields=["max_attempts"])
    done = _sit(exam, first)
    _sit(exam, second)
    # Both may still try again: a second attempt must not be helped by the key.
    assert not _shows_key(first, done)
    _sit(exam, first)
    assert not _shows_key(first, done)  # the second candidate has an attempt left
    _sit(exam, second)
    assert _shows_key(first, done)


def test_an_attempt_in_progress_keeps_it_hidden_even_after_the_close(pair):
    exam, first, second = pair
    done = _sit(exam, first)
    running = attempt_start(employee=second, exam=exam).attempt
    assert not review_visible(done)
    # The exam's close passes while the second attempt may still be saved (grace).
    later = running.deadline
    Exam.objects.filter(pk=exam.pk).update(closes_at=later - datetime.timedelta(minutes=1))
    done.refresh_from_db()
    assert not review_visible(done, now=later)
    assert review_visible(done, now=later + datetime.timedelta(minutes=5))


def test_after_the_close_the_key_shows(pair):
    exam, first, _second = pair
    done = _sit(exam, first)
    Exam.objects.filter(pk=exam.pk).update(closes_at=timezone.now() - datetime.timedelta(seconds=1))
    done.refresh_from_db()
    assert _shows_key(first, done)


def test_a_later_close_for_one_candidate_counts(pair, safety_officer):
    exam, first, second = pair
    done = _sit(exam, first)
    now = timezone.now()
    override_set(
        actor=safety_officer.user,
        exam=exam,
        employee=second,
        closes_at=exam.closes_at + datetime.timedelta(days=1),
        reason="Night shift",
    )
    after_close = exam.closes_at + datetime.timedelta(hours=1)
    assert not review_visible(done, now=after_close)
    assert review_visible(done, now=after_close + datetime.timedelta(days=1))
    assert now < after_close


def test_another_exam_on_the_same_paper_still_open_keeps_it_hidden(pair):
    exam, first, second = pair
    _sit(exam, second)
    done = _sit(exam, first)
    assert review_visible(done)
    resit = make_exam(
        paper=exam.paper,
        candidates=[EmployeeFactory()],
        title="Resit",
        opens_at=timezone.now() + datetime.timedelta(days=7),
        closes_at=timezone.now() + datetime.timedelta(days=8),
    )
    assert not paper_sittings_over(paper_id=exam.paper_id)
    assert not _shows_key(first, done)
    # An exam on another paper does not matter.
    Exam.objects.filter(pk=resit.pk).update(paper=make_paper())
    assert _shows_key(first, done)


def test_a_reopened_attempt_hides_the_key_again(pair, safety_officer):
    exam, first, second = pair
    done = _sit(exam, first)
    other = _sit(exam, second)
    assert review_visible(done)
    attempt_reopen(actor=safety_officer.user, attempt=other, reason="Power cut", minutes=10)
    assert not review_visible(done)
