"""Issue 11, finding 7: a password set by someone else (a roster import, an officer's reset)
must be changed before the API does anything else, as the pages already insist."""

import re

import pytest
from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from rest_framework.views import APIView

from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.live import LiveGroupConsumer, group_name
from core.models import AuditEntry
from people.api.authentication import (
    PasswordChangeAwareSessionAuthentication,
    PasswordChangeAwareTokenAuthentication,
)
from people.models import Employee
from tests.factories import PASSWORD, EmployeeFactory
from tests.live import live_socket, refused_code

pytestmark = pytest.mark.django_db

INITIAL = "Shared-start-2026"
NEW = "Mine-and-only-mine-77"
CODE = "password_change_required"
# What a caller with a pending change may still use: getting a token, reading who they are,
# changing the password; the public verification authenticates nobody.
ALLOWED = {"/api/v1/auth/token/", "/api/v1/me/", "/api/v1/me/password/", "/api/v1/verify/"}


def import_roster(officer_api, *rows):
    header = ["Employee number", "Name", "Department", "Roles", "Initial password"]
    data = build_xlsx(sheet_title="Roster", header=header, rows=list(rows))
    upload = SimpleUploadedFile("roster.xlsx", data, content_type=XLSX_CONTENT_TYPE)
    response = officer_api.post("/api/v1/employees/import/", {"file": upload}, format="multipart")
    assert response.status_code == 200, response.content


def token_for(username: str, password: str, address: str = "10.9.0.1") -> str:
    response = APIClient().post(
        "/api/v1/auth/token/",
        {"username": username, "password": password},
        format="json",
        REMOTE_ADDR=address,
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def token_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def api_paths() -> list[str]:
    """Every API address the project routes, with "1" for each path parameter."""
    paths = []

    def walk(patterns, prefix):
        for entry in patterns:
            pattern = str(entry.pattern).lstrip("^").rstrip("$").replace("\\Z", "")
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + pattern)
            elif isinstance(entry, URLPattern):
                path = prefix + pattern
                path = re.sub(r"<[^>]+>", "1", path)
                path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path)
                path = path.replace("\\.", ".").replace("/?", "/")
                if path.startswith("api/") and "(" not in path and "format" not in path:
                    paths.append("/" + path)

    walk(get_resolver().url_patterns, "")
    return sorted(set(paths))


def assert_refused(response, path):
    assert response.status_code == 403, (path, response.status_code, response.content[:200])
    if "/api/v1/" not in path:
        return  # the schema and its browsable docs: refused in their own formats
    assert response["Content-Type"] == "application/json", (path, response.content[:200])
    body = response.json()
    assert body["code"] == CODE, path
    assert "password" in body["detail"], path


@pytest.fixture
def imported(officer_api, department):
    """An employee created by a roster import with the shared initial password."""
    import_roster(officer_api, ["R1001", "赵新人", department.path, "trainee", INITIAL])
    employee = Employee.objects.get(employee_no="R1001")
    assert employee.must_change_password
    return employee


def test_the_token_is_issued_but_every_other_endpoint_answers_403_with_the_code(imported):
    key = token_for("R1001", INITIAL)
    client = token_client(key)
    paths = api_paths()
    assert len(paths) > 40  # the walk found the API, not nothing
    for path in paths:
        if path in ALLOWED:
            continue
        for method in ("get", "post", "put", "patch", "delete"):
            assert_refused(getattr(client, method)(path, {}, format="json"), f"{method} {path}")
    me = client.get("/api/v1/me/")
    assert me.status_code == 200 and me.json()["must_change_password"] is True


