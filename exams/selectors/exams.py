"""Who may see and sit an exam, and what they may see of an attempt.

One access-check selector per resource, shared by the API, the pages and the consumers:
``exam_get_for_user`` and ``attempt_get_for_user``. A trainee who may not sit an exam, or asks
for another trainee's attempt, gets ``NotFound`` exactly as if it did not exist.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from attendance.selectors import attendance_rate
from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import Training
from courses.selectors.trainings import teaching_filter
from exams.models import (
    Attempt,
    AttemptStatus,
    Exam,
    ExamKind,
    ExamOverride,
    ResultsVisible,
)
from people.models import PATH_SEPARATOR, Employee


def _employee(user) -> Employee | None:
    try:
        return user.employee
    except (AttributeError, Employee.DoesNotExist):
        return None


def _department_prefixes(employee: Employee) -> list[str]:
    parts = employee.department.path.split(PATH_SEPARATOR)
    return [PATH_SEPARATOR.join(parts[:depth]) for depth in range(1, len(parts) + 1)]


def candidate_filter(employee: Employee) -> Q:
    """Exams this employee may sit: trainee of the exam's training, member of a listed
    department (or of one of its sub-departments), or listed by name."""
    return (
        Q(training__enrollments__employee=employee)
        | Q(departments__path__in=_department_prefixes(employee))
        | Q(people=employee)
    )


def exam_candidates(exam: Exam) -> QuerySet[Employee]:
    """Everyone who may sit the exam (active accounts only)."""
    query = Q(pk__in=exam.people.values("pk"))
    if exam.training_id:
        query |= Q(enrollments__training_id=exam.training_id)
    for path in exam.departments.values_list("path", flat=True):
        query |= Q(department__path=path) | Q(department__path__startswith=path + PATH_SEPARATOR)
    return Employee.objects.filter(query, user__is_active=True).distinct()


def exams_for_candidate(employee: Employee) -> QuerySet[Exam]:
    """The theory exams this employee may sit, newest first."""
    ids = Exam.objects.filter(candidate_filter(employee)).values("pk")
    return Exam.objects.filter(pk__in=ids, kind=ExamKind.THEORY).select_related("paper", "training")


def exam_list_for_user(user) -> QuerySet[Exam]:
    """Every exam for the safety officer and HR; the exams of trainings an instructor teaches;
    a trainee's own exams."""
    exams = Exam.objects.select_related("paper", "training")
    if has_role(user, Role.SAFETY_OFFICER, Role.HR):
        return exams
    employee = _employee(user)
    if employee is None:
        return exams.none()
    query = Q(pk__in=[])
    if has_role(user, Role.INSTRUCTOR):
        taught = Training.objects.filter(teaching_filter(employee.pk)).values("pk")
        query |= Q(training__in=taught)
    if has_role(user, Role.TRAINEE):
        query |= Q(
            pk__in=Exam.objects.filter(candidate_filter(employee), kind=ExamKind.THEORY).values(
                "pk"
            )
        )
    return exams.filter(pk__in=Exam.objects.filter(query).values("pk"))


def exam_get_for_user(*, user, exam_id: int) -> Exam:
    """The exam if the user may see it; otherwise NotFound, whether it exists or not."""
    exam = exam_list_for_user(user).filter(pk=exam_id).first()
    if exam is None:
        raise NotFound(_("Exam not found."))
    return exam


def user_manages_exams(user) -> bool:
    return has_role(user, Role.SAFETY_OFFICER)


def user_may_grade(user, exam: Exam) -> bool:
    """The safety officer grades every exam; an instructor the exams of trainings they
    teach."""
    if has_role(user, Role.SAFETY_OFFICER):
        return True
    employee = _employee(user)
    if employee is None or not has_role(user, Role.INSTRUCTOR) or not exam.training_id:
        return False
    return Training.objects.filter(teaching_filter(employee.pk), pk=exam.training_id).exists()


def override_for(exam: Exam, employee: Employee) -> ExamOverride | None:
    return ExamOverride.objects.filter(exam=exam, employee=employee).first()


@dataclass
class Eligibility:
    """Whether a candidate may start an attempt now, and why not."""

    exam: Exam
    employee: Employee
    opens_at: object
    closes_at: object
    duration_minutes: int
    attempts_used: int
    attempts_allowed: int
    in_progress: Attempt | None
    attendance_rate: Decimal | None
    reasons: list[str] = field(default_factory=list)

    @property
    def can_start(self) -> bool:
        return not self.reasons

    @property
    def attempts_left(self) -> int:
        return max(self.attempts_allowed - self.attempts_used, 0)


def exam_window(exam: Exam, override: ExamOverride | None):
    """(opens_at, closes_at, minutes per attempt) for one candidate, overrides applied; an
    exam closed early closes then for everyone."""
    opens = override.opens_at if override and override.opens_at else exam.opens_at
    closes = override.closes_at if override and override.closes_at else exam.closes_at
    if exam.closed_early_at and exam.closed_early_at < closes:
        closes = exam.closed_early_at
    minutes = exam.duration_minutes + (override.extra_minutes if override else 0)
    return opens, closes, minutes


