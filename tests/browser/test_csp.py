"""Finding 10 of issue 11 in real Chromium: under the Content-Security-Policy the pages work
and the browser reports no violation, and code injected into a page does not run.

Each role walks its main pages on a phone (390x844) and on a desktop (1366x900), with the
websockets live (the attendance hub, the projector, the roll call, the proctor board, the
exam page), htmx searches typed into, and the exam started through its button. An init
script records every ``securitypolicyviolation`` event; console errors and uncaught
exceptions count too. Then a script element and a style attribute injected without the
nonce, an inline handler and an htmx response carrying an inline script are refused.
The admin site and Swagger UI (/api/docs/) are walked the same way.

The world comes from tests/frontend/csp_pages.py (built in a thread of its own, as its
services broadcast); users are signed in by putting a session
cookie made by Django's test client into the browser context.
"""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.browser.conftest import chromium  # noqa: F401 (fixture)
from tests.browser.test_exam_taking_flow import in_own_thread
from tests.browser.test_sign_in_flow import asgi_live_server, role_groups  # noqa: F401
from tests.frontend.csp_pages import build_world

pytestmark = [
    pytest.mark.browser,
    # WhiteNoise hands static files to Django's ASGI handler as a synchronous iterator.
    pytest.mark.filterwarnings("ignore:StreamingHttpResponse must consume synchronous"),
]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1366, "height": 900}

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (event) {
  window.__violations.push(
    event.violatedDirective + " blocked " + (event.blockedURI || "inline") +
    " at " + event.sourceFile + ":" + event.lineNumber + " " + (event.sample || "")
  );
});
"""


class Watched:
    """A browser context signed in as one user, recording what the policy blocked."""

    def __init__(self, browser, base: str, user, viewport):
        self.base = base
        self.context = browser.new_context(viewport=viewport, locale="en-US")
        self.context.set_default_timeout(10_000)
        self.context.add_init_script(RECORD_VIOLATIONS)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
            self.context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": base}]
            )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", self._console)
        self.page.on("pageerror", lambda error: self.errors.append(f"exception: {error}"))
        self.page.on("response", self._response)

    def _console(self, message) -> None:
        # A failed load is reported with its address by _response.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            self.errors.append(f"console: {message.text}")

    def _response(self, response) -> None:
        # Chromium asks for /favicon.ico on its own; the site has none.
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            self.errors.append(f"{response.status} for {response.url}")

    def open(self, path: str) -> None:
        self.errors.clear()
        response = self.page.goto(self.base + path)
        assert response is not None and response.status < 400, (path, response and response.status)
        self.page.wait_for_load_state("load")

    def violations(self) -> list[str]:
        return self.page.evaluate("window.__violations || []")

    def problems(self, path: str) -> list[str]:
        return [f"{path}: {found}" for found in self.violations() + self.errors]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def world(role_groups):  # noqa: F811
    # Opening the sign-in window broadcasts, which may not run on Playwright's loop.
    return in_own_thread(build_world)


@pytest.fixture
def watched(chromium, asgi_live_server):  # noqa: F811
    opened = []

    def open_as(user, viewport):
        one = Watched(chromium, asgi_live_server.url, user, viewport)
        opened.append(one)
        return one

    yield open_as
    for one in opened:
        one.close()


def walk(one: Watched, paths) -> list[str]:
    """Open each page, let its scripts run (and its websocket connect), collect what was
    blocked or failed."""
    from playwright.sync_api import expect

    found = []
    for path in paths:
        one.open(path)
        live = one.page.locator("[data-connection]")
        if live.count():
            expect(live.first).to_have_attribute("data-state", "live")
        found += one.problems(path)
    return found


def officer_pages(world) -> list[str]:
    return [
        "/",
        reverse("employee_list"),
        reverse("department_list"),
        reverse("audit_log"),
        reverse("course_detail", args=[world.course.pk]),
        reverse("training_detail", args=[world.training.pk]),
        reverse("session_attendance", args=[world.session.pk]),
        reverse("session_projector", args=[world.session.pk]),
        reverse("session_roll_call", args=[world.session.pk]),
        reverse("questionnaire_results", args=[world.questionnaire.pk]),
        reverse("question_list"),
        reverse("question_category_list"),
        reverse("question_detail", args=[world.questions[0].pk]),
        reverse("question_edit", args=[world.questions[0].pk]),
        reverse("paper_list"),
        reverse("paper_create"),
        reverse("exam_admin_list"),
        reverse("exam_admin_edit", args=[world.exam.pk]),
        reverse("proctor_board", args=[world.exam.pk]),
        reverse("exam_statistics", args=[world.exam.pk]),
        reverse("certificate_list"),
        reverse("certificate_detail", args=[world.certificate.pk]),
    ]


def trainee_pages(world) -> list[str]:
    return [
        "/",
        reverse("training_list"),
        reverse("training_study", args=[world.training.pk]),
        reverse("my_exams"),
        reverse("exam_intro", args=[world.exam.pk]),
        reverse("my_questionnaires"),
        reverse("questionnaire_answer", args=[world.questionnaire.pk]),
        reverse("my_certificates"),
        reverse("session_sign_in", args=[world.session.pk]),
    ]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_main_pages_run_under_the_policy_without_a_violation(world, watched, viewport):
    from playwright.sync_api import expect

    found = []
    officer = watched(world.officer.user, viewport)
    found += walk(officer, officer_pages(world))

    # htmx under the policy: a typed search swaps the results, a category link the list.
    officer.open(reverse("question_list"))
    with officer.page.expect_response(lambda r: "/bank/" in r.url and "q=fire" in r.url):
        officer.page.locator("form.filters input[name=q]").fill("fire")
    with officer.page.expect_response(lambda r: "category=" in r.url):
        officer.page.locator("#category-tree li a").nth(1).click()
    expect(officer.page.locator("#question-results")).to_contain_text("question")
    officer.open(reverse("exam_admin_edit", args=[world.exam.pk]))
    # The people filter is a static script now: its box appears and filters.
    expect(officer.page.get_by_role("searchbox", name="Search people")).to_be_visible()
    found += officer.problems("htmx and scripts")

    for role, pages in [
        ("hr", [reverse("exam_results_index"), reverse("certificate_list"), "/"]),
        (
            "instructor",
            [
                "/",
                reverse("session_attendance", args=[world.session.pk]),
                reverse("session_roll_call", args=[world.session.pk]),
                reverse("course_detail", args=[world.course.pk]),
            ],
        ),
        ("trainee", trainee_pages(world)),
    ]:
        found += walk(watched(getattr(world, role).user, viewport), pages)

    anonymous = watched(None, viewport)
    found += walk(
        anonymous,
        [
            reverse("login"),
            reverse("verify_lookup"),
            reverse("verify_token", args=[world.certificate.token]),
        ],
    )

    # The exam page, started through its button: exam.js, the clock and the socket.
    trainee = watched(world.trainee.user, viewport)
    trainee.open(reverse("exam_intro", args=[world.exam.pk]))
    trainee.page.get_by_role("button", name="Start the exam").click()
    trainee.page.wait_for_url("**/attempts/*/")
    trainee.page.wait_for_load_state("load")
    trainee.page.locator("input[type=radio]").first.check()
    trainee.page.wait_for_timeout(500)
    found += trainee.problems("the exam page")
    assert not found, "\n".join(found)


def test_code_injected_into_a_page_does_not_run(world, watched):
    """What an escaping bug would let in: a script element, an inline handler, a style
    attribute, and an inline script in an htmx response. None runs or applies."""
    officer = watched(world.officer.user, DESKTOP)
    officer.open(reverse("question_list"))
    page = officer.page
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.__ran = 'script'";
          document.body.appendChild(script);
          const box = document.createElement("div");
          box.id = "injected";
          box.innerHTML = '<img src="data:," onerror="window.__ran = \\'handler\\'">' +
            '<p style="color: rgb(255, 0, 0)">red?</p>';
          document.body.appendChild(box);
        }"""
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    assert (
        page.evaluate("getComputedStyle(document.querySelector('#injected p')).color")
        != "rgb(255, 0, 0)"
    )
    blocked = " ".join(officer.violations())
    assert "script-src" in blocked and "style-src" in blocked, blocked

    # An htmx swap of a response with an inline script (as a stored payload would give).
    page.route(
        "**/bank/?q=payload*",
        lambda route: route.fulfill(
            status=200,
            content_type="text/html",
            body="<p id='swapped'>swapped</p><script>window.__ran = 'htmx'</script>",
        ),
    )
    page.evaluate("htmx.ajax('GET', '/bank/?q=payload', '#question-results')")
    page.locator("#swapped").wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__ran") is None
    # htmx's indicator style is not injected (it would be blocked): app.css carries it.
    assert page.evaluate("document.querySelectorAll('style').length") == 0


