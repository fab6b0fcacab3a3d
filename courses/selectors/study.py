"""Reads of self-study: a trainee's study page for one training, and the progress table the
safety officer and the training's instructors read. Both cost a fixed number of queries,
whatever the number of modules, materials and trainees."""

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from core.errors import Forbidden, NotFound
from core.roles import Role, has_role
from courses.filetypes import MP4_CONTENT_TYPE
from courses.models import (
    Enrollment,
    Material,
    MaterialProgress,
    Module,
    ModuleCompletion,
    Training,
)
from courses.selectors.materials import course_content
from courses.selectors.trainings import training_get_for_user, user_teaches_training

# Access -------------------------------------------------------------------------------------


def enrollment_get_for_study(*, user, training_id: int) -> Enrollment:
    """The user's own enrolment in the training, with the training and its course; NotFound
    for anyone not enrolled, whatever their role."""
    enrollment = None
    if user.is_authenticated:
        enrollment = (
            Enrollment.objects.select_related("training__course", "employee")
            .filter(training_id=training_id, employee__user=user)
            .first()
        )
    if enrollment is None:
        raise NotFound(_("Training not found."))
    return enrollment


def training_get_for_progress(*, user, training_id: int) -> Training:
    """The training if the user may read its trainees' progress: the safety officer and the
    people teaching it. NotFound when they may not see the training at all, Forbidden when
    they see it but may not read the progress (HR, a trainee)."""
    training = training_get_for_user(user=user, training_id=training_id)
    if has_role(user, Role.SAFETY_OFFICER) or user_teaches_training(user, training):
        return training
    raise Forbidden(_("Only the safety officer and the training's instructors see the progress."))


# The trainee's study page -------------------------------------------------------------------


@dataclass
class StudyMaterial:
    material: Material
    progress: MaterialProgress | None

    @property
    def version(self):
        return self.material.current_version

    @property
    def is_video(self) -> bool:
        version = self.material.current_version
        return version is not None and version.content_type == MP4_CONTENT_TYPE


@dataclass
class StudyModule:
    module: Module
    done: bool
    materials: list[StudyMaterial] = field(default_factory=list)


@dataclass
class StudyView:
    enrollment: Enrollment
    modules: list[StudyModule]

    @property
    def material_count(self) -> int:
        return sum(len(m.materials) for m in self.modules)

    @property
    def opened_count(self) -> int:
        return sum(1 for m in self.modules for item in m.materials if item.progress is not None)

    @property
    def done_count(self) -> int:
        return sum(1 for m in self.modules if m.done)


def study_view(*, enrollment: Enrollment) -> StudyView:
    """The training's course as the trainee studies it: modules in order, their materials
    with the current version (never older ones), the trainee's progress on each and which
    modules they marked done. Four queries."""
    modules = course_content(course=enrollment.training.course)
    progress = {p.material_id: p for p in MaterialProgress.objects.filter(enrollment=enrollment)}
    done = set(
        ModuleCompletion.objects.filter(enrollment=enrollment).values_list("module_id", flat=True)
    )
    return StudyView(
        enrollment=enrollment,
        modules=[
            StudyModule(
                module=module,
                done=module.pk in done,
                materials=[
                    StudyMaterial(material=material, progress=progress.get(material.pk))
                    for material in module.materials.all()
                ],
            )
            for module in modules
        ],
    )


# The progress table -------------------------------------------------------------------------


@dataclass
class MaterialSummary:
    material: Material
    opened: int = 0
    completed: int = 0
    trainees: int = 0

    @property
    def rate(self) -> float | None:
        return round(self.opened * 100 / self.trainees, 1) if self.trainees else None


@dataclass
class ProgressRow:
    enrollment: Enrollment
    cells: list[MaterialProgress | None]
    modules_done: int

    @property
    def employee(self):
        return self.enrollment.employee

    @property
    def opened(self) -> int:
        return sum(1 for cell in self.cells if cell is not None)


@dataclass
class ProgressTable:
    """Trainees (rows) by materials (columns), with a summary per material."""

    training: Training
    materials: list[Material]
    module_count: int
    rows: list[ProgressRow]
    summaries: list[MaterialSummary]


def training_progress_table(*, training: Training) -> ProgressTable:
    """Every trainee's progress on every material of the training's course, and per
    material how many of the trainees opened it and watched it to the end. Five queries,
    whatever the number of trainees."""
    materials = list(
        Material.objects.filter(module__course_id=training.course_id)
        .select_related("module", "current_version")
        .order_by("module__position", "module_id", "position", "id")
    )
    enrollments = list(
        training.enrollments.select_related("employee__department").order_by(
            "employee__employee_no", "pk"
        )
    )
    progress: dict[tuple[int, int], MaterialProgress] = {
        (p.enrollment_id, p.material_id): p
        for p in MaterialProgress.objects.filter(enrollment__training=training).only(
            "enrollment_id",
            "material_id",
            "first_opened_at",
            "last_opened_at",
            "times_opened",
            "completed_at",
        )
    }
    done = dict(
        ModuleCompletion.objects.filter(enrollment__training=training)
        .values("enrollment_id")
        .annotate(count=Count("pk"))
        .values_list("enrollment_id", "count")
    )
    summaries = [MaterialSummary(material=m, trainees=len(enrollments)) for m in materials]
    rows = []
    for enrollment in enrollments:
        cells = [progress.get((enrollment.pk, m.pk)) for m in materials]
        for summary, cell in zip(summaries, cells, strict=True):
            if cell is not None:
                summary.opened += 1
                summary.completed += cell.completed_at is not None
        rows.append(
            ProgressRow(enrollment=enrollment, cells=cells, modules_done=done.get(enrollment.pk, 0))
        )
    return ProgressTable(
        training=training,
        materials=materials,
        module_count=Module.objects.filter(course_id=training.course_id).count(),
        rows=rows,
        summaries=summaries,
    )
