"""The safety officer's certificate pages: who may open them, the list and its filters (with a
constant number of queries), the decisions on one certificate written through the services,
the due dashboard, the roster compliance check and batch printing. Issuing, external
certificates and types are in ``test_certificate_issue_pages``."""

import datetime
import io
import itertools
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from certificates.models import (
    Certificate,
    CertificateReview,
    CertificateStatus,
    Violation,
    add_years,
)
from certificates.services import certificate_state, new_token
from certificates.signing import printed_fields, sign
from core.models import AuditEntry
from core.roles import Role
from courses.models import Course
from tests.certificates.factories import make_holder, make_type
from tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)


def make_certificate(*, holder=None, certificate_type=None, issued_on=None, **fields):
    """A certificate row as the services would leave it (signed, status from its dates)."""
    holder = holder or make_holder()
    certificate_type = certificate_type or make_type()
    issued_on = issued_on or timezone.localdate() - datetime.timedelta(days=30)
    values = {
        "expires_on": add_years(issued_on, 6) - datetime.timedelta(days=1),
        "next_review_due": add_years(issued_on, 3),
        **fields,
    }
    certificate = Certificate(
        number=f"TC{next(_numbers):08d}",
        token=new_token(),
        holder=holder,
        certificate_type=certificate_type,
        holder_name=holder.name,
        issued_on=issued_on,
        **values,
    )
    certificate.signature = sign(printed_fields(certificate))
    if "status" not in fields:
        certificate.status = certificate_state(certificate, timezone.localdate())
    certificate.save()
    return certificate


# Who may open which page --------------------------------------------------------------------

OFFICER_ONLY = [
    "certificate_issue",
    "certificate_batch_issue",
    "certificate_register_external",
    "certificate_type_create",
    "certificate_type_edit",
    "certificate_compliance",
    "certificate_revoke",
]
READABLE_BY_HR = [
    "certificate_list",
    "certificate_detail",
    "certificate_type_list",
    "certificates_due",
]


def page_url(name: str, certificate: Certificate) -> str:
    if name in ("certificate_detail", "certificate_revoke"):
        return reverse(name, args=[certificate.pk])
    if name == "certificate_type_edit":
        return reverse(name, args=[certificate.certificate_type_id])
    return reverse(name)


@pytest.mark.parametrize("name", OFFICER_ONLY + READABLE_BY_HR)
def test_every_page_renders_for_the_officer(officer_client, name):
    certificate = make_certificate()
    response = officer_client.get(page_url(name, certificate))
    assert response.status_code == 200


@pytest.mark.parametrize("name", OFFICER_ONLY + READABLE_BY_HR)
@pytest.mark.parametrize("role_client", ["trainee_client", "instructor_client"])
def test_trainee_and_instructor_get_403(request, name, role_client):
    certificate = make_certificate()
    client = request.getfixturevalue(role_client)
    assert client.get(page_url(name, certificate)).status_code == 403


@pytest.mark.parametrize("name", READABLE_BY_HR)
def test_hr_reads_the_lists_without_actions(hr_client, name):
    certificate = make_certificate()
    response = hr_client.get(page_url(name, certificate))
    assert response.status_code == 200
    text = response.content.decode()
    assert reverse("certificate_issue") not in text
    assert reverse("certificate_suspend", args=[certificate.pk]) not in text


@pytest.mark.parametrize("name", OFFICER_ONLY)
def test_hr_may_not_act(hr_client, name):
    certificate = make_certificate()
    assert hr_client.get(page_url(name, certificate)).status_code == 403


