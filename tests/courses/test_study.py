"""Self-study: openings counted once per request, videos watched to the end, modules marked
done, the trainee's study view and the progress table in a fixed number of queries."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from courses import exports
from courses.models import Enrollment, MaterialProgress, ModuleCompletion
from courses.selectors import study as selectors
from courses.services import materials as material_services
from courses.services import study as services
from people.models import Employee
from tests.courses.factories import CourseFactory, EnrollmentFactory, ModuleFactory, TrainingFactory
from tests.courses.test_filetypes import MP4, PDF, upload
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def course(instructor):
    course = CourseFactory()
    course.instructors.add(instructor)
    return course


@pytest.fixture
def modules(course):
    return [
        ModuleFactory(course=course, title="Laws", position=1),
        ModuleFactory(course=course, title="Accident cases", position=2),
    ]


@pytest.fixture
def materials(instructor, modules):
    def add(module, name, data, kind="manual"):
        return material_services.material_create(
            actor=instructor.user,
            course=module.course,
            module=module,
            upload=upload(name, data),
            kind=kind,
        )

    return [
        add(modules[0], "law.pdf", PDF),
        add(modules[1], "case.mp4", MP4, kind="video"),
        add(modules[1], "case-notes.pdf", PDF),
    ]


@pytest.fixture
def enrollment(course, trainee):
    return EnrollmentFactory(training=TrainingFactory(course=course), employee=trainee)


# Openings and videos -------------------------------------------------------------------------


def test_opening_counts_first_last_and_times(enrollment, materials, monkeypatch):
    start = timezone.now()
    first = services.progress_record_open(enrollment=enrollment, material=materials[0])
    assert first.times_opened == 1
    assert first.first_opened_at == first.last_opened_at
    later = start + datetime.timedelta(hours=3)
    monkeypatch.setattr(timezone, "now", lambda: later)
    again = services.progress_record_open(enrollment=enrollment, material=materials[0])
    assert again.pk == first.pk
    assert again.times_opened == 2
    assert again.first_opened_at == first.first_opened_at
    assert again.last_opened_at == later
    assert MaterialProgress.objects.count() == 1


def test_a_counter_update_is_done_in_the_database(enrollment, materials):
    """Two requests that read the row at once both count: the increment is an F()
    expression, not a value computed in Python."""
    progress = services.progress_record_open(enrollment=enrollment, material=materials[0])
    MaterialProgress.objects.filter(pk=progress.pk).update(times_opened=10)  # another request
    assert (
        services.progress_record_open(enrollment=enrollment, material=materials[0]).times_opened
        == 11
    )


def test_video_end_is_recorded_once(enrollment, materials, monkeypatch):
    video = materials[1]
    ended = services.progress_record_video_end(enrollment=enrollment, material=video)
    assert ended.completed_at is not None
    assert ended.times_opened == 1  # a video never opened before counts as opened once
    monkeypatch.setattr(timezone, "now", lambda: ended.completed_at + datetime.timedelta(days=1))
    again = services.progress_record_video_end(enrollment=enrollment, material=video)
    assert again.completed_at == ended.completed_at


def test_video_end_after_opening(enrollment, materials):
    services.progress_record_open(enrollment=enrollment, material=materials[1])
    progress = services.progress_record_video_end(enrollment=enrollment, material=materials[1])
    assert progress.times_opened == 1
    assert progress.completed_at is not None


def test_only_a_video_ends(enrollment, materials):
    with pytest.raises(ValidationError):
        services.progress_record_video_end(enrollment=enrollment, material=materials[0])


def test_material_of_another_course_is_refused(enrollment, instructor):
    other = ModuleFactory()
    material = material_services.material_create(
        actor=instructor.user, course=other.course, module=other, upload=upload("a.pdf", PDF)
    )
    with pytest.raises(ValidationError):
        services.progress_record_open(enrollment=enrollment, material=material)
    with pytest.raises(ValidationError):
        services.module_mark_done(enrollment=enrollment, module=other)


# Modules done --------------------------------------------------------------------------------


def test_module_done_toggle(enrollment, modules):
    services.module_mark_done(enrollment=enrollment, module=modules[0])
    services.module_mark_done(enrollment=enrollment, module=modules[0])
    assert ModuleCompletion.objects.filter(enrollment=enrollment).count() == 1
    services.module_mark_undone(enrollment=enrollment, module=modules[0])
    services.module_mark_undone(enrollment=enrollment, module=modules[0])
    assert not ModuleCompletion.objects.exists()


# The trainee's study view --------------------------------------------------------------------


def test_study_view(enrollment, modules, materials, instructor):
    material_services.material_upload_version(
        actor=instructor.user, material=materials[0], upload=upload("law-2026.pdf", PDF)
    )
    services.progress_record_open(enrollment=enrollment, material=materials[0])
    services.module_mark_done(enrollment=enrollment, module=modules[1])
    view = selectors.study_view(enrollment=enrollment)
    assert [m.module for m in view.modules] == modules
    assert [m.done for m in view.modules] == [False, True]
    first = view.modules[0].materials[0]
    assert first.version.number == 2  # the current version, never an older one
    assert first.progress.times_opened == 1
    assert [item.is_video for item in view.modules[1].materials] == [True, False]
    assert (view.material_count, view.opened_count, view.done_count) == (3, 1, 1)


def test_study_view_queries_do_not_grow(enrollment, modules, materials, instructor):
    with CaptureQueriesContext(connection) as small:
        selectors.study_view(enrollment=enrollment)
    for index in range(6):
        module = ModuleFactory(course=enrollment.training.course, position=10 + index)
        for _number in range(3):
            material_services.material_create(
                actor=instructor.user,
                course=module.course,
                module=module,
                upload=upload("a.pdf", PDF),
            )
    with CaptureQueriesContext(connection) as large:
        view = selectors.study_view(enrollment=enrollment)
        for item in view.modules:
            for entry in item.materials:
                str(entry.version.original_name)
    assert len(large) == len(small) == 4


# The progress table --------------------------------------------------------------------------


def enrol_many(training, count: int, materials) -> None:
    """``count`` trainees, each having opened the first material, in a few bulk inserts."""
    User = get_user_model()
    department = DepartmentFactory(name="Crew 1")
    prefix = f"t{training.pk}-{count}-"
    User.objects.bulk_create(
        [User(username=f"{prefix}{n}", password="!") for n in range(count)], batch_size=500
    )
    users = User.objects.filter(username__startswith=prefix)
    Employee.objects.bulk_create(
        [
            Employee(
                user=user, employee_no=user.username, name=f"学员{user.pk}", department=department
            )
            for user in users
        ],
        batch_size=500,
    )
    Enrollment.objects.bulk_create(
        [
            Enrollment(training=training, employee=employee)
            for employee in Employee.objects.filter(employee_no__startswith=prefix)
        ],
        batch_size=500,
    )
    now = timezone.now()
    MaterialProgress.objects.bulk_create(
        [
            MaterialProgress(
                enrollment=enrollment,
                material=materials[0],
                first_opened_at=now,
                last_opened_at=now,
                times_opened=2,
            )
            for enrollment in training.enrollments.filter(employee__employee_no__startswith=prefix)
        ],
        batch_size=500,
    )


def test_progress_table(enrollment, modules, materials):
    services.progress_record_open(enrollment=enrollment, material=materials[1])
    services.progress_record_video_end(enrollment=enrollment, material=materials[1])
    services.module_mark_done(enrollment=enrollment, module=modules[0])
    other = EnrollmentFactory(training=enrollment.training)
    table = selectors.training_progress_table(training=enrollment.training)
    assert table.materials == materials
    assert table.module_count == 2
    rows = {row.enrollment: row for row in table.rows}
    assert [cell is not None for cell in rows[enrollment].cells] == [False, True, False]
    assert rows[enrollment].modules_done == 1
    assert rows[enrollment].opened == 1
    assert rows[other].cells == [None, None, None]
    summary = table.summaries[1]
    assert (summary.opened, summary.completed, summary.trainees, summary.rate) == (1, 1, 2, 50.0)
    assert table.summaries[0].rate == 0.0


def test_progress_table_queries_are_the_same_for_10_and_1000_trainees(course, materials):
    small, large = TrainingFactory(course=course), TrainingFactory(course=course)
    enrol_many(small, 10, materials)
    enrol_many(large, 1000, materials)
    with CaptureQueriesContext(connection) as ten:
        small_table = selectors.training_progress_table(training=small)
    with CaptureQueriesContext(connection) as thousand:
        large_table = selectors.training_progress_table(training=large)
        for row in large_table.rows:
            str(row.employee.department.path)
    assert len(ten) == len(thousand) == 5
    assert len(small_table.rows) == 10
    assert len(large_table.rows) == 1000
    assert large_table.summaries[0].opened == 1000
    assert large_table.summaries[0].trainees == 1000


def test_progress_workbook(enrollment, materials):
    enrollment.employee.name = '=HYPERLINK("http://evil")'
    enrollment.employee.save(update_fields=["name"])
    services.progress_record_open(enrollment=enrollment, material=materials[0])
    table = selectors.training_progress_table(training=enrollment.training)
    sheet = load_workbook(io.BytesIO(exports.study_progress_xlsx(table))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Employee number", "Name")
    assert rows[1][1] == '=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=2).data_type == "s"  # text, never a formula
    assert rows[1][6] == 1  # times the first material was opened
    assert rows[-4][:4] == ("Module", "Material", "Opened by", "Trainees")
    assert rows[-3][:4] == ("Laws", "law", 1, 1)  # per material, below the trainees
