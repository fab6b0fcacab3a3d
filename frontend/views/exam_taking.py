"""The trainee's exam pages: my exams, the page before the start, the exam itself (autosave
through the API, countdown from the server's clock), handing in, and the result.

Questions reach these templates only as the ``Shown*`` records built here. The records of
the exam page have no field for the key, accepted answers or explanations, so nothing a
template does can put them into the page; the review records carry them and are built only
when ``review_visible`` allows it.
"""

import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from PIL import Image, UnidentifiedImageError

from core.errors import Conflict, NotFound
from exams.models import (
    CHOICE_TYPES,
    OPTION_LETTERS,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    CloseReason,
    QuestionType,
    ResultsVisible,
)
from exams.selectors.exams import (
    attempt_get_for_user,
    exam_eligibility,
    exam_get_for_user,
    exams_for_candidate,
    results_visible,
    review_visible,
)
from exams.selectors.papers import paper_summary
from exams.services.attempts import attempt_close_if_expired, attempt_start, attempt_submit
from frontend.forms.papers import points_text as number_text
from people.selectors import employee_for_user

RASTER_FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}


def duration_text(seconds: float | None) -> str:
    """A span of time in the reader's words: "1 h 05 min", "12 min 30 s", "45 s"."""
    if seconds is None:
        return ""
    seconds = max(int(seconds), 0)
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


# Access --------------------------------------------------------------------------------------


def _employee(request):
    employee = employee_for_user(request.user)
    if employee is None:
        raise Http404
    return employee


