"""An attempt's life: start (frozen questions, server deadline), autosave, submit, close at the
deadline. What the safety officer does to attempts (reopen, extra time, closing an exam early)
is in ``exams.services.proctoring``.

Rules that hold here (DESIGN.md): the deadline is the server's; one attempt in progress per
candidate and exam (a partial unique constraint, not a check in Python); submit and close are
idempotent and grade once (a conditional update claims the attempt); an answer save is one
conditional update that an older sequence number or a closed attempt cannot pass.
"""

import datetime
import json
import logging
import random
import secrets
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict, NotFound
from exams import live
from exams.grading import score_answer
from exams.models import (
    CHOICE_TYPES,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CloseReason,
    Exam,
    QuestionType,
)
from exams.selectors.exams import exam_candidates, exam_eligibility
from exams.selectors.papers import PaperNotDrawable, paper_draw
from exams.services.questions import question_versions_mark_used
from exams.services.results import attempt_finish_grading, result_refresh
from people.models import Employee

logger = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 10_000
MAX_BLANK_LENGTH = 1_000
MAX_SEQUENCE = 2**62


def save_grace() -> timedelta:
    return timedelta(seconds=settings.EXAM_SAVE_GRACE_SECONDS)


@dataclass
class StartResult:
    attempt: Attempt
    created: bool


def _frozen_questions(exam: Exam, rng: random.Random):
    try:
        drawn = paper_draw(paper=exam.paper, rng=rng)
    except PaperNotDrawable as error:
        raise Conflict(
            _("The paper cannot be drawn: the bank no longer holds enough questions for “%s”.")
            % error.args[0]
        ) from error
    if not drawn:
        raise Conflict(_("The paper has no questions."))
    if exam.shuffle_questions:
        rng.shuffle(drawn)
    return drawn


def opaque_keys(count: int) -> list[str]:
    """``count`` distinct random identifiers: what a candidate sees for the questions of an
    attempt or the options of a question, instead of the bank's ids, whose order would tell
    the key (options are stored in the author's order, usually the right one first)."""
    keys: list[str] = []
    while len(keys) < count:
        key = secrets.token_hex(4)
        if key not in keys:
            keys.append(key)
    return keys


def as_shown(aq: AttemptQuestion, answer: dict) -> dict:
    """An answer given with the bank's option ids (``selected``), as the candidate would send
    it: with the identifiers this attempt shows. For the demo and the benchmarks, which
    choose answers knowing the key."""
    if "selected" not in answer:
        return answer
    key_of = aq.option_key_of()
    return {**answer, "selected": [key_of[option_id] for option_id in answer["selected"]]}


@transaction.atomic
def _create_attempt(*, exam: Exam, employee: Employee, number: int, deadline, now, rng) -> Attempt:
    drawn = _frozen_questions(exam, rng)
    attempt = Attempt.objects.create(
        exam=exam,
        employee=employee,
        number=number,
        started_at=now,
        deadline=deadline,
        max_score=sum((d.points for d in drawn), Decimal(0)),
    )
    rows = []
    for position, (d, key) in enumerate(zip(drawn, opaque_keys(len(drawn)), strict=True)):
        order = [o.pk for o in d.version.options.all()]
        if exam.shuffle_options and d.version.type != QuestionType.TRUE_FALSE:
            rng.shuffle(order)
        rows.append(
            AttemptQuestion(
                attempt=attempt,
                position=position,
                version=d.version,
                question_id_shown=d.question.pk,
                key=key,
                points=d.points,
                option_order=order,
                option_keys=opaque_keys(len(order)),
            )
        )
    rows = AttemptQuestion.objects.bulk_create(rows)
    Answer.objects.bulk_create(Answer(attempt=attempt, attempt_question=row) for row in rows)
    question_versions_mark_used(version_ids=[d.version.pk for d in drawn])
    live.attempt_started(attempt, questions=len(rows))
    return attempt


