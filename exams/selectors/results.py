"""Rankings, the reward list and HR's performance rows of an exam.

Everything reads ``ExamResult``: one row per candidate, the result that counts (highest or
last graded attempt, per the exam; a practical exam's entered score).

**Tie rule.** Results are ranked by score, highest first; an equal score goes to the
shorter time taken (``duration_seconds``), then to the earlier submission
(``submitted_at``). Results equal on all three share a rank and the next rank is skipped
(1, 2, 2, 4: SQL ``RANK()``). The database ranks them (a window function), never Python; a
department ranking is the same window partitioned by department. Listed rows follow the
same keys, then the result's id, so pages never repeat or skip a row.

**Reward list.** The top N scorers (``exam.reward_top_n``): everyone whose rank is at most
N, so a tie at the Nth place brings in everyone sharing it; plus everyone with full
attendance in the exam's training, whether they sat or not. Each row says why.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Window
from django.db.models.functions import Rank
from django.utils.translation import gettext_lazy as _

from attendance.selectors import TrainingAttendance, full_attendance_list, training_attendance
from core.errors import Forbidden, NotFound
from core.roles import Role, has_role
from exams.models import Exam, ExamResult
from exams.selectors.exams import exam_candidates, exam_get_for_user, user_may_grade
from people.models import Employee

# The ranking keys, in the order of the ``exam_result_rank`` index (after ``exam``), so a
# top-N query reads the index in order and stops after N rows.
RANK_ORDER = (F("score").desc(), F("duration_seconds").asc(), F("submitted_at").asc())
TIE_RULE = _(
    "Ranked by score, highest first; an equal score goes to the shorter time taken, then to "
    "the earlier submission. Results equal on all three share a rank."
)
REWARD_RULE = _(
    "The top %(n)s scorers (everyone tied at place %(n)s included) and everyone with full "
    "attendance in the training."
)


def user_reads_results(user) -> bool:
    """The safety officer and HR read every exam's rankings, reward list and sheet."""
    return has_role(user, Role.SAFETY_OFFICER, Role.HR)


def exam_get_for_results(*, user, exam_id: int, statistics: bool = False) -> Exam:
    """The exam whose rankings (or, with ``statistics``, figures) the user may read.

    The safety officer and HR: every exam (NotFound for a missing one). With ``statistics``
    an instructor may also read the exams of the trainings they teach. Everyone else,
    including an instructor for another exam: Forbidden (another candidate's score is never
    shown to a trainee).
    """
    if user_reads_results(user):
        return exam_get_for_user(user=user, exam_id=exam_id)
    if statistics and has_role(user, Role.INSTRUCTOR):
        try:
            exam = exam_get_for_user(user=user, exam_id=exam_id)
        except NotFound:
            exam = None
        if exam is not None and user_may_grade(user, exam):
            return exam
    raise Forbidden(_("Only the safety officer and HR may read exam results."))


def exam_ranking(
    *, exam: Exam, department_id: int | None = None, by_department: bool = False
) -> QuerySet[ExamResult]:
    """The exam's results with ``rank`` (window ``RANK()`` under the tie rule above), best
    first, candidate and department loaded.

    ``department_id``: only that department's results, ranked among themselves.
    ``by_department``: every result, ranked within its department (partitioned), listed
    department by department. Sliced, PostgreSQL reads only the rows up to the slice's end
    from the ``exam_result_rank`` index; ``ranking_top`` does so on every database.
    """
    results = ExamResult.objects.filter(exam=exam)
    if department_id is not None:
        results = results.filter(department_id=department_id)
    results = results.annotate(
        rank=Window(
            Rank(),
            partition_by=[F("department_id")] if by_department else None,
            order_by=list(RANK_ORDER),
        )
    ).select_related("employee__department", "department")
    before = ("department__path", "department_id") if by_department else ()
    return results.order_by(*before, *RANK_ORDER, "pk")


