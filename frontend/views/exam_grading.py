"""Grading by people: the open-answer queue (the safety officer, and instructors for the exams
of trainings they teach), the questions an exam showed, and key corrections with regrading
(the safety officer).

The queue shows one question at a time across every candidate. When the exam grades
anonymously a candidate is "Candidate 7" (the attempt's place among the exam's attempts),
never a name or an employee number.
"""

from collections import Counter
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound, ServiceError
from core.roles import Role
from exams.models import (
    CHOICE_TYPES,
    Answer,
    Attempt,
    AttemptQuestion,
    AttemptStatus,
    Exam,
    QuestionType,
    QuestionVersion,
)
from exams.selectors.exams import exam_get_for_user, exam_list_for_user, user_may_grade
from exams.selectors.grading import closed_answers, grading_answers
from exams.services.grading import answer_grade, question_key_correct
from frontend.access import role_required
from frontend.forms import add_service_error
from frontend.forms.exams import GradeForm, KeyCorrectionForm, number_text
from frontend.responses import wants_partial

grader_required = role_required(Role.SAFETY_OFFICER, Role.INSTRUCTOR)
officer_required = role_required(Role.SAFETY_OFFICER)

STEM_PREVIEW = 80


def _gradable_exam(request, pk: int) -> Exam:
    """The exam if the caller may grade it: 404 when they may not see it, 403 when they see
    it but do not grade it."""
    try:
        exam = exam_get_for_user(user=request.user, exam_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    if not user_may_grade(request.user, exam):
        raise PermissionDenied
    return exam


def _preview(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= STEM_PREVIEW else text[: STEM_PREVIEW - 1] + "…"


# The exams to grade -----------------------------------------------------------------------------


@grader_required
@require_GET
def exam_grading_index(request):
    """The exams the caller grades that have open answers, with how many await grading."""
    exams = (
        exam_list_for_user(request.user)
        .annotate(
            pending=Count(
                "attempts__answers",
                filter=Q(attempts__answers__needs_grading=True)
                & ~Q(attempts__status=AttemptStatus.IN_PROGRESS),
            ),
            graded=Count(
                "attempts__answers",
                filter=Q(attempts__answers__graded_at__isnull=False),
            ),
        )
        .filter(Q(pending__gt=0) | Q(graded__gt=0))
        .order_by("-opens_at", "id")
    )
    exams = [exam for exam in exams if user_may_grade(request.user, exam)]
    return render(request, "frontend/exams/admin/grading_index.html", {"exams": exams})


# The queue ---------------------------------------------------------------------------------------


@dataclass
class QueueQuestion:
    question_id: int
    stem: str
    pending: int
    graded: int


@dataclass
class GradingItem:
    answer: Answer
    label: str
    form: GradeForm

    @property
    def points_text(self) -> str:
        return number_text(self.answer.attempt_question.points)

    @property
    def score_text(self) -> str:
        return number_text(self.answer.score)


@dataclass
class QueueVersion:
    """A version of the chosen question (usually one) with its reference answer."""

    version: QuestionVersion
    points: str


@dataclass
class Queue:
    exam: Exam
    questions: list[QueueQuestion]
    current: QueueQuestion | None
    versions: list[QueueVersion] = field(default_factory=list)
    pending: list[GradingItem] = field(default_factory=list)
    graded: list[GradingItem] = field(default_factory=list)

    @property
    def pending_total(self) -> int:
        return sum(question.pending for question in self.questions)

    @property
    def still_open(self) -> int:
        """Attempts in progress: their open answers are not in the queue yet."""
        return Attempt.objects.filter(exam=self.exam, status=AttemptStatus.IN_PROGRESS).count()


def _queue_questions(exam: Exam) -> list[QueueQuestion]:
    rows = (
        grading_answers(exam=exam)
        .values("attempt_question__question_id_shown")
        .annotate(
            pending=Count("pk", filter=Q(needs_grading=True)),
            graded=Count("pk", filter=Q(needs_grading=False)),
        )
        .order_by("attempt_question__question_id_shown")
    )
    rows = list(rows)
    stems = {}
    shown = (
        AttemptQuestion.objects.filter(
            attempt__exam=exam,
            question_id_shown__in=[row["attempt_question__question_id_shown"] for row in rows],
        )
        .order_by("question_id_shown", "-version_id")
        .values_list("question_id_shown", "version__stem")
        .distinct()
    )
    for question_id, stem in shown:
        stems.setdefault(question_id, stem)
    return [
        QueueQuestion(
            question_id=row["attempt_question__question_id_shown"],
            stem=_preview(stems.get(row["attempt_question__question_id_shown"], "")),
            pending=row["pending"],
            graded=row["graded"],
        )
        for row in rows
    ]


def _candidate_labels(exam: Exam, *, anonymous: bool, answers: list[Answer]) -> dict[int, str]:
    """What stands for each attempt: "Candidate 7" (its place among the exam's attempts)
    when anonymous, otherwise the employee number, name and attempt number."""
    if not anonymous:
        return {
            answer.attempt_id: _("%(no)s %(name)s, attempt %(number)d")
            % {
                "no": answer.attempt.employee.employee_no,
                "name": answer.attempt.employee.name,
                "number": answer.attempt.number,
            }
            for answer in answers
        }
    ids = Attempt.objects.filter(exam=exam).order_by("pk").values_list("pk", flat=True)
    place = {attempt_id: index for index, attempt_id in enumerate(ids, start=1)}
    return {
        answer.attempt_id: _("Candidate %(n)d") % {"n": place.get(answer.attempt_id, 0)}
        for answer in answers
    }


def _queue(exam: Exam, question_id: int | None, bound: dict[int, GradeForm] | None = None):
    questions = _queue_questions(exam)
    by_id = {question.question_id: question for question in questions}
    current = by_id.get(question_id) if question_id is not None else None
    if current is None:
        current = next((q for q in questions if q.pending), questions[0] if questions else None)
    queue = Queue(exam=exam, questions=questions, current=current)
    if current is None:
        return queue
    answers = list(
        grading_answers(exam=exam)
        .filter(attempt_question__question_id_shown=current.question_id)
        .select_related("attempt_question__version", "attempt__employee", "graded_by")
        .order_by("attempt_id")
    )
    labels = _candidate_labels(exam, anonymous=exam.anonymous_grading, answers=answers)
    bound = bound or {}
    versions: dict[int, QueueVersion] = {}
    for answer in answers:
        aq = answer.attempt_question
        versions.setdefault(aq.version_id, QueueVersion(aq.version, number_text(aq.points)))
        form = bound.get(answer.pk) or GradeForm(
            prefix=f"answer-{answer.pk}",
            initial={"score": number_text(answer.score), "comment": answer.grader_comment},
        )
        item = GradingItem(answer, labels[answer.attempt_id], form)
        (queue.pending if answer.needs_grading else queue.graded).append(item)
    queue.versions = sorted(versions.values(), key=lambda v: v.version.pk)
    return queue


def _question_param(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@grader_required
@require_GET
def exam_grading(request, pk: int):
    """One question at a time across every candidate: the answers awaiting a grade, then
    those already graded (they may be graded again)."""
    exam = _gradable_exam(request, pk)
    queue = _queue(exam, _question_param(request.GET.get("question")))
    return render(request, "frontend/exams/admin/grading.html", {"exam": exam, "queue": queue})


@grader_required
@require_POST
def exam_grading_answer(request, pk: int, answer_id: int):
    """Grade one answer (or grade it again). With htmx the answer's card is swapped in place
    with the question list; without, the queue is shown again."""
    exam = _gradable_exam(request, pk)
    answer = get_object_or_404(
        grading_answers(exam=exam).select_related("attempt_question"), pk=answer_id
    )
    question_id = answer.attempt_question.question_id_shown
    form = GradeForm(request.POST, prefix=f"answer-{answer.pk}")
    if form.is_valid():
        try:
            answer_grade(
                actor=request.user,
                answer=answer,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            if not wants_partial(request):
                messages.success(request, _("The grade was saved."))
                url = reverse("exam_grading", args=[exam.pk])
                return redirect(f"{url}?question={question_id}#answer-{answer.pk}")
            form = None
    queue = _queue(exam, question_id, bound={answer.pk: form} if form is not None else None)
    if not wants_partial(request):
        return render(request, "frontend/exams/admin/grading.html", {"exam": exam, "queue": queue})
    item = next(i for i in queue.pending + queue.graded if i.answer.pk == answer.pk)
    return render(
        request,
        "frontend/exams/admin/_grading_answer.html",
        {"exam": exam, "queue": queue, "item": item, "saved": form is None, "oob": True},
    )


# The questions an exam showed, and key corrections ------------------------------------------------


@dataclass
class ShownVersion:
    version: QuestionVersion
    attempts: int
    pending: int

    @property
    def correctable(self) -> bool:
        return self.version.type in CHOICE_TYPES or self.version.type == QuestionType.FILL_BLANK


@officer_required
@require_GET
def exam_admin_questions(request, pk: int):
    """Every question version the exam's attempts showed, how many attempts showed it, and
    links to correct its key or grade its answers."""
    exam = get_object_or_404(Exam, pk=pk)
    shown = Counter(
        AttemptQuestion.objects.filter(attempt__exam=exam).values_list("version_id", flat=True)
    )
    pending = Counter(
        closed_answers(exam)
        .filter(needs_grading=True)
        .values_list("attempt_question__version_id", flat=True)
    )
    versions = QuestionVersion.objects.filter(pk__in=list(shown)).order_by("question_id", "number")
    rows = [ShownVersion(v, shown[v.pk], pending[v.pk]) for v in versions]
    return render(request, "frontend/exams/admin/questions.html", {"exam": exam, "rows": rows})


@officer_required
def exam_key_correct(request, pk: int, version_id: int):
    """Correct the key of a question version this exam showed; every closed attempt that
    showed it is regraded, and the page says how many answers and attempts changed."""
    exam = get_object_or_404(Exam, pk=pk)
    shown = AttemptQuestion.objects.filter(attempt__exam=exam, version_id=version_id)
    if not shown.exists():
        raise Http404(_("No attempt of this exam showed that question."))
    version = get_object_or_404(QuestionVersion.objects.select_related("question"), pk=version_id)
    form = KeyCorrectionForm(request.POST if request.method == "POST" else None, version=version)
    if request.method == "POST" and form.has_key and form.is_valid():
        try:
            correction = question_key_correct(
                actor=request.user, version=version, **form.arguments()
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The key was corrected: %(answers)s and %(attempts)s changed.")
                % {
                    "answers": ngettext("%d answer", "%d answers", correction.answers_changed)
                    % correction.answers_changed,
                    "attempts": ngettext("%d attempt", "%d attempts", correction.attempts_changed)
                    % correction.attempts_changed,
                },
            )
            return redirect("exam_key_correct", pk=exam.pk, version_id=version.pk)
    return render(
        request,
        "frontend/exams/admin/correct_key.html",
        {
            "exam": exam,
            "version": version,
            "options": list(version.options.order_by("position")),
            "form": form,
            "attempts_count": shown.count(),
        },
    )