def attempt_start(
    *, employee: Employee, exam: Exam, now=None, rng: random.Random | None = None
) -> StartResult:
    """Start an attempt, or return the one in progress (``created`` False).

    The attempt freezes its questions (the current version of each fixed item, a fresh random
    draw for each rule, the option order when options are shuffled) and its deadline: the
    earlier of start + duration (+ the candidate's extra minutes) and the close time. Refuses
    (Conflict, with the reason) when the candidate may not start now: not open, closed, no
    attempts left, attendance below the minimum; someone who may not sit it gets NotFound.
    Twenty simultaneous starts give one attempt:
    the database refuses a second attempt in progress and the loser returns the winner's.
    """
    now = now or timezone.now()
    rng = rng or random.SystemRandom()
    # Fresh from the database: the exam may have been closed early a moment ago.
    exam = Exam.objects.select_related("paper", "training").get(pk=exam.pk)
    if not exam_candidates(exam).filter(pk=employee.pk).exists():
        raise NotFound(_("Exam not found."))
    for current in Attempt.objects.filter(
        exam=exam, employee=employee, status=AttemptStatus.IN_PROGRESS
    ):
        current = attempt_close_if_expired(attempt=current, now=now)
        if current.status == AttemptStatus.IN_PROGRESS:
            return StartResult(current, False)
    eligibility = exam_eligibility(exam=exam, employee=employee, now=now)
    if (
        eligibility.in_progress is not None
        and eligibility.in_progress.status == AttemptStatus.IN_PROGRESS
    ):
        return StartResult(Attempt.objects.get(pk=eligibility.in_progress.pk), False)
    if not eligibility.can_start:
        raise Conflict(" ".join(eligibility.reasons))
    deadline = min(now + timedelta(minutes=eligibility.duration_minutes), eligibility.closes_at)
    try:
        attempt = _create_attempt(
            exam=exam,
            employee=employee,
            number=eligibility.attempts_used + 1,
            deadline=deadline,
            now=now,
            rng=rng,
        )
    except IntegrityError:
        # Another request started one at the same moment: return that one.
        winner = Attempt.objects.filter(
            exam=exam, employee=employee, status=AttemptStatus.IN_PROGRESS
        ).first()
        if winner is None:
            raise Conflict(
                _("Another attempt was started at the same moment; reload the page.")
            ) from None
        return StartResult(winner, False)
    return StartResult(attempt, True)


@dataclass
class SaveResult:
    saved: bool  # False: a newer save was already stored (this one was older)
    sequence: int
    saved_at: object
    answered: bool


def _clean_answer(aq, selected, text, blanks) -> tuple[list[int], str, list[str]]:
    """The answer in stored form (option ids of the bank, from the identifiers the candidate
    was shown); refuses options of another question, several options for single choice, and
    oversized text (400)."""
    qtype = aq.version.type
    if qtype in CHOICE_TYPES:
        if text not in (None, "") or blanks:
            raise ValidationError({"selected": [_("Choose options for this question.")]})
        if selected is None:
            selected = []
        if not isinstance(selected, list) or len(selected) > len(aq.option_order):
            raise ValidationError({"selected": [_("Choose options of this question.")]})
        if any(not isinstance(o, str) for o in selected):
            raise ValidationError(
                {"selected": [_("Options are given by the identifiers this attempt shows.")]}
            )
        option_id_of = dict(zip(aq.option_keys, aq.option_order, strict=False))
        chosen_keys = list(dict.fromkeys(selected))
        if any(key not in option_id_of for key in chosen_keys):
            raise ValidationError({"selected": [_("An option does not belong to this question.")]})
        if qtype != QuestionType.MULTIPLE and len(chosen_keys) > 1:
            raise ValidationError({"selected": [_("Choose one option only.")]})
        return [option_id_of[key] for key in chosen_keys], "", []
    if selected:
        raise ValidationError({"selected": [_("This question takes a written answer.")]})
    if qtype == QuestionType.FILL_BLANK:
        if blanks is None:
            blanks = [text] if text not in (None, "") else []
        count = len(aq.version.blanks)
        if not isinstance(blanks, list) or len(blanks) > count:
            raise ValidationError({"blanks": [_("This question has %d blanks.") % count]})
        if any(not isinstance(b, str) or len(b) > MAX_BLANK_LENGTH for b in blanks):
            raise ValidationError(
                {"blanks": [_("A blank takes at most %d characters.") % MAX_BLANK_LENGTH]}
            )
        if any("\x00" in b for b in blanks):
            raise ValidationError({"blanks": [_("An answer cannot contain a NUL character.")]})
        return [], "", blanks
    if blanks:
        raise ValidationError({"blanks": [_("This question takes a written answer.")]})
    text = text or ""
    if not isinstance(text, str) or len(text) > MAX_TEXT_LENGTH:
        raise ValidationError(
            {"text": [_("An answer takes at most %d characters.") % MAX_TEXT_LENGTH]}
        )
    if "\x00" in text:
        raise ValidationError({"text": [_("An answer cannot contain a NUL character.")]})
    return [], text, []


