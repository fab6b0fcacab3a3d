"""Questionnaire pages: the safety officer drafts and issues a training's questionnaires,
trainees answer theirs, the safety officer and HR read the results."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound, ServiceError
from core.roles import Role
from courses.questionnaire_exports import questionnaire_results_xlsx
from courses.selectors import questionnaires as selectors
from courses.selectors.trainings import training_get_for_user
from courses.services import questionnaires as services
from frontend.access import role_required, training_role_required
from frontend.forms import add_service_error
from frontend.forms.questionnaires import (
    AnswerForm,
    IssueForm,
    QuestionForm,
    QuestionnaireCreateForm,
    QuestionnaireSettingsForm,
)
from frontend.responses import wants_partial, xlsx_attachment
from people.selectors import employee_for_user

officer_required = role_required(Role.SAFETY_OFFICER)
results_reader_required = role_required(Role.SAFETY_OFFICER, Role.HR)
training_results_reader_required = training_role_required(Role.SAFETY_OFFICER, Role.HR)


def _training(request, pk: int):
    try:
        return training_get_for_user(user=request.user, training_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _questionnaire(request, pk: int):
    try:
        return selectors.questionnaire_get_for_user(user=request.user, questionnaire_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _draft(request, pk: int):
    """A questionnaire of a training (not a template) for the safety officer's pages."""
    questionnaire = _questionnaire(request, pk)
    if questionnaire.training_id is None:
        raise Http404
    return questionnaire


