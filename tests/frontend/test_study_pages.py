"""The course content, download, self-study and progress pages: who may open them, and the
main flows (modules, uploads, versions, downloads, video, the done toggle, the table)."""

from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditEntry
from core.roles import Role
from courses.models import Material, MaterialProgress, Module, ModuleCompletion
from courses.services import materials as material_services
from tests.courses.factories import CourseFactory, EnrollmentFactory, ModuleFactory, TrainingFactory
from tests.courses.test_filetypes import HTML, MP4, PDF, upload
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

PDF_V2 = PDF + b"% v2\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def world(instructor, trainee):
    course = CourseFactory(title="Safety production knowledge")
    course.instructors.add(instructor)
    laws = ModuleFactory(course=course, title="Laws and regulations", position=1)
    cases = ModuleFactory(course=course, title="Accident case analysis", position=2)
    pdf = material_services.material_create(
        actor=instructor.user,
        course=course,
        module=laws,
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
        module=cases,
        title="Crane accident",
        kind="video",
        upload=upload("crane.mp4", MP4),
    )
    link = material_services.material_create(
        actor=instructor.user,
        course=course,
        module=cases,
        title="Ministry notice",
        url="https://www.mem.gov.cn/",
    )
    training = TrainingFactory(course=course, title="Safety production knowledge training")
    enrollment = EnrollmentFactory(training=training, employee=trainee)
    teacher = EmployeeFactory(roles=[Role.INSTRUCTOR], name="外聘专家")
    training.instructors.add(teacher)
    return SimpleNamespace(
        course=course,
        laws=laws,
        cases=cases,
        pdf=pdf,
        video=video,
        link=link,
        training=training,
        enrollment=enrollment,
        teacher=teacher,
    )


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


@pytest.fixture
def clients(world, trainee, instructor, safety_officer, hr, admin_user):
    return {
        "anonymous": client_for(None),
        "hr": client_for(hr.user),
        "outsider": client_for(EmployeeFactory(roles=[Role.TRAINEE]).user),
        "trainee": client_for(trainee.user),
        "stranger": client_for(EmployeeFactory(roles=[Role.INSTRUCTOR]).user),
        "teacher": client_for(world.teacher.user),
        "instructor": client_for(instructor.user),
        "officer": client_for(safety_officer.user),
        "admin": client_for(admin_user),
    }


ROLES = [
    "anonymous",
    "hr",
    "outsider",
    "trainee",
    "stranger",
    "teacher",
    "instructor",
    "officer",
    "admin",
]
LOGIN = 302

