"""Finding 10 of issue 11: a Content-Security-Policy on every page, strict enough that an
injected inline script or style would not run, and pages that need nothing the policy
blocks.

Each role's crawl starts from a few pages and follows every link and hx-get (htmx partials
with the HX-Request header) of the pages it reaches; every HTML response must carry the
policy and hold no inline script or style, style attribute, handler attribute or
javascript: address (tests/frontend/csp_pages.py). The trainee also starts the exam, opens
it, hands it in and sees the result. The template and static-script scans catch what no
crawl reaches.
"""

import base64
import hashlib
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from exams import charts
from exams.selectors.statistics import HistogramBin
from tests.frontend.csp_pages import (
    Crawl,
    build_world,
    crawl,
    markup_problems,
    policy,
    policy_problems,
    response_problems,
    starts_for,
)

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Routes each role's crawl must reach at least, so a crawl that got stuck cannot pass.
MUST_REACH = {
    "officer": {
        "",
        "people/employees/",
        "people/departments/",
        "audit/",
        "courses/",
        "courses/<int:pk>/",
        "trainings/",
        "trainings/<int:pk>/",
        "sessions/<int:pk>/attendance/",
        "sessions/<int:pk>/projector/",
        "sessions/<int:pk>/roll-call/",
        "questionnaires/<int:pk>/results/",
        "bank/",
        "bank/categories/",
        "bank/questions/<int:pk>/",
        "bank/questions/<int:pk>/edit/",
        "papers/",
        "papers/<int:pk>/preview/",
        "exam-admin/",
        "exam-admin/new/",
        "exam-admin/<int:pk>/edit/",
        "exam-admin/<int:pk>/proctor/",
        "exams/<int:pk>/statistics/",
        "exams/<int:pk>/ranking/",
        "results/",
        "certificates/",
        "certificates/<int:pk>/",
        "certificates/compliance/",
    },
    "hr": {"", "results/", "certificates/", "trainings/"},
    "instructor": {
        "",
        "courses/<int:pk>/",
        "sessions/<int:pk>/attendance/",
        "sessions/<int:pk>/roll-call/",
        "exam-admin/grading/",
    },
    "trainee": {
        "",
        "trainings/<int:pk>/study/",
        "exams/",
        "exams/<int:pk>/",
        "questionnaires/mine/",
        "questionnaires/<int:pk>/answer/",
        "my/certificates/",
        "sign-in/<int:session_id>/",
    },
    "anonymous": {"accounts/login/", "verify/", "verify/<str:token>/"},
}


@pytest.fixture
def world():
    return build_world()


def client_as(world, role: str) -> Client:
    client = Client(raise_request_exception=False)
    if role == "admin":
        client.force_login(world.admin)
    elif role != "anonymous":
        client.force_login(getattr(world, role).user)
    return client


def _report(seen: Crawl) -> str:
    return "\n".join(
        f"{address}: {problem}" for address, found in seen.problems.items() for problem in found
    )


@pytest.mark.parametrize("role", ["officer", "hr", "instructor", "trainee", "anonymous"])
def test_every_page_a_role_reaches_is_under_the_policy_with_nothing_inline(world, role):
    client = client_as(world, role)
    seen = crawl(client, starts_for(world, role))
    assert not seen.problems, _report(seen)
    missing = MUST_REACH[role] - seen.routes
    assert not missing, f"the crawl did not reach {sorted(missing)}"


def test_the_exam_from_start_to_result_is_under_the_policy(world):
    """The exam page, the hand-in page and the result, which no link reaches (a start and a
    hand-in are posts)."""
    client = client_as(world, "trainee")
    seen = Crawl()
    started = client.post(reverse("exam_intro", args=[world.exam.pk]))
    assert started.status_code == 302, started.content.decode()[:500]
    attempt = started["Location"]
    assert re.fullmatch(r"/attempts/\d+/", attempt), attempt
    for address in [attempt, f"{attempt}hand-in/"]:
        seen.check(client.get(address), address)
        assert seen.fetched[address] == 200
    handed_in = client.post(f"{attempt}hand-in/")
    assert handed_in.status_code == 302
    crawl(client, [handed_in["Location"], reverse("my_exams")], into=seen)
    assert f"{attempt}result/" in seen.fetched
    assert not seen.problems, _report(seen)

    officer = client_as(world, "officer")
    crawl(
        officer,
        [
            reverse("exam_admin_attempts", args=[world.exam.pk]),
            reverse("exam_statistics", args=[world.exam.pk]),
            reverse("proctor_board", args=[world.exam.pk]),
            reverse("exam_grading", args=[world.exam.pk]),
        ],
        into=seen,
    )
    assert not seen.problems, _report(seen)


