"""Importing questions from Excel, Moodle XML or GIFT, in two steps: a dry run shows what
would be created (and every error), then the officer confirms.

Between the steps the uploaded bytes stay on the server, in the cache under a random key
that only the uploader may use, for ``UPLOAD_KEPT_SECONDS``. The confirm step takes nothing
from the browser but that key and the "skip unsupported items" box: the file, its name and
its format are the ones checked, and the service checks everything again as it writes.
"""

import secrets

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from core.errors import ServiceError
from core.roles import Role
from core.uploads import check_upload_size
from exams.formats.excel import template_xlsx
from exams.models import QuestionType
from exams.services.imports import MAX_FILE_SIZE, questions_import
from frontend.access import role_required
from frontend.forms.bank import QuestionImportConfirmForm, QuestionImportForm
from frontend.forms.common import add_refused_upload_error, add_service_error
from frontend.responses import xlsx_attachment

UPLOAD_KEPT_SECONDS = 60 * 60
PREVIEW_ROWS = 200
_CACHE_PREFIX = "bank-import:"

bank_manager_required = role_required(Role.SAFETY_OFFICER)


def _keep_upload(*, user, data: bytes, filename: str, format: str) -> str:
    token = secrets.token_urlsafe(24)
    cache.set(
        _CACHE_PREFIX + token,
        {"user": user.pk, "data": data, "filename": filename, "format": format},
        UPLOAD_KEPT_SECONDS,
    )
    return token


def _kept_upload(*, user, token: str) -> dict | None:
    kept = cache.get(_CACHE_PREFIX + token)
    if not isinstance(kept, dict) or kept.get("user") != user.pk:
        return None
    return kept


def _run_import(request, kept: dict, *, dry_run: bool, confirm_unsupported: bool):
    return questions_import(
        actor=request.user,
        data=kept["data"],
        filename=kept["filename"],
        format=kept["format"],
        dry_run=dry_run,
        confirm_unsupported=confirm_unsupported,
    )


def _page(request, *, form, result=None, confirm=None, filename: str = ""):
    preview = [
        {**row, "type_label": _type_label(row.get("type", ""))}
        for row in (result.to_create[:PREVIEW_ROWS] if result is not None else [])
    ]
    return render(
        request,
        "frontend/bank/import.html",
        {
            "form": form,
            "result": result,
            "confirm": confirm,
            "filename": filename,
            "preview": preview,
            "preview_more": max(0, len(result.to_create) - PREVIEW_ROWS) if result else 0,
        },
    )


def _type_label(value: str) -> str:
    try:
        return str(QuestionType(value).label)
    except ValueError:
        return value


@bank_manager_required
def question_import(request):
    """Step 1 (a file is posted): check it without writing and show the preview or the
    errors. Step 2 (the key of a checked file is posted): import it, all or nothing."""
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request)
    posted = request.method == "POST"
    form = QuestionImportForm(request.POST if posted else None, request.FILES if posted else None)
    if not posted or add_refused_upload_error(request, form) or not form.is_valid():
        return _page(request, form=form)
    upload = form.cleaned_data["file"]
    try:
        check_upload_size(upload, MAX_FILE_SIZE)
    except ValidationError as error:
        add_service_error(form, ValidationError({"file": error.messages}))
        return _page(request, form=form)
    kept = {"data": upload.read(), "filename": upload.name, "format": form.cleaned_data["format"]}
    try:
        result = _run_import(request, kept, dry_run=True, confirm_unsupported=False)
    except (ValidationError, ServiceError) as error:
        add_service_error(form, error)
        return _page(request, form=form)
    confirm = None
    if not result.errors:
        token = _keep_upload(user=request.user, **kept)
        confirm = QuestionImportConfirmForm(initial={"token": token})
    return _page(
        request, form=QuestionImportForm(), result=result, confirm=confirm, filename=upload.name
    )


def _confirm(request):
    confirm = QuestionImportConfirmForm(request.POST)
    kept = None
    if confirm.is_valid():
        kept = _kept_upload(user=request.user, token=confirm.cleaned_data["token"])
    if kept is None:
        messages.error(
            request, _("The checked file is no longer kept on the server. Please upload it again.")
        )
        return _page(request, form=QuestionImportForm())
    try:
        result = _run_import(
            request,
            kept,
            dry_run=False,
            confirm_unsupported=confirm.cleaned_data["confirm_unsupported"],
        )
    except (ValidationError, ServiceError) as error:
        add_service_error(confirm, error)
        return _page(request, form=QuestionImportForm(), confirm=confirm)
    if result.errors:
        # The bank changed since the check (or the rules did): nothing was written.
        cache.delete(_CACHE_PREFIX + confirm.cleaned_data["token"])
        return _page(request, form=QuestionImportForm(), result=result, filename=kept["filename"])
    if result.needs_confirmation:
        confirm.add_error(
            "confirm_unsupported",
            _("Tick the box to skip the questions of unsupported types, or fix the file."),
        )
        return _page(
            request,
            form=QuestionImportForm(),
            result=result,
            confirm=confirm,
            filename=kept["filename"],
        )
    cache.delete(_CACHE_PREFIX + confirm.cleaned_data["token"])
    messages.success(
        request,
        ngettext(
            "%(created)d question was imported from %(file)s.",
            "%(created)d questions were imported from %(file)s.",
            result.created,
        )
        % {"created": result.created, "file": kept["filename"]},
    )
    return redirect("question_list")


@bank_manager_required
@require_GET
def question_import_template(request):
    """The Excel template: the header and an example of each question type."""
    return xlsx_attachment(template_xlsx(), "question-bank-template.xlsx")