@dataclass
class _SaveAttempt:
    pk: int
    exam_id: int
    employee_id: int
    status: str
    deadline: datetime.datetime


@dataclass
class _SaveVersion:
    type: str
    blanks: list


@dataclass
class _SaveTarget:
    """What a save needs of the question it answers, read in one query."""

    pk: int
    question_id: int  # the bank's, for the proctor board only
    option_order: list[int]
    option_keys: list[str]
    attempt: _SaveAttempt
    version: _SaveVersion


# The hot path of every exam: plain SQL (portable: SQLite and PostgreSQL) instead of the ORM's
# query building, which cost more than the database round trip itself.
_SAVE_TARGET_SQL = """
SELECT aq.id, aq.option_order, a.id, a.exam_id, a.employee_id, a.status, a.deadline,
       v.type, v.blanks, aq.question_id_shown, aq.option_keys
FROM exams_attemptquestion aq
JOIN exams_attempt a ON a.id = aq.attempt_id
JOIN people_employee e ON e.id = a.employee_id
JOIN exams_questionversion v ON v.id = aq.version_id
WHERE aq.attempt_id = %s AND aq.key = %s AND e.user_id = %s
"""


def _json(value):
    return json.loads(value) if isinstance(value, (str, bytes)) else value


def _save_target(*, attempt_id: int, question: str, user_id: int) -> _SaveTarget | None:
    """The question of the attempt, by the identifier the attempt shows for it, if the attempt
    is the user's own (else None)."""
    with connection.cursor() as cursor:
        cursor.execute(_SAVE_TARGET_SQL, [attempt_id, question, user_id])
        row = cursor.fetchone()
    if row is None:
        return None
    deadline_field = Attempt._meta.get_field("deadline")
    deadline = row[6]
    for converter in connection.ops.get_db_converters(
        deadline_field.get_col(Attempt._meta.db_table)
    ):
        deadline = converter(deadline, deadline_field, connection)
    return _SaveTarget(
        pk=row[0],
        question_id=row[9],
        option_order=_json(row[1]) or [],
        option_keys=_json(row[10]) or [],
        attempt=_SaveAttempt(row[2], row[3], row[4], row[5], deadline),
        version=_SaveVersion(row[7], _json(row[8]) or []),
    )


def _conditional_save(*, attempt_question_id: int, sequence: int, values: dict) -> int:
    """One UPDATE: store ``values`` unless a newer save is stored or the attempt closed.
    Returns the number of rows changed (0 or 1)."""
    fields = {name: Answer._meta.get_field(name) for name in values}
    assignments = ", ".join(
        f"{connection.ops.quote_name(field.column)} = %s" for field in fields.values()
    )
    params = [field.get_db_prep_save(values[name], connection) for name, field in fields.items()]
    closed = Answer._meta.get_field("closed").get_db_prep_save(False, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE exams_answer SET {assignments} "
            "WHERE attempt_question_id = %s AND sequence < %s AND closed = %s",
            [*params, attempt_question_id, sequence, closed],
        )
        return cursor.rowcount


