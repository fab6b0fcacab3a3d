"""Writes for courses, modules, trainings, enrolment, required audience and sessions."""

import datetime
from collections.abc import Iterable
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_record
from core.errors import Conflict
from core.roles import Role
from courses.models import (
    Course,
    Enrollment,
    EnrollmentSource,
    Module,
    Session,
    Training,
    TrainingAudience,
)
from people.models import PATH_SEPARATOR, Department, Employee

# Courses and modules -----------------------------------------------------------------------


def _clean_title(title: str, field: str = "title") -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({field: [_("A title is required.")]})
    if len(title) > 200:
        raise ValidationError({field: [_("A title has at most 200 characters.")]})
    return title


def _clean_hours(hours) -> Decimal:
    try:
        hours = Decimal(str(hours if hours not in (None, "") else 0))
    except ArithmeticError as error:
        raise ValidationError({"hours": [_("Hours must be a number.")]}) from error
    if hours < 0 or hours > 10000:
        raise ValidationError({"hours": [_("Hours must be between 0 and 10,000.")]})
    return hours.quantize(Decimal("0.1"))


def _instructors_clean(instructors: Iterable[Employee]) -> list[Employee]:
    instructors = list(instructors)
    not_instructors = [
        e.name
        for e in instructors
        if not e.user.groups.filter(name=Role.INSTRUCTOR).exists() and not e.user.is_superuser
    ]
    if not_instructors:
        raise ValidationError(
            {"instructors": [_("Not an instructor: %s.") % ", ".join(not_instructors)]}
        )
    return instructors


@transaction.atomic
def course_create(
    *,
    actor,
    title: str,
    description: str = "",
    hours=0,
    instructors: Iterable[Employee] = (),
) -> Course:
    """Create a course; ``instructors`` must hold the instructor role."""
    course = Course.objects.create(
        title=_clean_title(title), description=description or "", hours=_clean_hours(hours)
    )
    course.instructors.set(_instructors_clean(instructors))
    audit_record(
        actor=actor,
        action="course.created",
        target=course,
        after={"title": course.title, "hours": str(course.hours)},
    )
    return course


@transaction.atomic
def course_update(
    *,
    actor,
    course: Course,
    title: str | None = None,
    description: str | None = None,
    hours=None,
    instructors: Iterable[Employee] | None = None,
    is_active: bool | None = None,
) -> Course:
    """Change a course; arguments left as None stay as they are."""
    fields = []
    if title is not None:
        course.title = _clean_title(title)
        fields.append("title")
    if description is not None:
        course.description = description
        fields.append("description")
    if hours is not None:
        course.hours = _clean_hours(hours)
        fields.append("hours")
    if is_active is not None:
        course.is_active = is_active
        fields.append("is_active")
    if fields:
        course.save(update_fields=fields)
    if instructors is not None:
        course.instructors.set(_instructors_clean(instructors))
    return course


@transaction.atomic
def module_create(*, actor, course: Course, title: str, description: str = "") -> Module:
    """Add a module at the end of the course."""
    last = course.modules.order_by("-position").values_list("position", flat=True).first()
    return Module.objects.create(
        course=course,
        title=_clean_title(title),
        description=description or "",
        position=(last or 0) + 1,
    )


@transaction.atomic
def module_update(*, actor, module: Module, title: str, description: str = "") -> Module:
    module.title = _clean_title(title)
    module.description = description or ""
    module.save(update_fields=["title", "description"])
    return module


@transaction.atomic
def module_move(*, actor, module: Module, offset: int) -> None:
    """Move a module up (-1) or down (+1) among its course's modules."""
    modules = list(module.course.modules.select_for_update().order_by("position", "id"))
    index = next(i for i, m in enumerate(modules) if m.pk == module.pk)
    target = max(0, min(len(modules) - 1, index + offset))
    modules.insert(target, modules.pop(index))
    for position, item in enumerate(modules, start=1):
        item.position = position
    Module.objects.bulk_update(modules, ["position"])


@transaction.atomic
def module_delete(*, actor, module: Module) -> None:
    """Delete a module and its materials (their files stay on disk for the audit trail)."""
    audit_record(
        actor=actor,
        action="module.deleted",
        target=module,
        before={"course": module.course_id, "title": module.title},
    )
    module.delete()


# Trainings ---------------------------------------------------------------------------------


def _clean_dates(starts_on: datetime.date, ends_on: datetime.date) -> None:
    if starts_on is None or ends_on is None:
        raise ValidationError({"starts_on": [_("A training needs a first and a last day.")]})
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The last day is before the first day.")]})


