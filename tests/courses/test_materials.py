"""Material services: uploads become numbered versions stored under a random name, links,
checks that write nothing when they refuse, the audit trail, and who may see what."""

import hashlib

import pytest
from django.core.exceptions import ValidationError

from core.errors import NotFound
from core.models import AuditEntry
from core.roles import Role
from courses.models import Material, MaterialKind, MaterialVersion, Module
from courses.selectors import materials as selectors
from courses.services import materials as services
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SessionFactory,
    TrainingFactory,
)
from tests.courses.test_filetypes import HTML, MP4, PDF, docx_bytes, upload
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored_files(root) -> list:
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def add_file(actor, module, name="handout.pdf", data=PDF, **kwargs) -> Material:
    return services.material_create(
        actor=actor, course=module.course, module=module, upload=upload(name, data), **kwargs
    )


@pytest.fixture
def course(instructor):
    course = CourseFactory(title="Safety production knowledge")
    course.instructors.add(instructor)
    return course


@pytest.fixture
def module(course):
    return ModuleFactory(course=course, title="Laws and regulations", position=1)


# Creating ------------------------------------------------------------------------------------


def test_upload_becomes_version_one_stored_under_a_random_name(instructor, module, media_root):
    material = add_file(
        instructor.user, module, name="安全生产法.pdf", title="Work Safety Law", kind="manual"
    )
    version = material.current_version
    assert version.number == 1
    assert version.original_name == "安全生产法.pdf"
    assert version.content_type == "application/pdf"
    assert version.size == len(PDF)
    assert version.sha256 == hashlib.sha256(PDF).hexdigest()
    assert version.uploaded_by == instructor.user
    assert material.owner == instructor
    assert material.kind == MaterialKind.MANUAL
    (path,) = stored_files(media_root)
    assert path.read_bytes() == PDF
    assert "安全" not in path.name and not path.name.endswith(".pdf")
    assert path.parent.name == str(material.pk)
    entry = AuditEntry.objects.get(action="material.created")
    assert entry.actor == instructor.user
    assert entry.after["sha256"] == version.sha256
    assert entry.after["file_name"] == "安全生产法.pdf"


def test_title_defaults_to_the_file_name(instructor, module):
    material = add_file(instructor.user, module, name="事故案例.docx", data=docx_bytes())
    assert material.title == "事故案例"


def test_owner_may_be_given(safety_officer, instructor, module):
    material = add_file(safety_officer.user, module, owner=instructor)
    assert material.owner == instructor


def test_materials_are_appended_in_order(instructor, module):
    first = add_file(instructor.user, module)
    second = add_file(instructor.user, module)
    assert (first.position, second.position) == (1, 2)


def test_a_link(instructor, module):
    material = services.material_create(
        actor=instructor.user,
        course=module.course,
        module=module,
        title="Ministry notice",
        url="https://www.mem.gov.cn/",
    )
    assert material.is_link
    assert material.current_version is None
    assert not material.versions.exists()


@pytest.mark.parametrize("url", ["javascript:alert(1)", "ftp://example.com/x", "not a url"])
def test_a_link_must_be_http(instructor, module, url):
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=instructor.user, course=module.course, module=module, title="x", url=url
        )
    assert "url" in caught.value.message_dict


def test_file_and_link_together_are_refused(instructor, module):
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=instructor.user,
            course=module.course,
            module=module,
            title="x",
            upload=upload("a.pdf", PDF),
            url="https://example.com/",
        )
    assert "not both" in str(caught.value)


def test_neither_file_nor_link_is_refused(instructor, module):
    with pytest.raises(ValidationError) as caught:
        services.material_create(actor=instructor.user, course=module.course, title="x")
    assert "file" in caught.value.message_dict


def test_a_refused_file_writes_nothing(instructor, course, media_root):
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=instructor.user, course=course, title="x", upload=upload("handout.pdf", HTML)
        )
    assert "HTML files are not accepted" in " ".join(caught.value.message_dict["file"])
    assert not Material.objects.exists()
    assert not Module.objects.exists()  # not even the module a course without one would get
    assert stored_files(media_root) == []
    assert not AuditEntry.objects.filter(action__startswith="material.").exists()


def test_a_course_without_modules_gets_one(instructor, course):
    material = services.material_create(
        actor=instructor.user, course=course, title="x", upload=upload("a.pdf", PDF)
    )
    assert material.module.course == course


def test_the_module_must_belong_to_the_course(instructor, course):
    other = ModuleFactory()
    with pytest.raises(ValidationError) as caught:
        services.material_create(
            actor=instructor.user,
            course=course,
            module=other,
            title="x",
            upload=upload("a.pdf", PDF),
        )
    assert "module" in caught.value.message_dict


def test_unknown_kind_is_refused(instructor, module):
    with pytest.raises(ValidationError) as caught:
        add_file(instructor.user, module, kind="poster")
    assert "kind" in caught.value.message_dict


# Versions ------------------------------------------------------------------------------------


def test_a_new_version_becomes_current_and_the_old_one_stays(instructor, module, media_root):
    material = add_file(instructor.user, module, name="plan-v1.pdf")
    version = services.material_upload_version(
        actor=instructor.user, material=material, upload=upload("plan-v2.pdf", PDF + b"% v2\n")
    )
    material.refresh_from_db()
    assert version.number == 2
    assert material.current_version == version
    assert list(material.versions.values_list("number", "original_name")) == [
        (2, "plan-v2.pdf"),
        (1, "plan-v1.pdf"),
    ]
    assert len(stored_files(media_root)) == 2
    entry = AuditEntry.objects.get(action="material.version_uploaded")
    assert entry.before["version"] == 1
    assert entry.after["version"] == 2


