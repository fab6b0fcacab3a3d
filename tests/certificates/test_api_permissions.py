"""Who may call each endpoint of the certificates API: the safety officer and the admin
everything, HR reads, a holder only their own certificates, anonymous callers 401.

Every endpoint is called by every role with a valid request; the answer is the allowed
operation's status or the refusal (401, 403, or 404 for another's certificate)."""

import datetime
import io
from types import SimpleNamespace

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from certificates.services import certificate_issue, certificate_suspend
from core.excel import build_xlsx
from tests.certificates.factories import make_holder, make_type, qualify
from tests.exams.factories import make_exam

pytestmark = pytest.mark.django_db

ROLES = ["officer", "admin", "hr", "instructor", "trainee", "anon"]
CLIENTS = {role: f"{role}_api" for role in ROLES}

PDF_BYTES = b"%PDF-1.4\n% scan\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def override_issue(holder, certificate_type, *, issued_on=None):
    """A certificate without exams: issued by a superuser with an override reason."""
    issuer, _ = get_user_model().objects.get_or_create(
        username="issuer", defaults={"is_superuser": True, "is_staff": True}
    )
    return certificate_issue(
        actor=issuer,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=None,
        override_reason="Test data",
        issued_on=issued_on,
    )


@pytest.fixture
def world(trainee):
    certificate_type = make_type()
    return SimpleNamespace(
        type=certificate_type,
        spare_type=make_type(),
        own=override_issue(trainee, certificate_type),
        other=override_issue(make_holder(), certificate_type),
    )


def roster_upload(rows):
    content = build_xlsx(
        sheet_title="Roster",
        header=["Employee number", "Name", "Special work"],
        rows=rows,
    )
    return SimpleUploadedFile("roster.xlsx", content)


# Each endpoint: (method, build(world) -> (path, body, format), statuses by role).

TODAY = timezone.localdate


def _issue(world):
    holder = make_holder()
    theory, practical = qualify(holder, world.spare_type)
    body = {
        "holder": holder.pk,
        "certificate_type": world.spare_type.pk,
        "theory_exam": theory.pk,
        "practical_exam": practical.pk,
    }
    return "/api/v1/certificates/", body, "json"


def _renew(world):
    issued_on = TODAY().replace(year=TODAY().year - 6) + datetime.timedelta(days=30)
    old = override_issue(make_holder(), world.spare_type, issued_on=issued_on)
    return f"/api/v1/certificates/{old.pk}/renew/", {}, "json"


def _reinstate(world):
    certificate_suspend(actor=None, certificate=world.own, reason="Inspection")
    return f"/api/v1/certificates/{world.own.pk}/reinstate/", {"reason": "Cleared"}, "json"


def _external(world):
    body = {
        "holder": world.own.holder_id,
        "certificate_type": world.spare_type.pk,
        "number": "T-EXT-0001",
        "issuing_authority": "Hunan Emergency Management Department",
        "issued_on": "2024-03-01",
        "expires_on": "2030-02-28",
        "file": SimpleUploadedFile("scan.pdf", PDF_BYTES),
    }
    return "/api/v1/certificates/external/", body, "multipart"


def _compliance(suffix):
    def build(world):
        holder = world.own.holder
        body = {"file": roster_upload([[holder.employee_no, holder.name, "Electrical work"]])}
        return f"/api/v1/certificates/compliance-check{suffix}", body, "multipart"

    return build


def _plain(method_path, body=None):
    def build(world):
        return method_path(world), body(world) if callable(body) else body, "json"

    return build


def writes(ok: int) -> dict:
    return {
        "officer": ok,
        "admin": ok,
        "hr": 403,
        "instructor": 403,
        "trainee": 403,
        "anon": 401,
    }


def officer_and_hr(ok: int = 200) -> dict:
    return {**writes(ok), "hr": ok}


def own_certificate(ok: int = 200) -> dict:
    return {
        "officer": ok,
        "admin": ok,
        "hr": ok,
        "instructor": 404,
        "trainee": ok,
        "anon": 401,
    }


def another_certificate(ok: int = 200) -> dict:
    return {**own_certificate(ok), "trainee": 404}


def certificate_path(suffix: str = "", which: str = "own"):
    return lambda world: f"/api/v1/certificates/{getattr(world, which).pk}/{suffix}"


