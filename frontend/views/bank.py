"""The safety officer's question bank: the browser with its category tree, search and
exports, and the category pages (create, rename or move, delete)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from core.errors import ServiceError
from core.http import attachment_response
from core.roles import Role
from exams.formats.excel import questions_to_xlsx
from exams.formats.moodle import questions_to_moodle_xml
from exams.models import QuestionCategory
from exams.selectors.bank import category_tree, question_search, questions_for_export
from exams.services import categories as category_services
from frontend.access import role_required
from frontend.forms.bank import CategoryForm, QuestionFilterForm
from frontend.forms.common import add_service_error
from frontend.responses import render_page_or_partial, wants_partial, xlsx_attachment

QUESTIONS_PER_PAGE = 25
MOODLE_XML_CONTENT_TYPE = "application/xml; charset=utf-8"

bank_manager_required = role_required(Role.SAFETY_OFFICER)


@bank_manager_required
@require_GET
def question_list(request):
    """The bank: the category tree beside the search and one page of questions. htmx swaps
    only the results (and, out of band, the tree and the hidden category field)."""
    filters = QuestionFilterForm(request.GET)
    arguments = filters.selector_arguments()
    page = Paginator(question_search(**arguments), QUESTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render_page_or_partial(
        request,
        page="frontend/bank/list.html",
        partial="frontend/bank/_results.html",
        context={
            "filters": filters,
            "page": page,
            "tree": category_tree(),
            "current_category": arguments["category"],
            "filtered": filters.is_filtered(),
            "out_of_band": wants_partial(request),
        },
    )


def _export_queryset(request):
    arguments = QuestionFilterForm(request.GET).selector_arguments()
    return questions_for_export(questions=question_search(**arguments))


@bank_manager_required
@require_GET
def question_export_xlsx(request):
    """The questions the list's filters select, as a workbook the import reads back."""
    return xlsx_attachment(questions_to_xlsx(_export_queryset(request)), "questions.xlsx")


@bank_manager_required
@require_GET
def question_export_xml(request):
    """The questions the list's filters select, as Moodle XML."""
    content = questions_to_moodle_xml(_export_queryset(request))
    if isinstance(content, str):
        content = content.encode()
    return attachment_response(
        content, filename="questions.xml", content_type=MOODLE_XML_CONTENT_TYPE
    )


# Categories ---------------------------------------------------------------------------------


@bank_manager_required
def category_list(request):
    """The tree with its question counts and a form to add a category."""
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        initial={"parent": request.GET.get("parent")},
    )
    if request.method == "POST" and form.is_valid():
        try:
            category = category_services.category_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Category %(path)s was created.") % {"path": category})
            return redirect("question_category_list")
    return render(request, "frontend/bank/categories.html", {"form": form, "tree": category_tree()})


@bank_manager_required
def category_edit(request, pk: int):
    category = get_object_or_404(QuestionCategory, pk=pk)
    form = CategoryForm(
        request.POST if request.method == "POST" else None,
        initial={"name": category.name, "parent": category.parent_id},
    )
    if request.method == "POST" and form.is_valid():
        try:
            category = category_services.category_update(
                actor=request.user,
                category=category,
                name=form.cleaned_data["name"],
                parent=form.cleaned_data["parent"],
            )
        except (ValidationError, ServiceError) as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("Category %(path)s was saved.") % {"path": category})
            return redirect("question_category_list")
    return render(request, "frontend/bank/category_form.html", {"form": form, "category": category})


@bank_manager_required
def category_delete(request, pk: int):
    """GET asks for confirmation; POST deletes, or shows why the category must stay."""
    category = get_object_or_404(QuestionCategory, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            category_services.category_delete(actor=request.user, category=category)
        except ValidationError as error:
            errors = list(error.messages)
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(request, _("Category %(path)s was deleted.") % {"path": category})
            return redirect("question_category_list")
    return render(
        request,
        "frontend/bank/category_delete.html",
        {"category": category, "errors": errors},
    )