def _clean_rate(rate) -> Decimal:
    try:
        rate = Decimal(str(rate))
    except ArithmeticError as error:
        raise ValidationError(
            {"completion_attendance_rate": [_("The rate must be a number.")]}
        ) from error
    if not Decimal(0) <= rate <= Decimal(100):
        raise ValidationError(
            {"completion_attendance_rate": [_("The rate must be between 0 and 100.")]}
        )
    return rate


@transaction.atomic
def training_create(
    *,
    actor,
    course: Course,
    title: str,
    starts_on: datetime.date,
    ends_on: datetime.date,
    location: str = "",
    description: str = "",
    instructors: Iterable[Employee] = (),
    trainees: Iterable[Employee] = (),
    departments: Iterable[Department] = (),
    completion_attendance_rate=Decimal("80"),
) -> Training:
    """Schedule a run of ``course``; the given trainees and the current members of the given
    departments are enrolled. Refuses a last day before the first."""
    _clean_dates(starts_on, ends_on)
    training = Training.objects.create(
        course=course,
        title=_clean_title(title),
        starts_on=starts_on,
        ends_on=ends_on,
        location=(location or "").strip()[:200],
        description=description or "",
        completion_attendance_rate=_clean_rate(completion_attendance_rate),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    training.instructors.set(_instructors_clean(instructors))
    audit_record(
        actor=actor,
        action="training.created",
        target=training,
        after={"title": training.title, "starts_on": starts_on, "ends_on": ends_on},
    )
    training_enroll(actor=actor, training=training, employees=trainees, departments=departments)
    return training


@transaction.atomic
def training_update(
    *,
    actor,
    training: Training,
    title: str | None = None,
    starts_on: datetime.date | None = None,
    ends_on: datetime.date | None = None,
    location: str | None = None,
    description: str | None = None,
    instructors: Iterable[Employee] | None = None,
    completion_attendance_rate=None,
) -> Training:
    """Change a training's details; enrolment has its own functions."""
    training = Training.objects.select_for_update().get(pk=training.pk)
    before = {
        "title": training.title,
        "starts_on": training.starts_on,
        "ends_on": training.ends_on,
        "location": training.location,
        "completion_attendance_rate": training.completion_attendance_rate,
    }
    if title is not None:
        training.title = _clean_title(title)
    if starts_on is not None:
        training.starts_on = starts_on
    if ends_on is not None:
        training.ends_on = ends_on
    _clean_dates(training.starts_on, training.ends_on)
    if location is not None:
        training.location = location.strip()[:200]
    if description is not None:
        training.description = description
    if completion_attendance_rate is not None:
        training.completion_attendance_rate = _clean_rate(completion_attendance_rate)
    training.save(
        update_fields=[
            "title",
            "starts_on",
            "ends_on",
            "location",
            "description",
            "completion_attendance_rate",
        ]
    )
    if instructors is not None:
        training.instructors.set(_instructors_clean(instructors))
    after = {key: getattr(training, key) for key in before}
    changed = {key for key in after if after[key] != before[key]}
    if changed:
        audit_record(
            actor=actor,
            action="training.updated",
            target=training,
            before={key: before[key] for key in changed},
            after={key: after[key] for key in changed},
        )
    return training


def department_members(departments: Iterable[Department]) -> Q:
    """A filter for the active employees of the departments and their sub-departments."""
    query = Q(pk__in=[])
    for department in departments:
        query |= Q(department=department) | Q(
            department__path__startswith=department.path + PATH_SEPARATOR
        )
    return query & Q(user__is_active=True)


@transaction.atomic
def training_enroll(
    *,
    actor,
    training: Training,
    employees: Iterable[Employee] = (),
    departments: Iterable[Department] = (),
    positions: Iterable[str] = (),
) -> int:
    """Enrol people one by one, the current members of departments (with sub-departments)
    and everyone holding one of ``positions``. Someone already enrolled is left as they were,
    never enrolled twice (a unique constraint guarantees it). Returns how many were added."""
    departments = list(departments)
    positions = [p.strip() for p in positions if p and p.strip()]
    wanted: dict[int, str] = {}
    for employee in employees:
        wanted.setdefault(employee.pk, EnrollmentSource.INDIVIDUAL)
    if departments:
        training.departments.add(*departments)
        for pk in Employee.objects.filter(department_members(departments)).values_list(
            "pk", flat=True
        ):
            wanted.setdefault(pk, EnrollmentSource.DEPARTMENT)
    if positions:
        for pk in Employee.objects.filter(position__in=positions, user__is_active=True).values_list(
            "pk", flat=True
        ):
            wanted.setdefault(pk, EnrollmentSource.POSITION)
    already = set(
        training.enrollments.filter(employee_id__in=wanted).values_list("employee_id", flat=True)
    )
    new = [
        Enrollment(
            training=training,
            employee_id=pk,
            source=source,
            enrolled_by=actor if actor is not None and actor.is_authenticated else None,
        )
        for pk, source in wanted.items()
        if pk not in already
    ]
    # ignore_conflicts: a concurrent enrolment of the same person is skipped, not doubled.
    Enrollment.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if new:
        audit_record(
            actor=actor,
            action="training.enrolled",
            target=training,
            after={
                "added": len(new),
                "departments": [d.path for d in departments],
                "positions": positions,
            },
        )
    return len(new)


@transaction.atomic
def enrollment_remove(*, actor, training: Training, employee: Employee) -> None:
    """Take a trainee out of a training; their progress and answers go with the enrolment."""
    deleted, _detail = Enrollment.objects.filter(training=training, employee=employee).delete()
    if deleted:
        audit_record(
            actor=actor,
            action="training.unenrolled",
            target=training,
            before={"employee": employee.employee_no, "name": employee.name},
        )


@transaction.atomic
def training_set_audience(
    *, actor, training: Training, rules: Iterable[tuple[Department | None, str]]
) -> list[TrainingAudience]:
    """Replace the required audience with ``rules`` of (department or None, position or "").
    A rule with neither would require the whole company and is refused."""
    cleaned = []
    for department, position in rules:
        position = (position or "").strip()
        if department is None and not position:
            raise ValidationError(
                {"audience": [_("A rule needs a department, a position or both.")]}
            )
        if (department, position) not in cleaned:
            cleaned.append((department, position))
    training.audience.all().delete()
    audience = TrainingAudience.objects.bulk_create(
        TrainingAudience(training=training, department=department, position=position)
        for department, position in cleaned
    )
    audit_record(
        actor=actor,
        action="training.audience_set",
        target=training,
        after={"rules": [[d.path if d else None, p] for d, p in cleaned]},
    )
    return audience


# Facts reported by the apps to the right (attendance, exams) ------------------------------


@transaction.atomic
def enrollment_record_attendance(*, training: Training, rates: dict[int, Decimal | None]) -> None:
    """Store attendance rates (percent, by employee id) reported by the attendance app."""
    enrollments = list(training.enrollments.filter(employee_id__in=rates))
    for enrollment in enrollments:
        enrollment.attendance_rate = rates[enrollment.employee_id]
    Enrollment.objects.bulk_update(enrollments, ["attendance_rate"], batch_size=500)


@transaction.atomic
def enrollment_record_exam(*, training: Training, passed: dict[int, bool | None]) -> None:
    """Store whether each trainee (by employee id) passed the training's exam."""
    enrollments = list(training.enrollments.filter(employee_id__in=passed))
    for enrollment in enrollments:
        enrollment.exam_passed = passed[enrollment.employee_id]
    Enrollment.objects.bulk_update(enrollments, ["exam_passed"], batch_size=500)


@transaction.atomic
def training_set_requires_exam(*, training: Training, requires_exam: bool) -> None:
    """Called by the exams app when an exam is attached to or detached from the training."""
    Training.objects.filter(pk=training.pk).update(requires_exam=requires_exam)
    training.requires_exam = requires_exam


# Sessions ----------------------------------------------------------------------------------


def _session_clashes(
    *,
    training: Training,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    instructor: Employee | None,
    exclude_pk: int | None,
) -> list[str]:
    """Messages for every clash: the instructor or a trainee already in a session then."""
    overlapping = Session.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at)
    if exclude_pk is not None:
        overlapping = overlapping.exclude(pk=exclude_pk)
    problems = []
    if instructor is not None:
        busy = overlapping.filter(instructor=instructor).select_related("training").first()
        if busy is not None:
            problems.append(
                _("%(name)s already teaches “%(session)s” from %(start)s to %(end)s.")
                % {
                    "name": instructor.name,
                    "session": busy.topic or busy.training.title,
                    "start": timezone.localtime(busy.starts_at).strftime("%Y-%m-%d %H:%M"),
                    "end": timezone.localtime(busy.ends_at).strftime("%H:%M"),
                }
            )
    other_trainings = overlapping.exclude(training=training).values("training_id")
    trainees = training.enrollments.values("employee_id")
    double_booked = (
        Enrollment.objects.filter(training_id__in=other_trainings, employee_id__in=trainees)
        .select_related("employee", "training")
        .order_by("employee__employee_no")
    )
    clashes = list(double_booked[:6])
    if clashes:
        names = ", ".join(f"{e.employee.name} ({e.training.title})" for e in clashes[:5])
        more = len(clashes) > 5
        problems.append(
            _("Trainees are in another session at that time: %(names)s%(more)s.")
            % {"names": names, "more": " …" if more else ""}
        )
    return problems


