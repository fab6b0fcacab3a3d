"""The safety officer's exam pages: the list of exams, creating, editing and deleting one,
per-person overrides, the attempts with each attempt's questions and reopening, and the
practical-exam scores. Grading and key corrections are in ``exam_grading``."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.errors import ServiceError
from core.roles import Role
from exams.models import (
    CHOICE_TYPES,
    OPTION_LETTERS,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Exam,
    ExamKind,
    ExamOverride,
    PracticalScore,
    QuestionOption,
    QuestionType,
)
from exams.selectors.exams import exam_candidates
from exams.services.attempts import attempt_close_if_expired, save_grace
from exams.services.exams import (
    exam_create,
    exam_delete,
    exam_update,
    override_delete,
    override_set,
)
from exams.services.grading import practical_scores_set
from exams.services.proctoring import attempt_reopen
from frontend.access import role_required
from frontend.forms import add_service_error
from frontend.forms.exams import (
    ExamForm,
    OverrideForm,
    PracticalScoresForm,
    ReopenForm,
    number_text,
)
from frontend.responses import render_page_or_partial

EXAMS_PER_PAGE = 25
ATTEMPTS_PER_PAGE = 50

officer_required = role_required(Role.SAFETY_OFFICER)

# The proctor board is another page's (frontend/urls_proctor.py); linked by its path so this
# page does not depend on that module being routed.
PROCTOR_PATH = "/exam-admin/{pk}/proctor/"


def _exam(pk: int) -> Exam:
    return get_object_or_404(Exam.objects.select_related("paper", "training"), pk=pk)


def _counted(queryset) -> Coalesce:
    """A correlated count of ``queryset`` (filtered by ``exam=OuterRef("pk")``)."""
    counts = queryset.order_by().values("exam_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counts, output_field=IntegerField()), 0)


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


# The list -------------------------------------------------------------------------------------


@officer_required
@require_GET
def exam_admin_list(request):
    """Every exam, newest first: its kind, training, window, paper, how many may sit and have
    started or handed in, what awaits grading, and links to its pages."""
    attempts = Attempt.objects.filter(exam=OuterRef("pk"))
    pending = Answer.objects.filter(attempt__exam=OuterRef("pk"), needs_grading=True).exclude(
        attempt__status=AttemptStatus.IN_PROGRESS
    )
    pending = pending.order_by().values("attempt__exam").annotate(n=Count("pk")).values("n")
    exams = (
        Exam.objects.select_related("paper", "training")
        .annotate(
            attempts_started=_counted(attempts),
            attempts_submitted=_counted(attempts.exclude(status=AttemptStatus.IN_PROGRESS)),
            answers_pending=Coalesce(Subquery(pending, output_field=IntegerField()), 0),
        )
        .order_by("-opens_at", "id")
    )
    page = Paginator(exams, EXAMS_PER_PAGE).get_page(request.GET.get("page"))
    for exam in page:
        exam.candidates_count = exam_candidates(exam).count()
        exam.proctor_url = PROCTOR_PATH.format(pk=exam.pk)
    return render_page_or_partial(
        request,
        page="frontend/exams/admin/list.html",
        partial="frontend/exams/admin/_exam_rows.html",
        context={"page": page, "now": timezone.now()},
    )


# Create, edit, delete ----------------------------------------------------------------------------


@officer_required
def exam_admin_create(request):
    form = ExamForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            exam = exam_create(actor=request.user, spec=form.spec())
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Exam “%(exam)s” was created.") % {"exam": exam})
            return redirect("exam_admin_list")
    return render(request, "frontend/exams/admin/form.html", {"form": form, "exam": None})


@officer_required
def exam_admin_edit(request, pk: int):
    exam = _exam(pk)
    form = ExamForm(
        request.POST if request.method == "POST" else None,
        initial=ExamForm.initial_for(exam),
        exam=exam,
    )
    if request.method == "POST" and form.is_valid():
        try:
            exam = exam_update(actor=request.user, exam=exam, spec=form.spec())
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Exam “%(exam)s” was saved.") % {"exam": exam})
            return redirect("exam_admin_list")
    return render(request, "frontend/exams/admin/form.html", {"form": form, "exam": exam})


@officer_required
def exam_admin_delete(request, pk: int):
    """Ask, then delete an exam nobody has sat."""
    exam = _exam(pk)
    if request.method == "POST":
        title = exam.title
        try:
            exam_delete(actor=request.user, exam=exam)
        except (ValidationError, ServiceError) as error:
            refusals = error.messages if isinstance(error, ValidationError) else [error.message]
            for message in refusals:
                messages.error(request, message)
            return redirect("exam_admin_edit", pk=exam.pk)
        messages.success(request, _("Exam “%(exam)s” was deleted.") % {"exam": title})
        return redirect("exam_admin_list")
    return render(request, "frontend/exams/admin/delete.html", {"exam": exam})


# Overrides ------------------------------------------------------------------------------------


@officer_required
def exam_admin_overrides(request, pk: int):
    """The exam's per-person overrides, and a form to give one candidate other terms (it
    replaces their previous override)."""
    exam = _exam(pk)
    form = OverrideForm(
        request.POST if request.method == "POST" else None, candidates=exam_candidates(exam)
    )
    if request.method == "POST" and form.is_valid():
        try:
            override_set(actor=request.user, exam=exam, **form.arguments())
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The terms of %(name)s were saved.")
                % {"name": form.cleaned_data["employee"].name},
            )
            return redirect("exam_admin_overrides", pk=exam.pk)
    overrides = (
        ExamOverride.objects.filter(exam=exam)
        .select_related("employee__department", "created_by")
        .order_by("employee__employee_no")
    )
    return render(
        request,
        "frontend/exams/admin/overrides.html",
        {"exam": exam, "form": form, "overrides": overrides},
    )


@officer_required
@require_POST
def exam_admin_override_delete(request, pk: int, override_id: int):
    exam = _exam(pk)
    override = get_object_or_404(
        ExamOverride.objects.select_related("employee", "exam"), exam=exam, pk=override_id
    )
    override_delete(actor=request.user, override=override)
    messages.success(
        request, _("The override of %(name)s was removed.") % {"name": override.employee.name}
    )
    return redirect("exam_admin_overrides", pk=exam.pk)


# Attempts --------------------------------------------------------------------------------------


def _close_expired(exam: Exam) -> None:
    """Reading the attempts closes those whose time is up, so the list is current."""
    now = timezone.now()
    expired = Attempt.objects.filter(
        exam=exam, status=AttemptStatus.IN_PROGRESS, deadline__lt=now - save_grace()
    )
    for attempt in expired:
        attempt_close_if_expired(attempt=attempt, now=now)


@officer_required
@require_GET
def exam_admin_attempts(request, pk: int):
    """Every attempt of the exam, by employee number and attempt, a page at a time."""
    exam = _exam(pk)
    _close_expired(exam)
    attempts = (
        Attempt.objects.filter(exam=exam)
        .select_related("employee__department")
        .order_by("employee__employee_no", "number", "pk")
    )
    page = Paginator(attempts, ATTEMPTS_PER_PAGE).get_page(request.GET.get("page"))
    for attempt in page:
        attempt.duration_text = duration_text(attempt.duration_seconds)
    return render_page_or_partial(
        request,
        page="frontend/exams/admin/attempts.html",
        partial="frontend/exams/admin/_attempt_rows.html",
        context={"exam": exam, "page": page},
    )


@dataclass
class ShownOption:
    letter: str
    text: str
    chosen: bool
    correct: bool


@dataclass
class QuestionRow:
    """One question of an attempt with the candidate's answer and the key, for staff."""

    attempt_question: AttemptQuestion
    answer: Answer | None
    options: list[ShownOption]
    blanks: list[tuple[str, list[str]]]  # (the candidate's text, the accepted answers)
    correctable: bool

    @property
    def version(self):
        return self.attempt_question.version

    @property
    def score_text(self) -> str:
        return number_text(self.answer.score) if self.answer else ""

    @property
    def points_text(self) -> str:
        return number_text(self.attempt_question.points)