PAGES = {
    "course_detail": (
        lambda w: reverse("course_detail", args=[w.course.pk]),
        [LOGIN, 403, 403, 403, 404, 200, 200, 200, 200],
    ),
    "module_edit": (
        lambda w: reverse("module_edit", args=[w.laws.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "module_delete": (
        lambda w: reverse("module_delete", args=[w.laws.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "course_material_create": (
        lambda w: reverse("course_material_create", args=[w.course.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "material_edit": (
        lambda w: reverse("material_edit", args=[w.pdf.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "material_version_create": (
        lambda w: reverse("material_version_create", args=[w.pdf.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "material_delete": (
        lambda w: reverse("material_delete", args=[w.pdf.pk]),
        [LOGIN, 403, 403, 403, 404, 403, 200, 200, 200],
    ),
    "material_download": (
        lambda w: reverse("material_download", args=[w.pdf.pk]),
        [LOGIN, 404, 404, 200, 404, 200, 200, 200, 200],
    ),
    "material_stream": (
        lambda w: reverse("material_stream", args=[w.video.pk]),
        [LOGIN, 404, 404, 200, 404, 200, 200, 200, 200],
    ),
    "training_study": (
        lambda w: reverse("training_study", args=[w.training.pk]),
        [LOGIN, 404, 404, 200, 404, 404, 404, 404, 404],
    ),
    "training_progress": (
        lambda w: reverse("training_progress", args=[w.training.pk]),
        [LOGIN, 403, 404, 403, 404, 200, 200, 200, 200],
    ),
    "training_progress_xlsx": (
        lambda w: reverse("training_progress_xlsx", args=[w.training.pk]),
        [LOGIN, 403, 404, 403, 404, 200, 200, 200, 200],
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", list(PAGES))
def test_who_may_open_each_page(page, role, world, clients):
    url = PAGES[page][0](world)
    expected = PAGES[page][1][ROLES.index(role)]
    response = clients[role].get(url)
    assert response.status_code == expected
    if expected == LOGIN:
        assert response["Location"] == f"{reverse('login')}?next={url}"


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("course_module_create", lambda w: [w.course.pk]),
        ("module_move", lambda w: [w.laws.pk]),
        ("training_module_done", lambda w: [w.training.pk, w.laws.pk]),
    ],
)
def test_post_only_actions_refuse_strangers(name, args, world, clients):
    url = reverse(name, args=args(world))
    for role in ("stranger", "outsider"):
        assert clients[role].post(url, {"title": "x", "offset": "1", "done": "1"}).status_code in (
            403,
            404,
        )
    assert not ModuleCompletion.objects.exists()
    assert Module.objects.count() == 2


# The course page -----------------------------------------------------------------------------


def test_course_page_lists_modules_materials_and_versions(world, clients):
    text = clients["instructor"].get(reverse("course_detail", args=[world.course.pk])).text
    for value in (
        "Laws and regulations",
        "Accident case analysis",
        "Work Safety Law",
        "安全生产法-2026.pdf",
        "安全生产法.pdf",  # version 1, in the history
        "Version 2",
        "2 versions",
        "Crane accident",
        "https://www.mem.gov.cn/",
        reverse("material_download", args=[world.pdf.pk]) + "?version=1",
        reverse("material_version_create", args=[world.pdf.pk]),
        reverse("module_edit", args=[world.laws.pk]),
        "Add a module",
    ):
        assert value in text
    assert text.index("Laws and regulations") < text.index("Accident case analysis")


def test_teachers_read_without_the_tools(world, clients):
    text = clients["teacher"].get(reverse("course_detail", args=[world.course.pk])).text
    assert "Work Safety Law" in text
    assert reverse("material_download", args=[world.pdf.pk]) + "?version=1" in text
    assert reverse("material_version_create", args=[world.pdf.pk]) not in text
    assert reverse("module_edit", args=[world.laws.pk]) not in text
    assert "Add a module" not in text


def test_course_page_in_chinese(world, clients):
    response = clients["instructor"].get(
        reverse("course_detail", args=[world.course.pk]), headers={"Accept-Language": "zh-hans"}
    )
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.text


def test_add_edit_move_and_delete_a_module(world, clients):
    client = clients["instructor"]
    response = client.post(
        reverse("course_module_create", args=[world.course.pk]),
        {"title": "Emergency rescue", "description": "Drills"},
    )
    module = Module.objects.get(title="Emergency rescue")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#module-{module.pk}")
    assert module.position == 3
    response = client.post(
        reverse("module_edit", args=[module.pk]), {"title": "Emergency rescue drills"}
    )
    assert response.status_code == 302
    client.post(reverse("module_move", args=[module.pk]), {"offset": "-1"})
    assert list(world.course.modules.order_by("position").values_list("title", flat=True)) == [
        "Laws and regulations",
        "Emergency rescue drills",
        "Accident case analysis",
    ]
    response = client.post(reverse("module_delete", args=[world.cases.pk]))
    assert response.status_code == 302
    assert not Material.objects.filter(pk=world.video.pk).exists()
    assert AuditEntry.objects.filter(action="module.deleted").exists()


def test_a_module_without_title_shows_the_error(world, clients):
    response = clients["instructor"].post(
        reverse("course_module_create", args=[world.course.pk]), {"title": "  "}
    )
    assert response.status_code == 200
    assert "Please correct the errors below." in response.text
    assert Module.objects.count() == 2


# Materials -----------------------------------------------------------------------------------


def material_form(world, **values):
    return {"module": world.laws.pk, "title": "", "kind": "lesson_plan", "url": "", **values}


def test_upload_a_material(world, clients):
    response = clients["instructor"].post(
        reverse("course_material_create", args=[world.course.pk]),
        material_form(world, file=SimpleUploadedFile("教案.pdf", PDF)),
    )
    assert response.status_code == 302
    material = Material.objects.get(title="教案")
    assert material.current_version.original_name == "教案.pdf"
    assert material.kind == "lesson_plan"


def test_a_disguised_file_is_refused_on_the_form(world, clients, media_root):
    before = sorted(p for p in media_root.rglob("*") if p.is_file())
    response = clients["instructor"].post(
        reverse("course_material_create", args=[world.course.pk]),
        material_form(world, file=SimpleUploadedFile("handout.pdf", HTML)),
    )
    assert response.status_code == 200
    text = response.text
    assert "The file is named .pdf but its content is not a PDF." in text
    assert "HTML files are not accepted." in text
    assert Material.objects.count() == 3
    assert sorted(p for p in media_root.rglob("*") if p.is_file()) == before


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({}, "Choose a file to upload, or give a link."),
        ({"url": "javascript:alert(1)"}, "starting with http:// or https://"),
        ({"file": "empty"}, "The file is empty."),
    ],
)
def test_material_form_errors(world, clients, values, message):
    if values.get("file") == "empty":
        values = {"file": SimpleUploadedFile("empty.pdf", b"")}
    response = clients["instructor"].post(
        reverse("course_material_create", args=[world.course.pk]), material_form(world, **values)
    )
    assert response.status_code == 200
    assert message in response.text


def test_add_a_link(world, clients):
    response = clients["officer"].post(
        reverse("course_material_create", args=[world.course.pk]),
        material_form(world, title="Regulations site", url="https://flk.npc.gov.cn/"),
    )
    assert response.status_code == 302
    assert Material.objects.get(title="Regulations site").is_link


def test_upload_a_new_version(world, clients):
    response = clients["instructor"].post(
        reverse("material_version_create", args=[world.pdf.pk]),
        {"file": SimpleUploadedFile("安全生产法-2027.pdf", PDF)},
    )
    assert response.status_code == 302
    world.pdf.refresh_from_db()
    assert world.pdf.current_version.number == 3


def test_a_link_has_no_new_version_page(world, clients):
    url = reverse("material_version_create", args=[world.link.pk])
    assert clients["instructor"].get(url).status_code == 404


def test_edit_and_delete_a_material(world, clients):
    client = clients["instructor"]
    response = client.post(
        reverse("material_edit", args=[world.pdf.pk]), {"title": "Law 2026", "kind": "slides"}
    )
    assert response.status_code == 302
    world.pdf.refresh_from_db()
    assert (world.pdf.title, world.pdf.kind) == ("Law 2026", "slides")
    assert client.post(reverse("material_delete", args=[world.pdf.pk])).status_code == 302
    assert not Material.objects.filter(pk=world.pdf.pk).exists()


# Downloads and the video stream --------------------------------------------------------------


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_download_is_an_attachment_and_counts_for_the_trainee(world, clients):
    url = reverse("material_download", args=[world.pdf.pk])
    response = clients["trainee"].get(f"{url}?training={world.training.pk}")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    assert content_of(response) == PDF_V2
    assert MaterialProgress.objects.get(enrollment=world.enrollment).times_opened == 1


def test_trainee_cannot_reach_an_old_version(world, clients):
    url = reverse("material_download", args=[world.pdf.pk])
    assert clients["trainee"].get(f"{url}?version=1").status_code == 404
    assert content_of(clients["teacher"].get(f"{url}?version=1")) == PDF


@pytest.mark.parametrize("query", ["?version=abc", "?training=-1", "?training=x"])
def test_broken_download_links_are_404(world, clients, query):
    url = reverse("material_download", args=[world.pdf.pk])
    assert clients["trainee"].get(url + query).status_code == 404


def test_a_link_material_redirects(world, clients):
    url = reverse("material_download", args=[world.link.pk])
    response = clients["trainee"].get(f"{url}?training={world.training.pk}")
    assert response.status_code == 302
    assert response["Location"] == "https://www.mem.gov.cn/"
    assert MaterialProgress.objects.filter(material=world.link).exists()


def test_video_stream_plays_inline(world, clients):
    response = clients["trainee"].get(reverse("material_stream", args=[world.video.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "video/mp4"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Accept-Ranges"] == "bytes"
    assert content_of(response) == MP4
    assert not MaterialProgress.objects.exists()  # the player's requests record nothing


def test_video_stream_serves_a_range(world, clients):
    url = reverse("material_stream", args=[world.video.pk])
    response = clients["trainee"].get(url, headers={"Range": "bytes=8-15"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 8-15/{len(MP4)}"
    assert response["Content-Length"] == "8"
    assert content_of(response) == MP4[8:16]
    tail = clients["trainee"].get(url, headers={"Range": "bytes=-4"})
    assert content_of(tail) == MP4[-4:]
    beyond = clients["trainee"].get(url, headers={"Range": f"bytes={len(MP4)}-"})
    assert beyond.status_code == 416
    assert beyond["Content-Range"] == f"bytes */{len(MP4)}"


def test_only_a_video_streams(world, clients):
    assert clients["trainee"].get(reverse("material_stream", args=[world.pdf.pk])).status_code == (
        404
    )


# The study page ------------------------------------------------------------------------------


def test_study_page(world, clients):
    MaterialProgress.objects.all().delete()
    clients["trainee"].get(
        reverse("material_download", args=[world.pdf.pk]) + f"?training={world.training.pk}"
    )
    text = clients["trainee"].get(reverse("training_study", args=[world.training.pk])).text
    assert "Safety production knowledge training" in text
    assert "Work Safety Law" in text
    assert "安全生产法-2026.pdf" in text
    assert "安全生产法.pdf" not in text  # the trainee never sees the old version
    assert f"?training={world.training.pk}" in text
    assert "Opened once, last on" in text
    assert "Not opened yet" in text
    assert "You opened 1 of 3 materials." in text
    assert f'src="{reverse("material_stream", args=[world.video.pk])}"' in text
    assert f'data-progress-url="/api/v1/materials/{world.video.pk}/progress/"' in text
    assert "frontend/study.js" in text
    assert "Mark module done" in text


def test_module_done_toggle_with_htmx(world, clients):
    url = reverse("training_module_done", args=[world.training.pk, world.laws.pk])
    response = clients["trainee"].post(url, {"done": "1"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Mark as not done" in response.text
    assert 'id="study-summary"' in response.text and 'hx-swap-oob="true"' in response.text
    assert "1 of 2 modules marked done." in response.text
    assert ModuleCompletion.objects.filter(enrollment=world.enrollment).count() == 1
    response = clients["trainee"].post(url, {"done": "0"}, headers={"HX-Request": "true"})
    assert "Mark module done" in response.text
    assert not ModuleCompletion.objects.exists()


def test_module_done_toggle_without_javascript(world, clients):
    url = reverse("training_module_done", args=[world.training.pk, world.laws.pk])
    response = clients["trainee"].post(url, {"done": "1"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#module-{world.laws.pk}")
    assert ModuleCompletion.objects.count() == 1


def test_module_of_another_course_is_404(world, clients):
    url = reverse("training_module_done", args=[world.training.pk, ModuleFactory().pk])
    assert clients["trainee"].post(url, {"done": "1"}).status_code == 404


# The progress table --------------------------------------------------------------------------


def test_progress_page(world, clients):
    clients["trainee"].get(reverse("material_download", args=[world.pdf.pk]))
    EnrollmentFactory(training=world.training)
    response = clients["teacher"].get(reverse("training_progress", args=[world.training.pk]))
    text = response.text
    assert "2 trainees" in text
    assert "1 of 2" in text  # the PDF opened by one of two trainees
    assert world.enrollment.employee.name in text
    assert reverse("training_progress_xlsx", args=[world.training.pk]) in text
    partial = clients["teacher"].get(
        reverse("training_progress", args=[world.training.pk]), headers={"HX-Request": "true"}
    )
    assert "<html" not in partial.text
    assert world.enrollment.employee.name in partial.text


def test_progress_workbook_page(world, clients):
    response = clients["officer"].get(reverse("training_progress_xlsx", args=[world.training.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response.content[:2] == b"PK"


# Pages cost the same few queries however much content there is -----------------------------


def more_content(world, instructor, modules: int = 3, per_module: int = 3) -> None:
    for index in range(modules):
        module = ModuleFactory(course=world.course, position=10 + index)
        for _number in range(per_module):
            material = material_services.material_create(
                actor=instructor.user,
                course=world.course,
                module=module,
                upload=upload("a.pdf", PDF),
            )
            material_services.material_upload_version(
                actor=instructor.user, material=material, upload=upload("b.pdf", PDF)
            )


@pytest.mark.parametrize(
    ("role", "page"), [("instructor", "course_detail"), ("trainee", "training_study")]
)
def test_page_queries_do_not_grow(world, clients, instructor, role, page):
    url = reverse(page, args=[world.course.pk if page == "course_detail" else world.training.pk])
    clients[role].get(url)  # warm up: session and user
    with CaptureQueriesContext(connection) as before:
        assert clients[role].get(url).status_code == 200
    more_content(world, instructor)
    with CaptureQueriesContext(connection) as after:
        assert clients[role].get(url).status_code == 200
    assert len(after) == len(before)