def test_version_numbers_are_never_reused(instructor, module):
    material = add_file(instructor.user, module)
    services.material_upload_version(
        actor=instructor.user, material=material, upload=upload("a.pdf", PDF)
    )
    MaterialVersion.objects.filter(material=material, number=2).delete()
    version = services.material_upload_version(
        actor=instructor.user, material=material, upload=upload("a.pdf", PDF)
    )
    assert version.number == 2  # the last remaining is 1: numbers count on from the highest


def test_a_new_version_is_checked_like_the_first(instructor, module, media_root):
    material = add_file(instructor.user, module)
    with pytest.raises(ValidationError):
        services.material_upload_version(
            actor=instructor.user, material=material, upload=upload("plan.pdf", HTML)
        )
    assert material.versions.count() == 1
    assert len(stored_files(media_root)) == 1


def test_a_link_has_no_versions(instructor, module):
    material = services.material_create(
        actor=instructor.user,
        course=module.course,
        module=module,
        title="x",
        url="https://example.com/",
    )
    with pytest.raises(ValidationError):
        services.material_upload_version(
            actor=instructor.user, material=material, upload=upload("a.pdf", PDF)
        )


def test_update_and_delete_are_audited(instructor, module):
    material = add_file(instructor.user, module, title="Plan")
    services.material_update(actor=instructor.user, material=material, title="Plan 2026")
    entry = AuditEntry.objects.get(action="material.updated")
    assert entry.before == {"title": "Plan"}
    assert entry.after == {"title": "Plan 2026"}
    services.material_delete(actor=instructor.user, material=material)
    assert not Material.objects.exists()
    assert not MaterialVersion.objects.exists()
    deleted = AuditEntry.objects.get(action="material.deleted")
    assert deleted.before["title"] == "Plan 2026"
    assert deleted.before["versions"][0]["file_name"] == "handout.pdf"


def test_an_unchanged_update_is_not_audited(instructor, module):
    material = add_file(instructor.user, module, title="Plan")
    services.material_update(actor=instructor.user, material=material, title="Plan")
    assert not AuditEntry.objects.filter(action="material.updated").exists()


def test_a_video_is_recognised(instructor, module):
    material = add_file(instructor.user, module, name="case.mp4", data=MP4, kind="video")
    assert material.current_version.content_type == "video/mp4"


# Who sees what -------------------------------------------------------------------------------


def test_access_levels(course, module, instructor, safety_officer, trainee, hr):
    training = TrainingFactory(course=course)
    enrollment = EnrollmentFactory(training=training, employee=trainee)
    training_teacher = EmployeeFactory(roles=[Role.INSTRUCTOR])
    training.instructors.add(training_teacher)
    session_teacher = EmployeeFactory(roles=[Role.INSTRUCTOR])
    SessionFactory(training=training, instructor=session_teacher)
    stranger = EmployeeFactory(roles=[Role.INSTRUCTOR])

    def access(employee_or_user):
        user = getattr(employee_or_user, "user", employee_or_user)
        return selectors.course_access_for_user(user=user, course=course)

    assert (access(safety_officer).manages, access(safety_officer).teaches) == (True, True)
    assert (access(instructor).manages, access(instructor).teaches) == (True, True)
    for teacher in (training_teacher, session_teacher):
        assert (access(teacher).manages, access(teacher).teaches) == (False, True)
    assert access(trainee).enrollments == [enrollment]
    assert not access(trainee).teaches
    for nobody in (stranger, hr):
        assert not access(nobody).may_read
        with pytest.raises(NotFound):
            selectors.course_content_get_for_user(user=nobody.user, course_id=course.pk)


def test_trainees_get_the_current_version_and_teachers_any(course, module, instructor, trainee):
    training = TrainingFactory(course=course)
    EnrollmentFactory(training=training, employee=trainee)
    material = add_file(instructor.user, module)
    services.material_upload_version(
        actor=instructor.user, material=material, upload=upload("v2.pdf", PDF)
    )
    material, trainee_access = selectors.material_get_for_user(
        user=trainee.user, material_id=material.pk
    )
    assert selectors.material_version_for(material=material, access=trainee_access).number == 2
    assert (
        selectors.material_version_for(material=material, access=trainee_access, number=2).number
        == 2
    )
    with pytest.raises(NotFound):
        selectors.material_version_for(material=material, access=trainee_access, number=1)
    _material, teacher_access = selectors.material_get_for_user(
        user=instructor.user, material_id=material.pk
    )
    assert (
        selectors.material_version_for(material=material, access=teacher_access, number=1).number
        == 1
    )
    with pytest.raises(NotFound):
        selectors.material_version_for(material=material, access=teacher_access, number=7)


def test_which_enrolment_an_opening_counts_for(course, module, trainee, instructor):
    first = EnrollmentFactory(training=TrainingFactory(course=course), employee=trainee)
    _material, access = selectors.material_get_for_user(
        user=trainee.user, material_id=add_file(instructor.user, module).pk
    )
    assert selectors.enrollment_for_opening(access=access, training_id=None) == first
    assert selectors.enrollment_for_opening(access=access, training_id=first.training_id) == first
    with pytest.raises(NotFound):
        selectors.enrollment_for_opening(access=access, training_id=TrainingFactory().pk)
    second = EnrollmentFactory(training=TrainingFactory(course=course), employee=trainee)
    access = selectors.course_access_for_user(user=trainee.user, course=course)
    assert selectors.enrollment_for_opening(access=access, training_id=None) is None  # ambiguous
    assert selectors.enrollment_for_opening(access=access, training_id=second.training_id) == second
