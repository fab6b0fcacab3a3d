"""Reads of the question bank: the category tree with counts, search, one question, history.

Only the safety officer's pages and API call these: every result carries the key.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from exams.models import PATH_SEPARATOR, Question, QuestionCategory, QuestionOption, QuestionVersion


@dataclass
class CategoryNode:
    category: QuestionCategory
    own_count: int  # active questions directly in the category
    total_count: int  # with its sub-categories

    @property
    def depth(self) -> int:
        return self.category.depth


def category_tree() -> list[CategoryNode]:
    """Every category in tree order (by full name) with its active-question counts. Two
    queries whatever the size of the tree."""
    categories = list(QuestionCategory.objects.order_by("path"))
    counts = dict(
        Question.objects.filter(is_active=True)
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    own = {c.pk: counts.get(c.pk, 0) for c in categories}
    totals = dict(own)
    by_pk = {c.pk: c for c in categories}
    for category in categories:
        parent_id = category.parent_id
        while parent_id is not None:
            totals[parent_id] += own[category.pk]
            parent_id = by_pk[parent_id].parent_id
    return [CategoryNode(c, own[c.pk], totals[c.pk]) for c in categories]


def category_scope(category: QuestionCategory, *, include_subcategories: bool = True) -> Q:
    """The filter for questions of a category, with or without its sub-categories."""
    if not include_subcategories:
        return Q(category=category)
    return Q(category=category) | Q(category__path__startswith=category.path + PATH_SEPARATOR)


def _with_current_version(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("category", "current_version").prefetch_related(
        Prefetch(
            "current_version__options",
            queryset=QuestionOption.objects.order_by("position"),
        )
    )


def question_search(
    *,
    category: QuestionCategory | None = None,
    include_subcategories: bool = True,
    text: str = "",
    tag: str = "",
    type: str = "",
    difficulty: int | None = None,
    state: str = "active",
) -> QuerySet[Question]:
    """Questions matching every given criterion, newest first, with category, current
    version and options loaded (a page costs the same queries for 10 rows as for 1,000).

    ``text`` searches the current stem, ``tag`` is one whole tag, ``state`` is ``active``,
    ``inactive`` (switched off, not retired), ``retired`` or ``all``.
    """
    questions = Question.objects.all()
    if category is not None:
        questions = questions.filter(
            category_scope(category, include_subcategories=include_subcategories)
        )
    if text.strip():
        questions = questions.filter(current_version__stem__icontains=text.strip())
    if tag.strip():
        questions = questions.filter(tags__icontains=f",{tag.strip()},")
    if type:
        questions = questions.filter(type=type)
    if difficulty:
        questions = questions.filter(difficulty=difficulty)
    if state == "active":
        questions = questions.filter(is_active=True)
    elif state == "inactive":
        questions = questions.filter(is_active=False, retired_at__isnull=True)
    elif state == "retired":
        questions = questions.filter(retired_at__isnull=False)
    return _with_current_version(questions).order_by("-id")


def question_get(*, question_id: int) -> Question | None:
    """One question with its current version and options, or None."""
    return _with_current_version(Question.objects.filter(pk=question_id)).first()


def question_history(*, question: Question) -> list[QuestionVersion]:
    """Every version of the question, newest first, with options and author."""
    return list(
        QuestionVersion.objects.filter(question=question)
        .select_related("created_by")
        .prefetch_related(Prefetch("options", queryset=QuestionOption.objects.order_by("position")))
        .order_by("-number")
    )


def questions_for_export(*, questions: QuerySet[Question]) -> QuerySet[Question]:
    """The questions with everything an export writes, oldest first (a stable file). Takes
    any queryset of questions, ``question_search``'s included."""
    return _with_current_version(questions.prefetch_related(None)).order_by("category__path", "id")
