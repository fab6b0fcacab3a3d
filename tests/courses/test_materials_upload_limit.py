"""A file over MAX_UPLOAD_SIZE is refused while it arrives: the upload handler drops it at
the limit, so it is never stored in full (not in memory, not in a temporary file, not under
MEDIA_ROOT), and the answer says it was too large."""

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.test import RequestFactory
from django.urls import reverse

from core.uploads import SizeLimitUploadHandler, refused_upload_error
from courses.models import Material
from tests.courses.factories import CourseFactory, ModuleFactory
from tests.courses.test_filetypes import PDF

pytestmark = pytest.mark.django_db

LIMIT = 100_000

received: list[int] = []


class CountingHandler(FileUploadHandler):
    """Stands after the size-limit handler and counts what reaches Django's own handlers."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        received.append(0)

    def receive_data_chunk(self, raw_data, start):
        received[-1] += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def small_limit(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "upload-tmp")
    (tmp_path / "upload-tmp").mkdir()
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0  # every upload goes to a temporary file
    settings.MAX_UPLOAD_SIZE = LIMIT
    settings.FILE_UPLOAD_HANDLERS = [
        "core.uploads.SizeLimitUploadHandler",
        "tests.courses.test_materials_upload_limit.CountingHandler",
        "django.core.files.uploadhandler.MemoryFileUploadHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    received.clear()
    return tmp_path


@pytest.fixture
def course(instructor):
    course = CourseFactory()
    course.instructors.add(instructor)
    ModuleFactory(course=course)
    return course


def files_under(path) -> list:
    return [p for p in path.rglob("*") if p.is_file()] if path.exists() else []


def big_pdf(size: int = 2 * 1024 * 1024) -> SimpleUploadedFile:
    return SimpleUploadedFile("big.pdf", PDF + b"0" * (size - len(PDF)), "application/pdf")


def test_the_handler_is_installed_before_djangos_own():
    assert django_settings.FILE_UPLOAD_HANDLERS[0] == "core.uploads.SizeLimitUploadHandler"


def test_api_refuses_an_oversized_upload_before_it_is_stored(officer_api, course, small_limit):
    response = officer_api.post(
        f"/api/v1/courses/{course.pk}/materials/",
        {"file": big_pdf(), "title": "Big", "kind": "manual"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]
    assert "big.pdf" in response.json()["file"][0]
    # Django's handlers got no more than the limit, and nothing is left anywhere.
    assert received and max(received) <= LIMIT
    assert files_under(small_limit / "media") == []
    assert files_under(small_limit / "upload-tmp") == []
    assert not Material.objects.exists()


def test_the_other_fields_are_still_read(officer_api, course):
    """The form fields after the file arrive: the answer is about the file, not about a
    missing title or a CSRF failure."""
    response = officer_api.post(
        f"/api/v1/courses/{course.pk}/materials/",
        {"file": big_pdf(), "title": "", "kind": "not-a-kind"},
        format="multipart",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["file"]


def test_a_file_within_the_limit_passes(officer_api, course, small_limit):
    response = officer_api.post(
        f"/api/v1/courses/{course.pk}/materials/",
        {"file": big_pdf(LIMIT), "title": "Just fits", "kind": "manual"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    assert received == [LIMIT]
    assert len(files_under(small_limit / "media")) == 1


def test_new_version_refused_too(officer_api, course, instructor_api):
    created = instructor_api.post(
        f"/api/v1/courses/{course.pk}/materials/",
        {"file": SimpleUploadedFile("a.pdf", PDF), "kind": "manual"},
        format="multipart",
    ).json()
    response = officer_api.post(
        f"/api/v1/materials/{created['id']}/versions/", {"file": big_pdf()}, format="multipart"
    )
    assert response.status_code == 400
    assert "larger than" in response.json()["file"][0]


def test_the_page_shows_the_refusal_on_the_form(client, instructor, course, small_limit):
    client.force_login(instructor.user)
    response = client.post(
        reverse("course_material_create", args=[course.pk]),
        {"file": big_pdf(), "title": "Big", "kind": "manual", "module": course.modules.get().pk},
    )
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert files_under(small_limit / "media") == []
    assert files_under(small_limit / "upload-tmp") == []


def test_an_announced_size_over_the_limit_is_skipped_before_any_byte():
    request = RequestFactory().post("/")
    handler = SizeLimitUploadHandler(request)
    handler.new_file("file", "huge.mp4", "video/mp4", 2 * 1024**3)
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"\x00" * 16, 0)
    message = refused_upload_error(request, "file").messages[0]
    assert "huge.mp4" in message and "larger than" in message
    assert refused_upload_error(request, "other") is None