def _question(request, pk: int):
    try:
        return selectors.question_get_for_user(user=request.user, question_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error


def _edit_url(questionnaire) -> str:
    return reverse("questionnaire_edit", args=[questionnaire.pk])


def _training_url(training) -> str:
    """The training's page, where the trainings pages provide one."""
    try:
        return reverse("training_detail", args=[training.pk])
    except NoReverseMatch:
        return ""


# The training's questionnaires -------------------------------------------------------------


@training_results_reader_required
def training_questionnaires(request, pk: int):
    """The list with issued, returned and feedback rate; the safety officer also creates a
    questionnaire here, from a template or blank."""
    training = _training(request, pk)
    manages = selectors.user_manages_questionnaires(request.user)
    if request.method == "POST" and not manages:
        raise PermissionDenied
    templates = list(selectors.questionnaire_template_list()) if manages else []
    form = QuestionnaireCreateForm(
        request.POST if request.method == "POST" else None, templates=templates
    )
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(
                actor=request.user,
                training=training,
                template=form.template(),
                title=form.cleaned_data["title"],
                anonymous=form.cleaned_data["anonymous"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("Questionnaire “%(title)s” was created. Check its questions, then issue it.")
                % {"title": questionnaire.title},
            )
            return redirect(_edit_url(questionnaire))
    questionnaires = list(selectors.questionnaire_list_for_user(request.user, training=training))
    for questionnaire in questionnaires:
        questionnaire.feedback_rate = selectors.percentage(
            questionnaire.returned_count, questionnaire.issued_count
        )
        questionnaire.is_open = selectors.questionnaire_is_open(questionnaire)
    return render(
        request,
        "frontend/questionnaires/training_list.html",
        {
            "training": training,
            "training_url": _training_url(training),
            "questionnaires": questionnaires,
            "form": form if manages else None,
            "manages": manages,
        },
    )


# Drafting and issuing ------------------------------------------------------------------------


def _edit_context(questionnaire, **forms) -> dict:
    candidates = selectors.questionnaire_issue_candidates(questionnaire)
    context = {
        "questionnaire": questionnaire,
        "training": questionnaire.training,
        "questions": list(questionnaire.questions.all()),
        "issued": questionnaire.issued_at is not None,
        "is_open": selectors.questionnaire_is_open(questionnaire),
        "not_received": candidates.count(),
        "feedback_rate": selectors.percentage(
            questionnaire.returned_count, questionnaire.issued_count
        ),
        "settings_form": QuestionnaireSettingsForm(
            initial={
                "title": questionnaire.title,
                "introduction": questionnaire.introduction,
                "anonymous": questionnaire.anonymous,
            }
        ),
        "question_form": QuestionForm(),
        "issue_form": IssueForm(candidates=candidates),
    }
    context.update(forms)
    return context


def _render_edit(request, questionnaire, status: int = 200, **forms):
    return render(
        request,
        "frontend/questionnaires/edit.html",
        _edit_context(questionnaire, **forms),
        status=status,
    )


@officer_required
def questionnaire_edit(request, pk: int):
    """The draft: its settings, questions and the issue form; once issued, its state."""
    questionnaire = _draft(request, pk)
    if request.method != "POST":
        return _render_edit(request, questionnaire)
    form = QuestionnaireSettingsForm(request.POST)
    if form.is_valid():
        try:
            services.questionnaire_update(
                actor=request.user, questionnaire=questionnaire, **form.cleaned_data
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The questionnaire was saved."))
            return redirect(_edit_url(questionnaire))
    return _render_edit(request, questionnaire, settings_form=form)


@officer_required
@require_POST
def questionnaire_question_add(request, pk: int):
    questionnaire = _draft(request, pk)
    form = QuestionForm(request.POST)
    if form.is_valid():
        try:
            services.question_add(
                actor=request.user,
                questionnaire=questionnaire,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                required=form.cleaned_data["required"],
                choices=form.choice_list(),
            )
        except ValidationError as error:
            add_service_error(form, error)
        except ServiceError as error:  # issued meanwhile: the page no longer offers the form
            messages.error(request, error.message)
            return redirect(_edit_url(questionnaire))
        else:
            messages.success(request, _("The question was added."))
            return redirect(_edit_url(questionnaire) + "#questions")
    return _render_edit(request, _draft(request, pk), question_form=form)


@officer_required
def questionnaire_question_edit(request, pk: int):
    question = _question(request, pk)
    form = QuestionForm.for_question(question, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(
                actor=request.user,
                question=question,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                required=form.cleaned_data["required"],
                choices=form.choice_list(),
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The question was saved."))
            return redirect(_edit_url(question.questionnaire) + "#questions")
    return render(
        request,
        "frontend/questionnaires/question_form.html",
        {"form": form, "question": question, "questionnaire": question.questionnaire},
    )


def _after_question_change(request, questionnaire_id: int, error: ServiceError | None):
    """htmx swaps the question list in place; a plain form post returns to the page."""
    if error is not None:
        messages.error(request, error.message)
    if wants_partial(request):
        questionnaire = _draft(request, questionnaire_id)
        return render(
            request,
            "frontend/questionnaires/_questions.html",
            {
                "questionnaire": questionnaire,
                "questions": list(questionnaire.questions.all()),
                "issued": questionnaire.issued_at is not None,
                "error": error.message if error is not None else "",
            },
        )
    return redirect(reverse("questionnaire_edit", args=[questionnaire_id]) + "#questions")


@officer_required
@require_POST
def questionnaire_question_move(request, pk: int):
    question = _question(request, pk)
    offset = -1 if request.POST.get("direction") == "up" else 1
    error = None
    try:
        services.question_move(actor=request.user, question=question, offset=offset)
    except ServiceError as refused:
        error = refused
    return _after_question_change(request, question.questionnaire_id, error)


@officer_required
@require_POST
def questionnaire_question_delete(request, pk: int):
    question = _question(request, pk)
    error = None
    try:
        services.question_delete(actor=request.user, question=question)
    except ServiceError as refused:
        error = refused
    return _after_question_change(request, question.questionnaire_id, error)


@officer_required
@require_POST
def questionnaire_issue(request, pk: int):
    """Issue to every enrolled trainee not reached yet, or to those ticked."""
    questionnaire = _draft(request, pk)
    form = IssueForm(
        request.POST, candidates=selectors.questionnaire_issue_candidates(questionnaire)
    )
    if form.is_valid():
        try:
            added = services.questionnaire_issue(
                actor=request.user,
                questionnaire=questionnaire,
                employees=form.employees_argument(),
                closes_at=form.cleaned_data["closes_at"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("The questionnaire was issued to %(count)d more trainees.") % {"count": added},
            )
            return redirect("training_questionnaires", pk=questionnaire.training_id)
    return _render_edit(request, questionnaire, issue_form=form)


@officer_required
@require_POST
def questionnaire_close(request, pk: int):
    questionnaire = _draft(request, pk)
    try:
        services.questionnaire_close(actor=request.user, questionnaire=questionnaire)
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The questionnaire is closed; nobody can answer it now."))
    return redirect(_edit_url(questionnaire))


@officer_required
def questionnaire_delete(request, pk: int):
    """GET asks for confirmation; POST deletes, or says why it must stay."""
    questionnaire = _draft(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.questionnaire_delete(actor=request.user, questionnaire=questionnaire)
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(
                request,
                _("Questionnaire “%(title)s” was deleted.") % {"title": questionnaire.title},
            )
            return redirect("training_questionnaires", pk=questionnaire.training_id)
    return render(
        request,
        "frontend/questionnaires/confirm_delete.html",
        {"questionnaire": questionnaire, "errors": errors},
    )


# Answering -----------------------------------------------------------------------------------


@login_required
def questionnaire_answer(request, pk: int):
    """The trainee's form. Once answered it thanks them (right after) or says they have
    already answered; a second submission stores nothing."""
    try:
        recipient = selectors.questionnaire_recipient_for(
            employee=employee_for_user(request.user), questionnaire_id=pk
        )
    except NotFound as error:
        raise Http404(error.message) from error
    questionnaire = recipient.questionnaire
    form = AnswerForm(
        request.POST if request.method == "POST" else None, questionnaire=questionnaire
    )
    state = "form"
    status = 200
    if recipient.responded_at is not None:
        state = "thanks" if request.GET.get("thanks") and request.method != "POST" else "answered"
    elif not selectors.questionnaire_is_open(questionnaire):
        state = "closed"
    if request.method == "POST" and state != "form":
        status = 409
    elif request.method == "POST" and form.is_valid():
        try:
            services.response_submit(
                questionnaire=questionnaire, employee=recipient.employee, answers=form.answers()
            )
        except ValidationError as error:
            add_service_error(form, error)
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("questionnaire_answer", pk=pk)
        else:
            return redirect(reverse("questionnaire_answer", args=[pk]) + "?thanks=1")
    return render(
        request,
        "frontend/questionnaires/answer.html",
        {"questionnaire": questionnaire, "form": form, "state": state},
        status=status,
    )


@role_required(Role.TRAINEE)
@require_GET
def my_questionnaires(request):
    employee = employee_for_user(request.user)
    questionnaires = list(selectors.questionnaires_open_for_employee(employee)) if employee else []
    return render(request, "frontend/questionnaires/mine.html", {"questionnaires": questionnaires})


# Results -------------------------------------------------------------------------------------


@results_reader_required
@require_GET
def questionnaire_results(request, pk: int):
    questionnaire = _draft(request, pk)
    summary = selectors.questionnaire_summary(questionnaire)
    waiting = [
        recipient.employee
        for recipient in selectors.questionnaire_recipient_list(questionnaire)
        if recipient.responded_at is None
    ]
    return render(
        request,
        "frontend/questionnaires/results.html",
        {
            "questionnaire": questionnaire,
            "training": questionnaire.training,
            "summary": summary,
            "waiting": waiting,
            "is_open": selectors.questionnaire_is_open(questionnaire),
        },
    )


@results_reader_required
@require_GET
def questionnaire_results_xlsx_page(request, pk: int):
    questionnaire = _draft(request, pk)
    questions, rows = selectors.questionnaire_response_rows(questionnaire)
    content = questionnaire_results_xlsx(
        questionnaire=questionnaire,
        summary=selectors.questionnaire_summary(questionnaire),
        questions=questions,
        rows=rows,
    )
    return xlsx_attachment(content, f"questionnaire-{questionnaire.pk}-results.xlsx")
