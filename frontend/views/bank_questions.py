"""One question of the bank: the editor with its live check, the detail page with every
version, delete (or retire), and the stem image."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from PIL import Image, UnidentifiedImageError

from core.errors import ServiceError
from core.roles import Role
from exams.content import question_input_errors
from exams.models import QuestionVersion
from exams.selectors.bank import question_get, question_history
from exams.services import questions as question_services
from frontend.access import role_required
from frontend.forms.bank import QuestionForm
from frontend.forms.common import add_refused_upload_error, add_service_error

bank_manager_required = role_required(Role.SAFETY_OFFICER)

# What the stored picture is, judged by its content (the services accept only these).
IMAGE_CONTENT_TYPES = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "GIF": "image/gif",
    "WEBP": "image/webp",
}


def _question_or_404(pk: int):
    question = question_get(question_id=pk)
    if question is None:
        raise Http404
    return question


def _editor(request, form: QuestionForm, question=None, status: int = 200):
    return render(
        request,
        "frontend/bank/question_form.html",
        {"form": form, "question": question},
        status=status,
    )


def _image_argument(form: QuestionForm):
    return form.cleaned_data.get("image") or None


@bank_manager_required
def question_create(request):
    posted = request.method == "POST"
    form = QuestionForm(request.POST if posted else None, request.FILES if posted else None)
    if posted and not add_refused_upload_error(request, form, "image") and form.is_valid():
        try:
            question = question_services.question_create(
                actor=request.user,
                category=form.cleaned_data["category"],
                data=form.question_input(),
                image=_image_argument(form),
                is_active=form.cleaned_data["is_active"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Question #%(id)d was created.") % {"id": question.pk})
            if "save_and_new" in request.POST:
                return redirect("question_create")
            return redirect("question_detail", pk=question.pk)
    return _editor(request, form)


@bank_manager_required
def question_edit(request, pk: int):
    question = _question_or_404(pk)
    current = question_services.question_input_from_version(question, question.current_version)
    posted = request.method == "POST"
    form = QuestionForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        question=question,
        initial=QuestionForm.initial_for(question, current),
    )
    if posted and not add_refused_upload_error(request, form, "image") and form.is_valid():
        try:
            update = question_services.question_update(
                actor=request.user,
                question=question,
                category=form.cleaned_data["category"],
                data=form.question_input(),
                image=_image_argument(form),
                remove_image=form.cleaned_data.get("remove_image", False),
                is_active=form.cleaned_data["is_active"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            number = update.question.current_version.number
            if update.new_version:
                messages.info(
                    request,
                    _("Question was shown in an attempt: saved as version %(number)d.")
                    % {"number": number},
                )
            else:
                messages.success(request, _("Question #%(id)d was saved.") % {"id": question.pk})
            return redirect("question_detail", pk=question.pk)
    return _editor(request, form, question)


@bank_manager_required
@require_POST
def question_validate(request):
    """The editor's live check: the form as typed so far, checked by the same rules the
    save uses (``exams.content.question_input_errors``); answers the errors partial."""
    form = QuestionForm(request.POST)
    form.is_valid()
    problems: list[tuple[str, str]] = []
    for name, messages_ in form.errors.items():
        problems += [(_field_label(form, name), message) for message in messages_]
    for name, messages_ in question_input_errors(form.question_input()).items():
        if name in form.errors:
            continue  # the field could not be read; its own error says why
        problems += [(_field_label(form, name), message) for message in messages_]
    return render(
        request, "frontend/bank/_question_check.html", {"problems": problems, "checked": True}
    )


def _field_label(form: QuestionForm, name: str) -> str:
    if name == "options":
        return _("Options")
    field = form.fields.get(name)
    return str(field.label) if field is not None and field.label else ""


@bank_manager_required
@require_GET
def question_detail(request, pk: int):
    """The current version with its key and explanation, and every version with who wrote it,
    when, and whether an attempt has shown it."""
    question = _question_or_404(pk)
    return render(
        request,
        "frontend/bank/question_detail.html",
        {
            "question": question,
            "current": question.current_version,
            "history": question_history(question=question),
        },
    )


@bank_manager_required
def question_delete(request, pk: int):
    """GET asks for confirmation; POST deletes the question, or retires it when an attempt
    showed it or a paper holds it (the service decides and says which)."""
    question = _question_or_404(pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            deleted = question_services.question_delete(actor=request.user, question=question)
        except ValidationError as error:
            errors = list(error.messages)
        except ServiceError as error:
            errors = [error.message]
        else:
            if deleted:
                messages.success(request, _("Question #%(id)d was deleted.") % {"id": pk})
            else:
                messages.info(
                    request,
                    _(
                        "Question #%(id)d was shown in an attempt or is on a paper: it was "
                        "retired, not deleted. It stays for them and is offered no more."
                    )
                    % {"id": pk},
                )
            return redirect("question_list")
    return render(
        request,
        "frontend/bank/question_delete.html",
        {"question": question, "errors": errors},
    )


@bank_manager_required
@require_GET
def question_image(request, pk: int):
    """A version's stem picture, typed by its content (only raster pictures are stored)."""
    version = get_object_or_404(QuestionVersion, pk=pk)
    if not version.image:
        raise Http404
    try:
        with version.image.open("rb") as stored:
            content = stored.read()
        with Image.open(io.BytesIO(content)) as picture:
            content_type = IMAGE_CONTENT_TYPES.get(picture.format or "")
    except (OSError, UnidentifiedImageError) as error:
        raise Http404 from error
    if content_type is None:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    response["Cache-Control"] = "private, max-age=3600"
    return response
