"""Rankings, the reward list and HR's performance sheet (exams.selectors.results,
exams.exports)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from attendance.models import Status
from attendance.services import RollCallEntry, roll_call
from exams.exports import performance_sheet_xlsx
from exams.models import ExamResult
from exams.selectors.results import (
    exam_ranking,
    performance_points,
    performance_rows,
    rank_of,
    ranking_top,
    result_rank,
    reward_list,
    top_scorer_ids,
)
from tests.courses.factories import (
    EnrollmentFactory,
    SessionFactory,
    TrainingFactory,
    at,
    bulk_trainees,
)
from tests.exams.factories import make_exam
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

T0 = timezone.make_aware(datetime.datetime(2026, 1, 18, 10, 0))
PAST = timezone.localdate() - datetime.timedelta(days=5)


def add_result(exam, employee, score, *, duration=600, submitted=T0, passed=None):
    """The result that counts, written directly: rankings only read this table."""
    score = Decimal(str(score))
    return ExamResult.objects.create(
        exam=exam,
        employee=employee,
        department=employee.department,
        score=score,
        passed=score >= exam.pass_score if passed is None else passed,
        duration_seconds=duration,
        submitted_at=submitted,
    )


def training_with_trainees(count: int, *, sessions: int = 2, department=None):
    """A training held in the past with ``sessions`` classes and ``count`` trainees; nobody
    has an attendance record yet (absent until roll call says otherwise)."""
    training = TrainingFactory(starts_on=PAST, ends_on=PAST)
    held = [
        SessionFactory(
            training=training, starts_at=at(PAST, 8 + 2 * n), ends_at=at(PAST, 9 + 2 * n)
        )
        for n in range(sessions)
    ]
    trainees = [
        EnrollmentFactory(
            training=training,
            employee=EmployeeFactory(
                employee_no=f"T{n:03d}",
                **({"department": department} if department is not None else {}),
            ),
        ).employee
        for n in range(count)
    ]
    return training, held, trainees


def attend_everything(sessions, employees):
    for session in sessions:
        roll_call(
            actor=None,
            session=session,
            entries=[RollCallEntry(e, Status.PRESENT, "") for e in employees],
        )


# Ranking -----------------------------------------------------------------------------------


@pytest.fixture
def tie_exam():
    """Six results that exercise every tie rule."""
    people = {name: EmployeeFactory(name=name) for name in "ABCDEF"}
    exam = make_exam(candidates=people.values())
    add_result(exam, people["A"], 90, duration=600, submitted=T0)
    add_result(exam, people["B"], 90, duration=500, submitted=T0 + datetime.timedelta(minutes=5))
    add_result(exam, people["C"], 90, duration=600, submitted=T0 - datetime.timedelta(minutes=1))
    add_result(exam, people["D"], 95, duration=900, submitted=T0)
    add_result(exam, people["E"], 80, duration=100, submitted=T0)
    add_result(exam, people["F"], 90, duration=600, submitted=T0)  # equal to A on all three
    return exam, people


def test_ranking_breaks_ties_by_duration_then_submission(tie_exam):
    exam, _people = tie_exam
    ranking = [(r.employee.name, r.rank) for r in exam_ranking(exam=exam)]
    # D best score; of the 90s B is fastest, C submitted before A and F; A and F equal on
    # all three keys share rank 4 and the next rank is 6.
    assert [rank for _name, rank in ranking] == [1, 2, 3, 4, 4, 6]
    names = [name for name, _rank in ranking]
    assert names[:3] == ["D", "B", "C"] and set(names[3:5]) == {"A", "F"} and names[5] == "E"


def test_one_persons_rank_is_a_count_and_agrees_with_the_window(tie_exam):
    exam, people = tie_exam
    for result in exam_ranking(exam=exam):
        assert result_rank(result=result) == result.rank
    assert rank_of(exam=exam, employee=people["E"]) == 6
    assert rank_of(exam=exam, employee=EmployeeFactory()) is None
    result = ExamResult.objects.get(exam=exam, employee=people["C"])
    with CaptureQueriesContext(connection) as queries:
        assert result_rank(result=result) == 3
    assert len(queries) == 1 and "COUNT" in queries[0]["sql"].upper()


def test_top_n_is_sliced_in_the_database(tie_exam):
    exam, _people = tie_exam
    with CaptureQueriesContext(connection) as queries:
        top = ranking_top(exam=exam, limit=3)
    assert [r.employee.name for r in top] == ["D", "B", "C"]
    assert len(queries) == 1
    sql = queries[0]["sql"].upper()
    assert "RANK()" in sql and "LIMIT 3" in sql
    # A tie straddling the cut keeps its rank: A and F share the 4th place.
    fourth = ranking_top(exam=exam, limit=4)[-1]
    assert (fourth.employee.name in {"A", "F"}, fourth.rank) == (True, 4)
    assert [r.rank for r in ranking_top(exam=exam, limit=10)] == [1, 2, 3, 4, 4, 6]
    assert ranking_top(exam=exam, limit=0) == []


def test_department_ranking_is_partitioned_and_filterable():
    north, south = DepartmentFactory(name="North crew"), DepartmentFactory(name="South crew")
    n1, n2 = EmployeeFactory(department=north), EmployeeFactory(department=north)
    s1, s2 = EmployeeFactory(department=south), EmployeeFactory(department=south)
    exam = make_exam(candidates=[n1, n2, s1, s2])
    add_result(exam, n1, 70)
    add_result(exam, n2, 85)
    add_result(exam, s1, 95)
    add_result(exam, s2, 60)

    overall = {r.employee_id: r.rank for r in exam_ranking(exam=exam)}
    assert overall == {s1.pk: 1, n2.pk: 2, n1.pk: 3, s2.pk: 4}

    by_department = [
        (r.department_id, r.employee_id, r.rank)
        for r in exam_ranking(exam=exam, by_department=True)
    ]
    assert by_department == [
        (north.pk, n2.pk, 1),
        (north.pk, n1.pk, 2),
        (south.pk, s1.pk, 1),
        (south.pk, s2.pk, 2),
    ]
    only_north = [(r.employee_id, r.rank) for r in exam_ranking(exam=exam, department_id=north.pk)]
    assert only_north == [(n2.pk, 1), (n1.pk, 2)]
    result = ExamResult.objects.get(exam=exam, employee=n1)
    assert result_rank(result=result, department=True) == 2
    assert result_rank(result=result) == 3


# Reward list -------------------------------------------------------------------------------


def test_reward_list_top_seven_with_ties_and_full_attendance():
    training, sessions, trainees = training_with_trainees(11)
    exam = make_exam(training=training)
    assert exam.reward_top_n == 7
    # Ranks 1-6 distinct, then T006 and T007 equal on all three keys (both 7th), T008 8th...
    for n in range(6):
        add_result(exam, trainees[n], 100 - n)
    add_result(exam, trainees[6], 80, duration=700)
    add_result(exam, trainees[7], 80, duration=700)
    add_result(exam, trainees[8], 80, duration=701)
    add_result(exam, trainees[9], 50)
    # Full attendance: T000 (also top scorer), T009 (sat, ranked 10th) and T010 (did not sit).
    attend_everything(sessions, [trainees[0], trainees[9], trainees[10]])
    roll_call(
        actor=None,
        session=sessions[0],
        entries=[RollCallEntry(trainees[1], Status.PRESENT, "")],  # one class only
    )

    rows = reward_list(exam=exam)
    by_no = {row.employee.employee_no: row for row in rows}
    assert [row.employee.employee_no for row in rows] == [
        "T000", "T001", "T002", "T003", "T004", "T005", "T006", "T007", "T009", "T010",
    ]  # fmt: skip
    assert {by_no["T006"].rank, by_no["T007"].rank} == {7}
    assert "T008" not in by_no  # 8th place: slower than the tied 7th
    assert by_no["T000"].reason == "both"
    assert by_no["T001"].reason == "top_scorer"  # one class missed: no full attendance
    assert by_no["T009"].reason == "full_attendance" and by_no["T009"].rank is None
    assert by_no["T009"].score == Decimal("50")
    assert by_no["T010"].reason == "full_attendance" and by_no["T010"].score is None
    assert top_scorer_ids(exam=exam) == {t.pk for t in trainees[:8]}


def test_reward_list_without_training_or_top_n():
    people = [EmployeeFactory() for _ in range(3)]
    exam = make_exam(candidates=people, reward_top_n=0)
    for index, person in enumerate(people):
        add_result(exam, person, 90 - index)
    assert reward_list(exam=exam) == []
    exam.reward_top_n = 2
    assert [row.employee for row in reward_list(exam=exam)] == people[:2]


# Performance sheet -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("score", "points"),
    [(100, 10), (90, 10), (89.99, 6), (80, 6), (60, 3), (59.5, 0), (0, 0), (None, 0)],
)
def test_performance_points_from_default_bands(score, points):
    bands = [[90, 10], [80, 6], [60, 3], [0, 0]]
    value = None if score is None else Decimal(str(score))
    assert performance_points(bands=bands, score=value) == Decimal(points)


def test_performance_points_take_the_highest_band_reached_in_any_order():
    bands = [[60.0, 2.5], [85.0, 8.0]]
    assert performance_points(bands=bands, score=Decimal("70")) == Decimal("2.5")
    assert performance_points(bands=bands, score=Decimal("85")) == Decimal("8")
    assert performance_points(bands=bands, score=Decimal("50")) == 0


@pytest.fixture
def sheet_exam():
    """Four trainees: two sat (one with full attendance), two did not."""
    training, sessions, trainees = training_with_trainees(4)
    trainees[0].name = '=HYPERLINK("http://evil")'
    trainees[0].save()
    exam = make_exam(training=training, performance_bands=[[90, 10], [70, 5], [0, 1]])
    attend_everything(sessions, [trainees[1], trainees[3]])
    add_result(exam, trainees[0], 72, duration=900)
    add_result(exam, trainees[1], 93, duration=1200)
    return exam, trainees


def test_performance_rows_list_everyone_with_rank_points_and_attendance(sheet_exam):
    exam, _trainees = sheet_exam
    rows = performance_rows(exam=exam)
    assert [row.employee.employee_no for row in rows] == ["T001", "T000", "T002", "T003"]
    first, second, absent, absent_full = rows
    assert (first.rank, first.score, first.points, first.passed) == (1, 93, 10, True)
    assert (first.attendance_rate, first.full_attendance, first.reward) == (100, True, "both")
    assert (second.rank, second.points, second.attendance_rate, second.reward) == (
        2,
        5,
        0,
        "top_scorer",
    )
    assert (absent.rank, absent.score, absent.points, absent.sat) == (None, None, 0, False)
    assert absent.reward == ""
    assert absent_full.reward == "full_attendance" and absent_full.points == 0


def test_performance_sheet_opens_with_openpyxl_with_the_right_rank(sheet_exam):
    exam, _trainees = sheet_exam
    workbook = load_workbook(io.BytesIO(performance_sheet_xlsx(exam=exam)))
    rows = list(workbook.active.iter_rows(values_only=True))
    assert rows[0] == (
        "Employee number",
        "Name",
        "Department",
        "Score",
        "Rank",
        "Passed",
        "Attendance rate (%)",
        "Full attendance",
        "Reward",
        "Performance points",
    )
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no["T001"][3:6] == (93, 1, "Yes") and by_no["T001"][9] == 10
    assert by_no["T000"][3:6] == (72, 2, "Yes") and by_no["T000"][9] == 5
    assert by_no["T000"][8] == "Top scorer" and by_no["T001"][8] == "Top scorer and full attendance"
    assert by_no["T002"][3:6] == (None, None, "Did not sit") and by_no["T002"][9] == 0
    assert by_no["T003"][8] == "Full attendance"
    # The formula-like name stays text, never a formula.
    cell = next(c for c in workbook.active["B"] if c.value and str(c.value).startswith("="))
    assert cell.data_type == "s"


def _performance_queries(count: int) -> int:
    department = DepartmentFactory(name=f"Crew of {count}")
    training = TrainingFactory(starts_on=PAST, ends_on=PAST)
    SessionFactory(training=training, starts_at=at(PAST, 9), ends_at=at(PAST, 11))
    employees = bulk_trainees(count, department, training, prefix=f"P{count}-")
    exam = make_exam(training=training)
    ExamResult.objects.bulk_create(
        ExamResult(
            exam=exam,
            employee=e,
            department=department,
            score=Decimal(n % 100),
            passed=n % 100 >= 60,
            duration_seconds=600 + n,
            submitted_at=T0,
        )
        for n, e in enumerate(employees)
    )
    exam.refresh_from_db()
    with CaptureQueriesContext(connection) as queries:
        rows = performance_rows(exam=exam)
        performance_sheet_xlsx(exam=exam)
    assert len(rows) == count
    return len(queries)


def test_performance_rows_do_not_grow_with_the_number_of_results():
    assert _performance_queries(10) == _performance_queries(100)
