import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.utils import timezone

from attendance.demo import seed_attendance
from attendance.selectors import full_attendance_list
from core.models import AuditEntry
from courses.demo import TRAINING_TITLE, seed_courses
from courses.models import Enrollment, Training
from exams.demo import FIXED_PAPER_TITLE, seed_exams
from exams.demo_exam import DID_NOT_SIT, EXAM_TITLE, WEAK_AREA, seed_exam_results
from exams.models import (
    Answer,
    Attempt,
    AttemptStatus,
    CloseReason,
    Exam,
    ExamResult,
    QuestionType,
)
from exams.selectors.results import ranking_top, reward_list
from exams.selectors.statistics import exam_statistics
from people.demo import STAFF, TRAINEES, SeedContext, seed_people

pytestmark = pytest.mark.django_db

STEPS = (seed_people, seed_courses, seed_attendance, seed_exams, seed_exam_results)


def context() -> SeedContext:
    return SeedContext(stdout=OutputWrapper(StringIO()))


def seed() -> SeedContext:
    ctx = context()
    for step in STEPS:
        step(ctx)
    return ctx


def counts() -> dict[str, int]:
    return {
        "exams": Exam.objects.count(),
        "attempts": Attempt.objects.count(),
        "answers": Answer.objects.count(),
        "graded answers": Answer.objects.filter(graded_at__isnull=False).count(),
        "results": ExamResult.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def seeded_exam() -> Exam:
    ctx = seed()
    assert ctx.notes == []
    return Exam.objects.select_related("training", "paper").get(title=EXAM_TITLE)


# One seed per test (seeding takes seconds), so each test checks several figures.


def test_the_seed_exam_was_sat_graded_and_reported_as_the_summary_says():
    exam = seeded_exam()
    training = Training.objects.get(title=TRAINING_TITLE)

    # The theory exam on the afternoon of the training's last day, in the past.
    assert exam.training == training and exam.paper.title == FIXED_PAPER_TITLE
    opens, closes = timezone.localtime(exam.opens_at), timezone.localtime(exam.closes_at)
    assert opens.date() == closes.date() == training.ends_on == datetime.date(opens.year, 1, 18)
    assert (opens.time(), closes.time()) == (datetime.time(14), datetime.time(17))
    assert exam.duration_minutes == 90 and exam.pass_score == 60 and exam.reward_top_n == 7
    assert exam.min_attendance_rate == 60
    assert exam.closes_at < timezone.now()
    assert training.requires_exam

    # About 80 % sat, about 88 % of them passed.
    stats = exam_statistics(exam=exam)
    assert stats.eligible == len(TRAINEES) == 39
    assert 75 <= stats.participation_rate <= 85
    assert 85 <= stats.pass_rate <= 90
    assert (stats.sat, stats.passed) == (32, 28)
    assert ExamResult.objects.filter(exam=exam).count() == stats.sat == stats.graded
    sat_numbers = set(
        Attempt.objects.filter(exam=exam).values_list("employee__employee_no", flat=True)
    )
    kept_away = {p.employee_no for i, p in enumerate(TRAINEES) if i in DID_NOT_SIT}
    assert sat_numbers == {p.employee_no for p in TRAINEES} - kept_away

    # Every attempt handed in within the window and fully graded.
    attempts = list(Attempt.objects.filter(exam=exam))
    assert {a.status for a in attempts} == {AttemptStatus.GRADED}
    assert {a.close_reason for a in attempts} == {CloseReason.SUBMITTED}
    assert not Answer.objects.filter(attempt__exam=exam, needs_grading=True).exists()
    assert not Answer.objects.filter(attempt__exam=exam, score__isnull=True).exists()
    for attempt in attempts:
        assert exam.opens_at <= attempt.started_at < attempt.submitted_at <= exam.closes_at
        assert 35 * 60 <= attempt.duration_seconds <= 85 * 60
        assert attempt.max_score == 100
        assert attempt.passed == (attempt.score >= 60)
    # Ties break by the time taken: no two candidates took the same time.
    assert len({a.duration_seconds for a in attempts}) == len(attempts)

    # The training knows who passed; those who did not sit have no exam result.
    passed = dict(
        Enrollment.objects.filter(training=training).values_list("employee_id", "exam_passed")
    )
    for result in ExamResult.objects.filter(exam=exam):
        assert passed[result.employee_id] is result.passed
    assert sum(1 for value in passed.values() if value is None) == len(DID_NOT_SIT)

    # The open answers graded by an instructor, some with partial marks.
    open_answers = list(
        Answer.objects.filter(
            attempt__exam=exam, attempt_question__version__type=QuestionType.SHORT_ANSWER
        ).select_related("attempt_question", "graded_by")
    )
    assert open_answers and all(a.graded_at is not None for a in open_answers)
    instructors = {p.username for p in STAFF if p.role == "instructor"}
    assert {a.graded_by.username for a in open_answers} <= instructors
    full = [a for a in open_answers if a.score == a.attempt_question.points]
    partial = [a for a in open_answers if 0 < a.score < a.attempt_question.points]
    assert full and len(partial) >= 5
    assert all(a.grader_comment for a in open_answers)

    # The statistics show one clearly weak knowledge area.
    areas = stats.weak_areas
    assert areas[0].category == WEAK_AREA == "Hazardous chemicals"
    assert areas[0].wrong_rate >= 0.5
    assert areas[0].wrong_rate >= areas[1].wrong_rate + 0.15

    # A top seven without ties, and the full-attendance list of the reward.
    top = ranking_top(exam=exam, limit=7)
    assert [result.rank for result in top] == [1, 2, 3, 4, 5, 6, 7]
    assert len({result.employee_id for result in top}) == 7
    scores = [result.score for result in top]
    assert scores == sorted(scores, reverse=True) and scores[-1] >= Decimal(80)
    assert len(full_attendance_list(training)) == 33
    rows = reward_list(exam=exam)
    assert sum(1 for row in rows if row.top_scorer) == 7
    assert sum(1 for row in rows if row.full_attendance) == 33
    # A top scorer who missed the rescue drill is rewarded for the score alone.
    assert any(row.reason == "top_scorer" for row in rows)


def test_a_second_run_of_seed_demo_creates_nothing_and_shows_the_figures(settings):
    seeded_exam()
    settings.DEBUG = True
    # The first full run adds what later steps (certificates) make; the second adds nothing.
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    before = counts()
    out = StringIO()
    call_command("seed_demo", stdout=out, stderr=StringIO())
    assert counts() == before
    output = out.getvalue()
    assert "nothing created" in output
    assert f"Exam “{EXAM_TITLE}”: 32 of 39 trainees sat (82.1%), 28 passed (87.5%)" in output
    assert "weakest area: Hazardous chemicals" in output
