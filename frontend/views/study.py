"""Course content and self-study pages: a course's modules and materials (managed by the
safety officer and the course's instructors), downloads, the trainee's study page and the
progress table.

Access follows ``courses.selectors.materials``: whoever may not see a course, material or
training gets 404, never 403, so the pages reveal nothing about what exists.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST, require_safe

from core.errors import Forbidden, NotFound, ServiceError
from core.roles import Role
from courses import exports, filetypes
from courses.models import Module
from courses.selectors import materials as selectors
from courses.selectors import study as study_selectors
from courses.selectors.materials import CourseAccess
from courses.services import materials as services
from courses.services import study as study_services
from courses.services import trainings as course_services
from frontend.access import role_required, training_role_required
from frontend.forms.common import add_refused_upload_error, add_service_error
from frontend.forms.study import (
    MaterialCreateForm,
    MaterialEditForm,
    MaterialVersionForm,
    ModuleDoneForm,
    ModuleForm,
    ModuleMoveForm,
)
from frontend.responses import render_page_or_partial, wants_partial, xlsx_attachment

PROGRESS_ROWS_PER_PAGE = 100

content_staff_required = role_required(Role.SAFETY_OFFICER, Role.INSTRUCTOR)
training_staff_required = training_role_required(Role.SAFETY_OFFICER, Role.INSTRUCTOR)


def _or_404(selector, **kwargs):
    """A selector's answer; its NotFound as the page's 404."""
    try:
        return selector(**kwargs)
    except NotFound as error:
        raise Http404(error.message) from error


def _managed(access: CourseAccess) -> CourseAccess:
    if not access.manages:
        raise PermissionDenied
    return access


def _int_param(request, name: str) -> int | None:
    """A positive whole number from the query string; anything else is a broken link."""
    value = request.GET.get(name)
    if value in (None, ""):
        return None
    if not value.isdigit() or int(value) < 1:
        raise Http404
    return int(value)


def _course_url(course_id: int, module_id: int | None = None) -> str:
    url = reverse("course_detail", args=[course_id])
    return f"{url}#module-{module_id}" if module_id else url


# The course's content -----------------------------------------------------------------------


def _render_course(request, access: CourseAccess, module_form: ModuleForm | None = None):
    modules = selectors.course_content(course=access.course, with_versions=access.sees_all_versions)
    return render(
        request,
        "frontend/study/course_detail.html",
        {
            "access": access,
            "course": access.course,
            "modules": modules,
            "material_count": sum(len(m.materials.all()) for m in modules),
            "module_form": module_form or ModuleForm(),
            "move_up": ModuleMoveForm(initial={"offset": "-1"}),
            "move_down": ModuleMoveForm(initial={"offset": "1"}),
        },
    )


@content_staff_required
@require_GET
def course_detail(request, pk: int):
    """The course's modules in order with their materials and versions; the tools to
    change them for the safety officer and the course's instructors."""
    access = _or_404(selectors.course_content_get_for_user, user=request.user, course_id=pk)
    return _render_course(request, access)


