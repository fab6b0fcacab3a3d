"""Writes for self-study: a trainee opened a material, watched a video to the end, marked a
module done.

Each runs safely when the same trainee's requests arrive at once (two tabs, a double click):
the unique constraints on (enrolment, material) and (enrolment, module) keep one row, and the
counter is increased in the database (``F()``), so no opening is lost.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from courses.filetypes import MP4_CONTENT_TYPE
from courses.models import Enrollment, Material, MaterialProgress, Module, ModuleCompletion


def _check_same_course(enrollment: Enrollment, course_id: int) -> None:
    if enrollment.training.course_id != course_id:
        raise ValidationError(_("This is not part of the training's course."))


@transaction.atomic
def progress_record_open(*, enrollment: Enrollment, material: Material) -> MaterialProgress:
    """Count one opening (or download) of ``material`` by the trainee: the first time sets
    ``first_opened_at``, every time sets ``last_opened_at`` and adds one to
    ``times_opened``. Refuses a material of another course."""
    _check_same_course(enrollment, material.module.course_id)
    now = timezone.now()
    progress, created = MaterialProgress.objects.get_or_create(
        enrollment=enrollment,
        material=material,
        defaults={"first_opened_at": now, "last_opened_at": now, "times_opened": 1},
    )
    if not created:
        MaterialProgress.objects.filter(pk=progress.pk).update(
            times_opened=F("times_opened") + 1, last_opened_at=now
        )
        progress.refresh_from_db()
    return progress


@transaction.atomic
def progress_record_video_end(*, enrollment: Enrollment, material: Material) -> MaterialProgress:
    """Note that the trainee watched a video to the end, as the page reports it (so
    approximate: the page can be fooled). The first time counts; later reports change
    nothing. A video never opened before counts as opened once. Refuses a material that is
    not an MP4 video, and one of another course."""
    _check_same_course(enrollment, material.module.course_id)
    version = material.current_version
    if version is None or version.content_type != MP4_CONTENT_TYPE:
        raise ValidationError(_("Only a video can be watched to the end."))
    now = timezone.now()
    progress, _created = MaterialProgress.objects.get_or_create(
        enrollment=enrollment,
        material=material,
        defaults={
            "first_opened_at": now,
            "last_opened_at": now,
            "times_opened": 1,
            "completed_at": now,
        },
    )
    if progress.completed_at is None:
        MaterialProgress.objects.filter(pk=progress.pk, completed_at__isnull=True).update(
            completed_at=now
        )
        progress.refresh_from_db()
    return progress


@transaction.atomic
def module_mark_done(*, enrollment: Enrollment, module: Module) -> ModuleCompletion:
    """Mark a module of the training's course done; marking it again changes nothing."""
    _check_same_course(enrollment, module.course_id)
    completion, _created = ModuleCompletion.objects.get_or_create(
        enrollment=enrollment, module=module
    )
    return completion


@transaction.atomic
def module_mark_undone(*, enrollment: Enrollment, module: Module) -> None:
    """Take back a module's done mark; nothing happens when it was not marked."""
    _check_same_course(enrollment, module.course_id)
    ModuleCompletion.objects.filter(enrollment=enrollment, module=module).delete()