def ranking_top(*, exam: Exam, limit: int, department_id: int | None = None) -> list[ExamResult]:
    """The first ``limit`` results with their rank, in one query that reads only those rows
    from the index: the window runs over the first ``limit`` results in ranking order, which
    gives each of them its rank among all (every result strictly better than one of them
    comes before it, so is among them too). PostgreSQL would also stop early on the plain
    window + slice; SQLite computes a window over every row first."""
    first = ExamResult.objects.filter(exam=exam)
    if department_id is not None:
        first = first.filter(department_id=department_id)
    first = first.order_by(*RANK_ORDER, "pk").values("pk")[: max(limit, 0)]
    return list(exam_ranking(exam=exam, department_id=department_id).filter(pk__in=first))


def better_results(result: ExamResult) -> QuerySet[ExamResult]:
    """Results of the same exam strictly better than ``result`` under the tie rule. The
    ``score >= `` bound lets the ``exam_result_rank`` index bound the scan."""
    return ExamResult.objects.filter(exam_id=result.exam_id, score__gte=result.score).filter(
        Q(score__gt=result.score)
        | Q(duration_seconds__lt=result.duration_seconds)
        | Q(duration_seconds=result.duration_seconds, submitted_at__lt=result.submitted_at)
    )


def result_rank(*, result: ExamResult, department: bool = False) -> int:
    """One result's rank: 1 + the number of results strictly better (one indexed COUNT, no
    window over the whole exam). ``department``: the rank within its department."""
    better = better_results(result)
    if department:
        better = better.filter(department_id=result.department_id)
    return better.count() + 1


def rank_of(*, exam: Exam, employee: Employee) -> int | None:
    """The candidate's overall rank, or None when they have no result."""
    result = ExamResult.objects.filter(exam=exam, employee=employee).first()
    return None if result is None else result_rank(result=result)


def top_scorers(*, exam: Exam) -> list[ExamResult]:
    """The top N results by overall rank (``exam.reward_top_n``), with their ranks, plus
    any result tied with the Nth on all three keys (it shares the Nth place). Two queries
    that read only those rows of the index, however many results the exam has."""
    limit = exam.reward_top_n
    if not limit:
        return []
    top = ranking_top(exam=exam, limit=limit)
    if len(top) == limit:
        last = top[-1]
        tied = list(
            exam_ranking(exam=exam)
            .filter(
                score=last.score,
                duration_seconds=last.duration_seconds,
                submitted_at=last.submitted_at,
            )
            .exclude(pk__in=[result.pk for result in top])
        )
        for result in tied:
            result.rank = last.rank  # ranked among the tied rows only; they share the place
        top += tied
    return top


def top_scorer_ids(*, exam: Exam) -> set[int]:
    """Employee ids of the top N scorers (ties at the Nth place included)."""
    return {result.employee_id for result in top_scorers(exam=exam)}


def is_top_scorer(*, exam: Exam, rank: int | None) -> bool:
    """Within the reward's top N (ties at the Nth place share rank N, so they are in)."""
    return rank is not None and rank <= exam.reward_top_n


def full_attendance_ids(*, exam: Exam, attendance: TrainingAttendance | None = None) -> set[int]:
    """Employee ids with full attendance in the exam's training (none without a training).
    Pass ``attendance`` when already read, to read it once."""
    if not exam.training_id:
        return set()
    if attendance is not None:
        return {t.employee.pk for t in attendance.full_attendance_list}
    return {employee.pk for employee in full_attendance_list(exam.training)}


def ranking_attendance(exam: Exam) -> TrainingAttendance | None:
    """The training's attendance, read once for a ranking, sheet or reward list (a fixed
    number of queries); None without a training."""
    return training_attendance(exam.training) if exam.training_id else None


# Reward list -------------------------------------------------------------------------------

REWARD_REASONS = {
    "top_scorer": _("Top scorer"),
    "full_attendance": _("Full attendance"),
    "both": _("Top scorer and full attendance"),
}


def reward_reason(*, top_scorer: bool, full_attendance: bool) -> str:
    """``top_scorer``, ``full_attendance``, ``both`` or "" (no reward)."""
    if top_scorer and full_attendance:
        return "both"
    if top_scorer:
        return "top_scorer"
    return "full_attendance" if full_attendance else ""


@dataclass
class RewardRow:
    employee: Employee
    rank: int | None
    score: Decimal | None
    top_scorer: bool
    full_attendance: bool

    @property
    def reason(self) -> str:
        return reward_reason(top_scorer=self.top_scorer, full_attendance=self.full_attendance)

    @property
    def reason_label(self) -> str:
        return str(REWARD_REASONS[self.reason])


