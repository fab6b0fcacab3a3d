"""The start page: one section per role the user holds."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from core.roles import Role, user_roles
from core.selectors import audit_entry_list
from people.selectors import department_list, employee_for_user, employee_list

RECENT_AUDIT_ENTRIES = 5


@login_required
def home(request):
    roles = user_roles(request.user)
    context = {"employee": employee_for_user(request.user)}
    if Role.SAFETY_OFFICER in roles:
        context["figures"] = {
            "active_employees": employee_list(active=True).count(),
            "departments": department_list().count(),
        }
        context["recent_audit_entries"] = list(audit_entry_list()[:RECENT_AUDIT_ENTRIES])
    return render(request, "frontend/home.html", context)
