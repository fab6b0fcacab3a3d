"""The start page: one section per role the user holds."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.roles import Role, user_roles
from core.selectors import audit_entry_list
from courses.selectors.questionnaires import questionnaires_open_for_employee
from courses.selectors.trainings import (
    course_list_for_user,
    trainings_for_employee,
    trainings_taught_by,
)
from frontend.views.exam_taking import exams_to_sit_now
from people.selectors import department_list, employee_for_user, employee_list

RECENT_AUDIT_ENTRIES = 5
HOME_TRAININGS = 10


@login_required
def home(request):
    roles = user_roles(request.user)
    employee = employee_for_user(request.user)
    context = {"employee": employee}
    if Role.TRAINEE in roles and employee is not None:
        context["my_trainings"] = list(trainings_for_employee(employee)[:HOME_TRAININGS])
        context["open_questionnaires"] = list(questionnaires_open_for_employee(employee))
        context["exams_to_sit"] = exams_to_sit_now(employee)
    if Role.INSTRUCTOR in roles:
        context["my_courses"] = list(course_list_for_user(request.user)[:HOME_TRAININGS])
        context["trainings_taught"] = (
            list(trainings_taught_by(employee)[:HOME_TRAININGS]) if employee is not None else []
        )
    if Role.SAFETY_OFFICER in roles:
        context["figures"] = {
            "active_employees": employee_list(active=True).count(),
            "departments": department_list().count(),
        }
        context["recent_audit_entries"] = list(audit_entry_list()[:RECENT_AUDIT_ENTRIES])
    return render(request, "frontend/home.html", context)
