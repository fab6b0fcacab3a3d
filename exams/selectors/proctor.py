"""The safety officer's live proctor board of an exam: every candidate's state, read in a fixed
number of queries whatever the number of candidates.

A candidate is not started (no attempt), in progress (answered k of n, the deadline),
submitted (awaiting the grading of open answers) or graded (the score, which only the
safety officer's board shows). The row shows the attempt in progress, else the latest one.
The live events of ``exams.live`` keep a page in step after it loaded this board.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exams.models import Answer, Attempt, AttemptStatus, Exam
from exams.selectors.exams import exam_candidates


class ProctorState:
    NOT_STARTED = "not_started"
    IN_PROGRESS = AttemptStatus.IN_PROGRESS.value
    SUBMITTED = AttemptStatus.SUBMITTED.value
    GRADED = AttemptStatus.GRADED.value

    LABELS = {
        NOT_STARTED: _("Not started"),
        IN_PROGRESS: _("In progress"),
        SUBMITTED: _("Submitted"),
        GRADED: _("Graded"),
    }


@dataclass
class ProctorRow:
    employee_id: int
    employee_no: str
    name: str
    department: str
    state: str = ProctorState.NOT_STARTED
    attempt_id: int | None = None
    attempt_number: int | None = None
    questions: int = 0
    # Ids (``question_id`` of the API) of the questions answered so far; in progress only.
    answered: list[int] = field(default_factory=list)
    started_at: datetime | None = None
    deadline: datetime | None = None
    submitted_at: datetime | None = None
    close_reason: str = ""
    score: Decimal | None = None
    max_score: Decimal | None = None
    passed: bool | None = None
    seconds_left: int | None = None  # in progress: until the deadline, at the board's time

    @property
    def answered_count(self) -> int:
        return len(self.answered)

    @property
    def state_label(self) -> str:
        return str(ProctorState.LABELS[self.state])

    @property
    def time_left(self) -> str:
        """``m:ss`` (``h:mm:ss`` from an hour) left at the board's time; empty if not in
        progress."""
        if self.seconds_left is None:
            return ""
        hours, rest = divmod(self.seconds_left, 3600)
        minutes, seconds = divmod(rest, 60)
        return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


@dataclass
class ProctorBoard:
    exam: Exam
    rows: list[ProctorRow]
    server_time: datetime

    @property
    def counts(self) -> dict[str, int]:
        counts = {state: 0 for state in ProctorState.LABELS}
        for row in self.rows:
            counts[row.state] += 1
        counts["candidates"] = len(self.rows)
        # Handed in, whether or not open answers still await grading.
        counts["handed_in"] = counts[ProctorState.SUBMITTED] + counts[ProctorState.GRADED]
        return counts

    @property
    def closed(self) -> bool:
        return self.server_time >= self.exam.effective_close

    def payload(self) -> dict:
        """The board as the page's script and the live event carry it (JSON-ready with
        ``DjangoJSONEncoder``): rows, figures, whether the exam is closed, the server's time."""
        rows = []
        for row in self.rows:
            data = asdict(row)
            data.pop("seconds_left")
            rows.append(data)
        return {
            "exam": self.exam.pk,
            "server_time": self.server_time,
            "closes_at": self.exam.effective_close,
            "closed": self.closed,
            "closed_early_at": self.exam.closed_early_at,
            "counts": self.counts,
            "rows": rows,
        }


def _is_answered(selected, text, blanks) -> bool:
    # The rule of Answer.is_answered, on raw values (JSON emptiness is checked in Python so
    # the query stays the same on SQLite and PostgreSQL).
    return bool(selected or (text or "").strip() or any(str(b).strip() for b in blanks or []))


def _shown_attempts(exam: Exam) -> dict[int, Attempt]:
    """Per candidate: the attempt in progress, else the latest one (a reopened earlier
    attempt in progress wins over a later closed one)."""
    shown: dict[int, Attempt] = {}
    attempts = (
        Attempt.objects.filter(exam=exam)
        .annotate(question_count=Count("questions"))
        .only(
            "pk",
            "employee_id",
            "number",
            "status",
            "started_at",
            "deadline",
            "submitted_at",
            "close_reason",
            "score",
            "max_score",
            "passed",
        )
        .order_by("employee_id", "number")
    )
    for attempt in attempts:
        current = shown.get(attempt.employee_id)
        if current is None or current.status != AttemptStatus.IN_PROGRESS:
            shown[attempt.employee_id] = attempt
    return shown


def _answered_questions(exam: Exam) -> dict[int, list[int]]:
    """Attempt id -> ids of its answered questions, for attempts in progress only. Answers
    never saved (sequence 0) are empty and not read."""
    answered: dict[int, list[int]] = {}
    rows = Answer.objects.filter(
        attempt__exam=exam, attempt__status=AttemptStatus.IN_PROGRESS, sequence__gt=0
    ).values_list("attempt_id", "attempt_question__question_id_shown", "selected", "text", "blanks")
    for attempt_id, question_id, selected, text, blanks in rows:
        if _is_answered(selected, text, blanks):
            answered.setdefault(attempt_id, []).append(question_id)
    return answered


def proctor_board(exam: Exam, *, now: datetime | None = None) -> ProctorBoard:
    """Every candidate of ``exam`` (``exam_candidates``), by department then employee number,
    with their state. Four queries whatever the number of candidates and attempts. Scores
    are in the rows: the board is for the safety officer only, never for a candidate."""
    now = now or timezone.now()
    candidates = (
        exam_candidates(exam)
        .select_related("department")
        .only("pk", "employee_no", "name", "department__path")
        .order_by("department__path", "employee_no")
    )
    shown = _shown_attempts(exam)
    answered = _answered_questions(exam)
    rows = []
    for employee in candidates:
        row = ProctorRow(
            employee_id=employee.pk,
            employee_no=employee.employee_no,
            name=employee.name,
            department=employee.department.path,
        )
        attempt = shown.get(employee.pk)
        if attempt is not None:
            row.state = attempt.status
            row.attempt_id = attempt.pk
            row.attempt_number = attempt.number
            row.questions = attempt.question_count
            row.started_at = attempt.started_at
            row.deadline = attempt.deadline
            row.submitted_at = attempt.submitted_at
            row.close_reason = attempt.close_reason
            row.max_score = attempt.max_score
            if attempt.status == AttemptStatus.IN_PROGRESS:
                row.answered = sorted(answered.get(attempt.pk, []))
                row.seconds_left = max(int((attempt.deadline - now).total_seconds()), 0)
            elif attempt.status == AttemptStatus.GRADED:
                row.score, row.passed = attempt.score, attempt.passed
        rows.append(row)
    return ProctorBoard(exam=exam, rows=rows, server_time=now)