def test_hr_may_not_post_a_decision(hr_client):
    certificate = make_certificate()
    response = hr_client.post(
        reverse("certificate_suspend", args=[certificate.pk]), {"suspend-reason": "x"}
    )
    assert response.status_code == 403


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("certificate_list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# The list -----------------------------------------------------------------------------------


def test_list_shows_each_column_and_the_external_mark(officer_client):
    welding = make_type(category="Welding and thermal cutting", operation_item="Gas welding")
    certificate = make_certificate(certificate_type=welding)
    external = make_certificate(external=True, issuing_authority="Emergency Bureau")
    text = officer_client.get(reverse("certificate_list")).content.decode()
    for value in (
        certificate.number,
        certificate.holder_name,
        certificate.holder.employee_no,
        certificate.holder.department.path,
        "Gas welding",
        certificate.issued_on.isoformat(),
        certificate.expires_on.isoformat(),
        certificate.next_review_due.isoformat(),
        'class="cert-status valid"',
    ):
        assert value in text
    assert external.number in text and "External" in text


def test_list_filters_by_type_status_department_and_text(officer_client):
    first, second = make_type(), make_type()
    workshop = DepartmentFactory(name="Workshop")
    welder = make_certificate(
        certificate_type=first, holder=make_holder(department=workshop, name="Welder Wang")
    )
    revoked = make_certificate(certificate_type=second, status=CertificateStatus.REVOKED)
    url = reverse("certificate_list")

    def numbers(**query):
        page = officer_client.get(url, query).context["page"]
        return {certificate.number for certificate in page}

    assert numbers(certificate_type=first.pk) == {welder.number}
    assert numbers(status="revoked") == {revoked.number}
    assert numbers(department=workshop.pk) == {welder.number}
    assert numbers(q="Welder") == {welder.number}
    assert numbers(q=revoked.holder.employee_no) == {revoked.number}
    assert numbers(external="yes") == set()


def test_list_filters_answer_htmx_with_the_results_only(officer_client):
    make_certificate()
    response = officer_client.get(reverse("certificate_list"), headers={"HX-Request": "true"})
    assert b"<html" not in response.content and b"print-form" in response.content


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("certificate_list")).status_code == 200
    return len(queries)


def test_list_queries_do_not_grow_with_the_certificates(officer_client):
    certificate_type = make_type()
    for _ in range(10):
        make_certificate(certificate_type=certificate_type)
    few = _list_queries(officer_client)
    for _ in range(90):
        make_certificate(certificate_type=certificate_type)
    assert _list_queries(officer_client) == few


# Decisions on one certificate ---------------------------------------------------------------


def test_detail_shows_fields_verify_link_and_history(officer_client):
    certificate = make_certificate()
    CertificateReview.objects.create(
        certificate=certificate,
        reviewed_on=timezone.localdate(),
        passed=True,
        refresher_hours=8,
        note="All good",
    )
    Violation.objects.create(
        certificate=certificate, occurred_on=timezone.localdate(), description="No helmet"
    )
    text = officer_client.get(reverse("certificate_detail", args=[certificate.pk])).content
    text = text.decode()
    assert f"/verify/{certificate.token}/" in text
    assert reverse("certificate_qr", args=[certificate.pk]) in text
    assert reverse("certificate_pdf", args=[certificate.pk]) in text
    assert reverse("certificate_card", args=[certificate.pk]) in text
    assert "All good" in text and "No helmet" in text
    assert f"{reverse('audit_log')}?target={certificate.number}" in text


def test_detail_of_a_missing_certificate_is_404(officer_client):
    assert officer_client.get(reverse("certificate_detail", args=[999999])).status_code == 404


def test_qr_preview_is_an_svg(officer_client):
    certificate = make_certificate()
    response = officer_client.get(reverse("certificate_qr", args=[certificate.pk]))
    assert response["Content-Type"] == "image/svg+xml" and b"<svg" in response.content


