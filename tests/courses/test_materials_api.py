"""The course content and self-study API: who may call each endpoint, downloads (headers,
versions, progress) and the shapes of the answers."""

import io
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook
from rest_framework.test import APIClient

from core.excel import XLSX_CONTENT_TYPE
from core.roles import Role
from courses.models import Material, MaterialProgress, Module, ModuleCompletion
from courses.services import materials as material_services
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SessionFactory,
    TrainingFactory,
)
from tests.courses.test_filetypes import HTML, MP4, PDF, upload
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

PDF_V2 = PDF + b"% the second version\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(instructor, trainee):
    """A course with its instructor, a module with a PDF in two versions and a video, a
    training of the course with one trainee and one instructor of its own."""
    course = CourseFactory(title="Safety production knowledge")
    course.instructors.add(instructor)
    module = ModuleFactory(course=course, title="Laws and regulations", position=1)
    pdf = material_services.material_create(
        actor=instructor.user,
        course=course,
        module=module,
        title="Work Safety Law",
        kind="manual",
        upload=upload("安全生产法.pdf", PDF),
    )
    material_services.material_upload_version(
        actor=instructor.user, material=pdf, upload=upload("安全生产法-2026.pdf", PDF_V2)
    )
    video = material_services.material_create(
        actor=instructor.user,
        course=course,
        module=module,
        title="Case video",
        kind="video",
        upload=upload("case.mp4", MP4),
    )
    training = TrainingFactory(course=course)
    enrollment = EnrollmentFactory(training=training, employee=trainee)
    teacher = EmployeeFactory(roles=[Role.INSTRUCTOR], name="外聘专家")
    training.instructors.add(teacher)
    return SimpleNamespace(
        course=course,
        module=module,
        pdf=pdf,
        video=video,
        training=training,
        enrollment=enrollment,
        teacher=teacher,
    )


def api_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user=user)
    return client


@pytest.fixture
def clients(world, trainee, instructor, safety_officer, hr, admin_user):
    return {
        "anonymous": api_for(None),
        "hr": api_for(hr.user),
        "outsider": api_for(EmployeeFactory(roles=[Role.TRAINEE]).user),
        "trainee": api_for(trainee.user),
        "stranger": api_for(EmployeeFactory(roles=[Role.INSTRUCTOR]).user),
        "teacher": api_for(world.teacher.user),
        "instructor": api_for(instructor.user),
        "officer": api_for(safety_officer.user),
        "admin": api_for(admin_user),
    }


ROLES = ["anonymous", "hr", "outsider", "trainee", "stranger", "teacher", "instructor", "officer"]


def new_file():
    return SimpleUploadedFile("plan.pdf", PDF, content_type="application/pdf")