def reward_list(*, exam: Exam, attendance: TrainingAttendance | None = None) -> list[RewardRow]:
    """Who gets a material reward and why: the top N scorers by rank (ties at the Nth place
    included), then everyone else with full attendance in the exam's training (by employee
    number). Someone in both is listed once, as ``both``. A fixed number of queries."""
    full = full_attendance_ids(exam=exam, attendance=attendance)
    top = top_scorers(exam=exam)
    rows = [
        RewardRow(
            employee=result.employee,
            rank=result.rank,
            score=result.score,
            top_scorer=True,
            full_attendance=result.employee_id in full,
        )
        for result in top
    ]
    listed = {result.employee_id for result in top}
    others = full - listed
    if others:
        scores = {
            r.employee_id: r for r in ExamResult.objects.filter(exam=exam, employee_id__in=others)
        }
        for employee in (
            Employee.objects.filter(pk__in=others)
            .select_related("department")
            .order_by("employee_no")
        ):
            result = scores.get(employee.pk)
            rows.append(
                RewardRow(
                    employee=employee,
                    rank=None,
                    score=result.score if result else None,
                    top_scorer=False,
                    full_attendance=True,
                )
            )
    return rows


# HR's performance sheet --------------------------------------------------------------------


def performance_points(*, bands: list[list], score: Decimal | None) -> Decimal:
    """The points of the highest band whose minimum the score reaches; 0 without a score or
    below every band."""
    if score is None:
        return Decimal(0)
    for minimum, points in sorted(bands, key=lambda band: -Decimal(str(band[0]))):
        if score >= Decimal(str(minimum)):
            return Decimal(str(points))
    return Decimal(0)


@dataclass
class PerformanceRow:
    employee: Employee
    result: ExamResult | None
    rank: int | None
    attendance_rate: Decimal | None
    full_attendance: bool
    top_scorer: bool
    points: Decimal

    @property
    def sat(self) -> bool:
        return self.result is not None

    @property
    def score(self) -> Decimal | None:
        return self.result.score if self.result else None

    @property
    def passed(self) -> bool | None:
        return self.result.passed if self.result else None

    @property
    def reward(self) -> str:
        return reward_reason(top_scorer=self.top_scorer, full_attendance=self.full_attendance)

    @property
    def reward_label(self) -> str:
        return str(REWARD_REASONS[self.reward]) if self.reward else ""


def performance_rows(*, exam: Exam) -> list[PerformanceRow]:
    """One row per candidate for HR: those with a result by rank, then the candidates who did
    not sit (no score, no rank, 0 points) by employee number. Attendance rate and full
    attendance from the exam's training, read once; reward as on the reward list;
    performance points from the exam's bands. A fixed number of queries, whatever the number
    of candidates."""
    attendance = ranking_attendance(exam)
    by_trainee = {t.employee.pk: t for t in attendance.trainees} if attendance else {}
    results = list(exam_ranking(exam=exam))
    absent = (
        exam_candidates(exam)
        .exclude(pk__in=ExamResult.objects.filter(exam=exam).values("employee_id"))
        .select_related("department")
        .order_by("employee_no")
    )
    bands = exam.bands

    def row(employee: Employee, result: ExamResult | None) -> PerformanceRow:
        trainee = by_trainee.get(employee.pk)
        rank = result.rank if result else None
        return PerformanceRow(
            employee=employee,
            result=result,
            rank=rank,
            attendance_rate=trainee.rate if trainee else None,
            full_attendance=bool(trainee and trainee.full_attendance),
            top_scorer=is_top_scorer(exam=exam, rank=rank),
            points=performance_points(bands=bands, score=result.score if result else None),
        )

    return [row(r.employee, r) for r in results] + [row(e, None) for e in absent]


def exams_with_results() -> QuerySet[Exam]:
    """Every exam, newest first, with its training and the number of results (``sat``), for
    the results index."""
    return (
        Exam.objects.select_related("training", "paper")
        .annotate(results_count=Count("results"))
        .order_by("-opens_at", "id")
    )
