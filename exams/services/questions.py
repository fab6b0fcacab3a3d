"""Writes to the question bank: create, edit (in place or as a new version), retire, delete,
bulk create for imports, and marking versions as shown in an attempt."""

import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.audit import AuditChange, audit_record, audit_record_many, diff
from core.uploads import check_upload_size
from exams.content import (
    OptionInput,
    QuestionInput,
    clean_input,
    fingerprint,
    question_input_errors,
    tags_to_field,
)
from exams.models import Question, QuestionCategory, QuestionOption, QuestionVersion

MAX_IMAGE_SIZE = 5 * 1024 * 1024
IMAGE_FORMATS = {"PNG": ".png", "JPEG": ".jpg", "GIF": ".gif", "WEBP": ".webp"}


def _validated(data: QuestionInput) -> QuestionInput:
    errors = question_input_errors(data)
    if errors:
        raise ValidationError(errors)
    return clean_input(data)


def check_image(upload: UploadedFile) -> None:
    """Refuse a stem image that is too big or is not a PNG, JPEG, GIF or WebP picture (judged
    by its content; SVG is never accepted: a browser could run it)."""
    check_upload_size(upload, MAX_IMAGE_SIZE)
    try:
        upload.seek(0)
        with Image.open(io.BytesIO(upload.read())) as picture:
            kind = picture.format
            picture.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise ValidationError(
            {"image": [_("The image is not a PNG, JPEG, GIF or WebP picture.")]}
        ) from error
    finally:
        upload.seek(0)
    if kind not in IMAGE_FORMATS:
        raise ValidationError({"image": [_("The image is not a PNG, JPEG, GIF or WebP picture.")]})


def _ensure_not_duplicate(
    *, category: QuestionCategory, print_: str, exclude_pk: int | None = None
) -> None:
    same = Question.objects.filter(category=category, fingerprint=print_, retired_at__isnull=True)
    if exclude_pk is not None:
        same = same.exclude(pk=exclude_pk)
    existing = same.first()
    if existing is not None:
        raise ValidationError(
            {
                "stem": [
                    _("Question #%(id)d in “%(category)s” already has this stem and these options.")
                    % {"id": existing.pk, "category": category.path}
                ]
            }
        )


def version_snapshot(version: QuestionVersion) -> dict:
    """A version's content as plain data (for the audit log and for comparing edits)."""
    return {
        "type": version.type,
        "stem": version.stem,
        "options": [[o.text, o.correct] for o in version.options.all()],
        "blanks": version.blanks,
        "numeric_tolerance": (
            str(version.numeric_tolerance) if version.numeric_tolerance is not None else None
        ),
        "reference_answer": version.reference_answer,
        "explanation": version.explanation,
        "image": version.image.name or "",
    }


def _input_snapshot(data: QuestionInput, image_name: str) -> dict:
    return {
        "type": data.type,
        "stem": data.stem,
        "options": [[o.text, o.correct] for o in data.options],
        "blanks": data.blanks,
        "numeric_tolerance": (
            str(data.numeric_tolerance) if data.numeric_tolerance is not None else None
        ),
        "reference_answer": data.reference_answer,
        "explanation": data.explanation,
        "image": image_name,
    }


