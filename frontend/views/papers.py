"""The safety officer's paper pages: the list, the builder (fixed questions and draw rules,
with live figures), a sample draw shown as the candidate sees it or as the answer sheet, and
both as PDF."""

import random
import secrets
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from core.errors import ServiceError
from core.http import attachment_response
from core.roles import Role
from exams.models import OPTION_LETTERS, Paper, QuestionType
from exams.pdf import paper_pdf
from exams.selectors.bank import category_tree, question_search
from exams.selectors.papers import (
    DrawnQuestion,
    PaperNotDrawable,
    RuleCheck,
    paper_draw,
    paper_summary,
    rules_check,
)
from exams.services import papers as services
from frontend.access import role_required
from frontend.forms.papers import PaperBuilder, points_text
from frontend.responses import render_page_or_partial, wants_partial

PAPERS_PER_PAGE = 25
SEARCH_LIMIT = 20
MAX_SEED = 2**31

officer_required = role_required(Role.SAFETY_OFFICER)


# The list -----------------------------------------------------------------------------------


@officer_required
@require_GET
def paper_list(request):
    page = Paginator(Paper.objects.order_by("-updated_at", "id"), PAPERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    summaries = [paper_summary(paper=paper) for paper in page]
    for summary in summaries:
        summary.total_text = points_text(summary.total_points)
    return render(request, "frontend/papers/list.html", {"page": page, "summaries": summaries})


# The builder --------------------------------------------------------------------------------


@dataclass
class RuleFigure:
    number: int
    check: RuleCheck | None  # None while the row does not read well


@dataclass
class Figures:
    total_points: str
    question_count: int
    rules: list[RuleFigure] = field(default_factory=list)

    @property
    def short_rules(self) -> list[RuleFigure]:
        return [rule for rule in self.rules if rule.check is not None and not rule.check.enough]


def _figures(builder: PaperBuilder) -> Figures:
    """Total points, questions per candidate and each rule's pool, from what reads well."""
    items = builder.valid_items()
    rules = [(index, spec) for index, spec in builder.valid_rules() if spec.count >= 1]
    checks = rules_check(
        [spec for _index, spec in rules],
        fixed_question_ids={item.question.pk for item in items},
    )
    by_row = {index: check for (index, _spec), check in zip(rules, checks, strict=True)}
    total = sum((item.points for item in items), Decimal(0)) + sum(
        (spec.points * spec.count for _index, spec in rules), Decimal(0)
    )
    return Figures(
        total_points=points_text(total),
        question_count=len(items) + sum(spec.count for _index, spec in rules),
        rules=[
            RuleFigure(number=index + 1, check=by_row.get(index))
            for index in range(len(builder.rule_rows))
        ],
    )


def _search_results(builder: PaperBuilder) -> dict:
    results = question_search(**builder.search_arguments())
    return {
        "results": list(results[:SEARCH_LIMIT]),
        "result_count": results.count(),
        "chosen_ids": builder.chosen_ids(),
        "search_limit": SEARCH_LIMIT,
    }


def _builder_context(builder: PaperBuilder, paper: Paper | None) -> dict:
    figures = _figures(builder)
    for row, figure in zip(builder.rule_rows, figures.rules, strict=True):
        row.figure = figure
    return {
        "builder": builder,
        "paper": paper,
        "figures": figures,
        "action_url": (
            reverse("paper_edit", args=[paper.pk]) if paper else reverse("paper_create")
        ),
        **_search_results(builder),
    }


def _save(request, builder: PaperBuilder, paper: Paper | None) -> Paper | None:
    builder.show_errors = True
    if not builder.is_valid():
        return None
    try:
        if paper is None:
            return services.paper_create(actor=request.user, **builder.specs())
        return services.paper_update(actor=request.user, paper=paper, **builder.specs())
    except ValidationError as error:
        builder.add_service_error(error)
    except ServiceError as error:
        builder.add_service_error(ValidationError(error.message))
    return None


def _builder(request, *, paper: Paper | None):
    tree = category_tree()
    if request.method == "POST":
        builder = PaperBuilder(request.POST, tree=tree)
        action = request.POST.get("action") or "save"
        if action == "save":
            saved = _save(request, builder, paper)
            if saved is not None:
                messages.success(request, _("Paper “%(title)s” was saved.") % {"title": saved})
                url = reverse("paper_list")
                return HttpResponseClientRedirect(url) if wants_partial(request) else redirect(url)
        else:
            builder.apply(action)
    elif paper is not None:
        summary = paper_summary(paper=paper)
        builder = PaperBuilder.of_paper(
            paper=paper,
            items=summary.items,
            rules=[check.rule for check in summary.rules],
            tree=tree,
        )
    else:
        builder = PaperBuilder.empty(tree=tree)
    return render_page_or_partial(
        request,
        page="frontend/papers/builder.html",
        partial="frontend/papers/_builder_form.html",
        context=_builder_context(builder, paper),
    )


@officer_required
def paper_create(request):
    return _builder(request, paper=None)


@officer_required
def paper_edit(request, pk: int):
    return _builder(request, paper=get_object_or_404(Paper, pk=pk))


@officer_required
@require_POST
def paper_builder_search(request):
    """The bank search results of the builder (htmx, as the search fields change)."""
    builder = PaperBuilder(request.POST, tree=category_tree())
    return render(
        request,
        "frontend/papers/_bank_results.html",
        {"builder": builder, **_search_results(builder)},
    )


@officer_required
@require_POST
def paper_builder_figures(request):
    """The builder's live figures (htmx, as items and rules change); each rule row's own
    figures are swapped out of band."""
    builder = PaperBuilder(request.POST, tree=category_tree())
    return render(
        request,
        "frontend/papers/_figures.html",
        {"builder": builder, "figures": _figures(builder), "oob": True},
    )


@officer_required
def paper_delete(request, pk: int):
    """GET asks for confirmation; POST deletes, or shows why the paper must stay."""
    paper = get_object_or_404(Paper, pk=pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            services.paper_delete(actor=request.user, paper=paper)
        except ValidationError as error:
            errors = list(error.messages)
        except ServiceError as error:
            errors = [error.message]
        else:
            messages.success(request, _("Paper “%(title)s” was deleted.") % {"title": paper})
            return redirect("paper_list")
    return render(
        request, "frontend/papers/confirm_delete.html", {"paper": paper, "errors": errors}
    )


# Preview ------------------------------------------------------------------------------------


@dataclass
class ShownOption:
    letter: str
    text: str
    correct: bool = False


@dataclass
class ShownQuestion:
    """A drawn question as the preview shows it. Built without the key for the candidate's
    view, so the key cannot reach that page whatever the template does."""

    number: int
    points: str
    type_label: str
    stem: str
    image_url: str
    is_choice: bool
    is_fill_blank: bool
    options: list[ShownOption]
    blank_numbers: list[int]
    with_key: bool
    answer: str = ""
    blanks: list[str] = field(default_factory=list)
    tolerance: str = ""
    reference_answer: str = ""
    explanation: str = ""


CHOICE = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


def _shown(number: int, drawn: DrawnQuestion, *, with_key: bool) -> ShownQuestion:
    version = drawn.version
    is_choice = version.type in CHOICE
    options = list(version.options.all()) if is_choice else []
    shown = ShownQuestion(
        number=number,
        points=points_text(drawn.points),
        type_label=QuestionType(version.type).label,
        stem=version.stem,
        image_url=reverse("question_image", args=[version.pk]) if version.image else "",
        is_choice=is_choice,
        is_fill_blank=version.type == QuestionType.FILL_BLANK,
        options=[
            ShownOption(
                letter=OPTION_LETTERS[o.position], text=o.text, correct=with_key and o.correct
            )
            for o in options
        ],
        blank_numbers=list(range(1, len(version.blanks or []) + 1)),
        with_key=with_key,
    )
    if with_key:
        shown.answer = "".join(OPTION_LETTERS[o.position] for o in options if o.correct)
        shown.blanks = [" / ".join(accepted) for accepted in version.blanks or []]
        if version.numeric_tolerance is not None:
            shown.tolerance = points_text(version.numeric_tolerance)
        shown.reference_answer = version.reference_answer
        shown.explanation = version.explanation
    return shown


def _preview_arguments(request) -> tuple[bool, int]:
    """The view (candidate or answer sheet) and the sample's seed: the same seed draws the
    same questions, so the page, the other view and the PDF show one sample."""
    with_key = request.GET.get("view") == "key"
    try:
        seed = int(request.GET.get("sample", ""))
    except ValueError:
        seed = None
    if seed is None or not 0 <= seed < MAX_SEED:
        seed = secrets.randbelow(MAX_SEED)
    return with_key, seed


@officer_required
@require_GET
def paper_preview(request, pk: int):
    paper = get_object_or_404(Paper, pk=pk)
    with_key, seed = _preview_arguments(request)
    summary = paper_summary(paper=paper)
    undrawable = ""
    drawn: list[DrawnQuestion] = []
    try:
        drawn = paper_draw(paper=paper, rng=random.Random(seed))
    except PaperNotDrawable as error:
        undrawable = str(error)
    return render(
        request,
        "frontend/papers/preview.html",
        {
            "paper": paper,
            "summary": summary,
            "is_random": bool(summary.rules),
            "with_key": with_key,
            "view": "key" if with_key else "candidate",
            "seed": seed,
            "next_seed": secrets.randbelow(MAX_SEED),
            "questions": [
                _shown(number, question, with_key=with_key)
                for number, question in enumerate(drawn, start=1)
            ],
            "sample_total": points_text(sum((q.points for q in drawn), Decimal(0))),
            "undrawable": undrawable,
        },
    )


@officer_required
@require_GET
def paper_preview_pdf(request, pk: int):
    paper = get_object_or_404(Paper, pk=pk)
    with_key, seed = _preview_arguments(request)
    try:
        drawn = paper_draw(paper=paper, rng=random.Random(seed))
    except PaperNotDrawable:
        # The preview page says which rule cannot be drawn.
        view = "key" if with_key else "candidate"
        return redirect(f"{reverse('paper_preview', args=[paper.pk])}?view={view}&sample={seed}")
    content = paper_pdf(paper=paper, questions=drawn, with_key=with_key)
    name = f"paper-{paper.pk}-{'answer-sheet' if with_key else 'candidate'}.pdf"
    return attachment_response(content, filename=name, content_type="application/pdf")
