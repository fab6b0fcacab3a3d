"""The safety officer's department pages: the tree, create, rename or move, delete."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import ServiceError
from core.roles import Role
from frontend.access import role_required
from frontend.forms import DepartmentForm, add_service_error
from people import services
from people.models import Department
from people.selectors import department_list

people_manager_required = role_required(Role.SAFETY_OFFICER)


@people_manager_required
@require_GET
def department_list_page(request):
    return render(request, "frontend/departments/list.html", {"departments": department_list()})


@people_manager_required
def department_create(request):
    # "Add a sub-department" links pass the parent in the query string.
    form = DepartmentForm(
        request.POST if request.method == "POST" else None,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Department %(path)s was created.") % {"path": department})
            return redirect("department_list")
    return render(request, "frontend/departments/form.html", {"form": form, "department": None})


@people_manager_required
def department_edit(request, pk: int):
    department = get_object_or_404(Department, pk=pk)
    form = DepartmentForm(
        request.POST if request.method == "POST" else None,
        initial={"name": department.name, "parent": department.parent_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            department = services.department_update(
                actor=request.user,
                department=department,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Department %(path)s was saved.") % {"path": department})
            return redirect("department_list")
    return render(
        request, "frontend/departments/form.html", {"form": form, "department": department}
    )


@people_manager_required
def department_delete(request, pk: int):
    """GET asks for confirmation; POST deletes, or shows why the department must stay."""
    department = get_object_or_404(Department, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.department_delete(actor=request.user, department=department)
        except ValidationError as error:
            errors = list(error.messages)
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(request, _("Department %(path)s was deleted.") % {"path": department})
            return redirect("department_list")
    return render(
        request,
        "frontend/departments/confirm_delete.html",
        {"department": department, "errors": errors},
    )