def exam_eligibility(*, exam: Exam, employee: Employee, now=None) -> Eligibility:
    """Whether ``employee`` may start an attempt of ``exam`` at ``now`` (an attempt already in
    progress is resumed, not started: ``in_progress``). Reasons, in the candidate's words: not
    open yet, closed, no attempts left, attendance below the minimum, no paper."""
    now = now or timezone.now()
    override = override_for(exam, employee)
    opens, closes, minutes = exam_window(exam, override)
    attempts = list(
        Attempt.objects.filter(exam=exam, employee=employee).only(
            "pk", "status", "number", "deadline"
        )
    )
    in_progress = next((a for a in attempts if a.status == AttemptStatus.IN_PROGRESS), None)
    allowed = exam.max_attempts + (override.extra_attempts if override else 0)
    rate = None
    reasons = []
    if exam.kind != ExamKind.THEORY or exam.paper_id is None:
        reasons.append(_("This exam is not taken online."))
    if now < opens:
        reasons.append(
            _("The exam opens at %s.") % timezone.localtime(opens).strftime("%Y-%m-%d %H:%M")
        )
    elif now >= closes:
        reasons.append(_("The exam is closed."))
    if in_progress is None and len(attempts) >= allowed:
        reasons.append(_("You have used all %d of your attempts.") % allowed)
    if exam.min_attendance_rate is not None and exam.training_id:
        rate = attendance_rate(training=exam.training, employee=employee)
        if rate is None or rate < exam.min_attendance_rate:
            reasons.append(
                _(
                    "Your attendance rate is %(rate)s%%; at least %(minimum)s%% is needed "
                    "to sit this exam."
                )
                % {
                    "rate": f"{rate:.0f}" if rate is not None else "0",
                    "minimum": f"{exam.min_attendance_rate:.0f}",
                }
            )
    return Eligibility(
        exam=exam,
        employee=employee,
        opens_at=opens,
        closes_at=closes,
        duration_minutes=minutes,
        attempts_used=len(attempts),
        attempts_allowed=allowed,
        in_progress=in_progress,
        attendance_rate=rate,
        reasons=reasons,
    )


def attempt_get_for_user(*, user, attempt_id: int) -> Attempt:
    """The caller's own attempt; the safety officer and HR see every attempt, an instructor
    those of exams they grade. Anyone else: NotFound."""
    attempt = (
        Attempt.objects.select_related("exam", "employee__department").filter(pk=attempt_id).first()
    )
    if attempt is None:
        raise NotFound(_("Attempt not found."))
    employee = _employee(user)
    if employee is not None and attempt.employee_id == employee.pk:
        return attempt
    if has_role(user, Role.SAFETY_OFFICER, Role.HR) or user_may_grade(user, attempt.exam):
        return attempt
    raise NotFound(_("Attempt not found."))


def results_visible(attempt: Attempt, *, now=None) -> bool:
    """Whether the candidate may see the attempt's score: graded, and the exam's rule allows
    it (immediately; after the exam closes; never)."""
    if attempt.status != AttemptStatus.GRADED:
        return False
    rule = attempt.exam.results_visible
    if rule == ResultsVisible.IMMEDIATELY:
        return True
    if rule == ResultsVisible.AFTER_CLOSE:
        return (now or timezone.now()) >= attempt.exam.effective_close
    return False


def _latest_close(exam: Exam):
    """The last moment anyone may start an attempt: the close time, or a later one given to
    someone by an override; an exam closed early closes then for everyone."""
    closes = max(
        [
            exam.closes_at,
            *ExamOverride.objects.filter(exam=exam, closes_at__isnull=False).values_list(
                "closes_at", flat=True
            ),
        ]
    )
    if exam.closed_early_at and exam.closed_early_at < closes:
        closes = exam.closed_early_at
    return closes


def exam_sittings_over(exam: Exam, *, now=None) -> bool:
    """Whether no one can still start or continue an attempt of ``exam``: no attempt in
    progress (within its deadline and the grace for late saves), and either the exam has
    closed for everyone (overrides included) or every candidate has used all their
    attempts. Candidates kept out for now (attendance below the minimum) still count as able
    to start: their attendance may be corrected."""
    now = now or timezone.now()
    grace = timedelta(seconds=settings.EXAM_SAVE_GRACE_SECONDS)
    running = Attempt.objects.filter(
        exam=exam, status=AttemptStatus.IN_PROGRESS, deadline__gt=now - grace
    )
    if running.exists():
        return False
    if now >= _latest_close(exam):
        return True
    used = dict(
        Attempt.objects.filter(exam=exam)
        .values("employee")
        .annotate(count=Count("pk"))
        .values_list("employee", "count")
    )
    extra = dict(
        ExamOverride.objects.filter(exam=exam).values_list("employee_id", "extra_attempts")
    )
    candidates = exam_candidates(exam).values_list("pk", flat=True)
    return all(used.get(pk, 0) >= exam.max_attempts + extra.get(pk, 0) for pk in candidates)


def paper_sittings_over(*, paper_id: int | None, now=None) -> bool:
    """Whether no one can still start or continue an attempt on the paper, in any exam that
    sets it (a resit next week on the same paper counts too)."""
    if paper_id is None:
        return True
    exams = Exam.objects.filter(paper_id=paper_id, kind=ExamKind.THEORY)
    return all(exam_sittings_over(exam, now=now) for exam in exams)


def review_visible(attempt: Attempt, *, now=None) -> bool:
    """Whether the candidate may see each question with the key and explanation: the exam
    allows review, the result is visible, and no one can still start or continue an attempt
    on the same paper (after the close, or once every candidate has used their attempts), so
    an early finisher cannot hand the key to those still sitting, nor use it in a second
    attempt of their own. The score alone may show earlier (``results_visible``)."""
    if not (attempt.exam.review_visible and results_visible(attempt, now=now)):
        return False
    return paper_sittings_over(paper_id=attempt.exam.paper_id, now=now)
