"""The audit log page: who changed what, when, with the values before and after."""

from django.core.paginator import Paginator
from django.views.decorators.http import require_GET

from core.roles import Role
from core.selectors import audit_entry_list
from frontend.access import role_required
from frontend.forms import AuditFilterForm
from frontend.responses import render_page_or_partial

AUDIT_ENTRIES_PER_PAGE = 50


@role_required(Role.SAFETY_OFFICER)
@require_GET
def audit_log(request):
    filters = AuditFilterForm(request.GET)
    entries = audit_entry_list(**filters.selector_arguments())
    page = Paginator(entries, AUDIT_ENTRIES_PER_PAGE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        page="frontend/audit/list.html",
        partial="frontend/audit/_results.html",
        context={"filters": filters, "page": page},
    )
