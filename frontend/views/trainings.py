"""Training pages: list, detail (timetable, training rate, trainees), create and edit,
enrolment, required audience, sessions, and the enrolment workbook."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from core.errors import NotFound, ServiceError
from core.roles import Role, has_role
from courses import training_exports
from courses.models import Session, Training
from courses.selectors import trainings as selectors
from courses.selectors.questionnaires import questionnaires_open_for_employee
from courses.services import trainings as services
from frontend.access import role_required, training_role_required
from frontend.forms import add_service_error
from frontend.forms.trainings import (
    AudienceFormSet,
    EnrolForm,
    SessionForm,
    TrainingCreateForm,
    TrainingForm,
)
from frontend.responses import render_page_or_partial, xlsx_attachment
from people.models import Employee
from people.selectors import employee_for_user

TRAININGS_PER_PAGE = 25
TRAINEES_PER_PAGE = 25

officer_required = role_required(Role.SAFETY_OFFICER)
training_officer_required = training_role_required(Role.SAFETY_OFFICER)


def _training_or_404(request, pk: int) -> Training:
    try:
        return selectors.training_get_for_user(user=request.user, training_id=pk)
    except NotFound as error:
        raise Http404 from error


def _is_staff_for(request, training: Training) -> bool:
    """The officer, HR and the people teaching see trainees and figures."""
    return has_role(request.user, Role.SAFETY_OFFICER, Role.HR) or selectors.user_teaches_training(
        request.user, training
    )


@login_required
@require_GET
def training_list(request):
    trainings = selectors.training_list_for_user(request.user)
    page = Paginator(trainings, TRAININGS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/trainings/list.html", {"page": page})


@login_required
@require_GET
def training_detail(request, pk: int):
    training = _training_or_404(request, pk)
    staff = _is_staff_for(request, training)
    context = {
        "training": training,
        "sessions": selectors.session_list(training=training),
        "staff": staff,
        "manages": has_role(request.user, Role.SAFETY_OFFICER),
        "teaches": selectors.user_teaches_training(request.user, training),
    }
    if staff:
        context["rate"] = selectors.training_rate(training)
        context["audience"] = list(training.audience.select_related("department"))
        enrollments = selectors.enrollment_list(training=training)
        page = Paginator(enrollments, TRAINEES_PER_PAGE).get_page(request.GET.get("page"))
        for enrollment in page:
            enrollment.trained = selectors.is_trained(enrollment, training)
        context["page"] = page
        if request.htmx and request.GET.get("page"):
            return render_page_or_partial(
                request,
                page="frontend/trainings/detail.html",
                partial="frontend/trainings/_trainees.html",
                context=context,
            )
    employee = employee_for_user(request.user)
    context["enrollment"] = (
        training.enrollments.filter(employee=employee).first() if employee else None
    )
    if context["enrollment"] is not None:
        context["open_questionnaires"] = questionnaires_open_for_employee(employee).filter(
            training=training
        )
    return render(request, "frontend/trainings/detail.html", context)


def _training_form_initial(training: Training) -> dict:
    return {
        "course": training.course,
        "title": training.title,
        "starts_on": training.starts_on,
        "ends_on": training.ends_on,
        "location": training.location,
        "description": training.description,
        "instructors": list(training.instructors.all()),
        "completion_attendance_rate": training.completion_attendance_rate,
    }


@officer_required
def training_create(request):
    form = TrainingCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            training = services.training_create(
                actor=request.user,
                course=data["course"],
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                location=data["location"],
                description=data["description"],
                instructors=data["instructors"],
                departments=data["departments"],
                completion_attendance_rate=data["completion_attendance_rate"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Training “%s” was created.") % training.title)
            return redirect("training_detail", pk=training.pk)
    return render(request, "frontend/trainings/form.html", {"form": form})


@training_officer_required
def training_edit(request, pk: int):
    training = _training_or_404(request, pk)
    form = TrainingForm(request.POST or None, initial=_training_form_initial(training))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.training_update(
                actor=request.user,
                training=training,
                title=data["title"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                location=data["location"],
                description=data["description"],
                instructors=data["instructors"],
                completion_attendance_rate=data["completion_attendance_rate"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Training “%s” was saved.") % training.title)
            return redirect("training_detail", pk=training.pk)
    return render(request, "frontend/trainings/form.html", {"form": form, "training": training})


@training_officer_required
def training_enrol(request, pk: int):
    """Enrol trainees one by one, by department or by position; take one out."""
    training = _training_or_404(request, pk)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            added = services.training_enroll(
                actor=request.user,
                training=training,
                employees=data["employee_numbers"],
                departments=data["departments"],
                positions=data["positions"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _("%(added)d trainees were enrolled; those already enrolled stay as they were.")
                % {"added": added},
            )
            return redirect("training_enrol", pk=training.pk)
    enrollments = selectors.enrollment_list(training=training)
    page = Paginator(enrollments, TRAINEES_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/trainings/enrol.html",
        partial="frontend/trainings/_enrolled.html",
        context={"training": training, "form": form, "page": page},
    )


@training_officer_required
@require_POST
def training_unenrol(request, pk: int, employee_pk: int):
    training = _training_or_404(request, pk)
    employee = get_object_or_404(Employee, pk=employee_pk)
    services.enrollment_remove(actor=request.user, training=training, employee=employee)
    messages.success(
        request, _("%(name)s was taken out of the training.") % {"name": employee.name}
    )
    return redirect("training_enrol", pk=training.pk)


@training_officer_required
def training_audience(request, pk: int):
    """The required audience, from which the training rate is computed."""
    training = _training_or_404(request, pk)
    initial = [
        {"department": rule.department, "position": rule.position}
        for rule in training.audience.select_related("department")
    ]
    formset = AudienceFormSet(request.POST or None, initial=initial)
    if request.method == "POST" and formset.is_valid():
        rules = [
            (form.cleaned_data.get("department"), form.cleaned_data.get("position", ""))
            for form in formset
            if form.cleaned_data.get("department") or form.cleaned_data.get("position")
        ]
        try:
            services.training_set_audience(actor=request.user, training=training, rules=rules)
        except (ValidationError, ServiceError) as error:
            add_service_error(formset.forms[0], error)
        else:
            messages.success(request, _("The required audience was saved."))
            return redirect("training_detail", pk=training.pk)
    return render(
        request, "frontend/trainings/audience.html", {"training": training, "formset": formset}
    )


def _session_form_initial(session: Session) -> dict:
    return {
        "topic": session.topic,
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "location": session.location,
        "instructor": session.instructor,
    }


@training_officer_required
def session_create(request, pk: int):
    training = _training_or_404(request, pk)
    form = SessionForm(request.POST or None, initial={"location": training.location})
    if request.method == "POST" and form.is_valid():
        try:
            services.session_create(actor=request.user, training=training, **form.cleaned_data)
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The session was added to the timetable."))
            return redirect("training_detail", pk=training.pk)
    return render(
        request, "frontend/trainings/session_form.html", {"training": training, "form": form}
    )


def _session_or_404(request, pk: int, session_pk: int) -> tuple[Training, Session]:
    training = _training_or_404(request, pk)
    return training, get_object_or_404(Session, pk=session_pk, training=training)


@training_officer_required
def session_edit(request, pk: int, session_pk: int):
    training, session = _session_or_404(request, pk, session_pk)
    form = SessionForm(request.POST or None, initial=_session_form_initial(session))
    if request.method == "POST" and form.is_valid():
        try:
            services.session_update(actor=request.user, session=session, **form.cleaned_data)
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The session was saved."))
            return redirect("training_detail", pk=training.pk)
    return render(
        request,
        "frontend/trainings/session_form.html",
        {"training": training, "form": form, "session": session},
    )


@training_officer_required
@require_POST
def session_delete(request, pk: int, session_pk: int):
    training, session = _session_or_404(request, pk, session_pk)
    services.session_delete(actor=request.user, session=session)
    messages.success(request, _("The session was removed from the timetable."))
    return redirect("training_detail", pk=training.pk)


@login_required
@require_GET
def training_enrollment_xlsx(request, pk: int):
    training = _training_or_404(request, pk)
    if not _is_staff_for(request, training):
        raise PermissionDenied
    return xlsx_attachment(
        training_exports.enrollment_xlsx(training), f"training-{training.pk}-enrolment.xlsx"
    )
