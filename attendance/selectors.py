"""Reads of attendance: who may run a session's sign-in, the live board, and the rates,
hours and full-attendance list of a training."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from attendance.models import (
    ATTENDED,
    AttendancePolicy,
    AttendanceRecord,
    ProxySignInAttempt,
    SignInFailure,
    SignInWindow,
    Status,
)
from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import Enrollment, Session, Training
from people.models import Employee


def _employee_id(user) -> int | None:
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return employee.pk if employee is not None else None


def sessions_run_by(user) -> QuerySet[Session]:
    """Sessions the user may run roll call and sign-in for: all for the safety officer; for an
    instructor, sessions they teach and sessions of trainings they are instructor of."""
    sessions = Session.objects.select_related("training", "instructor")
    if has_role(user, Role.SAFETY_OFFICER):
        return sessions
    employee_id = _employee_id(user)
    if not has_role(user, Role.INSTRUCTOR) or employee_id is None:
        return sessions.none()
    return sessions.filter(
        Q(instructor_id=employee_id) | Q(training__instructors=employee_id)
    ).distinct()


def session_get_for_runner(*, user, session_id: int) -> Session:
    """The session if the user may run it; NotFound otherwise (another instructor's session
    looks the same as one that does not exist)."""
    session = sessions_run_by(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound("Session not found.")
    return session


def session_get_for_trainee(*, user, session_id: int) -> Session:
    """A session of a training the user is enrolled in; NotFound otherwise."""
    employee_id = _employee_id(user)
    session = (
        Session.objects.select_related("training")
        .filter(pk=session_id, training__enrollments__employee_id=employee_id)
        .first()
        if employee_id
        else None
    )
    if session is None:
        raise NotFound("Session not found.")
    return session


def policy_for(training: Training) -> AttendancePolicy:
    """The training's policy, or the defaults (not saved) when none was set."""
    try:
        return training.attendance_policy
    except AttendancePolicy.DoesNotExist:
        return AttendancePolicy(training=training)


def window_for(session: Session) -> SignInWindow | None:
    return SignInWindow.objects.filter(session=session).first()


def window_is_open(window: SignInWindow | None, moment=None) -> bool:
    moment = moment or timezone.now()
    return window is not None and window.opens_at <= moment <= window.closes_at


# The live board ------------------------------------------------------------------------------


@dataclass
class BoardRow:
    employee_id: int
    employee_no: str
    name: str
    department: str
    status: str | None  # None: no record yet (missing)
    signed_in_at: object = None
    method: str = ""
    reason: str = ""


@dataclass
class Board:
    """Signed in against enrolled, who is late and who is missing, for one session."""

    session: Session
    rows: list[BoardRow]
    counts: dict[str, int]
    proxy_attempts: list[ProxySignInAttempt] = field(default_factory=list)
    sign_in_locks: list[SignInFailure] = field(default_factory=list)

    @property
    def enrolled(self) -> int:
        return len(self.rows)

    @property
    def signed_in(self) -> int:
        return self.counts[Status.PRESENT] + self.counts[Status.LATE]

    @property
    def late(self) -> list[BoardRow]:
        return [row for row in self.rows if row.status == Status.LATE]

    @property
    def missing(self) -> list[BoardRow]:
        return [row for row in self.rows if row.status is None]


def board_row(record: AttendanceRecord | None, employee: Employee) -> BoardRow:
    return BoardRow(
        employee_id=employee.pk,
        employee_no=employee.employee_no,
        name=employee.name,
        department=employee.department.path,
        status=record.status if record else None,
        signed_in_at=record.signed_in_at if record else None,
        method=record.method if record else "",
        reason=record.reason if record else "",
    )


def session_board(session: Session) -> Board:
    """The board in four queries, whatever the number of trainees; rows by department, then
    employee number; with the latest refused proxy sign-ins and sign-in locks."""
    enrollments = (
        Enrollment.objects.filter(training_id=session.training_id)
        .select_related("employee__department")
        .order_by("employee__department__path", "employee__employee_no")
    )
    records = {r.employee_id: r for r in AttendanceRecord.objects.filter(session=session)}
    rows = [board_row(records.get(e.employee_id), e.employee) for e in enrollments]
    counts = {status: 0 for status in Status.values}
    counts["missing"] = 0
    for row in rows:
        counts[row.status or "missing"] += 1
    attempts = list(
        ProxySignInAttempt.objects.filter(session=session).select_related(
            "employee", "first_employee"
        )[:20]
    )
    return Board(
        session=session,
        rows=rows,
        counts=counts,
        proxy_attempts=attempts,
        sign_in_locks=sign_in_locks(session),
    )


def sign_in_locks(session: Session) -> list[SignInFailure]:
    """The trainees and addresses locked out of the session's self sign-in after too many
    wrong codes, latest first (at most 20)."""
    return list(
        SignInFailure.objects.filter(session=session, locked_at__isnull=False)
        .select_related("employee")
        .order_by("-locked_at", "-pk")[:20]
    )


def sign_in_lock_payload(lock: SignInFailure) -> dict:
    """A lock as the live pages draw it (the board's snapshot and the ``sign_in.locked``
    event)."""
    employee = lock.employee
    return {
        "scope": lock.scope,
        "employee": employee.name if employee is not None else "",
        "employee_no": employee.employee_no if employee is not None else "",
        "client_ip": lock.client_ip or "",
        "failures": lock.failures,
        "at": lock.locked_at,
    }


