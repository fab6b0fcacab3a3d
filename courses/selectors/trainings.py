"""Reads of courses and trainings: access checks, timetables, enrolment and the training rate."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet

from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import Course, Enrollment, Session, Training
from people.models import PATH_SEPARATOR, Employee


def _employee_id(user) -> int | None:
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return employee.pk if employee is not None else None


def teaching_filter(employee_id: int | None) -> Q:
    """Trainings someone teaches: named instructor of the training, of its course, or of one
    of its sessions."""
    if employee_id is None:
        return Q(pk__in=[])
    return (
        Q(instructors=employee_id)
        | Q(course__instructors=employee_id)
        | Q(sessions__instructor=employee_id)
    )


def training_list_for_user(user) -> QuerySet[Training]:
    """The trainings the user may see: all for the safety officer and HR, those they teach
    for an instructor, those they are enrolled in for a trainee."""
    trainings = Training.objects.select_related("course").annotate(
        trainee_count=Count("enrollments", distinct=True),
        session_count=Count("sessions", distinct=True),
    )
    if has_role(user, Role.SAFETY_OFFICER, Role.HR):
        return trainings.order_by("-starts_on", "id")
    employee_id = _employee_id(user)
    visible = Q(pk__in=[])
    if has_role(user, Role.INSTRUCTOR):
        visible |= Q(pk__in=Training.objects.filter(teaching_filter(employee_id)).values("pk"))
    if has_role(user, Role.TRAINEE) and employee_id is not None:
        visible |= Q(pk__in=Enrollment.objects.filter(employee_id=employee_id).values("training"))
    return trainings.filter(visible).order_by("-starts_on", "id")


def training_get_for_user(*, user, training_id: int) -> Training:
    """The training if the user may see it; otherwise NotFound, whether it exists or not."""
    training = training_list_for_user(user).filter(pk=training_id).first()
    if training is None:
        raise NotFound("Training not found.")
    return training


def user_manages_training(user, training: Training) -> bool:
    """The safety officer (or admin) manages every training."""
    return has_role(user, Role.SAFETY_OFFICER)


def user_teaches_training(user, training: Training) -> bool:
    employee_id = _employee_id(user)
    return (
        employee_id is not None
        and Training.objects.filter(teaching_filter(employee_id), pk=training.pk).exists()
    )


def course_list_for_user(user) -> QuerySet[Course]:
    """All courses for the safety officer; the courses an instructor owns for them."""
    courses = Course.objects.annotate(
        module_count=Count("modules", distinct=True)
    ).prefetch_related("instructors")
    if has_role(user, Role.SAFETY_OFFICER):
        return courses
    employee_id = _employee_id(user)
    if has_role(user, Role.INSTRUCTOR) and employee_id is not None:
        return courses.filter(instructors=employee_id)
    return courses.none()


def course_get_for_user(*, user, course_id: int) -> Course:
    course = course_list_for_user(user).filter(pk=course_id).first()
    if course is None:
        raise NotFound("Course not found.")
    return course


def session_list(*, training: Training) -> QuerySet[Session]:
    """The training's timetable, in order."""
    return training.sessions.select_related("instructor").order_by("starts_at", "id")


def enrollment_list(*, training: Training) -> QuerySet[Enrollment]:
    """The training's trainees with their department, by employee number."""
    return training.enrollments.select_related("employee__department", "employee__user").order_by(
        "employee__employee_no"
    )


def trainings_taught_by(employee: Employee) -> QuerySet[Training]:
    """The trainings someone teaches, newest first."""
    taught = Training.objects.filter(teaching_filter(employee.pk)).values("pk")
    return Training.objects.filter(pk__in=taught).order_by("-starts_on", "id")


def trainings_for_employee(employee: Employee) -> QuerySet[Training]:
    """A trainee's trainings, newest first, with their sessions loaded."""
    return (
        Training.objects.filter(enrollments__employee=employee)
        .select_related("course")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.select_related("instructor"))
        )
        .order_by("-starts_on", "id")
    )


# The training rate --------------------------------------------------------------------------


def is_trained(enrollment: Enrollment | None, training: Training) -> bool:
    """The completion rule: attendance at least the training's rate and, where the training
    has an exam, passed. Unknown attendance counts as not trained."""
    if enrollment is None or enrollment.attendance_rate is None:
        return False
    if enrollment.attendance_rate < training.completion_attendance_rate:
        return False
    return not training.requires_exam or enrollment.exam_passed is True


@dataclass
class RateRow:
    label: str
    required: int = 0
    trained: int = 0

    @property
    def rate(self) -> Decimal | None:
        if not self.required:
            return None
        return (Decimal(self.trained) * 100 / Decimal(self.required)).quantize(Decimal("0.1"))


@dataclass
class TrainingRate:
    """Trained / required, overall, per department and per position."""

    overall: RateRow
    by_department: list[RateRow] = field(default_factory=list)
    by_position: list[RateRow] = field(default_factory=list)
    audience_defined: bool = False


def required_employees(training: Training) -> QuerySet[Employee]:
    """The required audience: active employees matching any rule (department with its
    sub-departments, position). Without rules, the enrolled trainees are the audience."""
    rules = list(training.audience.select_related("department"))
    if not rules:
        return Employee.objects.filter(enrollments__training=training)
    query = Q(pk__in=[])
    for rule in rules:
        rule_query = Q()
        if rule.department is not None:
            rule_query &= Q(department=rule.department) | Q(
                department__path__startswith=rule.department.path + PATH_SEPARATOR
            )
        if rule.position:
            rule_query &= Q(position=rule.position)
        query |= rule_query
    return Employee.objects.filter(query, user__is_active=True)


def training_rate(training: Training) -> TrainingRate:
    """Compute the training rate in three queries, whatever the number of people."""
    audience_defined = training.audience.exists()
    required = list(
        required_employees(training).select_related("department").order_by("employee_no")
    )
    enrollments = {
        e.employee_id: e
        for e in training.enrollments.filter(employee_id__in=[r.pk for r in required])
    }
    overall = RateRow(label="")
    departments: dict[str, RateRow] = {}
    positions: dict[str, RateRow] = defaultdict(lambda: RateRow(label=""))
    for employee in required:
        trained = is_trained(enrollments.get(employee.pk), training)
        department = departments.setdefault(
            employee.department.path, RateRow(label=employee.department.path)
        )
        position = positions[employee.position]
        position.label = employee.position
        for row in (overall, department, position):
            row.required += 1
            row.trained += int(trained)
    return TrainingRate(
        overall=overall,
        by_department=sorted(departments.values(), key=lambda r: r.label),
        by_position=sorted(positions.values(), key=lambda r: r.label),
        audience_defined=audience_defined,
    )