def test_review_is_recorded_through_the_service(officer_client, safety_officer):
    certificate = make_certificate(
        issued_on=timezone.localdate() - datetime.timedelta(days=3 * 365 - 20)
    )
    assert certificate.status == CertificateStatus.REVIEW_DUE
    response = officer_client.post(
        reverse("certificate_review", args=[certificate.pk]),
        {
            "reviewed_on": timezone.localdate().isoformat(),
            "passed": "yes",
            "refresher_hours": "8",
            "note": "Refresher done",
        },
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    review = CertificateReview.objects.get(certificate=certificate)
    assert review.passed and review.note == "Refresher done"
    assert review.recorded_by == safety_officer.user
    assert AuditEntry.objects.filter(action="certificate.reviewed").exists()


def test_review_refused_names_the_rule(officer_client):
    certificate = make_certificate()
    response = officer_client.post(
        reverse("certificate_review", args=[certificate.pk]),
        {"reviewed_on": timezone.localdate().isoformat(), "passed": "yes", "refresher_hours": "2"},
    )
    assert response.status_code == 200
    assert "Rule: 2 refresher hours attended, 8 needed." in response.content.decode()
    assert not CertificateReview.objects.exists()


def test_review_shows_hours_from_attendance_when_the_type_has_refresher_courses(
    officer_client,
):
    certificate_type = make_type(refresher_hours=Decimal(8))
    certificate_type.refresher_courses.add(Course.objects.create(title="Refresher", hours=8))
    certificate = make_certificate(certificate_type=certificate_type)
    text = officer_client.get(reverse("certificate_detail", args=[certificate.pk])).content
    assert "Refresher hours attended since the last review: 0 (needed: 8)." in text.decode()


def test_violation_is_recorded(officer_client):
    certificate = make_certificate()
    response = officer_client.post(
        reverse("certificate_violation", args=[certificate.pk]),
        {
            "occurred_on": timezone.localdate().isoformat(),
            "description": "Worked without a permit",
            "serious": "on",
        },
    )
    assert response.status_code == 302
    violation = Violation.objects.get(certificate=certificate)
    assert violation.serious and violation.description == "Worked without a permit"
    assert AuditEntry.objects.filter(action="certificate.violation_recorded").exists()


def test_suspend_and_reinstate(officer_client):
    certificate = make_certificate()
    url = reverse("certificate_suspend", args=[certificate.pk])
    empty = officer_client.post(url, {"suspend-reason": ""})
    assert empty.status_code == 200 and "This field is required." in empty.content.decode()

    data = {"suspend-reason": "Under investigation", "suspend-reason_category": "violation"}
    assert officer_client.post(url, data).status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert certificate.status_reason == "Under investigation"
    entry = AuditEntry.objects.get(action="certificate.suspended")
    assert entry.before["status"] == "valid" and entry.after["status"] == "suspended"

    page = officer_client.get(reverse("certificate_detail", args=[certificate.pk])).content
    assert b'id="reinstate-form"' in page
    response = officer_client.post(
        reverse("certificate_reinstate", args=[certificate.pk]),
        {"reinstate-reason": "Cleared"},
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


def test_reinstate_a_certificate_not_suspended_shows_the_service_error(officer_client):
    certificate = make_certificate()
    response = officer_client.post(
        reverse("certificate_reinstate", args=[certificate.pk]), {"reinstate-reason": "why"}
    )
    assert response.status_code == 200
    assert "The certificate is not suspended by decision." in response.content.decode()


def test_revoke_needs_a_confirmation_and_a_reason(officer_client):
    certificate = make_certificate()
    url = reverse("certificate_revoke", args=[certificate.pk])
    unconfirmed = officer_client.post(url, {"reason": "Forged exam"})
    assert "Tick the box to confirm the revocation." in unconfirmed.content.decode()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID

    response = officer_client.post(
        url, {"reason": "Forged exam", "reason_category": "issued_in_error", "confirm": "on"}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.REVOKED
    assert certificate.status_reason == "Forged exam"
    entry = AuditEntry.objects.get(action="certificate.revoked")
    assert entry.before["status"] == "valid" and entry.after["reason"] == "Forged exam"

    again = officer_client.post(
        url, {"reason": "Again", "reason_category": "other", "confirm": "on"}
    )
    assert "The certificate is already revoked." in again.content.decode()


def test_renew_too_early_is_refused_and_in_time_links_the_new_one(officer_client):
    early = make_certificate()
    response = officer_client.post(reverse("certificate_renew", args=[early.pk]), {})
    assert response.status_code == 200
    assert "renewed from 90 days before" in response.content.decode()

    today = timezone.localdate()
    ending = make_certificate(
        issued_on=today - datetime.timedelta(days=6 * 365 - 30),
        next_review_due=None,
    )
    response = officer_client.post(reverse("certificate_renew", args=[ending.pk]), {})
    new = Certificate.objects.get(renewed_from=ending)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_detail", args=[new.pk])
    ending.refresh_from_db()
    assert ending.status == CertificateStatus.EXPIRED
    assert AuditEntry.objects.filter(action="certificate.renewed").exists()


# The dashboard ------------------------------------------------------------------------------


def test_dashboard_lists_due_overdue_and_expiring(officer_client):
    today = timezone.localdate()
    due = make_certificate(next_review_due=today + datetime.timedelta(days=30))
    overdue = make_certificate(next_review_due=today - datetime.timedelta(days=3))
    expiring = make_certificate(
        issued_on=today - datetime.timedelta(days=6 * 365 - 20), next_review_due=None
    )
    fine = make_certificate()
    response = officer_client.get(reverse("certificates_due"))
    lists = response.context["due"]
    assert [c.pk for c in lists.review_due] == [due.pk]
    assert [c.pk for c in lists.overdue] == [overdue.pk]
    assert [c.pk for c in lists.expiring] == [expiring.pk]
    text = response.content.decode()
    assert due.number in text and overdue.number in text and expiring.number in text
    assert fine.number not in text
    download = officer_client.get(reverse("certificates_due_xlsx"))
    assert download["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(download.content)).active.iter_rows(values_only=True))
    assert {due.number, overdue.number, expiring.number} <= {cell for row in rows for cell in row}


# The roster compliance check ------------------------------------------------------------------


def _roster(rows, header=("工号", "姓名", "特种作业")) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("roster.xlsx", out.getvalue())


def test_compliance_check_answers_per_row_and_downloads(officer_client):
    certificate_type = make_type(code="E01", operation_item="低压电工作业")
    holder = make_holder(name="张三")
    good = make_certificate(holder=holder, certificate_type=certificate_type)
    stranger = make_holder(name="李四")
    url = reverse("certificate_compliance")
    response = officer_client.post(
        url,
        {
            "file": _roster(
                [
                    (holder.employee_no, "张三", "低压电工作业"),
                    (stranger.employee_no, "李四", "E01"),
                    ("NOPE", "王五", "E01"),
                ]
            )
        },
    )
    text = response.content.decode()
    result = response.context["result"]
    assert result.checked == 3 and result.compliant == 1
    assert good.number in text and "No certificate" in text and "No employee has" in text
    token = response.context["token"]
    answer = officer_client.get(reverse("certificate_compliance_xlsx"), {"token": token})
    assert answer["Content-Disposition"].startswith("attachment")
    rows = list(load_workbook(io.BytesIO(answer.content)).active.iter_rows(values_only=True))
    assert len(rows) == 4

    # The kept roster belongs to the uploader.
    other = Client()
    other.force_login(EmployeeFactory(roles=[Role.SAFETY_OFFICER]).user)
    refused = other.get(reverse("certificate_compliance_xlsx"), {"token": token})
    assert refused.status_code == 302 and refused["Location"] == url


def test_compliance_check_of_a_bad_file_lists_its_errors(officer_client):
    response = officer_client.post(
        reverse("certificate_compliance"),
        {"file": _roster([("E1", "张三", "低压电工")], header=("工号", "姓名", "工作", "Extra"))},
    )
    text = response.content.decode()
    assert response.status_code == 200 and 'id="roster-errors"' in text
    assert "Unknown column" in text
    assert response.context["token"] is None

    not_xlsx = officer_client.post(
        reverse("certificate_compliance"), {"file": SimpleUploadedFile("r.xlsx", b"a,b,c")}
    )
    assert "The file is not an Excel .xlsx workbook." in not_xlsx.content.decode()


def test_compliance_download_without_a_kept_roster_goes_back(officer_client):
    response = officer_client.get(reverse("certificate_compliance_xlsx"), {"token": "gone"})
    assert response.status_code == 302


# Batch printing -----------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["a4", "cards"])
def test_batch_print_streams_one_pdf(officer_client, layout):
    first, second = make_certificate(), make_certificate()
    response = officer_client.post(
        reverse("certificate_batch_print"), {"ids": [first.pk, second.pk], "layout": layout}
    )
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_batch_print_of_everything_the_filters_select(officer_client):
    certificate_type = make_type()
    make_certificate(certificate_type=certificate_type)
    make_certificate(certificate_type=certificate_type)
    response = officer_client.post(
        reverse("certificate_batch_print"),
        {"scope": "all", "layout": "a4", "certificate_type": certificate_type.pk},
    )
    assert response.status_code == 200 and response.streaming
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_batch_print_with_nothing_selected_goes_back_with_a_message(officer_client):
    response = officer_client.post(
        reverse("certificate_batch_print"),
        {"layout": "a4", "back": "https://evil.example/"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("certificate_list")
    assert "Select at least one certificate to print." in response.content.decode()


def test_navigation_offers_certificates_to_the_officer_and_hr(officer_client, hr_client):
    link = f'<a href="{reverse("certificate_list")}"'
    assert link in officer_client.get(reverse("home")).content.decode()
    assert link in hr_client.get(reverse("home")).content.decode()
