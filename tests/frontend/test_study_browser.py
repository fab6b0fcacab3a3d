"""The study page in a real browser: the video player reports playback to the progress API
(with the CSRF token) and the module-done toggle updates in place through htmx."""

import pytest
from django.contrib.auth.models import Group

from core.roles import Role
from courses.models import MaterialProgress, ModuleCompletion
from courses.services import materials as material_services
from tests.browser.conftest import chromium, phone_page  # noqa: F401 (fixtures)
from tests.courses.factories import CourseFactory, EnrollmentFactory, ModuleFactory, TrainingFactory
from tests.courses.test_filetypes import MP4, upload
from tests.factories import PASSWORD, EmployeeFactory

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def role_groups(transactional_db):
    """The role groups come from a data migration, and a live-server test before this one
    may have flushed them: make sure they exist."""
    for name in Role.values:
        Group.objects.get_or_create(name=name)


def test_video_progress_and_done_toggle(live_server, role_groups, phone_page):  # noqa: F811
    from playwright.sync_api import expect

    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR])
    trainee = EmployeeFactory(roles=[Role.TRAINEE], employee_no="T100", name="彭建军")
    course = CourseFactory(title="Safety production knowledge")
    module = ModuleFactory(course=course, title="Accident case analysis", position=1)
    video = material_services.material_create(
        actor=instructor.user,
        course=course,
        module=module,
        title="Crane accident",
        kind="video",
        upload=upload("crane.mp4", MP4),
    )
    training = TrainingFactory(course=course)
    enrollment = EnrollmentFactory(training=training, employee=trainee)

    page = phone_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "T100")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.goto(f"{live_server.url}/trainings/{training.pk}/study/")
    status = page.locator(f"#progress-{video.pk}")
    assert "Not opened yet" in status.inner_text()

    # The sample is no playable video, so the player's events are raised by hand.
    page.evaluate("document.querySelector('video').dispatchEvent(new Event('play'))")
    # expect() polls from outside the page: a wait_for_function string would be eval'd in
    # it, which the Content-Security-Policy refuses.
    expect(status).to_contain_text("Opened just now")
    page.evaluate("document.querySelector('video').dispatchEvent(new Event('ended'))")
    expect(status).to_contain_text("Watched")
    progress = MaterialProgress.objects.get(enrollment=enrollment, material=video)
    assert progress.times_opened == 1
    assert progress.completed_at is not None

    page.click(f"#module-done-{module.pk} button")
    page.wait_for_selector(f"#module-done-{module.pk} >> text=Mark as not done")
    assert "1 of 1 module marked done." in page.inner_text("#study-summary")
    assert ModuleCompletion.objects.filter(enrollment=enrollment, module=module).exists()
