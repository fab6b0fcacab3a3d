"""Course pages: the list (all for the safety officer, own for an instructor), create, edit.
A course's modules and materials are on the course page (``frontend.views.study``)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from core.errors import NotFound, ServiceError
from core.roles import Role
from courses.selectors import trainings as selectors
from courses.services import trainings as services
from frontend.access import role_required
from frontend.forms import add_service_error
from frontend.forms.trainings import CourseForm

COURSES_PER_PAGE = 25


@role_required(Role.SAFETY_OFFICER, Role.INSTRUCTOR)
def course_list(request):
    courses = selectors.course_list_for_user(request.user).order_by("-is_active", "title", "id")
    page = Paginator(courses, COURSES_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "frontend/courses/list.html", {"page": page})


@role_required(Role.SAFETY_OFFICER)
def course_create(request):
    form = CourseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            course = services.course_create(
                actor=request.user,
                title=data["title"],
                description=data["description"],
                hours=data["hours"],
                instructors=data["instructors"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Course “%s” was created.") % course.title)
            return redirect("course_detail", pk=course.pk)
    return render(request, "frontend/courses/form.html", {"form": form})


@role_required(Role.SAFETY_OFFICER)
def course_edit(request, pk: int):
    try:
        course = selectors.course_get_for_user(user=request.user, course_id=pk)
    except NotFound as error:
        raise Http404 from error
    form = CourseForm(
        request.POST or None,
        initial={
            "title": course.title,
            "description": course.description,
            "hours": course.hours,
            "instructors": list(course.instructors.all()),
            "is_active": course.is_active,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.course_update(
                actor=request.user,
                course=course,
                title=data["title"],
                description=data["description"],
                hours=data["hours"],
                instructors=data["instructors"],
                is_active=data["is_active"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Course “%s” was saved.") % course.title)
            return redirect("course_list")
    return render(request, "frontend/courses/form.html", {"form": form, "course": course})