def _session_clean(training, starts_at, ends_at, instructor, topic, location, exclude_pk):
    if starts_at is None or ends_at is None:
        raise ValidationError({"starts_at": [_("A session needs a start and an end.")]})
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": [_("The session ends before it starts.")]})
    if ends_at - starts_at > datetime.timedelta(hours=24):
        raise ValidationError({"ends_at": [_("A session lasts at most 24 hours.")]})
    if instructor is not None:
        # Serialises scheduling for this instructor, so two concurrent requests cannot both
        # pass the clash check.
        Employee.objects.select_for_update().filter(pk=instructor.pk).first()
    problems = _session_clashes(
        training=training,
        starts_at=starts_at,
        ends_at=ends_at,
        instructor=instructor,
        exclude_pk=exclude_pk,
    )
    if problems:
        raise ValidationError({"starts_at": problems})
    return (topic or "").strip()[:200], (location or "").strip()[:200]


@transaction.atomic
def session_create(
    *,
    actor,
    training: Training,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    instructor: Employee | None = None,
    topic: str = "",
    location: str = "",
) -> Session:
    """Schedule a class meeting. Refuses an end before the start and any clash: the same
    instructor, or a trainee of this training, in another session at an overlapping time."""
    topic, location = _session_clean(
        training, starts_at, ends_at, instructor, topic, location, exclude_pk=None
    )
    try:
        with transaction.atomic():
            session = Session.objects.create(
                training=training,
                starts_at=starts_at,
                ends_at=ends_at,
                instructor=instructor,
                topic=topic,
                location=location or training.location,
            )
    except IntegrityError as error:  # the check constraint, should the clean above be bypassed
        raise Conflict(_("The session could not be saved: %s") % error) from error
    audit_record(
        actor=actor,
        action="session.created",
        target=session,
        after={"starts_at": starts_at, "ends_at": ends_at, "topic": topic},
    )
    return session