def test_admin_site_and_api_docs_work_under_their_policy(world, watched):
    """The admin site runs under the site's policy with nothing blocked. Swagger UI runs
    under it too: its start script is a file of its own and its one <style> element is
    allowed by hash on that view alone (config/api_docs.py). DRF's browsable API keeps the
    strict policy and only loses its inline code-highlighting colours."""
    from playwright.sync_api import expect

    admin = watched(world.admin, DESKTOP)
    found = walk(
        admin,
        [
            "/admin/",
            "/admin/people/employee/",
            f"/admin/people/employee/{world.trainee.pk}/change/",
            f"/admin/courses/session/{world.session.pk}/change/",
            "/admin/auth/group/add/",
        ],
    )
    admin.page.get_by_label("Name").fill("Fire wardens")
    admin.page.get_by_role("button", name="Save", exact=True).click()
    expect(admin.page.locator(".messagelist")).to_contain_text("Fire wardens")
    found += admin.problems("/admin/auth/group/add/ saved")

    admin.open("/api/docs/")
    expect(admin.page.locator(".swagger-ui .info .title")).to_contain_text("Safety training")
    expect(admin.page.locator(".opblock").first).to_be_visible()
    found += admin.problems("/api/docs/")
    assert not found, "\n".join(found)

    admin.open("/api/v1/ping/")
    expect(admin.page.locator(".response-info")).to_contain_text("HTTP 200")
    blocked = admin.violations()
    assert all(line.startswith("style-src") for line in blocked), blocked
