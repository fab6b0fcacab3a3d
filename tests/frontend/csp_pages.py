"""Shared by the Content-Security-Policy tests (tests/frontend/test_csp.py and
tests/browser/test_csp.py): a small world with one of everything a page can show, the checks
a response must pass under the policy, and a crawler that follows a role's links.

A page passes when its Content-Security-Policy header allows no inline script or style and
no eval, and its HTML holds nothing the policy would block: no <script> with a body (JSON
data blocks excepted) or <style> without the page's nonce, no style attribute (SVG
included), no on*= or hx-on handler, no javascript: address.
"""

import datetime
from collections import Counter, deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

from django.contrib.auth import get_user_model
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone

from attendance.services import window_open
from certificates.services.issue import certificate_issue
from core.roles import Role
from courses.models import MaterialKind, Questionnaire
from courses.services.materials import material_create
from courses.services.questionnaires import QuestionDraft, questionnaire_create, questionnaire_issue
from exams.services.questions import question_create
from tests.certificates.factories import make_holder, make_type
from tests.courses.factories import (
    CourseFactory,
    EnrollmentFactory,
    ModuleFactory,
    SessionFactory,
    TrainingFactory,
)
from tests.exams.factories import category, every_type_inputs, make_exam, make_paper
from tests.factories import DepartmentFactory, EmployeeFactory

HEADER = "Content-Security-Policy"
UNSAFE = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
# Script elements the browser never runs, so the policy does not apply to them.
DATA_BLOCK_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "hx-get", "hx-post"}

EXAM_TITLE = "Hot work permit exam"