@transaction.atomic
def session_update(
    *,
    actor,
    session: Session,
    starts_at: datetime.datetime,
    ends_at: datetime.datetime,
    instructor: Employee | None,
    topic: str = "",
    location: str = "",
) -> Session:
    """Reschedule a session; the same checks as ``session_create``."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    topic, location = _session_clean(
        session.training, starts_at, ends_at, instructor, topic, location, exclude_pk=session.pk
    )
    before = {
        "starts_at": session.starts_at,
        "ends_at": session.ends_at,
        "instructor": session.instructor_id,
        "topic": session.topic,
        "location": session.location,
    }
    session.starts_at, session.ends_at, session.instructor = starts_at, ends_at, instructor
    session.topic, session.location = topic, location
    session.save(update_fields=["starts_at", "ends_at", "instructor", "topic", "location"])
    audit_record(
        actor=actor,
        action="session.updated",
        target=session,
        before=before,
        after={
            "starts_at": starts_at,
            "ends_at": ends_at,
            "instructor": instructor.pk if instructor else None,
            "topic": topic,
            "location": location,
        },
    )
    return session


@transaction.atomic
def session_delete(*, actor, session: Session) -> None:
    audit_record(
        actor=actor,
        action="session.deleted",
        target=session,
        before={"starts_at": session.starts_at, "ends_at": session.ends_at, "topic": session.topic},
    )
    session.delete()


@transaction.atomic
def training_delete(*, actor, training: Training) -> None:
    """Delete a training that has not begun; one that has begun keeps its records."""
    if training.starts_on <= timezone.localdate():
        raise Conflict(_("The training has begun; its records are kept."))
    audit_record(
        actor=actor,
        action="training.deleted",
        target=training,
        before={"title": training.title, "starts_on": training.starts_on},
    )
    training.delete()