# (method, url, body) builders and the expected status per caller, in ROLES order. A role
# that may never do something gets 403 whatever the object; a role that may, 404 for an
# object it may not see. A training's parts are 404 first for a training the caller may not
# see (the outsider), whatever the role.
ENDPOINTS = {
    "list materials": (
        lambda w: ("get", f"/api/v1/courses/{w.course.pk}/materials/", None),
        [401, 403, 404, 200, 404, 200, 200, 200],
    ),
    "upload material": (
        lambda w: (
            "post",
            f"/api/v1/courses/{w.course.pk}/materials/",
            {"file": new_file(), "title": "Plan", "kind": "lesson_plan"},
        ),
        [401, 403, 403, 403, 404, 403, 201, 201],
    ),
    "material": (
        lambda w: ("get", f"/api/v1/materials/{w.pdf.pk}/", None),
        [401, 403, 404, 200, 404, 200, 200, 200],
    ),
    "rename material": (
        lambda w: ("patch", f"/api/v1/materials/{w.pdf.pk}/", {"title": "Renamed"}),
        [401, 403, 403, 403, 404, 403, 200, 200],
    ),
    "delete material": (
        lambda w: ("delete", f"/api/v1/materials/{w.pdf.pk}/", None),
        [401, 403, 403, 403, 404, 403, 204, 204],
    ),
    "versions": (
        lambda w: ("get", f"/api/v1/materials/{w.pdf.pk}/versions/", None),
        [401, 403, 404, 403, 404, 200, 200, 200],
    ),
    "new version": (
        lambda w: ("post", f"/api/v1/materials/{w.pdf.pk}/versions/", {"file": new_file()}),
        [401, 403, 403, 403, 404, 403, 201, 201],
    ),
    "download": (
        lambda w: ("get", f"/api/v1/materials/{w.pdf.pk}/download/", None),
        [401, 403, 404, 200, 404, 200, 200, 200],
    ),
    "progress event": (
        lambda w: (
            "post",
            f"/api/v1/materials/{w.video.pk}/progress/",
            {"training": w.training.pk, "event": "opened"},
        ),
        [401, 403, 404, 200, 403, 403, 403, 403],
    ),
    "list modules": (
        lambda w: ("get", f"/api/v1/courses/{w.course.pk}/modules/", None),
        [401, 403, 404, 200, 404, 200, 200, 200],
    ),
    "add module": (
        lambda w: ("post", f"/api/v1/courses/{w.course.pk}/modules/", {"title": "Cases"}),
        [401, 403, 403, 403, 404, 403, 201, 201],
    ),
    "module": (
        lambda w: ("get", f"/api/v1/modules/{w.module.pk}/", None),
        [401, 403, 404, 200, 404, 200, 200, 200],
    ),
    "change module": (
        lambda w: ("patch", f"/api/v1/modules/{w.module.pk}/", {"title": "Laws"}),
        [401, 403, 403, 403, 404, 403, 200, 200],
    ),
    "move module": (
        lambda w: ("post", f"/api/v1/modules/{w.module.pk}/move/", {"offset": 1}),
        [401, 403, 403, 403, 404, 403, 200, 200],
    ),
    "delete module": (
        lambda w: ("delete", f"/api/v1/modules/{w.module.pk}/", None),
        [401, 403, 403, 403, 404, 403, 204, 204],
    ),
    "study": (
        lambda w: ("get", f"/api/v1/trainings/{w.training.pk}/study/", None),
        [401, 403, 404, 200, 403, 403, 403, 403],
    ),
    "module done": (
        lambda w: ("post", f"/api/v1/trainings/{w.training.pk}/modules/{w.module.pk}/done/", None),
        [401, 403, 404, 200, 403, 403, 403, 403],
    ),
    "module undone": (
        lambda w: (
            "delete",
            f"/api/v1/trainings/{w.training.pk}/modules/{w.module.pk}/done/",
            None,
        ),
        [401, 403, 404, 200, 403, 403, 403, 403],
    ),
    "progress table": (
        lambda w: ("get", f"/api/v1/trainings/{w.training.pk}/progress/", None),
        [401, 403, 404, 403, 404, 200, 200, 200],
    ),
    "progress workbook": (
        lambda w: ("get", f"/api/v1/trainings/{w.training.pk}/progress.xlsx", None),
        [401, 403, 404, 403, 404, 200, 200, 200],
    ),
}


def call(client, world, endpoint):
    method, url, body = ENDPOINTS[endpoint][0](world)
    is_upload = body is not None and "file" in body
    return getattr(client, method)(url, body, format="multipart" if is_upload else "json")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_permissions(endpoint, role, world, clients):
    expected = ENDPOINTS[endpoint][1][ROLES.index(role)]
    response = call(clients[role], world, endpoint)
    assert response.status_code == expected, getattr(response, "data", response)


@pytest.mark.parametrize(
    "endpoint",
    [
        name
        for name in ENDPOINTS
        if name not in ("progress event", "study", "module done", "module undone")
    ],
)
def test_admin_may_do_what_the_officer_may(endpoint, world, clients):
    expected = ENDPOINTS[endpoint][1][ROLES.index("officer")]
    assert call(clients["admin"], world, endpoint).status_code == expected


def test_an_instructor_of_a_session_reads_but_does_not_manage(world):
    session_teacher = EmployeeFactory(roles=[Role.INSTRUCTOR])
    SessionFactory(training=world.training, instructor=session_teacher)
    client = api_for(session_teacher.user)
    assert client.get(f"/api/v1/materials/{world.pdf.pk}/download/?version=1").status_code == 200
    assert client.patch(f"/api/v1/materials/{world.pdf.pk}/", {"title": "x"}).status_code == 403


# Downloads -----------------------------------------------------------------------------------