def policy(response) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]} (empty: no header)."""
    directives = {}
    for part in (response.get(HEADER) or "").split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def policy_problems(response) -> list[str]:
    """What is wrong with the header: missing, or letting inline code, eval or other origins
    in for scripts and styles, or missing one of the directives that stop other injections."""
    directives = policy(response)
    if not directives:
        return ["no Content-Security-Policy header"]
    problems = []
    for name in ("script-src", "style-src"):
        sources = directives.get(name, directives.get("default-src"))
        if sources is None:
            problems.append(f"no {name} (and no default-src)")
            continue
        problems += [f"{name} allows {source}" for source in sources if source in UNSAFE]
    for name in ("script-src-attr", "style-src-attr", "script-src-elem", "style-src-elem"):
        problems += [
            f"{name} allows {source}" for source in directives.get(name, []) if source in UNSAFE
        ]
    expected = {
        "default-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
    for name, sources in expected.items():
        if directives.get(name) != sources:
            problems.append(f"{name} is {directives.get(name)}, expected {sources}")
    return problems


def page_nonce(response) -> str | None:
    for source in policy(response).get("script-src", []) + policy(response).get("style-src", []):
        if source.startswith("'nonce-"):
            return source[len("'nonce-") : -1]
    return None


class _PageParser(HTMLParser):
    """Collects what the policy would block, and the links a crawler may follow."""

    def __init__(self, nonce: str | None):
        super().__init__(convert_charrefs=True)
        self.nonce = nonce
        self.problems: list[str] = []
        self.links: list[tuple[str, bool]] = []  # (address, fetched by htmx)
        self._open: str | None = None  # "script" or "style" whose body counts
        self._body = ""

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        for name, value in attrs:
            if name == "style":
                self.problems.append(f"{self._where()}: style attribute on <{tag}>: {value!r}")
            elif name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"{self._where()}: handler {name}= on <{tag}>")
            elif name in URL_ATTRIBUTES and (value or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"{self._where()}: javascript: address in {name}=")
        nonce_ok = self.nonce is not None and values.get("nonce") == self.nonce
        if tag == "script" and not values.get("src"):
            kind = (values.get("type") or "").strip().lower()
            if kind not in DATA_BLOCK_TYPES and not nonce_ok:
                self._open = "script"
        elif tag == "style" and not nonce_ok:
            self._open = "style"
        if tag == "a" and values.get("href"):
            self.links.append((values["href"], False))
        if values.get("hx-get"):
            self.links.append((values["hx-get"], True))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._open = None

    def handle_data(self, data):
        if self._open:
            self._body += data

    def handle_endtag(self, tag):
        if self._open == tag:
            if tag == "style" or self._body.strip():
                snippet = " ".join(self._body.split())[:80]
                self.problems.append(
                    f"{self._where()}: inline <{tag}> without the nonce: {snippet}"
                )
            self._open = None
            self._body = ""


def markup_problems(html: str, nonce: str | None = None) -> list[str]:
    parser = _PageParser(nonce)
    parser.feed(html)
    parser.close()
    return parser.problems


def response_problems(response) -> list[str]:
    """Everything the policy check finds in one HTML response (header and markup)."""
    return policy_problems(response) + markup_problems(
        response.content.decode(), page_nonce(response)
    )


# The crawler -----------------------------------------------------------------------------

SKIP_PREFIXES = ("/static/", "/media/", "/admin/", "/api/", "/i18n/")
SKIP_SUFFIXES = (".xlsx", ".pdf", ".xml", ".svg", ".png", ".jpg", ".docx")
SKIP_PARTS = ("/download/", "/stream/", "/image/", "/photo/", "/logout/")


@dataclass
class Crawl:
    """What a crawl saw: every address fetched with its status, the routes it reached, and
    the problems per address."""

    fetched: dict[str, int] = field(default_factory=dict)
    routes: set[str] = field(default_factory=set)
    problems: dict[str, list[str]] = field(default_factory=dict)

    def check(self, response, address: str) -> None:
        self.fetched[address] = response.status_code
        if response.status_code >= 500:
            self.problems[address] = [f"status {response.status_code}"]
            return
        found = response_problems(response) if _is_html(response) else []
        if found:
            self.problems[address] = found


def _is_html(response) -> bool:
    return response.get("Content-Type", "").startswith("text/html")


def _route(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.route


def _followable(address: str) -> str | None:
    parts = urlsplit(address)
    if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
        return None
    path = parts.path
    if (
        not path.startswith("/")
        or path.startswith(SKIP_PREFIXES)
        or path.endswith(SKIP_SUFFIXES)
        or any(part in path for part in SKIP_PARTS)
    ):
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def crawl(client, starts, *, per_route: int = 2, limit: int = 400, into: Crawl | None = None):
    """Fetch ``starts`` and follow every same-site link and hx-get (with the HX-Request
    header) breadth first, at most ``per_route`` addresses per URL pattern (pages of 200
    trainees look alike), checking each response; redirects are followed once."""
    seen = into or Crawl()
    queue = deque((start, False) for start in starts)
    per = Counter()
    while queue and len(seen.fetched) < limit:
        address, htmx = queue.popleft()
        address = _followable(address)
        if address is None or address in seen.fetched:
            continue
        route = _route(urlsplit(address).path)
        key = (route, htmx)
        if route is not None and per[key] >= per_route:
            continue
        per[key] += 1
        headers = {"HX-Request": "true"} if htmx else {}
        response = client.get(address, headers=headers)
        seen.check(response, address)
        if route is not None and response.status_code == 200:
            seen.routes.add(route)
        if response.status_code in (301, 302, 303) and response.get("Location"):
            queue.append((urljoin(address, response["Location"]), False))
        if response.status_code == 200 and _is_html(response):
            parser = _PageParser(None)
            parser.feed(response.content.decode())
            queue.extend((urljoin(address, link), by_htmx) for link, by_htmx in parser.links)
    return seen


# The world -------------------------------------------------------------------------------


def build_world() -> SimpleNamespace:
    """One of everything the pages show: a department tree three deep, the four roles, a
    course with a module and a link, a training running today with an open sign-in window, a
    questionnaire issued to the trainee, a question bank of every type in nested categories,
    an open exam the trainee may sit, a certificate and a superuser."""
    now = timezone.now()
    today = timezone.localdate()
    works = DepartmentFactory(name="Works")
    furnace = DepartmentFactory(
        name="Blast furnace", parent=DepartmentFactory(name="Ironmaking", parent=works)
    )
    officer = EmployeeFactory(roles=[Role.SAFETY_OFFICER], employee_no="csp-officer")
    hr = EmployeeFactory(roles=[Role.HR], employee_no="csp-hr")
    instructor = EmployeeFactory(roles=[Role.INSTRUCTOR], employee_no="csp-instructor")
    trainee = EmployeeFactory(employee_no="csp-trainee", department=furnace)
    holder = make_holder(employee_no="csp-holder", department=furnace)
    admin = get_user_model().objects.create_superuser("csp-admin", "admin@example.com", "x")

    course = CourseFactory(title="Hot work safety")
    course.instructors.add(instructor)
    module = ModuleFactory(course=course, title="Permits")
    material_create(
        actor=officer.user,
        course=course,
        module=module,
        title="Permit handbook",
        kind=MaterialKind.OTHER,
        url="https://example.com/handbook",
    )
    training = TrainingFactory(
        course=course, title="Hot work training", starts_on=today, ends_on=today
    )
    training.instructors.add(instructor)
    EnrollmentFactory(training=training, employee=trainee)
    session = SessionFactory(
        training=training,
        instructor=instructor,
        topic="Permits in practice",
        starts_at=now - datetime.timedelta(minutes=10),
        ends_at=now + datetime.timedelta(hours=1),
    )
    window_open(actor=instructor.user, session=session)
    template = Questionnaire.objects.filter(is_template=True).first()
    questionnaire = questionnaire_create(
        actor=officer.user,
        training=training,
        title="Hot work feedback",
        template=template,
        questions=[QuestionDraft(kind="text", text="What should change?", required=False)]
        if template is None
        else (),
    )
    questionnaire_issue(actor=officer.user, questionnaire=questionnaire)

    nested = category("Fire/Hot work/Permits")
    questions = [question_create(actor=None, category=nested, data=d) for d in every_type_inputs()]
    exam = make_exam(
        title=EXAM_TITLE,
        paper=make_paper(questions=questions, points=5),
        candidates=[trainee],
        training=training,
    )
    certificate_type = make_type()
    certificate = certificate_issue(
        actor=admin,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=None,
        override_reason="Test data",
    )
    return SimpleNamespace(
        officer=officer,
        hr=hr,
        instructor=instructor,
        trainee=trainee,
        holder=holder,
        admin=admin,
        course=course,
        training=training,
        session=session,
        questionnaire=questionnaire,
        questions=questions,
        exam=exam,
        certificate=certificate,
    )


def starts_for(world, role: str) -> list[str]:
    """Where a crawl as ``role`` begins; the navigation and the pages' links do the rest."""
    common = ["/", "/no-such-page/", reverse("password_change")]
    pages = {
        "officer": [
            reverse("training_detail", args=[world.training.pk]),
            reverse("course_detail", args=[world.course.pk]),
            reverse("session_attendance", args=[world.session.pk]),
            reverse("session_projector", args=[world.session.pk]),
            reverse("session_roll_call", args=[world.session.pk]),
            reverse("proctor_board", args=[world.exam.pk]),
            reverse("exam_statistics", args=[world.exam.pk]),
            reverse("exam_ranking", args=[world.exam.pk]),
            reverse("questionnaire_results", args=[world.questionnaire.pk]),
            reverse("certificate_detail", args=[world.certificate.pk]),
            reverse("question_detail", args=[world.questions[0].pk]),
        ],
        "hr": [reverse("exam_results_index"), reverse("certificate_list")],
        "instructor": [
            reverse("session_attendance", args=[world.session.pk]),
            reverse("session_roll_call", args=[world.session.pk]),
            reverse("session_projector", args=[world.session.pk]),
            reverse("course_detail", args=[world.course.pk]),
            reverse("exam_grading_index"),
        ],
        "trainee": [
            reverse("training_study", args=[world.training.pk]),
            reverse("my_exams"),
            reverse("exam_intro", args=[world.exam.pk]),
            reverse("my_questionnaires"),
            reverse("questionnaire_answer", args=[world.questionnaire.pk]),
            reverse("my_certificates"),
            reverse("session_sign_in", args=[world.session.pk]),
        ],
        "anonymous": [
            reverse("login"),
            reverse("verify_lookup"),
            reverse("verify_token", args=[world.certificate.token]),
            reverse("verify_token", args=["no-such-token"]),
            reverse("session_sign_in"),
        ],
    }
    return common + pages[role]