def test_htmx_partials_posted_to_are_under_the_policy(world):
    """The partials htmx posts for (the question check, the paper builder's search and
    figures) carry no inline script either: htmx would not run it, and the policy would
    refuse it."""
    client = client_as(world, "officer")
    for name, data in [
        ("question_validate", {"type": "single", "stem": "<script>alert(1)</script>"}),
        ("paper_builder_search", {"q": "fire"}),
        ("paper_builder_figures", {}),
    ]:
        response = client.post(reverse(name), data, headers={"HX-Request": "true"})
        assert response.status_code == 200, (name, response.status_code)
        assert not response_problems(response), (name, response_problems(response))


def test_the_policy_header_itself():
    response = Client().get(reverse("login"))
    directives = policy(response)
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["connect-src"] == ["'self'"]
    assert not policy_problems(response)


def test_the_checks_catch_what_the_policy_blocks():
    """The markup check itself: each kind of inline code is found, data blocks are not."""
    bad = {
        "<script>alert(1)</script>": "inline <script>",
        "<style>p { color: red }</style>": "inline <style>",
        '<p style="color: red">x</p>': "style attribute",
        '<svg><rect style="fill: red"/></svg>': "style attribute",
        '<button onclick="go()">x</button>': "handler onclick=",
        '<div hx-on:click="go()">x</div>': "handler hx-on:click=",
        '<a href="javascript:go()">x</a>': "javascript: address",
    }
    for html, expected in bad.items():
        found = markup_problems(html)
        assert found and expected in found[0], (html, found)
    good = (
        '<script type="application/json" id="x">{"a": 1}</script>'
        '<script src="/static/frontend/app.js" defer></script>'
        '<script nonce="abc">ok()</script>'
        '<svg><rect width="5" height="1" fill="#fff"/></svg>'
    )
    assert markup_problems(good, nonce="abc") == []


def test_admin_site_is_under_the_policy(world):
    """The admin site keeps the strict policy: Django's admin has no inline script, and its
    one <style> element (a change list without actions) is not shown by our models."""
    client = client_as(world, "admin")
    seen = Crawl()
    for address in [
        "/admin/",
        "/admin/people/employee/",
        "/admin/auth/group/add/",
        f"/admin/people/employee/{world.trainee.pk}/change/",
        "/admin/courses/session/",
        f"/admin/courses/session/{world.session.pk}/change/",
        "/admin/auth/group/",
    ]:
        response = client.get(address)
        seen.check(response, address)
        assert response.status_code == 200, address
    assert not seen.problems, _report(seen)


def test_api_docs_allow_only_their_own_style_element(world):
    """Swagger UI is drf-spectacular's split view: its start script is a request of its own
    (script-src stays 'self'), and its page's one <style> element is allowed by its hash on
    this view only (config/api_docs.py), never 'unsafe-inline'."""
    client = client_as(world, "officer")
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert not policy_problems(page)
    directives = policy(page)
    assert directives["script-src"] == ["'self'"]
    [style_hash] = [s for s in directives["style-src"] if s.startswith("'sha256-")]
    html = page.content.decode()
    [body] = re.findall(r"<style>(.*?)</style>", html, re.S)
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    assert style_hash == f"'sha256-{digest}'"
    assert re.search(r'<script src="[^"]*\?script=', html)
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    # Every other page keeps style-src 'self' alone.
    assert policy(client.get("/"))["style-src"] == ["'self'"]


# Scans of the source: what no crawl reaches --------------------------------------------

TEMPLATE_DIRS = [
    path for path in ROOT.glob("*/templates") if path.is_dir() and ".venv" not in path.parts
]
INLINE = re.compile(
    r"""style\s*=|<style|\son[a-z]+\s*=|hx-on|javascript:|<script(?![^>]*\bsrc=)[^>]*>""",
    re.I,
)


def test_no_template_has_inline_script_style_or_handlers():
    found = []
    for directory in TEMPLATE_DIRS:
        for path in directory.rglob("*.html"):
            # Template comments may talk about the policy; they never reach the browser.
            text = re.sub(r"\{#.*?#\}", "", path.read_text(), flags=re.S)
            for number, line in enumerate(text.splitlines(), start=1):
                if INLINE.search(line):
                    found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert TEMPLATE_DIRS and not found, "\n".join(found)


def test_static_scripts_set_no_style_attribute_and_evaluate_no_code():
    """element.style.x = ... goes through the CSSOM and is allowed; a style attribute set
    with setAttribute, HTML with inline styles or handlers, and eval are not."""
    banned = re.compile(
        r"""setAttribute\(\s*["']style|setAttribute\(\s*["']on|\.cssText|\beval\(|new Function\(|"""
        r"""style=|\son[a-z]+=|javascript:""",
        re.I,
    )
    found = []
    for path in (ROOT / "frontend/static/frontend").glob("*.js"):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if banned.search(line) and not line.strip().startswith("//"):
                found.append(f"{path.name}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_server_drawn_charts_have_no_style_attribute():
    svg = charts.score_histogram_svg(
        [HistogramBin(0, 50, 2), HistogramBin(50, 100, 3)], pass_score=60, max_score=100
    )
    assert markup_problems(svg) == []
    assert 'class="chart"' in svg and 'width="640"' in svg