def _new_version(
    *, actor, question: Question, number: int, data: QuestionInput, image
) -> QuestionVersion:
    version = QuestionVersion(
        question=question,
        number=number,
        type=data.type,
        stem=data.stem,
        explanation=data.explanation,
        blanks=data.blanks,
        numeric_tolerance=data.numeric_tolerance,
        reference_answer=data.reference_answer,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    if isinstance(image, str):
        version.image.name = image
    elif image is not None:
        version.image = image
    version.save()
    QuestionOption.objects.bulk_create(
        QuestionOption(version=version, position=position, text=o.text, correct=o.correct)
        for position, o in enumerate(data.options)
    )
    return version


@transaction.atomic
def question_create(
    *,
    actor,
    category: QuestionCategory,
    data: QuestionInput,
    image: UploadedFile | None = None,
    is_active: bool = True,
) -> Question:
    """Add a question (version 1). Refuses invalid content (see ``question_input_errors``), an
    image that is not a picture, and a duplicate: a question of the same category, not
    retired, with the same type, stem and options."""
    data = _validated(data)
    if image is not None:
        check_image(image)
    print_ = fingerprint(data)
    _ensure_not_duplicate(category=category, print_=print_)
    question = Question.objects.create(
        category=category,
        type=data.type,
        difficulty=data.difficulty,
        tags=tags_to_field(data.tags),
        is_active=is_active,
        fingerprint=print_,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    version = _new_version(actor=actor, question=question, number=1, data=data, image=image)
    question.current_version = version
    question.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="question.created",
        target=question,
        after={
            "category": category.path,
            "difficulty": data.difficulty,
            "tags": data.tags,
            "active": is_active,
            **_input_snapshot(data, version.image.name or ""),
        },
    )
    return question


@dataclass
class QuestionUpdate:
    question: Question
    new_version: bool  # True when the edit made a new version (the old one was used)


@transaction.atomic
def question_update(
    *,
    actor,
    question: Question,
    category: QuestionCategory,
    data: QuestionInput,
    image: UploadedFile | None = None,
    remove_image: bool = False,
    is_active: bool = True,
) -> QuestionUpdate:
    """Edit a question. Category, difficulty, tags and the active flag change in place. A
    change of content (type, stem, options, key, blanks, explanation, image) changes the
    current version in place while no attempt has shown it, and otherwise makes a new version
    that becomes current; attempts keep the version they showed. Refuses a retired question,
    invalid content and a duplicate."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    if question.is_retired:
        raise ValidationError(_("Question #%d is retired and cannot be edited.") % question.pk)
    data = _validated(data)
    if image is not None:
        check_image(image)
    current = QuestionVersion.objects.prefetch_related("options").get(
        pk=question.current_version_id
    )
    print_ = fingerprint(data)
    _ensure_not_duplicate(category=category, print_=print_, exclude_pk=question.pk)

    image_name = "" if remove_image else (current.image.name or "")
    before_content = version_snapshot(current)
    content_changed = image is not None or before_content != _input_snapshot(data, image_name)
    made_version = False
    if content_changed and current.is_used:
        current = _new_version(
            actor=actor,
            question=question,
            number=current.number + 1,
            data=data,
            image=image if image is not None else (image_name or None),
        )
        made_version = True
    elif content_changed:
        current.type, current.stem, current.explanation = data.type, data.stem, data.explanation
        current.blanks, current.numeric_tolerance = data.blanks, data.numeric_tolerance
        current.reference_answer = data.reference_answer
        if image is not None:
            current.image = image
        elif remove_image:
            current.image = ""
        current.save()
        current.options.all().delete()
        QuestionOption.objects.bulk_create(
            QuestionOption(version=current, position=position, text=o.text, correct=o.correct)
            for position, o in enumerate(data.options)
        )

    before = {
        "category": question.category.path,
        "difficulty": question.difficulty,
        "tags": question.tag_list,
        "active": question.is_active,
        **before_content,
    }
    question.category, question.type, question.difficulty = category, data.type, data.difficulty
    question.tags, question.is_active, question.fingerprint = (
        tags_to_field(data.tags),
        is_active,
        print_,
    )
    question.current_version = current
    question.save(
        update_fields=[
            "category",
            "type",
            "difficulty",
            "tags",
            "is_active",
            "fingerprint",
            "current_version",
            "updated_at",
        ]
    )
    after = {
        "category": category.path,
        "difficulty": data.difficulty,
        "tags": question.tag_list,
        "active": is_active,
        **version_snapshot(current),
    }
    changed_before, changed_after = diff(before, after)
    if changed_after:
        audit_record(
            actor=actor,
            action="question.versioned" if made_version else "question.updated",
            target=question,
            before=changed_before,
            after=changed_after,
            note=_("Version %d") % current.number if made_version else "",
        )
    return QuestionUpdate(question=question, new_version=made_version)


@transaction.atomic
def question_delete(*, actor, question: Question) -> bool:
    """Remove a question from the bank. One never shown in an attempt and on no paper is
    deleted; otherwise it is retired (kept for the attempts and papers that point at it,
    never drawn or offered again). Returns True when deleted, False when retired."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    used = QuestionVersion.objects.filter(question=question, used_at__isnull=False).exists()
    on_paper = question.paper_items.exists()
    snapshot = {"category": question.category.path, "active": question.is_active}
    if used or on_paper:
        if question.is_retired:
            return False
        question.retired_at = timezone.now()
        question.is_active = False
        question.save(update_fields=["retired_at", "is_active", "updated_at"])
        audit_record(
            actor=actor,
            action="question.retired",
            target=question,
            before=snapshot,
            after={"category": question.category.path, "active": False, "retired": True},
        )
        return False
    audit_record(actor=actor, action="question.deleted", target=question, before=snapshot)
    Question.objects.filter(pk=question.pk).update(current_version=None)
    QuestionVersion.objects.filter(question=question).delete()
    question.delete()
    return True


def question_versions_mark_used(*, version_ids: Iterable[int]) -> int:
    """Record that these versions were shown in an attempt: from now on editing their
    question makes a new version. One query; already-used versions keep their first time."""
    return QuestionVersion.objects.filter(pk__in=list(version_ids), used_at__isnull=True).update(
        used_at=timezone.now()
    )


def questions_bulk_create(
    *, actor, items: list[tuple[QuestionCategory, QuestionInput]], audit_action: str
) -> list[Question]:
    """Create many valid, de-duplicated questions in a few inserts (imports). The caller has
    validated every input with ``question_input_errors``, checked duplicates and opened the
    transaction; ``audit_action`` names the import in the log (one entry per question)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("questions_bulk_create must run inside the import's transaction.")
    user = actor if actor is not None and actor.is_authenticated else None
    cleaned = [(category, clean_input(data)) for category, data in items]
    questions = Question.objects.bulk_create(
        [
            Question(
                category=category,
                type=data.type,
                difficulty=data.difficulty,
                tags=tags_to_field(data.tags),
                fingerprint=fingerprint(data),
                created_by=user,
            )
            for category, data in cleaned
        ],
        batch_size=500,
    )
    versions = QuestionVersion.objects.bulk_create(
        [
            QuestionVersion(
                question=question,
                number=1,
                type=data.type,
                stem=data.stem,
                explanation=data.explanation,
                blanks=data.blanks,
                numeric_tolerance=data.numeric_tolerance,
                reference_answer=data.reference_answer,
                created_by=user,
            )
            for question, (_category, data) in zip(questions, cleaned, strict=True)
        ],
        batch_size=500,
    )
    QuestionOption.objects.bulk_create(
        [
            QuestionOption(version=version, position=position, text=o.text, correct=o.correct)
            for version, (_category, data) in zip(versions, cleaned, strict=True)
            for position, o in enumerate(data.options)
        ],
        batch_size=1000,
    )
    for question, version in zip(questions, versions, strict=True):
        question.current_version = version
    Question.objects.bulk_update(questions, ["current_version"], batch_size=500)
    audit_record_many(
        actor=actor,
        changes=(
            AuditChange(
                action=audit_action,
                target=question,
                after={"category": category.path, **_input_snapshot(data, "")},
            )
            for question, (category, data) in zip(questions, cleaned, strict=True)
        ),
    )
    return questions


def question_input_from_version(question: Question, version: QuestionVersion) -> QuestionInput:
    """The input that would write this version again (editor start values, exports)."""
    return QuestionInput(
        type=version.type,
        stem=version.stem,
        options=[OptionInput(o.text, o.correct) for o in version.options.all()],
        blanks=[list(blank) for blank in version.blanks],
        numeric_tolerance=version.numeric_tolerance,
        reference_answer=version.reference_answer,
        explanation=version.explanation,
        difficulty=question.difficulty,
        tags=question.tag_list,
        category_path=question.category.path,
    )