ENDPOINTS = {
    "types-list": ("get", _plain(lambda w: "/api/v1/certificate-types/"), officer_and_hr()),
    "types-detail": (
        "get",
        _plain(lambda w: f"/api/v1/certificate-types/{w.type.pk}/"),
        officer_and_hr(),
    ),
    "types-create": (
        "post",
        _plain(
            lambda w: "/api/v1/certificate-types/",
            {"code": "FL1", "category": "Company permit", "operation_item": "Forklift"},
        ),
        writes(201),
    ),
    "types-update": (
        "patch",
        _plain(lambda w: f"/api/v1/certificate-types/{w.type.pk}/", {"pass_score": "85"}),
        writes(200),
    ),
    "types-delete": (
        "delete",
        _plain(lambda w: f"/api/v1/certificate-types/{w.spare_type.pk}/"),
        writes(204),
    ),
    "list": (
        "get",
        _plain(lambda w: "/api/v1/certificates/"),
        {**own_certificate(), "instructor": 200},
    ),
    "detail-own": ("get", _plain(certificate_path()), own_certificate()),
    "detail-other": ("get", _plain(certificate_path(which="other")), another_certificate()),
    "pdf-own": ("get", _plain(certificate_path("pdf/")), own_certificate()),
    "card-own": (
        "get",
        _plain(lambda w: f"/api/v1/certificates/{w.own.pk}/pdf/?layout=card"),
        own_certificate(),
    ),
    "pdf-other": ("get", _plain(certificate_path("pdf/", "other")), another_certificate()),
    "issue": ("post", _issue, writes(201)),
    "batch-issue": (
        "post",
        _plain(
            lambda w: "/api/v1/certificates/batch-issue/",
            lambda w: {
                "certificate_type": w.spare_type.pk,
                "theory_exam": make_exam(candidates=[w.own.holder]).pk,
            },
        ),
        writes(200),
    ),
    "batch-pdf": (
        "post",
        _plain(
            lambda w: "/api/v1/certificates/batch-pdf/",
            lambda w: {"ids": [w.own.pk, w.other.pk], "layout": "cards"},
        ),
        writes(200),
    ),
    "revoke": (
        "post",
        _plain(certificate_path("revoke/"), {"reason": "Forged", "reason_category": "other"}),
        writes(200),
    ),
    "suspend": (
        "post",
        _plain(certificate_path("suspend/"), {"reason": "Audit", "reason_category": "other"}),
        writes(200),
    ),
    "reinstate": ("post", _reinstate, writes(200)),
    "reviews": (
        "post",
        _plain(
            certificate_path("reviews/"),
            lambda w: {"reviewed_on": TODAY().isoformat(), "passed": True, "refresher_hours": 8},
        ),
        writes(201),
    ),
    "violations": (
        "post",
        _plain(
            certificate_path("violations/"),
            lambda w: {"occurred_on": TODAY().isoformat(), "description": "No gloves"},
        ),
        writes(201),
    ),
    "renew": ("post", _renew, writes(201)),
    "external": ("post", _external, writes(201)),
    "due": ("get", _plain(lambda w: "/api/v1/certificates/due/"), officer_and_hr()),
    "due-xlsx": ("get", _plain(lambda w: "/api/v1/certificates/due.xlsx"), officer_and_hr()),
    "compliance-check": ("post", _compliance("/"), writes(200)),
    "compliance-xlsx": ("post", _compliance(".xlsx"), writes(200)),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_every_endpoint_for_every_role(request, world, endpoint, role):
    method, build, statuses = ENDPOINTS[endpoint]
    client = request.getfixturevalue(CLIENTS[role])
    path, body, body_format = build(world)
    response = getattr(client, method)(path, body, format=body_format)
    assert response.status_code == statuses[role], (endpoint, role, response.content[:300])


def test_holder_lists_only_their_own(trainee_api, instructor_api, world):
    rows = trainee_api.get("/api/v1/certificates/").json()["results"]
    assert [row["id"] for row in rows] == [world.own.pk]
    assert instructor_api.get("/api/v1/certificates/").json()["results"] == []


@pytest.mark.parametrize("client_name", ["officer_api", "hr_api", "admin_api"])
def test_officer_and_hr_list_everyone(request, world, client_name):
    rows = request.getfixturevalue(client_name).get("/api/v1/certificates/").json()["results"]
    assert {row["id"] for row in rows} == {world.own.pk, world.other.pk}


def test_holder_gets_the_pdf_of_their_own_only(trainee_api, world):
    response = trainee_api.get(f"/api/v1/certificates/{world.own.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert io.BytesIO(b"".join(response)).read(5) == b"%PDF-"
    assert trainee_api.get(f"/api/v1/certificates/{world.other.pk}/pdf/").status_code == 404
