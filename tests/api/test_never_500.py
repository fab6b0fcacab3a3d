"""Input that used to answer 500 (issue 11, finding 8) now gets a clear 400, and what used to
crash renders: deeply nested JSON, a NUL character in a body, a query string or a page's
address, OPTIONS on views without a queryset, a multipart body Django refuses to read, an
address under /api/ that matches no route, and the demo course page for the staff."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db.models import Q
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.test import APIClient

from core.roles import Role
from courses.models import Course, Module, TrainingAudience
from courses.selectors.materials import course_access_for_user
from tests.courses.factories import EnrollmentFactory, ModuleFactory, TrainingFactory
from tests.exams.factories import make_exam
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def post_json(client, url, raw: str, method: str = "post"):
    return getattr(client, method)(url, data=raw, content_type="application/json")


# Deeply nested JSON -------------------------------------------------------------------------


def test_deeply_nested_json_on_the_anonymous_token_endpoint_is_a_400(anon_api):
    response = post_json(anon_api, "/api/v1/auth/token/", "[" * 4096)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


@pytest.mark.parametrize("depth", [4096, 100])
def test_deeply_nested_json_on_an_endpoint_is_a_400_and_writes_nothing(officer_api, depth):
    # 4096 levels made the parser itself recurse too deep; 100 levels parse, and are refused
    # all the same, before any view handles them.
    body = '{"title": "Fire drill", "description": ' + "[" * depth + "]" * depth + "}"
    response = post_json(officer_api, "/api/v1/courses/", body)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    assert not Course.objects.exists()


def test_json_nested_a_few_levels_is_still_read(officer_api):
    exam = make_exam(candidates=[EmployeeFactory()])
    bands = [[90, 10], [60, 5]]
    response = officer_api.patch(
        f"/api/v1/exams/{exam.pk}/", {"performance_bands": bands}, format="json"
    )
    assert response.status_code == 200, response.content


# A NUL character ----------------------------------------------------------------------------


def test_a_nul_in_a_json_string_is_refused_before_anything_is_written(officer_api):
    training = TrainingFactory()
    url = f"/api/v1/trainings/{training.pk}/audience/"
    for body in ('[{"position": "Welder\\u0000"}]', '[{"posi\\u0000tion": "Welder"}]'):
        response = post_json(officer_api, url, body, method="put")
        assert response.status_code == 400, body
        assert response.json() == {"detail": "Null characters are not allowed."}
    assert not TrainingAudience.objects.exists()


def test_a_nul_in_a_form_body_is_refused(officer_api):
    response = officer_api.post("/api/v1/courses/", {"title": "Fire\x00drill"}, format="multipart")
    assert response.status_code == 400
    assert response.json() == {"detail": "Null characters are not allowed."}
    assert not Course.objects.exists()


def test_a_nul_in_a_saved_answer_is_a_400_and_keeps_the_answer(trainee, trainee_api):
    # On PostgreSQL this was a DataError (500) as the answer was written.
    exam = make_exam(candidates=[trainee])
    started = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/")
    assert started.status_code == 201, started.content
    attempt = started.json()
    short = next(q for q in attempt["questions"] if q["type"] == "short_answer")
    url = f"/api/v1/attempts/{attempt['id']}/answers/{short['id']}/"
    assert trainee_api.put(url, {"text": "Ventilate first"}, format="json").status_code == 200
    response = post_json(trainee_api, url, '{"text": "Ventilate\\u0000 first"}', method="put")
    assert response.status_code == 400, response.content
    assert isinstance(response.json(), dict)
    resumed = trainee_api.get(f"/api/v1/attempts/{attempt['id']}/").json()
    saved = next(q for q in resumed["questions"] if q["id"] == short["id"])
    assert saved["answer"]["text"] == "Ventilate first"


def test_deeply_nested_json_in_a_saved_answer_is_a_400(trainee, trainee_api):
    exam = make_exam(candidates=[trainee])
    attempt = trainee_api.post(f"/api/v1/exams/{exam.pk}/attempts/").json()
    question = attempt["questions"][0]["id"]
    url = f"/api/v1/attempts/{attempt['id']}/answers/{question}/"
    response = post_json(trainee_api, url, '{"selected": ' + "[" * 4096 + "}", method="put")
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]


def test_a_nul_in_the_public_verification_query_is_a_400(anon_api):
    # PostgreSQL: a DataError (500) as the number was looked up.
    response = anon_api.get("/api/v1/verify/", {"number": "A\x00", "name": "张大伟"})
    assert response.status_code == 400
    assert response.json() == {"detail": "Null characters are not allowed."}


def test_a_nul_in_a_page_address_query_or_form_is_a_400_page(client, officer_client):
    for response in (
        client.get("/verify/abc%00def/"),  # a certificate token: a DataError on PostgreSQL
        officer_client.get("/people/employees/", {"q": "Li\x00"}),
        client.post("/accounts/login/", {"username": "officer\x00", "password": "x"}),
    ):
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/html")
        assert "Null characters are not allowed." in response.content.decode()


# OPTIONS ------------------------------------------------------------------------------------


def api_routes() -> list[str]:
    """Every route under /api/v1/, with 1 for each of its parameters."""
    routes = []

    def walk(patterns, prefix):
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, route)
            elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
                route = re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>[^)]*\)", "1", route)
                routes.append("/" + route.replace("^", "").replace("$", "").replace("\\.", "."))

    walk(get_resolver().url_patterns, "")
    return sorted(set(routes))


def test_options_on_a_module_answers_with_its_fields(officer_api):
    module = ModuleFactory()
    response = officer_api.options(f"/api/v1/modules/{module.pk}/")
    assert response.status_code == 200
    assert "title" in response.json()["actions"]["PUT"]


@pytest.mark.parametrize("role", [Role.SAFETY_OFFICER, Role.TRAINEE])
def test_options_never_fails_on_any_api_route(role):
    ModuleFactory()
    EnrollmentFactory(training=TrainingFactory())
    client = APIClient()
    client.force_authenticate(EmployeeFactory(roles=[role]).user)
    routes = api_routes()
    assert len(routes) > 100
    for route in routes:
        response = client.options(route)
        assert response.status_code < 500, route


# Multipart bodies ---------------------------------------------------------------------------

UPLOADS = [
    "/api/v1/courses/{course}/materials/",
    "/api/v1/materials/{material}/versions/",
    "/api/v1/questions/import/",
]


@pytest.fixture
def upload_urls(officer_api):
    course = ModuleFactory().course
    created = officer_api.post(
        f"/api/v1/courses/{course.pk}/materials/",
        {"url": "https://example.com/a", "title": "Handbook"},
    )
    assert created.status_code == 201, created.content
    return [u.format(course=course.pk, material=created.json()["id"]) for u in UPLOADS]


def test_an_empty_multipart_body_gets_a_json_400_naming_the_file(officer_api, upload_urls):
    for url in upload_urls:
        for content_type in ("multipart/form-data; boundary=x", "multipart/form-data"):
            response = officer_api.post(url, data=b"", content_type=content_type)
            assert response.status_code == 400, (url, content_type)
            assert "file" in response.json(), (url, response.content)


def test_a_multipart_body_django_refuses_to_read_gets_a_json_400(officer_api, settings):
    # Before: Django's own bare "Bad Request (400)" page, no JSON.
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = (
        '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\n' + "v" * 2000 + "\r\n--x--\r\n"
    )
    response = officer_api.post(
        "/api/v1/courses/", data=body.encode(), content_type="multipart/form-data; boundary=x"
    )
    assert response.status_code == 400
    assert response.json() == {
        "detail": "The request is larger than 1000\xa0bytes, the most accepted."
    }


# Unknown addresses under /api/ --------------------------------------------------------------


def test_an_api_address_matching_no_route_is_a_json_404(officer_api):
    for url in ("/api/v1/modules/abc/", "/api/v1/modules/-1/", "/api/v1/no-such-thing/"):
        response = officer_api.get(url)
        assert response.status_code == 404, url
        assert response.json() == {"detail": "Not found."}


def test_a_page_address_matching_no_route_is_still_the_404_page(officer_client):
    response = officer_client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


# The demo course page -----------------------------------------------------------------------


def test_the_demo_course_page_renders_for_every_staff_member(settings):
    # A seeded material version has no uploader; the page read the uploader's name from it.
    settings.DEBUG = True  # seed_demo refuses to run with DEBUG off unless forced
    call_command("seed_demo", stdout=StringIO(), stderr=StringIO())
    settings.DEBUG = False
    course = Course.objects.get()  # /courses/1/ in a fresh database
    assert Module.objects.filter(course=course, materials__versions__uploaded_by=None).exists()
    User = get_user_model()
    staff = User.objects.filter(
        Q(groups__name__in=[Role.SAFETY_OFFICER, Role.INSTRUCTOR, Role.HR]) | Q(is_superuser=True)
    ).distinct()
    rendered = []
    for user in staff:
        client = Client()
        client.force_login(user)
        response = client.get(f"/courses/{course.pk}/")
        if course_access_for_user(user=user, course=course).teaches:
            assert response.status_code == 200, user.username
            rendered.append(user.username)
        else:  # HR, and instructors who teach none of its trainings
            assert response.status_code in (403, 404), user.username
    assert {"officer", "admin", "instructor1"} <= set(rendered)