def body_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_headers(world, clients):
    response = clients["trainee"].get(f"/api/v1/materials/{world.pdf.pk}/download/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('安全生产法-2026.pdf')}" in disposition
    assert body_of(response) == PDF_V2


def test_a_client_asking_for_pdf_gets_the_file(world, clients):
    response = clients["trainee"].get(
        f"/api/v1/materials/{world.pdf.pk}/download/", HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 200
    assert body_of(response) == PDF_V2


def test_trainees_get_the_current_version_teachers_any(world, clients):
    url = f"/api/v1/materials/{world.pdf.pk}/download/"
    assert clients["trainee"].get(f"{url}?version=1").status_code == 404
    assert body_of(clients["trainee"].get(f"{url}?version=2")) == PDF_V2
    for role in ("teacher", "instructor", "officer"):
        old = clients[role].get(f"{url}?version=1")
        assert old.status_code == 200
        assert body_of(old) == PDF
        assert "%E5%AE%89%E5%85%A8%E7%94%9F%E4%BA%A7%E6%B3%95.pdf" in old["Content-Disposition"]
    assert clients["officer"].get(f"{url}?version=9").status_code == 404


def test_bad_query_values_are_400(world, clients):
    response = clients["trainee"].get(f"/api/v1/materials/{world.pdf.pk}/download/?version=x")
    assert response.status_code == 400
    assert "version" in response.json()


def test_a_download_in_a_training_records_progress(world, clients):
    url = f"/api/v1/materials/{world.pdf.pk}/download/?training={world.training.pk}"
    clients["trainee"].get(url)
    clients["trainee"].get(url)
    progress = MaterialProgress.objects.get(enrollment=world.enrollment, material=world.pdf)
    assert progress.times_opened == 2


def test_a_download_without_training_counts_for_the_only_training(world, clients):
    clients["trainee"].get(f"/api/v1/materials/{world.pdf.pk}/download/")
    assert MaterialProgress.objects.get(enrollment=world.enrollment).times_opened == 1


def test_a_download_with_a_foreign_training_is_404(world, clients):
    other = TrainingFactory()
    response = clients["trainee"].get(
        f"/api/v1/materials/{world.pdf.pk}/download/?training={other.pk}"
    )
    assert response.status_code == 404
    assert not MaterialProgress.objects.exists()


def test_teachers_downloads_record_nothing(world, clients):
    url = f"/api/v1/materials/{world.pdf.pk}/download/?training={world.training.pk}"
    for role in ("teacher", "instructor", "officer"):
        assert clients[role].get(url).status_code == 200
    assert not MaterialProgress.objects.exists()


def test_a_trainee_of_another_training_gets_404(world):
    other_trainee = EmployeeFactory(roles=[Role.TRAINEE])
    EnrollmentFactory(employee=other_trainee)  # a training of another course
    response = api_for(other_trainee.user).get(f"/api/v1/materials/{world.pdf.pk}/download/")
    assert response.status_code == 404


def test_a_link_redirects_and_counts(world, clients, instructor):
    link = material_services.material_create(
        actor=instructor.user,
        course=world.course,
        module=world.module,
        title="Notice",
        url="https://www.mem.gov.cn/",
    )
    response = clients["trainee"].get(f"/api/v1/materials/{link.pk}/download/")
    assert response.status_code == 302
    assert response["Location"] == "https://www.mem.gov.cn/"
    assert MaterialProgress.objects.get(material=link).times_opened == 1


# Progress events -----------------------------------------------------------------------------


def test_video_events(world, clients):
    url = f"/api/v1/materials/{world.video.pk}/progress/"
    opened = clients["trainee"].post(url, {"training": world.training.pk, "event": "opened"})
    assert opened.json()["times_opened"] == 1
    assert opened.json()["completed_at"] is None
    ended = clients["trainee"].post(url, {"training": world.training.pk, "event": "video_ended"})
    assert ended.status_code == 200
    assert ended.json()["completed_at"] is not None
    assert ended.json()["times_opened"] == 1


def test_video_end_of_a_pdf_is_400(world, clients):
    response = clients["trainee"].post(
        f"/api/v1/materials/{world.pdf.pk}/progress/",
        {"training": world.training.pk, "event": "video_ended"},
    )
    assert response.status_code == 400


def test_unknown_event_is_400(world, clients):
    response = clients["trainee"].post(
        f"/api/v1/materials/{world.video.pk}/progress/",
        {"training": world.training.pk, "event": "skipped"},
    )
    assert response.status_code == 400
    assert "event" in response.json()


# Uploads and answers -------------------------------------------------------------------------


def test_upload_answer(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/courses/{world.course.pk}/materials/",
        {"file": new_file(), "title": "Plan", "kind": "lesson_plan", "module": world.module.pk},
        format="multipart",
    )
    data = response.json()
    assert response.status_code == 201
    assert data["module"] == world.module.pk
    assert data["current_version"]["number"] == 1
    assert data["current_version"]["content_type"] == "application/pdf"
    assert data["current_version"]["original_name"] == "plan.pdf"
    assert data["download_url"] == f"/api/v1/materials/{data['id']}/download/"


def test_a_disguised_upload_is_400_naming_it(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/courses/{world.course.pk}/materials/",
        {"file": SimpleUploadedFile("handout.pdf", HTML), "kind": "manual"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "HTML files are not accepted" in response.json()["file"][0]


def test_an_empty_upload_is_400(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/courses/{world.course.pk}/materials/",
        {"file": SimpleUploadedFile("empty.pdf", b""), "kind": "manual"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "empty" in response.json()["file"][0]


def test_a_link_by_json(world, clients):
    response = clients["officer"].post(
        f"/api/v1/courses/{world.course.pk}/materials/",
        {"url": "https://example.com/notice", "title": "Notice", "kind": "other"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["is_link"] is True
    assert response.json()["current_version"] is None


def test_a_module_of_another_course_is_400(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/courses/{world.course.pk}/materials/",
        {"file": new_file(), "module": ModuleFactory().pk},
        format="multipart",
    )
    assert response.status_code == 400
    assert "module" in response.json()


def test_trainees_see_no_versions_teachers_do(world, clients):
    url = f"/api/v1/courses/{world.course.pk}/materials/"
    trainee_view = clients["trainee"].get(url).json()
    assert trainee_view["count"] == 2
    assert trainee_view["results"][0]["versions"] is None
    assert trainee_view["results"][0]["current_version"]["number"] == 2
    teacher_view = clients["teacher"].get(url).json()
    assert [v["number"] for v in teacher_view["results"][0]["versions"]] == [2, 1]


def test_new_version_answer(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/materials/{world.pdf.pk}/versions/", {"file": new_file()}, format="multipart"
    )
    assert response.status_code == 201
    assert response.json()["number"] == 3
    world.pdf.refresh_from_db()
    assert world.pdf.current_version.number == 3


def test_delete_material(world, clients):
    assert clients["instructor"].delete(f"/api/v1/materials/{world.pdf.pk}/").status_code == 204
    assert not Material.objects.filter(pk=world.pdf.pk).exists()


# Modules -------------------------------------------------------------------------------------


def test_module_crud(world, clients):
    client = clients["instructor"]
    created = client.post(
        f"/api/v1/courses/{world.course.pk}/modules/",
        {"title": "Accident cases", "description": "Three cases"},
        format="json",
    )
    assert created.status_code == 201
    new = created.json()
    assert new["position"] == 2
    moved = client.post(f"/api/v1/modules/{new['id']}/move/", {"offset": -1}, format="json")
    assert [m["id"] for m in moved.json()] == [new["id"], world.module.pk]
    replaced = client.put(
        f"/api/v1/modules/{new['id']}/", {"title": "Cases", "description": ""}, format="json"
    )
    assert replaced.json()["title"] == "Cases"
    assert client.patch(f"/api/v1/modules/{new['id']}/", {"title": ""}).status_code == 400
    assert client.delete(f"/api/v1/modules/{new['id']}/").status_code == 204
    assert list(Module.objects.values_list("pk", flat=True)) == [world.module.pk]


def test_module_move_offset_is_checked(world, clients):
    response = clients["instructor"].post(
        f"/api/v1/modules/{world.module.pk}/move/", {"offset": 5}, format="json"
    )
    assert response.status_code == 400


# Self-study ----------------------------------------------------------------------------------


def test_module_done_and_undone(world, clients):
    url = f"/api/v1/trainings/{world.training.pk}/modules/{world.module.pk}/done/"
    assert clients["trainee"].post(url).json() == {"module": world.module.pk, "done": True}
    assert ModuleCompletion.objects.filter(enrollment=world.enrollment).count() == 1
    assert clients["trainee"].delete(url).json() == {"module": world.module.pk, "done": False}
    assert not ModuleCompletion.objects.exists()


def test_module_of_another_course_is_404(world, clients):
    other = ModuleFactory()
    url = f"/api/v1/trainings/{world.training.pk}/modules/{other.pk}/done/"
    assert clients["trainee"].post(url).status_code == 404


def test_study_answer(world, clients):
    clients["trainee"].get(f"/api/v1/materials/{world.pdf.pk}/download/")
    data = clients["trainee"].get(f"/api/v1/trainings/{world.training.pk}/study/").json()
    assert (data["materials"], data["opened"], data["modules_done"]) == (2, 1, 0)
    (module,) = data["modules"]
    pdf, video = module["materials"]
    assert pdf["progress"]["times_opened"] == 1
    assert pdf["versions"] is None
    assert video["progress"] is None
    assert video["is_video"] is True


def test_progress_table_answer(world, clients):
    clients["trainee"].get(f"/api/v1/materials/{world.pdf.pk}/download/")
    EnrollmentFactory(training=world.training)
    data = clients["teacher"].get(f"/api/v1/trainings/{world.training.pk}/progress/").json()
    assert data["count"] == 2
    assert data["module_count"] == 1
    assert [(m["title"], m["opened"], m["trainees"]) for m in data["materials"]] == [
        ("Work Safety Law", 1, 2),
        ("Case video", 0, 2),
    ]
    row = next(r for r in data["results"] if r["employee"] == world.enrollment.employee_id)
    assert row["opened"] == 1
    assert row["progress"][0]["material"] == world.pdf.pk


def test_progress_workbook(world, clients):
    response = clients["officer"].get(f"/api/v1/trainings/{world.training.pk}/progress.xlsx")
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.cell(row=2, column=2).value == world.enrollment.employee.name
