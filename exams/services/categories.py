"""Writes to the category tree of the question bank."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_record, diff
from exams.models import PATH_SEPARATOR, QuestionCategory

MAX_NAME_LENGTH = 100
MAX_PATH_LENGTH = 500


def category_path_parts(path: str) -> list[str]:
    """Split ``Fire safety / Extinguishers`` into clean names; empty parts are dropped."""
    return [part.strip() for part in (path or "").split(PATH_SEPARATOR) if part.strip()]


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": [_("A category needs a name.")]})
    if PATH_SEPARATOR in name:
        raise ValidationError(
            {"name": [_("A category name may not contain “%s”.") % PATH_SEPARATOR]}
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            {"name": [_("A category name has at most %d characters.") % MAX_NAME_LENGTH]}
        )
    return name


def _path(name: str, parent: QuestionCategory | None) -> str:
    return f"{parent.path}{PATH_SEPARATOR}{name}" if parent else name


def _check_path_length(path: str) -> None:
    if len(path) > MAX_PATH_LENGTH:
        raise ValidationError(
            {"name": [_("A category's full name has at most %d characters.") % MAX_PATH_LENGTH]}
        )


def _ensure_free(path: str, exclude_pk: int | None = None) -> None:
    taken = QuestionCategory.objects.filter(path=path)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"name": [_("The category “%s” already exists.") % path]})


@transaction.atomic
def category_create(
    *, actor, name: str, parent: QuestionCategory | None = None
) -> QuestionCategory:
    """Create a category under ``parent`` (or at the top). Refuses an empty name, a name with
    a slash, and a name the parent already has."""
    name = _clean_name(name)
    path = _path(name, parent)
    _check_path_length(path)
    _ensure_free(path)
    category = QuestionCategory.objects.create(name=name, parent=parent, path=path)
    audit_record(
        actor=actor,
        action="question_category.created",
        target=category,
        after={"name": name, "parent": parent.pk if parent else None, "path": path},
    )
    return category


@transaction.atomic
def category_update(
    *, actor, category: QuestionCategory, name: str, parent: QuestionCategory | None
) -> QuestionCategory:
    """Rename or move a category; its sub-categories' full names follow. Refuses to move a
    category under itself or one of its own sub-categories."""
    category = QuestionCategory.objects.select_for_update().get(pk=category.pk)
    name = _clean_name(name)
    if parent is not None and (
        parent.pk == category.pk or parent.path.startswith(category.path + PATH_SEPARATOR)
    ):
        raise ValidationError(
            {"parent": [_("A category cannot be placed under itself or its own sub-category.")]}
        )
    old_path, new_path = category.path, _path(name, parent)
    before = {"name": category.name, "parent": category.parent_id, "path": old_path}
    if new_path != old_path:
        _check_path_length(new_path)
        _ensure_free(new_path, exclude_pk=category.pk)
        longest = max(
            (
                len(path)
                for path in QuestionCategory.objects.filter(
                    path__startswith=old_path + PATH_SEPARATOR
                ).values_list("path", flat=True)
            ),
            default=len(old_path),
        )
        _check_path_length("x" * (longest - len(old_path) + len(new_path)))
    category.name, category.parent, category.path = name, parent, new_path
    category.save(update_fields=["name", "parent", "path"])
    if new_path != old_path:
        descendants = list(
            QuestionCategory.objects.filter(path__startswith=old_path + PATH_SEPARATOR)
        )
        for child in descendants:
            child.path = new_path + child.path[len(old_path) :]
        QuestionCategory.objects.bulk_update(descendants, ["path"])
    after = {"name": name, "parent": parent.pk if parent else None, "path": new_path}
    changed_before, changed_after = diff(before, after)
    if changed_after:
        audit_record(
            actor=actor,
            action="question_category.updated",
            target=category,
            before=changed_before,
            after=changed_after,
        )
    return category


@transaction.atomic
def category_delete(*, actor, category: QuestionCategory) -> None:
    """Delete an empty category. Refuses one with sub-categories, questions (retired ones
    included: attempts still point at them) or a paper rule drawing from it."""
    if category.children.exists():
        raise ValidationError(_("“%s” still has sub-categories.") % category.path)
    if category.questions.exists():
        raise ValidationError(_("“%s” still has questions.") % category.path)
    if category.paper_rules.exists():
        raise ValidationError(_("A paper draws questions from “%s”.") % category.path)
    audit_record(
        actor=actor,
        action="question_category.deleted",
        target=category,
        before={"name": category.name, "parent": category.parent_id, "path": category.path},
    )
    category.delete()


def categories_ensure_paths(*, actor, paths: list[str]) -> dict[str, QuestionCategory]:
    """The categories with these full names (as written: ``A / B`` and ``A/B`` are the same),
    creating the missing ones and their parents; keyed by the path as given. Must run inside
    the caller's transaction. Costs one query plus one insert per new category."""
    wanted = {path: PATH_SEPARATOR.join(category_path_parts(path)) for path in paths}
    if any(not full for full in wanted.values()):
        raise ValidationError({"category": [_("A category path is required.")]})
    every_prefix = set()
    for full in wanted.values():
        parts = full.split(PATH_SEPARATOR)
        every_prefix.update(
            PATH_SEPARATOR.join(parts[:depth]) for depth in range(1, len(parts) + 1)
        )
    by_path = {c.path: c for c in QuestionCategory.objects.filter(path__in=every_prefix)}
    for prefix in sorted(every_prefix, key=lambda p: p.count(PATH_SEPARATOR)):
        if prefix in by_path:
            continue
        parent_path, _sep, name = prefix.rpartition(PATH_SEPARATOR)
        by_path[prefix] = category_create(
            actor=actor, name=name, parent=by_path.get(parent_path) if parent_path else None
        )
    return {path: by_path[full] for path, full in wanted.items()}