def _question_rows(attempt: Attempt) -> list[QuestionRow]:
    questions = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("version", "answer")
        .prefetch_related(
            Prefetch("version__options", queryset=QuestionOption.objects.order_by("position"))
        )
        .order_by("position")
    )
    rows = []
    for aq in questions:
        answer = getattr(aq, "answer", None)
        version = aq.version
        chosen = set(answer.selected) if answer else set()
        by_id = {option.pk: option for option in version.options.all()}
        order = [by_id[i] for i in aq.option_order if i in by_id] or list(by_id.values())
        options = [
            ShownOption(OPTION_LETTERS[index], o.text, o.pk in chosen, o.correct)
            for index, o in enumerate(order)
        ]
        given = answer.blanks if answer else []
        blanks = [
            (given[index] if index < len(given) else "", accepted)
            for index, accepted in enumerate(version.blanks)
        ]
        correctable = version.type in CHOICE_TYPES or version.type == QuestionType.FILL_BLANK
        rows.append(QuestionRow(aq, answer, options, blanks, correctable))
    return rows


def _attempt(pk: int) -> Attempt:
    return get_object_or_404(Attempt.objects.select_related("exam", "employee__department"), pk=pk)


def _attempt_page(request, attempt: Attempt, form: ReopenForm):
    attempt.duration_text = duration_text(attempt.duration_seconds)
    return render(
        request,
        "frontend/exams/admin/attempt.html",
        {
            "attempt": attempt,
            "exam": attempt.exam,
            "questions": _question_rows(attempt),
            "form": form,
            "score_text": number_text(attempt.score),
            "max_score_text": number_text(attempt.max_score),
        },
    )