def answer_save(
    *,
    user,
    attempt_id: int,
    question: str,
    selected: list | None = None,
    text: str | None = None,
    blanks: list | None = None,
    flagged: bool | None = None,
    sequence: int | None = None,
    now=None,
) -> SaveResult:
    """Store the candidate's answer to one question of their own attempt. ``question`` and the
    ``selected`` options are the identifiers the attempt shows (random per attempt), never the
    bank's ids.

    One read (the question of the attempt, checked to be the caller's: another person's
    attempt is NotFound) and one conditional update that changes nothing when a newer save
    (higher ``sequence``) is already stored or the attempt has closed. Refuses (Conflict)
    once the attempt is submitted or its deadline plus the grace for network lag has passed,
    and when the close got there first: a save either lands before the close (and is graded)
    or is refused, never stored beside a score computed without it. Refuses (400) options of
    another question and oversized answers. Without a sequence the server's clock in
    milliseconds is used.
    """
    now = now or timezone.now()
    if not isinstance(question, str):
        raise NotFound(_("Question not found in this attempt."))
    aq = _save_target(attempt_id=attempt_id, question=question, user_id=user.pk)
    if aq is None:
        raise NotFound(_("Question not found in this attempt."))
    attempt = aq.attempt
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise Conflict(_("This attempt is already submitted."))
    if now > attempt.deadline + save_grace():
        attempt_close_if_expired(attempt=Attempt.objects.get(pk=attempt.pk), now=now)
        raise Conflict(_("Time is up: the attempt was closed at its deadline."))
    if sequence is None:
        sequence = int(now.timestamp() * 1000)
    if (
        isinstance(sequence, bool)
        or not isinstance(sequence, int)
        or not 0 < sequence < MAX_SEQUENCE
    ):
        raise ValidationError({"sequence": [_("The sequence is a positive whole number.")]})
    selected, text, blanks = _clean_answer(aq, selected, text, blanks)
    values = {
        "selected": selected,
        "text": text,
        "blanks": blanks,
        "sequence": sequence,
        "saved_at": now,
    }
    if flagged is not None:
        values["flagged"] = bool(flagged)
    updated = _conditional_save(attempt_question_id=aq.pk, sequence=sequence, values=values)
    answered = bool(selected or text.strip() or any(b.strip() for b in blanks))
    if not updated:
        stored = (
            Answer.objects.filter(attempt_question_id=aq.pk)
            .values("sequence", "closed", "saved_at")
            .first()
        )
        # Not newer than what is stored (a late, older save), or the close marked the answer
        # closed first (the stored sequence is then older than this one).
        if stored is None or stored["closed"] or stored["sequence"] < sequence:
            raise Conflict(_("This attempt is already submitted."))
        return SaveResult(False, stored["sequence"], stored["saved_at"], answered)
    live.answer_saved(
        exam_id=attempt.exam_id,
        attempt_id=attempt.pk,
        employee_id=attempt.employee_id,
        question_id=aq.question_id,
        answered=answered,
    )
    return SaveResult(True, sequence, now, answered)


@transaction.atomic
def attempt_close(*, attempt_id: int, reason: str, now) -> Attempt:
    """Close and grade an attempt once. The conditional update claims it: of two
    simultaneous closes, the second updates nothing and returns what the first wrote."""
    attempt = Attempt.objects.select_related("exam", "employee").get(pk=attempt_id)
    submitted_at = min(now, attempt.deadline)
    claimed = Attempt.objects.filter(pk=attempt_id, status=AttemptStatus.IN_PROGRESS).update(
        status=AttemptStatus.SUBMITTED, submitted_at=submitted_at, close_reason=reason
    )
    if not claimed:
        attempt.refresh_from_db()
        attempt.closed_now = False
        return attempt
    attempt.closed_now = True
    attempt.status, attempt.submitted_at, attempt.close_reason = (
        AttemptStatus.SUBMITTED,
        submitted_at,
        reason,
    )
    attempt.duration_seconds = max(int((submitted_at - attempt.started_at).total_seconds()), 0)
    attempt.save(update_fields=["duration_seconds"])
    # Close the answers before reading them: the update waits for any save committing at this
    # moment and, once it has, no later save can pass (they require closed = false). What is
    # read below is then exactly what stays stored, so the grade matches the stored answer.
    Answer.objects.filter(attempt_id=attempt_id).update(closed=True)
    _grade_answers(attempt, close=True)
    attempt_finish_grading(attempt)
    if attempt.status == AttemptStatus.GRADED:
        result_refresh(exam=attempt.exam, employee=attempt.employee)
    audit_record(
        actor=None if reason != CloseReason.SUBMITTED else attempt.employee.user,
        action="attempt.closed",
        target=attempt,
        after={
            "reason": reason,
            "status": attempt.status,
            "score": attempt.score,
            "passed": attempt.passed,
        },
    )
    live.attempt_closed(attempt)
    return attempt


