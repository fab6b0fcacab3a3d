"""Writes for course materials: uploaded files with numbered versions, or links.

Who may call these (the safety officer and the course's instructors) is checked by the callers
through ``courses.selectors.materials``; these functions check the input.
"""

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core.audit import audit_record
from courses import filetypes
from courses.models import Course, Material, MaterialKind, MaterialVersion, Module
from courses.services.trainings import module_create
from people.models import Employee

_validate_url = URLValidator(schemes=["http", "https"])


def _clean_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("A title is required.")]})
    if len(title) > 200:
        raise ValidationError({"title": [_("A title has at most 200 characters.")]})
    return title


def _clean_kind(kind: str) -> str:
    if kind not in MaterialKind.values:
        raise ValidationError({"kind": [_("Choose one of the kinds offered.")]})
    return kind


def _clean_url(url: str) -> str:
    url = (url or "").strip()
    if len(url) > 500:
        raise ValidationError({"url": [_("A link has at most 500 characters.")]})
    try:
        _validate_url(url)
    except ValidationError as error:
        raise ValidationError(
            {"url": [_("Enter a full web address starting with http:// or https://.")]}
        ) from error
    return url


def _check_file(upload: File) -> filetypes.FileType:
    try:
        return filetypes.check_material_file(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from error


def _actor_employee(actor) -> Employee | None:
    if actor is None or not actor.is_authenticated:
        return None
    return Employee.objects.filter(user=actor).first()


def _version_snapshot(version: MaterialVersion) -> dict:
    return {
        "version": version.number,
        "file_name": version.original_name,
        "content_type": version.content_type,
        "size": version.size,
        "sha256": version.sha256,
    }


def _store_version(*, actor, material: Material, upload: File, number: int) -> MaterialVersion:
    file_type = _check_file(upload)
    version = MaterialVersion(
        material=material,
        number=number,
        original_name=filetypes.clean_original_name(upload.name),
        content_type=file_type.content_type,
        size=upload.size,
        sha256=filetypes.file_sha256(upload),
        uploaded_by=actor if actor is not None and actor.is_authenticated else None,
    )
    # The storage picks a random name (see material_upload_path); the file is written now,
    # so a failure below removes it again rather than leave it without a row.
    version.file.save(version.original_name, upload, save=False)
    try:
        version.save()
    except Exception:
        version.file.delete(save=False)
        raise
    return version


@transaction.atomic
def material_create(
    *,
    actor,
    course: Course,
    title: str = "",
    kind: str = MaterialKind.OTHER,
    module: Module | None = None,
    upload: File | None = None,
    url: str = "",
    owner: Employee | None = None,
) -> Material:
    """Add a material to ``module`` (by default the course's last module; a course without
    modules gets one). Either ``upload`` becomes version 1, or ``url`` makes it a link; not
    both. Refuses a file of a type not accepted, an empty or too large one, a link that is
    not http(s), and a module of another course. ``owner`` defaults to the actor's employee
    record. Without a title the file's name is used."""
    if module is not None and module.course_id != course.pk:
        raise ValidationError({"module": [_("The module belongs to another course.")]})
    url = (url or "").strip()
    if upload is not None and url:
        raise ValidationError({"url": [_("Give a file or a link, not both.")]})
    if upload is None and not url:
        raise ValidationError({"file": [_("Choose a file to upload, or give a link.")]})
    if not (title or "").strip() and upload is not None:
        title = filetypes.clean_original_name(upload.name).rsplit(".", 1)[0]
    title, kind = _clean_title(title), _clean_kind(kind)
    if url:
        url = _clean_url(url)
    else:
        _check_file(upload)  # before anything is written
    if module is None:
        module = course.modules.order_by("-position", "-id").first() or module_create(
            actor=actor, course=course, title=_("Materials")
        )
    last = module.materials.aggregate(last=Max("position"))["last"] or 0
    material = Material.objects.create(
        module=module,
        title=title,
        kind=kind,
        url=url,
        owner=owner if owner is not None else _actor_employee(actor),
        position=last + 1,
    )
    after = {"course": course.pk, "module": module.pk, "title": title, "kind": kind}
    if upload is not None:
        version = _store_version(actor=actor, material=material, upload=upload, number=1)
        material.current_version = version
        material.save(update_fields=["current_version"])
        after.update(_version_snapshot(version))
    else:
        after["url"] = url
    audit_record(actor=actor, action="material.created", target=material, after=after)
    return material


@transaction.atomic
def material_upload_version(*, actor, material: Material, upload: File) -> MaterialVersion:
    """Upload a new version: numbered one past the last (under a lock on the material, so
    two uploads at once get different numbers) and made current. Older versions stay, for
    the people teaching. Refuses a link and the same checks as ``material_create``."""
    material = Material.objects.select_for_update().get(pk=material.pk)
    if material.is_link:
        raise ValidationError({"file": [_("This material is a link; it has no versions.")]})
    _check_file(upload)
    last = material.versions.aggregate(last=Max("number"))["last"] or 0
    before = material.current_version
    version = _store_version(actor=actor, material=material, upload=upload, number=last + 1)
    material.current_version = version
    material.save(update_fields=["current_version"])
    audit_record(
        actor=actor,
        action="material.version_uploaded",
        target=material,
        before=_version_snapshot(before) if before is not None else None,
        after=_version_snapshot(version),
    )
    return version


@transaction.atomic
def material_update(
    *, actor, material: Material, title: str | None = None, kind: str | None = None
) -> Material:
    """Rename a material or change its kind; arguments left as None stay as they are."""
    before = {"title": material.title, "kind": material.kind}
    if title is not None:
        material.title = _clean_title(title)
    if kind is not None:
        material.kind = _clean_kind(kind)
    after = {"title": material.title, "kind": material.kind}
    changed = [key for key in after if after[key] != before[key]]
    if changed:
        material.save(update_fields=changed)
        audit_record(
            actor=actor,
            action="material.updated",
            target=material,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return material


@transaction.atomic
def material_delete(*, actor, material: Material) -> None:
    """Delete a material with its versions and the trainees' progress on it. As with
    ``module_delete``, the stored files stay on disk for the audit trail."""
    versions = list(material.versions.order_by("number"))
    audit_record(
        actor=actor,
        action="material.deleted",
        target=material,
        before={
            "module": material.module_id,
            "title": material.title,
            "kind": material.kind,
            "url": material.url,
            "versions": [
                {**_version_snapshot(version), "file": version.file.name} for version in versions
            ],
        },
    )
    material.delete()