@officer_required
@require_GET
def exam_admin_attempt(request, attempt_id: int):
    """One attempt: each question, the candidate's answer, the key and the score."""
    attempt = _attempt(attempt_id)
    if attempt.in_progress and timezone.now() > attempt.deadline + save_grace():
        attempt = attempt_close_if_expired(attempt=attempt)
    return _attempt_page(request, attempt, ReopenForm())


@officer_required
@require_POST
def exam_admin_attempt_reopen(request, attempt_id: int):
    """Let the candidate continue a closed attempt for some minutes, with a reason."""
    attempt = _attempt(attempt_id)
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            attempt_reopen(
                actor=request.user,
                attempt=attempt,
                reason=form.cleaned_data["reason"],
                minutes=form.cleaned_data["minutes"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The attempt of %(name)s was reopened for %(minutes)d minutes.")
                % {"name": attempt.employee.name, "minutes": form.cleaned_data["minutes"]},
            )
            return redirect("exam_admin_attempt", attempt_id=attempt.pk)
    attempt.refresh_from_db()
    return _attempt_page(request, attempt, form)


# Practical scores ------------------------------------------------------------------------------


@officer_required
def exam_admin_practical(request, pk: int):
    """A score field per candidate of a practical exam; saved all at once or not at all."""
    exam = _exam(pk)
    if exam.kind != ExamKind.PRACTICAL:
        raise Http404(_("Scores are entered only for a practical exam."))
    candidates = list(
        exam_candidates(exam).select_related("department").order_by("employee_no", "pk")
    )
    recorded = {
        score.employee_id: score
        for score in PracticalScore.objects.filter(exam=exam).select_related("entered_by")
    }
    form = PracticalScoresForm(
        request.POST if request.method == "POST" else None,
        candidates=candidates,
        scores={pk: score.score for pk, score in recorded.items()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            saved = practical_scores_set(actor=request.user, exam=exam, scores=form.rows())
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            count = len(saved)
            messages.success(
                request,
                ngettext("%(count)d score was saved.", "%(count)d scores were saved.", count)
                % {"count": count},
            )
            return redirect("exam_admin_practical", pk=exam.pk)
    rows = [
        {
            "employee": employee,
            "field": form.field_of(employee),
            "recorded": recorded.get(employee.pk),
        }
        for employee in candidates
    ]
    return render(
        request,
        "frontend/exams/admin/practical.html",
        {
            "exam": exam,
            "form": form,
            "rows": rows,
            "pass_score_text": number_text(exam.pass_score),
        },
    )