def board_counts_payload(board: Board) -> dict:
    """What a live event carries besides the changed row: the figures of the board."""
    return {
        "enrolled": board.enrolled,
        "signed_in": board.signed_in,
        "counts": board.counts,
    }


# Rates, hours and full attendance ------------------------------------------------------------


@dataclass
class TraineeAttendance:
    employee: Employee
    attended: int = 0
    late: int = 0
    absent: int = 0
    excused: int = 0
    hours: Decimal = Decimal("0")
    sessions_held: int = 0
    excused_counts: bool = True
    statuses: dict[int, str] = field(default_factory=dict)  # session id -> status

    @property
    def counted(self) -> int:
        """Sessions that count as attended: present and late, and excused where allowed."""
        return self.attended + (self.excused if self.excused_counts else 0)

    @property
    def rate(self) -> Decimal | None:
        if not self.sessions_held:
            return None
        return (Decimal(self.counted) * 100 / self.sessions_held).quantize(Decimal("0.1"))

    @property
    def full_attendance(self) -> bool:
        return self.sessions_held > 0 and self.counted == self.sessions_held


@dataclass
class DepartmentAttendance:
    department: str
    trainees: int = 0
    rate: Decimal | None = None
    hours: Decimal = Decimal("0")
    full_attendance: int = 0


@dataclass
class TrainingAttendance:
    training: Training
    sessions: list[Session]
    sessions_held: list[Session]
    trainees: list[TraineeAttendance]
    departments: list[DepartmentAttendance]

    @property
    def full_attendance_list(self) -> list[TraineeAttendance]:
        return [t for t in self.trainees if t.full_attendance]


def _hours(session: Session) -> Decimal:
    seconds = Decimal((session.ends_at - session.starts_at).total_seconds())
    return (seconds / 3600).quantize(Decimal("0.01"))


def training_attendance(
    training: Training, *, now=None, employee_ids: list[int] | None = None
) -> TrainingAttendance:
    """Per trainee: sessions attended (present or late), late, absent, excused, the rate over
    the sessions held so far (started; a record for a session not yet held is kept in
    ``statuses`` but not counted), hours attended (学时, from session lengths; never for
    an excused absence) and full attendance; per department the mean rate, hours and the
    number with full attendance. A held session without a record counts as absent. Four
    queries, whatever the number of trainees and sessions."""
    now = now or timezone.now()
    policy = policy_for(training)
    sessions = list(training.sessions.select_related("instructor").order_by("starts_at", "id"))
    held = [s for s in sessions if s.starts_at <= now]
    hours = {s.pk: _hours(s) for s in sessions}
    enrollments = Enrollment.objects.filter(training=training)
    records = AttendanceRecord.objects.filter(session__training=training)
    if employee_ids is not None:
        # Only these trainees: a sign-in updates one rate without reading everyone's.
        enrollments = enrollments.filter(employee_id__in=employee_ids)
        records = records.filter(employee_id__in=employee_ids)
    trainees = {
        e.employee_id: TraineeAttendance(
            employee=e.employee,
            sessions_held=len(held),
            excused_counts=policy.excused_counts_as_attended,
        )
        for e in enrollments.select_related("employee__department").order_by(
            "employee__employee_no"
        )
    }
    for employee_id, session_id, status in records.values_list(
        "employee_id", "session_id", "status"
    ):
        trainee = trainees.get(employee_id)
        if trainee is None:
            continue
        trainee.statuses[session_id] = status
    for trainee in trainees.values():
        for session in held:
            status = trainee.statuses.get(session.pk, Status.ABSENT)
            if status in ATTENDED:
                trainee.attended += 1
                trainee.hours += hours[session.pk]
                if status == Status.LATE:
                    trainee.late += 1
            elif status == Status.EXCUSED:
                trainee.excused += 1
            else:
                trainee.absent += 1
    by_department: dict[str, list[TraineeAttendance]] = defaultdict(list)
    for trainee in trainees.values():
        by_department[trainee.employee.department.path].append(trainee)
    departments = []
    for path in sorted(by_department):
        group = by_department[path]
        rates = [t.rate for t in group if t.rate is not None]
        departments.append(
            DepartmentAttendance(
                department=path,
                trainees=len(group),
                rate=(sum(rates) / len(rates)).quantize(Decimal("0.1")) if rates else None,
                hours=sum((t.hours for t in group), Decimal("0")),
                full_attendance=sum(1 for t in group if t.full_attendance),
            )
        )
    return TrainingAttendance(
        training=training,
        sessions=sessions,
        sessions_held=held,
        trainees=list(trainees.values()),
        departments=departments,
    )


def attendance_rate(*, training: Training, employee: Employee) -> Decimal | None:
    """The employee's attendance rate (percent) in the training, for exam eligibility
    (``min_attendance_rate``); None when no session has been held or they are not enrolled."""
    for trainee in training_attendance(training).trainees:
        if trainee.employee.pk == employee.pk:
            return trainee.rate
    return None


def full_attendance_list(training: Training) -> list[Employee]:
    """Everyone with full attendance: the list HR's reward list uses."""
    return [t.employee for t in training_attendance(training).full_attendance_list]