def test_changing_the_password_clears_the_mark_and_everything_works(imported):
    old_key = token_for("R1001", INITIAL)
    client = token_client(old_key)
    assert_refused(client.get("/api/v1/exams/"), "exams")

    response = client.post(
        "/api/v1/me/password/",
        {"old_password": INITIAL, "new_password": NEW},
        format="json",
    )
    assert response.status_code == 200, response.content
    new_key = response.json()["token"]
    assert new_key and new_key != old_key
    imported.refresh_from_db()
    assert imported.must_change_password is False
    assert imported.user.check_password(NEW)
    entry = AuditEntry.objects.get(action="employee.password_changed")
    assert entry.actor == imported.user and entry.target_id == str(imported.pk)
    assert entry.before == {"must_change_password": True}
    assert NEW not in str(entry.after) and INITIAL not in str(entry.after)

    # The token issued under the shared password (anyone who knew it may hold it) is gone.
    assert client.get("/api/v1/exams/").status_code == 401
    fresh = token_client(new_key)
    for path in ("/api/v1/exams/", "/api/v1/certificates/", "/api/v1/ping/"):
        assert fresh.get(path).status_code == 200, path
    assert fresh.get("/api/v1/me/").json()["must_change_password"] is False
    # The new password signs in; the old one no longer does.
    assert token_for("R1001", NEW) == new_key
    refused = APIClient().post(
        "/api/v1/auth/token/", {"username": "R1001", "password": INITIAL}, format="json"
    )
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"old_password": "not-it-at-all", "new_password": NEW}, "old_password"),
        ({"old_password": INITIAL, "new_password": "12345678"}, "new_password"),  # all digits
        ({"old_password": INITIAL, "new_password": "password"}, "new_password"),  # common
        ({"old_password": INITIAL, "new_password": "Ab1!"}, "new_password"),  # too short
        ({"old_password": INITIAL, "new_password": INITIAL}, "new_password"),  # the same
        ({"old_password": INITIAL}, "new_password"),
        ({"new_password": NEW}, "old_password"),
    ],
)
def test_a_wrong_old_or_a_weak_new_password_is_400_and_changes_nothing(imported, body, field):
    client = token_client(token_for("R1001", INITIAL))
    response = client.post("/api/v1/me/password/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    imported.refresh_from_db()
    assert imported.must_change_password is True
    assert imported.user.check_password(INITIAL)
    assert not AuditEntry.objects.filter(action="employee.password_changed").exists()
    assert_refused(client.get("/api/v1/exams/"), "exams")


def test_wrong_old_passwords_count_like_failed_sign_ins(imported, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = token_client(token_for("R1001", INITIAL, address="10.9.0.7"))
    wrong = {"old_password": "guess", "new_password": NEW}
    for _attempt in range(3):
        response = client.post("/api/v1/me/password/", wrong, format="json", REMOTE_ADDR="10.9.0.7")
        assert response.status_code == 400
    right = {"old_password": INITIAL, "new_password": NEW}
    blocked = client.post("/api/v1/me/password/", right, format="json", REMOTE_ADDR="10.9.0.7")
    assert blocked.status_code == 429 and "Retry-After" in blocked
    imported.refresh_from_db()
    assert imported.must_change_password is True


def test_an_officers_reset_marks_the_employee_and_ends_their_tokens(officer_api, trainee):
    key = token_for(trainee.user.username, PASSWORD)
    assert token_client(key).get("/api/v1/exams/").status_code == 200
    response = officer_api.post(
        f"/api/v1/employees/{trainee.pk}/password/", {"password": INITIAL}, format="json"
    )
    assert response.status_code == 204
    assert token_client(key).get("/api/v1/exams/").status_code == 401
    again = token_client(token_for(trainee.user.username, INITIAL))
    assert_refused(again.get("/api/v1/exams/"), "exams")


def test_a_session_is_refused_too_and_stays_signed_in_after_the_change(imported):
    browser = Client()
    login = browser.post(
        "/accounts/login/", {"username": "R1001", "password": INITIAL}, REMOTE_ADDR="10.9.0.2"
    )
    assert login.status_code == 302
    assert_refused(browser.get("/api/v1/exams/"), "exams")
    assert browser.get("/api/v1/me/").json()["must_change_password"] is True
    response = browser.post(
        "/api/v1/me/password/",
        {"old_password": INITIAL, "new_password": NEW},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["token"] is None
    assert browser.get("/api/v1/exams/").status_code == 200
    # The pages let the user through as well: the same mark.
    assert browser.get("/").status_code == 200


def test_a_session_signed_in_without_the_login_page_is_checked_too(imported):
    browser = Client()
    browser.force_login(imported.user)  # e.g. the admin's login page
    assert_refused(browser.get("/api/v1/ping/"), "ping")
    assert_refused(browser.get("/api/v1/ping/"), "ping")  # remembered, still refused


def test_the_page_change_clears_the_api_refusal_and_the_old_tokens(imported):
    key = token_for("R1001", INITIAL)
    browser = Client()
    browser.force_login(imported.user)
    response = browser.post(
        "/accounts/password/",
        {"old_password": INITIAL, "new_password1": NEW, "new_password2": NEW},
    )
    assert response.status_code == 302, response.content[:500]
    assert browser.get("/api/v1/exams/").status_code == 200
    assert token_client(key).get("/api/v1/exams/").status_code == 401
    assert AuditEntry.objects.filter(action="employee.password_changed").count() == 1


def test_an_employee_without_a_pending_change_is_not_affected(trainee):
    client = token_client(token_for(trainee.user.username, PASSWORD))
    assert client.get("/api/v1/exams/").status_code == 200
    assert client.get("/api/v1/me/").json()["must_change_password"] is False


def test_anonymous_password_change_is_401(anon_api):
    response = anon_api.post(
        "/api/v1/me/password/", {"old_password": "a", "new_password": NEW}, format="json"
    )
    assert response.status_code == 401


def test_every_api_view_authenticates_through_the_password_check():
    """The refusal lives in the authentication classes: a view that named its own would
    escape it. Only the public verification may authenticate nobody."""
    aware = (PasswordChangeAwareTokenAuthentication, PasswordChangeAwareSessionAuthentication)
    seen = 0

    def walk(patterns):
        nonlocal seen
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns)
                continue
            view = getattr(entry.callback, "cls", None)
            if view is None or not issubclass(view, APIView):
                continue
            seen += 1
            classes = list(view.authentication_classes)
            if not classes:
                assert view.__module__ == "certificates.api.verify", view
                continue
            assert all(issubclass(c, aware) for c in classes), view

    walk(get_resolver().url_patterns)
    assert seen > 40


def test_the_password_endpoint_is_in_the_schema(client):
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/me/password/"]["post"]
    assert {"200", "400", "401"} <= set(operation["responses"])
    body = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    fields = schema["components"]["schemas"][body.rsplit("/", 1)[1]]["properties"]
    assert set(fields) == {"old_password", "new_password"}
    assert "cookieAuth" in schema["components"]["securitySchemes"]


class Board(LiveGroupConsumer):
    async def get_groups(self):
        return [group_name("board", "x")]


@pytest.mark.django_db(transaction=True)
async def test_live_pages_refuse_a_user_with_a_pending_change():
    employee = await sync_to_async(EmployeeFactory)()
    user = await sync_to_async(get_user_model().objects.get)(pk=employee.user_id)
    async with live_socket(Board.as_asgi(), "/ws/board/", user):
        pass
    await sync_to_async(Employee.objects.filter(pk=employee.pk).update)(must_change_password=True)
    assert await refused_code(Board.as_asgi(), "/ws/board/", user) == 4403


def test_the_token_endpoint_still_answers_bad_bodies_with_400(anon_api):
    assert anon_api.post("/api/v1/auth/token/", [1, 2], format="json").status_code == 400
    assert anon_api.post("/api/v1/auth/token/", {}, format="json").status_code == 400
    assert not Token.objects.exists()
