"""Reads of course content: who may see a course's modules and materials, and the content.

Three levels of access to a course's content, shared by the API and the pages:

- *manage*: the safety officer (or admin) and the course's instructors add, change and
  delete modules and materials and see every version;
- *teach*: also the instructors of one of the course's trainings or of one of their sessions;
  they see every version and change nothing;
- *study*: a trainee enrolled in a training of the course sees the current versions only.

Anyone else is told the course or material does not exist (NotFound, a 404), never 403.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.roles import Role, has_role
from courses.models import Course, Enrollment, Material, MaterialVersion, Module, Training
from courses.selectors.trainings import teaching_filter


def _employee_id(user) -> int | None:
    employee = getattr(user, "employee", None) if user.is_authenticated else None
    return employee.pk if employee is not None else None


@dataclass
class CourseAccess:
    """What one user may do with one course's content."""

    course: Course
    manages: bool = False
    teaches: bool = False
    enrollments: list[Enrollment] = field(default_factory=list)

    @property
    def may_read(self) -> bool:
        return self.teaches or bool(self.enrollments)

    @property
    def sees_all_versions(self) -> bool:
        return self.teaches

    def enrollment_for(self, training_id: int | None) -> Enrollment | None:
        """The user's enrolment in ``training_id``, or, without one, in the only training
        of the course they are enrolled in; None when there is none or it is ambiguous."""
        if training_id is None:
            return self.enrollments[0] if len(self.enrollments) == 1 else None
        return next((e for e in self.enrollments if e.training_id == training_id), None)


def course_access_for_user(*, user, course: Course) -> CourseAccess:
    """The user's access to ``course``, in at most three queries."""
    access = CourseAccess(course=course)
    if not user.is_authenticated:
        return access
    employee_id = _employee_id(user)
    if has_role(user, Role.SAFETY_OFFICER):
        access.manages = True
    elif employee_id is not None:
        access.manages = course.instructors.filter(pk=employee_id).exists()
    access.teaches = access.manages or (
        employee_id is not None
        and Training.objects.filter(teaching_filter(employee_id), course=course).exists()
    )
    if employee_id is not None:
        access.enrollments = list(
            Enrollment.objects.filter(employee_id=employee_id, training__course=course)
            .select_related("training")
            .order_by("-training__starts_on", "training_id")
        )
    return access


def course_content_get_for_user(*, user, course_id: int) -> CourseAccess:
    """The course and the user's access to its content; NotFound when they may not see it,
    whether it exists or not."""
    course = Course.objects.prefetch_related("instructors").filter(pk=course_id).first()
    if course is None:
        raise NotFound(_("Course not found."))
    access = course_access_for_user(user=user, course=course)
    if not access.may_read:
        raise NotFound(_("Course not found."))
    return access


def material_get_for_user(*, user, material_id: int) -> tuple[Material, CourseAccess]:
    """A material with its current version, and the user's access to its course; NotFound
    when they may not see it."""
    material = (
        Material.objects.select_related(
            "module__course", "current_version", "current_version__uploaded_by", "owner"
        )
        .filter(pk=material_id)
        .first()
    )
    if material is None:
        raise NotFound(_("Material not found."))
    access = course_access_for_user(user=user, course=material.module.course)
    if not access.may_read:
        raise NotFound(_("Material not found."))
    return material, access


def module_get_for_user(*, user, module_id: int) -> tuple[Module, CourseAccess]:
    module = Module.objects.select_related("course").filter(pk=module_id).first()
    if module is None:
        raise NotFound(_("Module not found."))
    access = course_access_for_user(user=user, course=module.course)
    if not access.may_read:
        raise NotFound(_("Module not found."))
    return module, access


def material_version_for(
    *, material: Material, access: CourseAccess, number: int | None = None
) -> MaterialVersion:
    """The version to send: the current one, or version ``number`` for those who teach.
    A trainee asking for an older version, or a version that does not exist: NotFound."""
    if material.is_link:
        raise NotFound(_("A link has no file."))
    if number is None or (
        material.current_version is not None and material.current_version.number == number
    ):
        if material.current_version is None:
            raise NotFound(_("The material has no file."))
        return material.current_version
    if not access.sees_all_versions:
        raise NotFound(_("Version not found."))
    version = material.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("Version not found."))
    return version


def _material_queryset(*, with_versions: bool) -> QuerySet[Material]:
    materials = Material.objects.select_related(
        "module", "current_version__uploaded_by__employee", "owner"
    )
    if with_versions:
        materials = materials.prefetch_related(
            Prefetch(
                "versions",
                queryset=MaterialVersion.objects.select_related("uploaded_by__employee").order_by(
                    "-number"
                ),
            )
        )
    return materials


def material_list(*, course: Course, with_versions: bool = False) -> QuerySet[Material]:
    """The course's materials in module and material order; with every version loaded for
    those who may see them."""
    return (
        _material_queryset(with_versions=with_versions)
        .filter(module__course=course)
        .order_by("module__position", "module_id", "position", "id")
    )


def module_list(*, course: Course) -> QuerySet[Module]:
    return course.modules.order_by("position", "id")


def course_content(*, course: Course, with_versions: bool = False) -> list[Module]:
    """The course's modules in order, each with ``materials`` (and, when asked, each
    material's ``versions``) loaded: three queries, or two without versions."""
    return list(
        module_list(course=course).prefetch_related(
            Prefetch(
                "materials",
                queryset=_material_queryset(with_versions=with_versions).order_by("position", "id"),
            )
        )
    )


def enrollment_for_opening(*, access: CourseAccess, training_id: int | None) -> Enrollment | None:
    """The enrolment an opening of the course's material counts for: the user's enrolment
    in ``training_id``, or in their only training of the course. None for those who only
    teach, and when it is ambiguous. NotFound for a training the user neither studies in
    nor teaches (a trainee's wrong or foreign link)."""
    enrollment = access.enrollment_for(training_id)
    if training_id is not None and enrollment is None and not access.teaches:
        raise NotFound(_("Training not found."))
    return enrollment