def _grade_answers(attempt: Attempt, *, close: bool) -> list[Answer]:
    """Score every objective answer of the attempt against its version's key; mark open
    answers for the grading queue (keeping a grade already given). With ``close`` every
    answer is also closed to further saves, in the same update."""
    answers = list(
        Answer.objects.filter(attempt=attempt)
        .select_related("attempt_question__version")
        .prefetch_related("attempt_question__version__options")
    )
    multiple_scoring = attempt.exam.multiple_scoring
    for answer in answers:
        aq = answer.attempt_question
        version = aq.version
        score = score_answer(
            question_type=version.type,
            points=aq.points,
            correct_option_ids={o.pk for o in version.options.all() if o.correct},
            blanks_key=version.blanks,
            numeric_tolerance=version.numeric_tolerance,
            selected=answer.selected,
            blanks=answer.blanks,
            text=answer.text,
            multiple_scoring=multiple_scoring,
        )
        if score is None:
            if answer.graded_at is None:
                if answer.is_answered:
                    answer.needs_grading = True
                else:
                    # Nothing written: nothing to grade.
                    answer.score, answer.needs_grading = Decimal(0), False
        else:
            answer.score, answer.needs_grading = score, False
        if close:
            answer.closed = True
    Answer.objects.bulk_update(answers, ["score", "needs_grading", "closed"], batch_size=500)
    return answers


def attempt_submit(*, attempt: Attempt, now=None) -> Attempt:
    """The candidate hands in: close and grade (objective questions at once, open answers to
    the grading queue). Idempotent: a second submit, or two at once, return the same attempt
    graded once. After the deadline the attempt counts as closed at the deadline."""
    now = now or timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS:
        attempt.refresh_from_db()
        return attempt
    reason = (
        CloseReason.SUBMITTED if now <= attempt.deadline + save_grace() else CloseReason.DEADLINE
    )
    return attempt_close(attempt_id=attempt.pk, reason=reason, now=now)


def attempt_close_if_expired(*, attempt: Attempt, now=None) -> Attempt:
    """Close an attempt whose deadline plus the grace has passed, with the answers as they
    stood; anything else is returned unchanged. Called on the candidate's next request, when
    results are read, and every minute by ``close_expired_attempts``."""
    now = now or timezone.now()
    if attempt.status == AttemptStatus.IN_PROGRESS and now > attempt.deadline + save_grace():
        return attempt_close(attempt_id=attempt.pk, reason=CloseReason.DEADLINE, now=now)
    return attempt


@dataclass
class ExpiredClosing:
    closed: int  # closed by this run (not those a concurrent run closed first)
    failed: int  # could not be closed (logged); the next run tries them again


def attempts_close_expired(*, now=None, exam: Exam | None = None) -> ExpiredClosing:
    """Close every attempt (of ``exam``, or of every exam) past its deadline plus the grace.
    Each attempt closes in its own transaction: one that fails is logged and left for the next
    run, and the others are still closed. Run every minute by ``close_expired_attempts``;
    reading results calls it so they are current."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline__lt=now - save_grace()
    )
    if exam is not None:
        expired = expired.filter(exam=exam)
    # Read up front: the closes write to these rows (and SQLite allows no open cursor across
    # the writes of another transaction).
    ids = list(expired.order_by("deadline", "pk").values_list("pk", flat=True))
    result = ExpiredClosing(closed=0, failed=0)
    for attempt_id in ids:
        try:
            attempt = attempt_close(attempt_id=attempt_id, reason=CloseReason.DEADLINE, now=now)
        except Exception:
            result.failed += 1
            logger.exception(
                "Expired attempt %s could not be closed; the next run tries again.", attempt_id
            )
            continue
        result.closed += attempt.closed_now
    return result
