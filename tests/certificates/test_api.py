"""Certificates API: wiring of every operation, the answers' shape, bad input (400 naming the
field or rule, never a 500, nothing written) and the audit trail. Who may call what is in
``test_api_permissions.py``."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import Workbook, load_workbook
from rest_framework.test import APIClient

from certificates.models import Certificate, CertificateStatus, CertificateType
from core.excel import XLSX_CONTENT_TYPE, build_xlsx
from core.models import AuditEntry
from exams.models import ExamResult
from tests.certificates.factories import make_holder, make_type, practical_exam, qualify
from tests.certificates.test_api_permissions import PDF_BYTES, override_issue, roster_upload
from tests.exams.factories import make_exam
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

TYPES = "/api/v1/certificate-types/"
CERTIFICATES = "/api/v1/certificates/"


def today() -> datetime.date:
    return timezone.localdate()


def url(certificate, suffix: str = "") -> str:
    return f"{CERTIFICATES}{certificate.pk}/{suffix}"


def issue_body(holder, certificate_type, **scores):
    theory, practical = qualify(holder, certificate_type, **scores)
    return {
        "holder": holder.pk,
        "certificate_type": certificate_type.pk,
        "theory_exam": theory.pk,
        "practical_exam": practical.pk,
    }


def post(client, path: str, body: dict | None = None):
    return client.post(path, body or {}, format="json")


@pytest.fixture
def certificate():
    return override_issue(make_holder(name="张大伟"), make_type())


# Types -------------------------------------------------------------------------------------


def test_type_fields_and_create_with_audit(officer_api):
    exam = make_exam(candidates=[EmployeeFactory()])
    practical = practical_exam([EmployeeFactory()])
    response = post(
        officer_api,
        TYPES,
        {
            "code": "FL01",
            "category": "Company permit",
            "operation_item": "Forklift operation",
            "validity_years": 4,
            "review_interval_years": 2,
            "pass_score": "85",
            "theory_exams": [exam.pk],
            "practical_exams": [practical.pk],
        },
    )
    assert response.status_code == 201, response.content
    data = response.json()
    fields = "id code category operation_item validity_years review_interval_years pass_score"
    assert set(fields.split()) | {"national", "refresher_hours", "is_active"} <= set(data)
    assert data["national"] is False and data["theory_exams"] == [exam.pk]
    assert AuditEntry.objects.filter(
        action="certificate_type.created", target_id=str(data["id"])
    ).exists()
    listed = officer_api.get(f"{TYPES}?page_size=500").json()["results"]
    assert "FL01" in [row["code"] for row in listed]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"theory_exams": [999999]}, "theory_exams"),
        ({"validity_years": 3, "review_interval_years": 4}, "review_interval_years"),
        ({"pass_score": "120"}, "pass_score"),
        ({"code": ""}, "code"),
        ({"practical_exams": "theory exam"}, "practical_exams"),
    ],
)
def test_type_bad_input(officer_api, body, field):
    if body.get("practical_exams") == "theory exam":
        body = {"practical_exams": [make_exam(candidates=[EmployeeFactory()]).pk]}
    base = {"code": "X1", "category": "Company permit", "operation_item": "Crane"}
    response = post(officer_api, TYPES, {**base, **body})
    assert response.status_code == 400 and field in response.json()
    assert not CertificateType.objects.filter(code="X1").exists()


def test_national_type_keeps_code_category_and_item(officer_api):
    national = make_type(national=True)
    path = f"{TYPES}{national.pk}/"
    response = officer_api.patch(path, {"code": "ZZ"}, format="json")
    assert response.status_code == 400 and "code" in response.json()
    response = officer_api.patch(path, {"pass_score": "90", "national": False}, format="json")
    assert response.status_code == 200
    national.refresh_from_db()
    assert national.pass_score == Decimal(90) and national.national  # national is read only
    entry = AuditEntry.objects.get(action="certificate_type.updated")
    assert entry.before["pass_score"] == "80.00" and entry.after["pass_score"] == "90.00"


def test_type_with_certificates_is_not_deleted(officer_api, certificate):
    response = officer_api.delete(f"{TYPES}{certificate.certificate_type_id}/")
    assert response.status_code == 400
    assert CertificateType.objects.filter(pk=certificate.certificate_type_id).exists()
    spare = make_type()
    assert officer_api.delete(f"{TYPES}{spare.pk}/").status_code == 204
    assert not CertificateType.objects.filter(pk=spare.pk).exists()


# Issue -------------------------------------------------------------------------------------


def test_issue_answers_the_certificate(officer_api, settings):
    settings.SITE_URL = "https://training.example.com"
    holder, certificate_type = make_holder(name="王焊工"), make_type(code="HJ")
    response = post(officer_api, CERTIFICATES, issue_body(holder, certificate_type))
    assert response.status_code == 201, response.content
    data = response.json()
    stored = Certificate.objects.get()
    assert data["id"] == stored.pk and data["number"] == f"{today().year}HJ000001"
    assert data["holder"] == holder.pk and data["holder_name"] == "王焊工"
    assert data["employee_no"] == holder.employee_no
    assert data["department"] == holder.department.path
    assert data["certificate_type"] == certificate_type.pk and data["status"] == "valid"
    assert data["issued_on"] == today().isoformat()
    assert data["verify_url"] == f"https://training.example.com/verify/{stored.token}/"
    assert data["theory_score"] == "90.00" and data["reviews"] == [] and data["violations"] == []


@pytest.mark.parametrize(
    "holder_fields, scores, rule",
    [
        ({}, {"practical": Decimal(79)}, "practical_pass"),
        ({"birth_date": None}, {}, "age"),
        ({"under_18": True}, {}, "age"),
    ],
)
def test_issue_refused_names_the_rule(officer_api, holder_fields, scores, rule):
    if holder_fields.pop("under_18", False):
        holder_fields["birth_date"] = today().replace(year=today().year - 17)
    holder, certificate_type = make_holder(**holder_fields), make_type()
    response = post(officer_api, CERTIFICATES, issue_body(holder, certificate_type, **scores))
    assert response.status_code == 400
    data = response.json()
    assert data["detail"] and [failure["rule"] for failure in data["rules"]] == [rule]
    assert data["rules"][0]["message"]
    assert not Certificate.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"holder": 999999}, "holder"),
        ({"certificate_type": 999999}, "certificate_type"),
        ({"theory_exam": 999999}, "theory_exam"),
        ({"practical_exam": 999999}, "practical_exam"),
        ({"issued_on": "2025-13-45"}, "issued_on"),
        ({"holder": "abc"}, "holder"),
    ],
)
def test_issue_bad_input(officer_api, change, field):
    body = issue_body(make_holder(), make_type())
    response = post(officer_api, CERTIFICATES, {**body, **change})
    assert response.status_code == 400 and field in response.json()
    assert not Certificate.objects.exists()


def test_second_live_certificate_is_409(officer_api):
    body = issue_body(make_holder(), make_type())
    assert post(officer_api, CERTIFICATES, body).status_code == 201
    response = post(officer_api, CERTIFICATES, body)
    assert response.status_code == 409 and "already holds" in response.json()["detail"]
    assert Certificate.objects.count() == 1


def test_override_needs_the_permission(safety_officer):
    holder, certificate_type = make_holder(), make_type()
    body = {
        **issue_body(holder, certificate_type, theory=Decimal(50)),
        "override_reason": "Ministry exemption letter 2025-17",
    }
    permission = Permission.objects.get(codename="issue_with_override")
    user = safety_officer.user
    for group in user.groups.all():
        group.permissions.remove(permission)
    client = APIClient()
    client.force_authenticate(user)
    response = post(client, CERTIFICATES, body)
    assert response.status_code == 403 and not Certificate.objects.exists()

    user.user_permissions.add(permission)
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))  # no cached permissions
    response = post(client, CERTIFICATES, body)
    assert response.status_code == 201, response.content
    assert response.json()["override_reason"] == "Ministry exemption letter 2025-17"


def test_batch_issue_lists_issued_and_refused(officer_api):
    certificate_type = make_type()
    good, weak = make_holder(name="甲"), make_holder(name="乙")
    theory, practical = qualify(good, certificate_type)
    weak_theory, _ = qualify(weak, certificate_type, theory=Decimal(60))
    # The weak holder's result, put in the same theory exam.
    ExamResult.objects.filter(employee=weak, exam=weak_theory).update(exam=theory)
    response = post(
        officer_api,
        f"{CERTIFICATES}batch-issue/",
        {
            "certificate_type": certificate_type.pk,
            "theory_exam": theory.pk,
            "practical_exam": practical.pk,
        },
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert [row["holder"] for row in data["issued"]] == [good.pk]
    assert [row["employee"] for row in data["refused"]] == [weak.pk]
    refused = data["refused"][0]
    assert refused["name"] == "乙" and refused["employee_no"] == weak.employee_no
    assert "theory_pass" in [rule["rule"] for rule in refused["rules"]]


def test_batch_issue_bad_input(officer_api):
    response = post(
        officer_api, f"{CERTIFICATES}batch-issue/", {"certificate_type": make_type().pk}
    )
    assert response.status_code == 400 and "theory_exam" in response.json()


# List and detail ---------------------------------------------------------------------------


def test_list_filters(officer_api):
    welding, electric = make_type(category="Welding"), make_type()
    parent = DepartmentFactory(name="Shipyard")
    child = DepartmentFactory(name="Hull", parent=parent)
    a = override_issue(make_holder(name="张三", department=child), welding)
    b = override_issue(make_holder(name="李四"), electric)
    c = override_issue(make_holder(name="王五"), electric)
    post(officer_api, url(c, "revoke/"), {"reason": "Forged", "reason_category": "other"})

    def ids(query: str = "") -> list[int]:
        response = officer_api.get(f"{CERTIFICATES}?{query}")
        assert response.status_code == 200, response.content
        return sorted(row["id"] for row in response.json()["results"])

    assert ids() == sorted([a.pk, b.pk, c.pk])
    assert ids(f"certificate_type={welding.pk}") == [a.pk]
    assert ids("status=revoked") == [c.pk]
    assert ids(f"department={parent.pk}") == [a.pk]
    assert ids("search=李四") == [b.pk]
    assert ids(f"search={a.number}") == [a.pk]
    assert ids("external=true") == []
    assert ids("external=false&status=") == sorted([a.pk, b.pk, c.pk])


@pytest.mark.parametrize(
    "query", ["status=lost", "certificate_type=999999", "department=abc", "external=maybe"]
)
def test_list_bad_filters(officer_api, query):
    response = officer_api.get(f"{CERTIFICATES}?{query}")
    assert response.status_code == 400 and query.split("=")[0] in response.json()


def test_list_and_detail_refresh_the_status(officer_api, certificate):
    # A review date passed since the status was stored (the daily command has not run yet).
    Certificate.objects.filter(pk=certificate.pk).update(
        next_review_due=today() - datetime.timedelta(days=1)
    )
    row = officer_api.get(CERTIFICATES).json()["results"][0]
    assert row["status"] == "suspended" and "overdue" in row["status_reason"]
    assert Certificate.objects.get().status == CertificateStatus.SUSPENDED
    Certificate.objects.filter(pk=certificate.pk).update(
        expires_on=today() - datetime.timedelta(days=1)
    )
    assert officer_api.get(url(certificate)).json()["status"] == "expired"


def test_detail_has_reviews_and_violations(officer_api, certificate):
    post(
        officer_api,
        url(certificate, "violations/"),
        {"occurred_on": today().isoformat(), "description": "No harness"},
    )
    post(
        officer_api,
        url(certificate, "reviews/"),
        {"reviewed_on": today().isoformat(), "passed": True, "refresher_hours": "8"},
    )
    data = officer_api.get(url(certificate)).json()
    assert [v["description"] for v in data["violations"]] == ["No harness"]
    assert [r["passed"] for r in data["reviews"]] == [True]
    assert data["renewed_from"] is None and data["renewed_by"] is None


def test_list_queries_do_not_grow_with_rows(officer_api, certificate):
    officer_api.get(CERTIFICATES)  # the caller's roles, read once
    with CaptureQueriesContext(connection) as first:
        officer_api.get(CERTIFICATES)
    for _ in range(5):
        override_issue(make_holder(), make_type())
    with CaptureQueriesContext(connection) as more:
        rows = officer_api.get(CERTIFICATES).json()["results"]
    assert len(rows) == 6 and len(more) == len(first)


def test_unknown_certificate_is_404(officer_api):
    assert officer_api.get(f"{CERTIFICATES}999999/").status_code == 404
    response = post(officer_api, f"{CERTIFICATES}999999/revoke/", {"reason": "x"})
    assert response.status_code == 404


# Decisions ---------------------------------------------------------------------------------


def test_revoke_writes_before_and_after(officer_api, safety_officer, certificate):
    response = post(
        officer_api, url(certificate, "revoke/"), {"reason": "Forged", "reason_category": "other"}
    )
    assert response.status_code == 200
    assert response.json()["status"] == "revoked" and response.json()["status_reason"] == "Forged"
    entry = AuditEntry.objects.get(action="certificate.revoked", target_id=str(certificate.pk))
    assert entry.actor == safety_officer.user
    assert entry.before["status"] == "valid"
    assert entry.after == {"status": "revoked", "reason": "Forged", "reason_category": "other"}
    again = post(
        officer_api, url(certificate, "revoke/"), {"reason": "Again", "reason_category": "other"}
    )
    assert again.status_code == 409
    review = post(
        officer_api,
        url(certificate, "reviews/"),
        {"reviewed_on": today().isoformat(), "passed": True, "refresher_hours": 8},
    )
    assert review.status_code == 409
    assert post(officer_api, url(certificate, "renew/"), {}).status_code == 409


@pytest.mark.parametrize("operation", ["revoke/", "suspend/", "reinstate/"])
@pytest.mark.parametrize("body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}])
def test_reason_is_required(officer_api, certificate, operation, body):
    response = post(officer_api, url(certificate, operation), body)
    assert response.status_code == 400 and "reason" in response.json()
    assert Certificate.objects.get().status == CertificateStatus.VALID


def test_suspend_and_reinstate(officer_api, certificate):
    assert post(officer_api, url(certificate, "reinstate/"), {"reason": "x"}).status_code == 409
    response = post(
        officer_api, url(certificate, "suspend/"), {"reason": "Audit", "reason_category": "other"}
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    rows = officer_api.get(f"{CERTIFICATES}?status=suspended").json()["results"]
    assert [row["status_reason"] for row in rows] == ["Audit"]
    response = post(officer_api, url(certificate, "reinstate/"), {"reason": "OK"})
    assert response.status_code == 200 and response.json()["status"] == "valid"
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"certificate.suspended", "certificate.reinstated"} <= actions


# Reviews, violations, renewal ----------------------------------------------------------------


def test_review_refused_without_hours_then_recorded(officer_api, certificate):
    body = {"reviewed_on": today().isoformat(), "passed": True, "refresher_hours": "4", "note": ""}
    response = post(officer_api, url(certificate, "reviews/"), body)
    assert response.status_code == 400
    assert "refresher hours" in " ".join(response.json()["review"])
    response = post(officer_api, url(certificate, "reviews/"), {**body, "refresher_hours": "8"})
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["passed"] is True and data["refresher_hours"] == "8.0"
    assert data["certificate"]["id"] == certificate.pk


@pytest.mark.parametrize(
    "body, field",
    [
        ({"reviewed_on": "yesterday", "passed": True}, "reviewed_on"),
        ({"reviewed_on": "2025-01-01"}, "passed"),
        ({"reviewed_on": "2025-01-01", "passed": True, "refresher_hours": "-1"}, "refresher_hours"),
        ({"reviewed_on": "2025-01-01", "passed": True, "years_in_trade": 200}, "years_in_trade"),
        ({"reviewed_on": "tomorrow", "passed": True, "refresher_hours": 8}, "reviewed_on"),
    ],
)
def test_review_bad_input(officer_api, certificate, body, field):
    if body["reviewed_on"] == "tomorrow":  # a real date, refused for being in the future
        body = {**body, "reviewed_on": (today() + datetime.timedelta(days=1)).isoformat()}
    response = post(officer_api, url(certificate, "reviews/"), body)
    assert response.status_code == 400 and field in response.json()


def test_serious_violation_blocks_the_review(officer_api, certificate):
    response = post(
        officer_api,
        url(certificate, "violations/"),
        {"occurred_on": today().isoformat(), "serious": True, "description": "Hot work, no permit"},
    )
    assert response.status_code == 201 and response.json()["serious"] is True
    response = post(
        officer_api,
        url(certificate, "reviews/"),
        {"reviewed_on": today().isoformat(), "passed": True, "refresher_hours": 8},
    )
    assert response.status_code == 400 and "serious" in " ".join(response.json()["review"])


@pytest.mark.parametrize(
    "body, field",
    [
        ({"occurred_on": "2025-01-01", "description": ""}, "description"),
        ({"occurred_on": "2025-02-30", "description": "x"}, "occurred_on"),
        ({"description": "x"}, "occurred_on"),
    ],
)
def test_violation_bad_input(officer_api, certificate, body, field):
    response = post(officer_api, url(certificate, "violations/"), body)
    assert response.status_code == 400 and field in response.json()


def test_renew(officer_api, certificate):
    response = post(officer_api, url(certificate, "renew/"), {})
    assert response.status_code == 400  # six years of validity left
    issued_on = today().replace(year=today().year - 6) + datetime.timedelta(days=20)
    old = override_issue(make_holder(), make_type(), issued_on=issued_on)
    response = post(officer_api, url(old, "renew/"), {})
    assert response.status_code == 201, response.content
    new = response.json()
    assert new["renewed_from"] == old.pk and new["number"] != old.number
    assert officer_api.get(url(old)).json()["renewed_by"] == new["id"]
    bad = post(officer_api, url(old, "renew/"), {"issued_on": "31/12/2025"})
    assert bad.status_code == 400 and "issued_on" in bad.json()


# External ----------------------------------------------------------------------------------


def external_body(**changes):
    holder = changes.pop("holder", None) or make_holder()
    body = {
        "holder": holder.pk,
        "certificate_type": make_type().pk,
        "number": "T362301199001011234",
        "issuing_authority": "Hunan Emergency Management Department",
        "issued_on": "2024-03-01",
        "expires_on": "2030-02-28",
        "next_review_due": "2027-03-01",
        "file": SimpleUploadedFile("scan.pdf", PDF_BYTES, content_type="application/pdf"),
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


def test_register_external(officer_api):
    response = officer_api.post(f"{CERTIFICATES}external/", external_body(), format="multipart")
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["external"] is True and data["number"] == "T362301199001011234"
    assert data["issuing_authority"] == "Hunan Emergency Management Department"
    stored = Certificate.objects.get()
    assert stored.scan.name.endswith(".pdf") and stored.scan.read() == PDF_BYTES


def test_external_scan_is_named_after_its_content(officer_api):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    body = external_body(file=SimpleUploadedFile("scan.html", png, content_type="text/html"))
    response = officer_api.post(f"{CERTIFICATES}external/", body, format="multipart")
    assert response.status_code == 201, response.content
    assert Certificate.objects.get().scan.name.endswith(".png")


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"file": SimpleUploadedFile("scan.pdf", b"<html><script>x</script></html>")}, "file"),
        ({"file": SimpleUploadedFile("scan.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024))}, "file"),
        ({"file": SimpleUploadedFile("scan.pdf", b"")}, "file"),
        ({"number": ""}, "number"),
        ({"issuing_authority": ""}, "issuing_authority"),
        ({"issued_on": "2024-02-30"}, "issued_on"),
        ({"expires_on": "2023-01-01"}, "expires_on"),
        ({"holder": None, "certificate_type": 999999}, "certificate_type"),
        ({"number": "taken"}, "number"),
    ],
)
def test_external_bad_input(officer_api, certificate, changes, field):
    if changes.get("number") == "taken":
        changes = {"number": certificate.number}
    response = officer_api.post(
        f"{CERTIFICATES}external/", external_body(**changes), format="multipart"
    )
    assert response.status_code == 400 and field in response.json(), response.content
    assert Certificate.objects.get() == certificate


# Files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["", "?layout=card", "?format=card", "?layout=certificate"])
def test_pdf(officer_api, certificate, query):
    response = officer_api.get(url(certificate, f"pdf/{query}"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    suffix = "-card.pdf" if "card" in query else ".pdf"
    assert f'{certificate.number}{suffix}"' in response["Content-Disposition"]


def test_pdf_unknown_layout(officer_api, certificate):
    response = officer_api.get(url(certificate, "pdf/?layout=poster"))
    assert response.status_code == 400 and "layout" in response.json()


@pytest.mark.parametrize("layout", ["certificates", "cards"])
def test_batch_pdf_streams_one_pdf(officer_api, certificate, layout):
    other = override_issue(make_holder(), make_type())
    response = post(
        officer_api,
        f"{CERTIFICATES}batch-pdf/",
        {"ids": [other.pk, certificate.pk, other.pk], "layout": layout},
    )
    assert response.status_code == 200 and response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and content.rstrip().endswith(b"%%EOF")
    assert response["Content-Type"] == "application/pdf"


@pytest.mark.parametrize(
    "body",
    [
        {"ids": []},
        {"ids": list(range(1, 1002))},
        {"ids": ["a"]},
        {"ids": [1], "layout": "poster"},
        {},
    ],
)
def test_batch_pdf_bad_input(officer_api, body):
    response = post(officer_api, f"{CERTIFICATES}batch-pdf/", body)
    assert response.status_code == 400


def test_batch_pdf_names_unknown_ids(officer_api, certificate):
    response = post(
        officer_api, f"{CERTIFICATES}batch-pdf/", {"ids": [certificate.pk, 999998, 999999]}
    )
    assert response.status_code == 400
    message = response.json()["ids"][0]
    assert "999998" in message and "999999" in message and str(certificate.pk) not in message


# Dashboard and compliance --------------------------------------------------------------------


def test_due_lists_and_workbook(officer_api):
    soon = override_issue(
        make_holder(),
        make_type(),
        issued_on=today().replace(year=today().year - 3) + datetime.timedelta(days=30),
    )
    late = override_issue(
        make_holder(),
        make_type(),
        issued_on=today().replace(year=today().year - 3) - datetime.timedelta(days=5),
    )
    fine = override_issue(make_holder(), make_type())
    data = officer_api.get(f"{CERTIFICATES}due/").json()
    assert [row["id"] for row in data["review_due"]] == [soon.pk]
    assert [row["id"] for row in data["overdue"]] == [late.pk]
    assert data["overdue"][0]["status"] == "suspended"
    assert fine.pk not in [row["id"] for rows in data.values() for row in rows]
    for query in ("", "?format=xlsx"):
        response = officer_api.get(f"{CERTIFICATES}due.xlsx{query}")
        assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
        sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
        numbers = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
        assert soon.number in numbers and late.number in numbers


def test_compliance_check(officer_api):
    holder = make_holder(name="张大伟")
    held = override_issue(holder, make_type(category="Welding"))
    stranger = make_holder(name="赵六")
    upload = roster_upload(
        [
            [holder.employee_no, "张大伟", "Welding"],
            [stranger.employee_no, "赵六", "Welding"],
            [holder.employee_no, "张小伟", "Welding"],
        ]
    )
    response = officer_api.post(
        f"{CERTIFICATES}compliance-check/", {"file": upload}, format="multipart"
    )
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["checked"] == 3 and data["compliant"] == 1
    problems = {row["row"]: row for row in data["problems"]}
    assert set(problems) == {3, 4}
    assert problems[3]["employee_no"] == stranger.employee_no and problems[3]["problem"]
    assert problems[4]["name"] == "张小伟"
    assert held.number in str(data["rows"])


@pytest.mark.parametrize("path", ["compliance-check/?download=xlsx", "compliance-check.xlsx"])
def test_compliance_workbook(officer_api, path):
    holder = make_holder()
    override_issue(holder, make_type(category="Welding"))
    upload = roster_upload([[holder.employee_no, holder.name, "Welding"]])
    response = officer_api.post(f"{CERTIFICATES}{path}", {"file": upload}, format="multipart")
    assert response.status_code == 200 and response["Content-Type"] == XLSX_CONTENT_TYPE
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert sheet.max_row == 2


def formula_roster() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Employee number", "Name", "Special work"])
    sheet.append(["E1", '=HYPERLINK("http://x")', "Welding"])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


@pytest.mark.parametrize("path", ["compliance-check/", "compliance-check.xlsx"])
@pytest.mark.parametrize(
    "content",
    [
        b"employee_no,name,special work\nE1,A,Welding\n",
        build_xlsx(sheet_title="R", header=["Employee number", "Name", "Shoe size"], rows=[]),
        formula_roster(),
    ],
    ids=["csv", "unknown-column", "formula"],
)
def test_compliance_refuses_a_bad_roster(officer_api, path, content):
    make_type(category="Welding")
    upload = SimpleUploadedFile("roster.xlsx", content)
    response = officer_api.post(f"{CERTIFICATES}{path}", {"file": upload}, format="multipart")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors and {"row", "column", "message"} <= set(errors[0])


def test_compliance_without_a_file(officer_api):
    response = officer_api.post(f"{CERTIFICATES}compliance-check/", {}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