def _candidate_exam(request, pk: int):
    """The exam if the caller may sit it; anyone else gets 404, as if it did not exist."""
    employee = _employee(request)
    try:
        exam = exam_get_for_user(user=request.user, exam_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if not exams_for_candidate(employee).filter(pk=exam.pk).exists():
        raise Http404
    return employee, exam


def _own_attempt(request, pk: int) -> Attempt:
    """The caller's own attempt. Another person's, even for a reader who may see it through
    the selector, is 404 here: these are the candidate's pages."""
    try:
        attempt = attempt_get_for_user(user=request.user, attempt_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if attempt.employee.user_id != request.user.pk:
        raise Http404
    return attempt


def _attempts_of(exam, employee) -> list[Attempt]:
    return list(Attempt.objects.filter(exam=exam, employee=employee).order_by("-number"))


def _close_expired(attempts: list[Attempt], now) -> list[Attempt]:
    """An attempt past its deadline closes on the candidate's next request."""
    return [attempt_close_if_expired(attempt=a, now=now) if a.in_progress else a for a in attempts]


# My exams ------------------------------------------------------------------------------------


@dataclass
class ExamRow:
    exam: object
    state: str  # a key of STATE_LABELS
    state_label: str
    opens_at: object
    closes_at: object
    attempts_used: int
    attempts_allowed: int
    reasons: list[str] = field(default_factory=list)
    attempt: Attempt | None = None
    time_left: str = ""
    score: str = ""
    max_score: str = ""
    passed: bool | None = None
    results_shown: bool = False
    can_start: bool = False


STATE_LABELS = {
    "upcoming": gettext_lazy("Not open yet"),
    "open": gettext_lazy("Open"),
    "in_progress": gettext_lazy("In progress"),
    "submitted": gettext_lazy("Handed in, awaiting grading"),
    "graded": gettext_lazy("Graded"),
    "unavailable": gettext_lazy("Not available to you"),
    "missed": gettext_lazy("Missed"),
}


def _exam_row(exam, employee, now) -> ExamRow:
    attempts = _close_expired(_attempts_of(exam, employee), now)
    eligibility = exam_eligibility(exam=exam, employee=employee, now=now)
    row = ExamRow(
        exam=exam,
        state="",
        state_label="",
        opens_at=eligibility.opens_at,
        closes_at=eligibility.closes_at,
        attempts_used=eligibility.attempts_used,
        attempts_allowed=eligibility.attempts_allowed,
        reasons=eligibility.reasons,
        can_start=eligibility.can_start,
    )
    latest = attempts[0] if attempts else None
    row.attempt = latest
    if latest is not None and latest.in_progress:
        row.state = "in_progress"
        row.time_left = duration_text((latest.deadline - now).total_seconds())
    elif now < eligibility.opens_at:
        row.state = "upcoming"
    elif latest is not None:
        row.state = "graded" if latest.status == AttemptStatus.GRADED else "submitted"
        row.results_shown = results_visible(latest, now=now)
        if row.results_shown:
            row.score, row.max_score = number_text(latest.score), number_text(latest.max_score)
            row.passed = latest.passed
    elif eligibility.can_start:
        row.state = "open"
    elif now >= eligibility.closes_at:
        row.state = "missed"
    else:
        row.state = "unavailable"
    row.state_label = str(STATE_LABELS[row.state])
    return row


def exams_to_sit_now(employee) -> list[ExamRow]:
    """For the home page: the exams the trainee may start now or has in progress. Exams
    closed for a month are not looked at (an override rarely reaches that far)."""
    now = timezone.now()
    recent = exams_for_candidate(employee).filter(closes_at__gt=now - timedelta(days=30))
    rows = [_exam_row(exam, employee, now) for exam in recent]
    return [row for row in rows if row.state in ("open", "in_progress") or row.can_start]


@login_required
@never_cache
@require_GET
def my_exams(request):
    """The caller's exams with their state: not open yet, open, in progress (time left),
    handed in, graded (score only when the exam shows it), missed."""
    employee = employee_for_user(request.user)
    now = timezone.now()
    rows = []
    if employee is not None:
        rows = [_exam_row(exam, employee, now) for exam in exams_for_candidate(employee)]
    return render(request, "frontend/exams/take/list.html", {"rows": rows, "now": now})


# Before the start ------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def exam_intro(request, pk: int):
    """Rules, times, questions and points, attempts left and whether the caller may start
    (and why not). POST starts an attempt, or resumes the one in progress."""
    employee, exam = _candidate_exam(request, pk)
    if request.method == "POST":
        try:
            started = attempt_start(employee=employee, exam=exam)
        except NotFound as error:
            raise Http404(error.message) from error
        except Conflict as error:
            messages.error(request, error.message)
            return redirect("exam_intro", pk=exam.pk)
        return redirect("attempt_take", pk=started.attempt.pk)
    now = timezone.now()
    attempts = _close_expired(_attempts_of(exam, employee), now)
    eligibility = exam_eligibility(exam=exam, employee=employee, now=now)
    summary = paper_summary(paper=exam.paper) if exam.paper_id else None
    in_progress = next((a for a in attempts if a.in_progress), None)
    past = [
        {
            "attempt": a,
            "results_shown": results_visible(a, now=now),
            "score": number_text(a.score),
            "max_score": number_text(a.max_score),
        }
        for a in attempts
        if not a.in_progress
    ]
    return render(
        request,
        "frontend/exams/take/intro.html",
        {
            "exam": exam,
            "eligibility": eligibility,
            "question_count": summary.question_count if summary else 0,
            "total_points": number_text(summary.total_points) if summary else "",
            "pass_score": number_text(exam.pass_score),
            "in_progress": in_progress,
            "time_left": (
                duration_text((in_progress.deadline - now).total_seconds()) if in_progress else ""
            ),
            "past_attempts": past,
            "upcoming": now < eligibility.opens_at,
        },
    )


# The exam page -------------------------------------------------------------------------------


@dataclass
class ShownOption:
    id: str  # the attempt's random identifier, never the bank's id
    letter: str
    text: str
    chosen: bool


@dataclass
class ShownQuestion:
    """One question as the candidate answers it. No field can hold the key."""

    number: int
    question_id: str  # the attempt's random identifier, never the bank's id
    type: str
    type_label: str
    stem: str
    image_url: str
    points: str
    options: list[ShownOption]
    blanks: list[str]  # the candidate's texts, one per blank
    text: str
    flagged: bool
    answered: bool
    sequence: int

    @property
    def is_choice(self) -> bool:
        return self.type in CHOICE_TYPES

    @property
    def is_multiple(self) -> bool:
        return self.type == QuestionType.MULTIPLE

    @property
    def is_fill_blank(self) -> bool:
        return self.type == QuestionType.FILL_BLANK


def _attempt_rows(attempt: Attempt) -> list[AttemptQuestion]:
    return list(
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("version", "answer")
        .prefetch_related("version__options")
        .order_by("position")
    )


def _image_url(attempt: Attempt, aq: AttemptQuestion) -> str:
    if not aq.version.image:
        return ""
    return reverse("attempt_question_image", args=[attempt.pk, aq.key])


def _options_in_order(aq: AttemptQuestion) -> list:
    by_id = {o.pk: o for o in aq.version.options.all()}
    return [by_id[option_id] for option_id in aq.option_order if option_id in by_id]


def _shown_question(attempt: Attempt, aq: AttemptQuestion) -> ShownQuestion:
    version, answer = aq.version, aq.answer
    selected = set(answer.selected or [])
    blank_count = len(version.blanks or [])
    texts = [str(b) for b in (answer.blanks or [])][:blank_count]
    texts += [""] * (blank_count - len(texts))
    option_key_of = aq.option_key_of()
    return ShownQuestion(
        number=aq.position + 1,
        question_id=aq.key,
        type=version.type,
        type_label=str(QuestionType(version.type).label),
        stem=version.stem,
        image_url=_image_url(attempt, aq),
        points=number_text(aq.points),
        options=[
            ShownOption(
                id=option_key_of[o.pk],
                letter=OPTION_LETTERS[i],
                text=o.text,
                chosen=o.pk in selected,
            )
            for i, o in enumerate(_options_in_order(aq))
        ]
        if version.type in CHOICE_TYPES
        else [],
        blanks=texts,
        text=answer.text,
        flagged=answer.flagged,
        answered=answer.is_answered,
        sequence=answer.sequence,
    )


def _js_labels() -> dict[str, str]:
    """The texts exam.js shows, in the reader's language."""
    return {
        "saved": _("Saved"),
        "saving": _("Saving…"),
        "offline": _("Offline, will retry"),
        "error": _("Not saved"),
        "signed_out": _("Not saved: your session has ended. Sign in again in another tab."),
        "time_up": _("Time is up. Your answers are being handed in."),
        "closed": _("This attempt is closed. Opening your result…"),
        "extended": _("The deadline changed. The countdown shows your new time."),
        "not_saved_question": _("This answer was not saved:"),
        "answered": _("answered"),
        "not_answered": _("not answered"),
        "flagged": _("flagged"),
    }


@login_required
@never_cache
@require_GET
def attempt_take(request, pk: int):
    """The exam: the attempt's questions as frozen at the start, with the stored answers, a
    navigator, and a countdown to the server's deadline. An attempt past its deadline is
    closed and the page goes to the result."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    attempt = attempt_close_if_expired(attempt=attempt, now=now)
    if not attempt.in_progress:
        return redirect("attempt_result", pk=attempt.pk)
    questions = [_shown_question(attempt, aq) for aq in _attempt_rows(attempt)]
    return render(
        request,
        "frontend/exams/take/attempt.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "questions": questions,
            "answered_count": sum(q.answered for q in questions),
            "flagged_count": sum(q.flagged for q in questions),
            "deadline_iso": attempt.deadline.isoformat(),
            "server_now_iso": now.isoformat(timespec="milliseconds"),
            "time_left": duration_text((attempt.deadline - now).total_seconds()),
            "max_sequence": max((q.sequence for q in questions), default=0),
            "grace_seconds": settings.EXAM_SAVE_GRACE_SECONDS,
            "time_zone": settings.TIME_ZONE,
            "labels": _js_labels(),
        },
    )


@login_required
@never_cache
@require_GET
def attempt_clock(request, pk: int):
    """The attempt's status and deadline with the server's time, for the page to set its
    countdown after a lost connection or a sleeping phone. Nothing else."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    attempt = attempt_close_if_expired(attempt=attempt, now=now)
    return JsonResponse(
        {
            "status": attempt.status,
            "deadline": attempt.deadline.isoformat(),
            "server_time": now.isoformat(),
        }
    )


@login_required
@require_GET
def attempt_question_image(request, pk: int, question_id: str):
    """The picture of one question of the caller's own attempt (by the identifier the attempt
    shows for it), typed by its content."""
    attempt = _own_attempt(request, pk)
    aq = (
        AttemptQuestion.objects.select_related("version")
        .filter(attempt=attempt, key=question_id)
        .first()
    )
    if aq is None or not aq.version.image:
        raise Http404
    try:
        with aq.version.image.open("rb") as stored:
            content = stored.read()
        with Image.open(io.BytesIO(content)) as picture:
            kind = picture.format if picture.format in RASTER_FORMATS else None
            content_type = Image.MIME.get(kind or "")
    except (OSError, UnidentifiedImageError) as error:
        raise Http404 from error
    if content_type is None:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response


# Handing in ---------------------------------------------------------------------------------


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def attempt_hand_in(request, pk: int):
    """GET: how many questions are unanswered, and the button. POST: hand in (twice is
    harmless: the service returns the same result), then the result page."""
    attempt = _own_attempt(request, pk)
    if request.method == "POST":
        attempt_submit(attempt=attempt)
        return redirect("attempt_result", pk=attempt.pk)
    attempt = attempt_close_if_expired(attempt=attempt)
    if not attempt.in_progress:
        return redirect("attempt_result", pk=attempt.pk)
    answers = [aq.answer for aq in _attempt_rows(attempt)]
    return render(
        request,
        "frontend/exams/take/hand_in.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "question_count": len(answers),
            "unanswered_count": sum(not a.is_answered for a in answers),
            "flagged_count": sum(a.flagged for a in answers),
        },
    )


# The result ----------------------------------------------------------------------------------


@dataclass
class ReviewOption:
    letter: str
    text: str
    chosen: bool
    correct: bool


@dataclass
class ReviewBlank:
    number: int
    given: str
    accepted: str


@dataclass
class ReviewQuestion:
    """One question with the candidate's answer and the key: built only when the exam lets
    the candidate review."""

    number: int
    type_label: str
    stem: str
    image_url: str
    points: str
    earned: str
    awaiting_grading: bool
    options: list[ReviewOption]
    blanks: list[ReviewBlank]
    text: str
    reference_answer: str
    explanation: str
    grader_comment: str
    is_choice: bool


def _review_question(attempt: Attempt, aq: AttemptQuestion) -> ReviewQuestion:
    version, answer = aq.version, aq.answer
    selected = set(answer.selected or [])
    given = list(answer.blanks or [])
    is_choice = version.type in CHOICE_TYPES
    return ReviewQuestion(
        number=aq.position + 1,
        type_label=str(QuestionType(version.type).label),
        stem=version.stem,
        image_url=_image_url(attempt, aq),
        points=number_text(aq.points),
        earned=number_text(answer.score),
        awaiting_grading=answer.needs_grading,
        options=[
            ReviewOption(
                letter=OPTION_LETTERS[i], text=o.text, chosen=o.pk in selected, correct=o.correct
            )
            for i, o in enumerate(_options_in_order(aq))
        ]
        if is_choice
        else [],
        blanks=[
            ReviewBlank(
                number=i + 1,
                given=str(given[i]) if i < len(given) else "",
                accepted=" / ".join(str(a) for a in accepted),
            )
            for i, accepted in enumerate(version.blanks or [])
        ]
        if version.type == QuestionType.FILL_BLANK
        else [],
        text=answer.text,
        reference_answer=version.reference_answer,
        explanation=version.explanation,
        grader_comment=answer.grader_comment,
        is_choice=is_choice,
    )


def _hidden_reason(attempt: Attempt, now) -> str:
    if attempt.status == AttemptStatus.SUBMITTED:
        return _(
            "Your answers were handed in. Some answers are graded by hand: your result "
            "appears here once grading is finished."
        )
    rule = attempt.exam.results_visible
    if rule == ResultsVisible.AFTER_CLOSE and now < attempt.exam.effective_close:
        return _("Results will be shown after the exam closes, at %(time)s.") % {
            "time": timezone.localtime(attempt.exam.effective_close).strftime("%Y-%m-%d %H:%M")
        }
    return _("The results of this exam are not published to candidates.")


CLOSE_REASON_TEXT = {
    CloseReason.SUBMITTED: gettext_lazy("You handed in your answers."),
    CloseReason.DEADLINE: gettext_lazy("The time ran out: the attempt closed at its deadline."),
    CloseReason.EXAM_CLOSED: gettext_lazy("The exam was closed by the safety department."),
}


@login_required
@never_cache
@require_GET
def attempt_result(request, pk: int):
    """Status always; score, passed and time taken only when the exam's rule shows them; each
    question with the key and explanation only when it also allows review."""
    attempt = _own_attempt(request, pk)
    now = timezone.now()
    attempt = attempt_close_if_expired(attempt=attempt, now=now)
    if attempt.in_progress and now < attempt.deadline:
        return redirect("attempt_take", pk=attempt.pk)
    shown = results_visible(attempt, now=now)
    rows = _attempt_rows(attempt)
    reviewable = review_visible(attempt, now=now)
    review = [_review_question(attempt, aq) for aq in rows] if reviewable else []
    review_pending = ""
    if shown and attempt.exam.review_visible and not reviewable:
        review_pending = _(
            "The questions with the right answers and explanations are shown once no one can "
            "still sit this exam: after it closes (%(time)s), or once every candidate has "
            "handed in."
        ) % {"time": timezone.localtime(attempt.exam.effective_close).strftime("%Y-%m-%d %H:%M")}
    return render(
        request,
        "frontend/exams/take/result.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            # Past the deadline, within the grace for late saves: it closes in a moment.
            "closing": attempt.in_progress,
            "close_reason": CLOSE_REASON_TEXT.get(attempt.close_reason, ""),
            "results_shown": shown,
            "hidden_reason": "" if shown or attempt.in_progress else _hidden_reason(attempt, now),
            "score": number_text(attempt.score) if shown else "",
            "max_score": number_text(attempt.max_score),
            "time_taken": duration_text(attempt.duration_seconds) if shown else "",
            "review": review,
            "review_pending": review_pending,
            "answered_count": sum(aq.answer.is_answered for aq in rows),
            "question_count": len(rows),
        },
    )
