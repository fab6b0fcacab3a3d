"""The safety officer's employee pages: list, create, edit, roster import and export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import ServiceError
from core.roles import Role
from frontend.access import role_required
from frontend.forms import (
    EmployeeCreateForm,
    EmployeeEditForm,
    EmployeeFilterForm,
    PasswordResetForm,
    RosterImportForm,
    add_refused_upload_error,
    add_service_error,
)
from frontend.responses import render_page_or_partial, xlsx_attachment
from people import roster, services
from people.selectors import employee_list, employee_role_names

EMPLOYEES_PER_PAGE = 25

people_manager_required = role_required(Role.SAFETY_OFFICER)


@people_manager_required
@require_GET
def employee_list_page(request):
    filters = EmployeeFilterForm(request.GET)
    arguments = filters.selector_arguments()
    employees = employee_list(**arguments)
    page = Paginator(employees, EMPLOYEES_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/employees/list.html",
        partial="frontend/employees/_results.html",
        context={
            "filters": filters,
            "page": page,
            # Tells "nothing matches" apart from "nothing yet" in the empty state.
            "filtered": any(value not in ("", None) for value in arguments.values()),
        },
    )


@people_manager_required
@require_GET
def employee_export(request):
    """The employees the list's filters select, as a roster workbook."""
    filters = EmployeeFilterForm(request.GET)
    employees = employee_list(**filters.selector_arguments())
    return xlsx_attachment(roster.roster_export(employees), "roster.xlsx")


@people_manager_required
@require_GET
def roster_template(request):
    return xlsx_attachment(roster.roster_template(), "roster-template.xlsx")


@people_manager_required
def employee_create(request):
    form = EmployeeCreateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employee = services.employee_create(
                actor=request.user,
                employee_no=data["employee_no"],
                name=data["name"],
                department=data["department"],
                position=data["position"],
                phone=data["phone"],
                national_id=data["national_id"],
                roles=data["roles"],
                username=data["username"],
                password=data["password"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Employee %(employee)s was created.") % {"employee": employee}
            )
            return redirect("employee_list")
    return render(request, "frontend/employees/form.html", {"form": form, "employee": None})


@people_manager_required
def employee_edit(request, pk: int):
    employee = get_object_or_404(employee_list(), pk=pk)
    form = EmployeeEditForm(
        request.POST if request.method == "POST" else None,
        national_id_masked=employee.national_id_masked,
        initial={
            "employee_no": employee.employee_no,
            "name": employee.name,
            "department": employee.department,
            "position": employee.position,
            "phone": employee.phone,
            "roles": employee_role_names(employee),
            "active": employee.user.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            employee = services.employee_update(
                actor=request.user,
                employee=employee,
                employee_no=data["employee_no"],
                name=data["name"],
                department=data["department"],
                position=data["position"],
                phone=data["phone"],
                national_id=form.national_id_argument(),
                active=data["active"],
                roles=data["roles"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("Employee %(employee)s was saved.") % {"employee": employee}
            )
            return redirect("employee_list")
    return render(request, "frontend/employees/form.html", {"form": form, "employee": employee})


@people_manager_required
def employee_password_reset(request, pk: int):
    """Give an employee a new password that they must change at their next sign-in."""
    employee = get_object_or_404(employee_list(), pk=pk)
    form = PasswordResetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.employee_password_reset(
                actor=request.user, employee=employee, password=form.cleaned_data["password"]
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request, _("A new password was set for %(employee)s.") % {"employee": employee}
            )
            return redirect("employee_edit", pk=employee.pk)
    return render(
        request, "frontend/employees/password_reset.html", {"form": form, "employee": employee}
    )


@people_manager_required
def employee_import(request):
    """Upload a roster: every row is checked first and, with any error, nothing is written
    and the page lists each bad row; ``dry_run`` checks and counts without writing."""
    if request.method == "POST":
        form = RosterImportForm(request.POST, request.FILES)
    else:
        form = RosterImportForm()
    result = None
    refused = request.method == "POST" and add_refused_upload_error(request, form)
    if request.method == "POST" and not refused and form.is_valid():
        upload = form.cleaned_data["file"]
        result = services.roster_import(
            actor=request.user,
            data=upload.read(),
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
        )
        if not result.errors:
            counts = {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
            if result.dry_run:
                messages.info(
                    request,
                    _(
                        "Check passed. The import would create %(created)d, update "
                        "%(updated)d and leave %(unchanged)d employees unchanged. "
                        "Nothing was written."
                    )
                    % counts,
                )
                return redirect("employee_import")
            messages.success(
                request,
                _(
                    "Roster imported: %(created)d created, %(updated)d updated, "
                    "%(unchanged)d unchanged."
                )
                % counts,
            )
            return redirect("employee_list")
    return render(request, "frontend/employees/import.html", {"form": form, "result": result})