@content_staff_required
def course_module_create(request, pk: int):
    access = _managed(
        _or_404(selectors.course_content_get_for_user, user=request.user, course_id=pk)
    )
    if request.method != "POST":
        return redirect("course_detail", pk=pk)
    form = ModuleForm(request.POST)
    if form.is_valid():
        try:
            module = course_services.module_create(
                actor=request.user,
                course=access.course,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Module “%(title)s” was added.") % {"title": module})
            return HttpResponseRedirect(_course_url(pk, module.pk))
    return _render_course(request, access, module_form=form)


def _managed_module(request, pk: int) -> tuple[Module, CourseAccess]:
    module, access = _or_404(selectors.module_get_for_user, user=request.user, module_id=pk)
    return module, _managed(access)


@content_staff_required
def module_edit(request, pk: int):
    module, access = _managed_module(request, pk)
    form = ModuleForm(
        request.POST if request.method == "POST" else None,
        initial={"title": module.title, "description": module.description},
    )
    if request.method == "POST" and form.is_valid():
        try:
            course_services.module_update(
                actor=request.user,
                module=module,
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Module “%(title)s” was saved.") % {"title": module})
            return HttpResponseRedirect(_course_url(module.course_id, module.pk))
    return render(
        request,
        "frontend/study/module_form.html",
        {"form": form, "module": module, "course": access.course},
    )


@content_staff_required
@require_POST
def module_move(request, pk: int):
    module, _access = _managed_module(request, pk)
    form = ModuleMoveForm(request.POST)
    if form.is_valid():
        course_services.module_move(
            actor=request.user, module=module, offset=form.cleaned_data["offset"]
        )
    return HttpResponseRedirect(_course_url(module.course_id, module.pk))


@content_staff_required
def module_delete(request, pk: int):
    """GET asks for confirmation; POST deletes the module with its materials."""
    module, access = _managed_module(request, pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            course_services.module_delete(actor=request.user, module=module)
        except ValidationError as error:
            errors = list(error.messages)
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(request, _("Module “%(title)s” was deleted.") % {"title": module})
            return redirect("course_detail", pk=access.course.pk)
    return render(
        request,
        "frontend/study/confirm_delete.html",
        {
            "course": access.course,
            "object": module,
            "is_module": True,
            "material_count": module.materials.count(),
            "errors": errors,
        },
    )


# Materials ----------------------------------------------------------------------------------


@content_staff_required
def course_material_create(request, pk: int):
    """Add a material: upload a file (version 1) or give a link."""
    access = _managed(
        _or_404(selectors.course_content_get_for_user, user=request.user, course_id=pk)
    )
    if not access.course.modules.exists():
        messages.warning(request, _("Add a module first; materials belong to a module."))
        return redirect("course_detail", pk=pk)
    module_id = request.GET.get("module")
    form = MaterialCreateForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        course=access.course,
        initial={"module": module_id if module_id and module_id.isdigit() else None},
    )
    if request.method == "POST":
        refused = add_refused_upload_error(request, form)
        if not refused and form.is_valid():
            data = form.cleaned_data
            try:
                material = services.material_create(
                    actor=request.user,
                    course=access.course,
                    module=data["module"],
                    title=data["title"],
                    kind=data["kind"],
                    upload=data["file"],
                    url=data["url"],
                )
            except (ValidationError, ServiceError) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request, _("Material “%(title)s” was added.") % {"title": material}
                )
                return HttpResponseRedirect(_course_url(pk, material.module_id))
    return render(
        request,
        "frontend/study/material_form.html",
        {"form": form, "course": access.course, "material": None, "upload": True},
    )


def _managed_material(request, pk: int):
    material, access = _or_404(selectors.material_get_for_user, user=request.user, material_id=pk)
    return material, _managed(access)


@content_staff_required
def material_edit(request, pk: int):
    material, access = _managed_material(request, pk)
    form = MaterialEditForm(
        request.POST if request.method == "POST" else None,
        initial={"title": material.title, "kind": material.kind},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.material_update(
                actor=request.user,
                material=material,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Material “%(title)s” was saved.") % {"title": material})
            return HttpResponseRedirect(_course_url(access.course.pk, material.module_id))
    return render(
        request,
        "frontend/study/material_form.html",
        {"form": form, "course": access.course, "material": material, "upload": False},
    )


@content_staff_required
def material_version_create(request, pk: int):
    """Upload a new version of a material; it becomes the one trainees get."""
    material, access = _managed_material(request, pk)
    if material.is_link:
        raise Http404
    form = MaterialVersionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        refused = add_refused_upload_error(request, form)
        if not refused and form.is_valid():
            try:
                version = services.material_upload_version(
                    actor=request.user, material=material, upload=form.cleaned_data["file"]
                )
            except (ValidationError, ServiceError) as error:
                add_service_error(form, error)
            else:
                messages.success(
                    request,
                    _("Version %(number)d of “%(title)s” was uploaded.")
                    % {"number": version.number, "title": material},
                )
                return HttpResponseRedirect(_course_url(access.course.pk, material.module_id))
    return render(
        request,
        "frontend/study/material_form.html",
        {
            "form": form,
            "course": access.course,
            "material": material,
            "upload": True,
            "new_version": True,
        },
    )


@content_staff_required
def material_delete(request, pk: int):
    material, access = _managed_material(request, pk)
    if request.method == "POST":
        services.material_delete(actor=request.user, material=material)
        messages.success(request, _("Material “%(title)s” was deleted.") % {"title": material})
        return HttpResponseRedirect(_course_url(access.course.pk, material.module_id))
    return render(
        request,
        "frontend/study/confirm_delete.html",
        {
            "course": access.course,
            "object": material,
            "is_module": False,
            "version_count": material.versions.count(),
            "errors": [],
        },
    )


# Downloads ----------------------------------------------------------------------------------


@login_required
@require_safe
def material_download(request, pk: int):
    """The material as a download (a link material: a redirect to the link). A trainee's
    download counts as opening it, for the training in ``?training=`` or their only
    training of the course. ``?version=`` is for the people teaching it."""
    material, access = _or_404(selectors.material_get_for_user, user=request.user, material_id=pk)
    enrollment = _or_404(
        selectors.enrollment_for_opening, access=access, training_id=_int_param(request, "training")
    )
    if material.is_link:
        response = HttpResponseRedirect(material.url)
    else:
        version = _or_404(
            selectors.material_version_for,
            material=material,
            access=access,
            number=_int_param(request, "version"),
        )
        response = filetypes.download_response(
            version.file.open("rb"),
            filename=version.original_name,
            content_type=version.content_type,
        )
    if enrollment is not None:
        study_services.progress_record_open(enrollment=enrollment, material=material)
    return response


@login_required
@require_safe
def material_stream(request, pk: int):
    """An MP4 video for the study page's player: sent ``inline`` (only MP4; see
    ``courses.filetypes.video_response``) with byte ranges for seeking. The player's
    requests record nothing: the page reports playback to the progress API."""
    material, access = _or_404(selectors.material_get_for_user, user=request.user, material_id=pk)
    version = _or_404(
        selectors.material_version_for,
        material=material,
        access=access,
        number=_int_param(request, "version"),
    )
    if version.content_type != filetypes.MP4_CONTENT_TYPE:
        raise Http404
    return filetypes.video_response(
        version.file.open("rb"),
        size=version.size,
        filename=version.original_name,
        content_type=version.content_type,
        range_header=request.headers.get("Range", ""),
    )


# Self-study ---------------------------------------------------------------------------------


def _study_context(enrollment) -> dict:
    view = study_selectors.study_view(enrollment=enrollment)
    return {
        "study": view,
        "training": enrollment.training,
        "course": enrollment.training.course,
    }


@login_required
@require_GET
def training_study(request, pk: int):
    """The trainee's self-study page: the course's modules and materials, with their own
    progress. Only for those enrolled in the training."""
    enrollment = _or_404(
        study_selectors.enrollment_get_for_study, user=request.user, training_id=pk
    )
    return render(request, "frontend/study/training_study.html", _study_context(enrollment))


@login_required
@require_POST
def training_module_done(request, pk: int, module_pk: int):
    """Mark a module done (``done=1``) or not done (``done=0``). htmx gets the toggle and
    the summary back; without JavaScript the page reloads."""
    enrollment = _or_404(
        study_selectors.enrollment_get_for_study, user=request.user, training_id=pk
    )
    module = Module.objects.filter(pk=module_pk, course_id=enrollment.training.course_id).first()
    if module is None:
        raise Http404
    form = ModuleDoneForm(request.POST)
    if form.is_valid():
        if form.cleaned_data["done"]:
            study_services.module_mark_done(enrollment=enrollment, module=module)
        else:
            study_services.module_mark_undone(enrollment=enrollment, module=module)
    if not wants_partial(request):
        return HttpResponseRedirect(f"{reverse('training_study', args=[pk])}#module-{module.pk}")
    context = _study_context(enrollment)
    context["item"] = next(item for item in context["study"].modules if item.module.pk == module.pk)
    return render(request, "frontend/study/_module_done_response.html", context)


# The progress table -------------------------------------------------------------------------


def _progress_training(request, pk: int):
    try:
        return study_selectors.training_get_for_progress(user=request.user, training_id=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    except Forbidden as error:
        raise PermissionDenied(error.message) from error


@training_staff_required
@require_GET
def training_progress(request, pk: int):
    """Every trainee's self-study progress, with a summary per material: for the safety
    officer and the training's instructors."""
    training = _progress_training(request, pk)
    table = study_selectors.training_progress_table(training=training)
    page = Paginator(table.rows, PROGRESS_ROWS_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/study/training_progress.html",
        partial="frontend/study/_progress_rows.html",
        context={"training": training, "table": table, "page": page},
    )


@training_staff_required
@require_GET
def training_progress_xlsx(request, pk: int):
    training = _progress_training(request, pk)
    table = study_selectors.training_progress_table(training=training)
    return xlsx_attachment(
        exports.study_progress_xlsx(table), f"training-{training.pk}-self-study.xlsx"
    )
