"""Issuing certificates from the pages: one (with every failed rule named, and the override
with and without the permission), a batch from an exam with its report, external
certificates with their scan checked, and certificate types."""

import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from certificates.models import Certificate, CertificateType
from core.models import AuditEntry
from exams.models import ExamResult
from exams.services.grading import practical_scores_set
from tests.certificates.factories import make_holder, make_type, practical_exam, qualify
from tests.exams.factories import make_exam

pytestmark = pytest.mark.django_db


def grant_override(employee):
    employee.user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="certificates", codename="issue_with_override"
        )
    )


# Issuing ------------------------------------------------------------------------------------


def _issue_data(holder, certificate_type, theory, practical, **extra):
    return {
        "holder": holder.employee_no,
        "certificate_type": certificate_type.pk,
        "theory_exam": theory.pk,
        "practical_exam": practical.pk if practical else "",
        **extra,
    }


def test_issue_writes_the_certificate(officer_client, safety_officer):
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type)
    response = officer_client.post(
        reverse("certificate_issue"), _issue_data(holder, certificate_type, theory, practical)
    )
    certificate = Certificate.objects.get(holder=holder)
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_detail", args=[certificate.pk])
    assert certificate.issued_by == safety_officer.user
    assert AuditEntry.objects.filter(
        action="certificate.issued", actor=safety_officer.user
    ).exists()


def test_issue_refused_shows_every_failed_rule(officer_client):
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type, theory=Decimal(60), practical=Decimal(70))
    response = officer_client.post(
        reverse("certificate_issue"), _issue_data(holder, certificate_type, theory, practical)
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert 'data-rule="theory_pass"' in text and 'data-rule="practical_pass"' in text
    assert "The theory score 60 is below the pass score 80." in text
    assert "The practical score 70 is below the pass score 80." in text
    assert not Certificate.objects.exists()
    assert 'name="override_reason"' not in text  # no permission: no way around the rules


def test_issue_unknown_employee_number_is_a_form_error(officer_client):
    certificate_type = make_type()
    theory = make_exam(candidates=[make_holder()], title="Theory")
    response = officer_client.post(
        reverse("certificate_issue"),
        {"holder": "NOBODY", "certificate_type": certificate_type.pk, "theory_exam": theory.pk},
    )
    assert response.status_code == 200
    assert "No employee has the number NOBODY." in response.content.decode()


def test_override_with_the_permission_issues_and_records_the_reason(officer_client, safety_officer):
    grant_override(safety_officer)
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type, practical=Decimal(70))
    url = reverse("certificate_issue")
    assert 'name="override_reason"' not in officer_client.get(url).content.decode()
    data = _issue_data(holder, certificate_type, theory, practical)
    refused = officer_client.post(url, data).content.decode()
    assert 'data-rule="practical_pass"' in refused and 'name="override_reason"' in refused
    assert "You may issue it anyway" in refused

    response = officer_client.post(
        url, {**data, "override_reason": "Examiner's sheet was mis-entered; re-marked 85."}
    )
    certificate = Certificate.objects.get(holder=holder)
    assert response.status_code == 302
    assert certificate.override_reason.startswith("Examiner's sheet")
    entry = AuditEntry.objects.get(action="certificate.issued")
    assert entry.note == certificate.override_reason
    assert entry.after["rules_failed"] == ["practical_pass"]


def test_override_without_the_permission_is_refused(officer_client):
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type, practical=Decimal(70))
    data = _issue_data(holder, certificate_type, theory, practical, override_reason="Trust me")
    url = reverse("certificate_issue")
    refused = officer_client.post(url, {**data, "override_reason": ""}).content.decode()
    assert 'data-rule="practical_pass"' in refused
    assert "You may issue it anyway" not in refused and 'name="override_reason"' not in refused
    # A reason sent anyway (the field is never offered) is refused by the service.
    response = officer_client.post(url, data)
    assert "Issuing despite the rules needs the override permission." in response.content.decode()
    assert not Certificate.objects.exists()


def test_second_issue_for_the_same_type_is_shown_as_an_error(officer_client):
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type)
    data = _issue_data(holder, certificate_type, theory, practical)
    officer_client.post(reverse("certificate_issue"), data)
    response = officer_client.post(reverse("certificate_issue"), data)
    assert response.status_code == 200
    assert "already holds a live" in response.content.decode()
    assert Certificate.objects.count() == 1


def test_batch_issue_reports_issued_and_refused(officer_client):
    certificate_type = make_type()
    good, weak = make_holder(name="Good Gao"), make_holder(name="Weak Wu")
    theory = make_exam(candidates=[good, weak], title="Electrician theory")
    when = timezone.now() - datetime.timedelta(days=2)
    for person, score in ((good, Decimal(92)), (weak, Decimal(55))):
        ExamResult.objects.create(
            exam=theory,
            employee=person,
            department=person.department,
            score=score,
            passed=score >= 80,
            duration_seconds=1200,
            submitted_at=when,
        )
    practical = practical_exam([good, weak])
    practical_scores_set(
        actor=None, exam=practical, scores=[(good, Decimal(88)), (weak, Decimal(90))]
    )
    certificate_type.theory_exams.add(theory)
    certificate_type.practical_exams.add(practical)

    response = officer_client.post(
        reverse("certificate_batch_issue"),
        {
            "certificate_type": certificate_type.pk,
            "theory_exam": theory.pk,
            "practical_exam": practical.pk,
        },
    )
    text = response.content.decode()
    issued = Certificate.objects.get()
    assert issued.holder == good
    assert "1 certificate issued" in text and "1 person refused" in text
    assert issued.number in text and "Weak Wu" in text
    assert 'data-rule="theory_pass"' in text
    assert "Print these" in text and f'name="ids" value="{issued.pk}"' in text


# External certificates ----------------------------------------------------------------------


def _external_data(holder, certificate_type, scan, **extra):
    today = timezone.localdate()
    return {
        "holder": holder.employee_no,
        "certificate_type": certificate_type.pk,
        "number": "T3101002019000123",
        "issuing_authority": "Hunan Emergency Management Bureau",
        "issued_on": (today - datetime.timedelta(days=400)).isoformat(),
        "expires_on": (today + datetime.timedelta(days=1500)).isoformat(),
        "next_review_due": (today + datetime.timedelta(days=300)).isoformat(),
        "scan": scan,
        **extra,
    }


def test_external_registration_with_a_pdf_scan(officer_client):
    holder, certificate_type = make_holder(), make_type()
    scan = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    response = officer_client.post(
        reverse("certificate_register_external"), _external_data(holder, certificate_type, scan)
    )
    certificate = Certificate.objects.get(number="T3101002019000123")
    assert response.status_code == 302
    assert certificate.external and certificate.scan
    assert AuditEntry.objects.filter(action="certificate.external_registered").exists()
    download = officer_client.get(reverse("certificate_scan", args=[certificate.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert b"".join(download.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize(
    "name, content",
    [
        ("scan.pdf", b"<html><script>alert(1)</script></html>"),
        ("scan.png", b"just some text, not a picture"),
        ("scan.gif", b"GIF89a\x01\x00\x01\x00"),
    ],
)
def test_external_registration_with_a_bad_scan_is_refused(officer_client, name, content):
    holder, certificate_type = make_holder(), make_type()
    scan = SimpleUploadedFile(name, content)
    response = officer_client.post(
        reverse("certificate_register_external"), _external_data(holder, certificate_type, scan)
    )
    assert response.status_code == 200
    assert "The scan must be a PDF, PNG or JPEG file" in response.content.decode()
    assert not Certificate.objects.exists()


def test_external_registration_with_a_scan_over_10_mb_is_refused(officer_client):
    holder, certificate_type = make_holder(), make_type()
    scan = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = officer_client.post(
        reverse("certificate_register_external"), _external_data(holder, certificate_type, scan)
    )
    assert "at most 10.0" in response.content.decode()
    assert not Certificate.objects.exists()


def test_external_registration_service_errors_are_shown(officer_client):
    holder, certificate_type = make_holder(), make_type()
    today = timezone.localdate()
    data = _external_data(
        holder, certificate_type, "", expires_on=(today - datetime.timedelta(days=900)).isoformat()
    )
    response = officer_client.post(reverse("certificate_register_external"), data)
    assert "The validity must end after the issue date." in response.content.decode()


# Types --------------------------------------------------------------------------------------


def test_company_type_is_added_and_edited(officer_client):
    theory = make_exam(candidates=[make_holder()], title="Forklift theory")
    data = {
        "code": "FL1",
        "category": "Company permit",
        "operation_item": "Forklift operation",
        "validity_years": 4,
        "review_interval_years": 2,
        "pass_score": "80",
        "refresher_hours": "4",
        "theory_exams": [theory.pk],
        "is_active": "on",
    }
    response = officer_client.post(reverse("certificate_type_create"), data)
    assert response.status_code == 302
    created = CertificateType.objects.get(code="FL1")
    assert not created.national and list(created.theory_exams.all()) == [theory]
    assert AuditEntry.objects.filter(action="certificate_type.created").exists()

    response = officer_client.post(
        reverse("certificate_type_edit", args=[created.pk]), {**data, "validity_years": 5}
    )
    assert response.status_code == 302
    created.refresh_from_db()
    assert created.validity_years == 5
    listed = officer_client.get(reverse("certificate_type_list")).content.decode()
    assert "Forklift operation" in listed and "Forklift theory" in listed


def test_type_refusals_are_shown_on_the_form(officer_client):
    make_type(code="DUP")
    response = officer_client.post(
        reverse("certificate_type_create"),
        {
            "code": "DUP",
            "category": "C",
            "operation_item": "I",
            "validity_years": 2,
            "review_interval_years": 3,
            "pass_score": "80",
            "refresher_hours": "8",
        },
    )
    text = response.content.decode()
    assert "Another type has this code." in text
    assert "The review interval cannot be longer than the validity." in text


def test_national_type_keeps_its_names(officer_client):
    national = make_type(national=True, code="N01", category="Electrical work")
    response = officer_client.post(
        reverse("certificate_type_edit", args=[national.pk]),
        {
            "code": "HACK",
            "category": "Other",
            "operation_item": "Other",
            "validity_years": 6,
            "review_interval_years": 3,
            "pass_score": "85",
            "refresher_hours": "8",
            "is_active": "on",
        },
    )
    # Disabled fields keep their stored values; the rules may change.
    assert response.status_code == 302
    national.refresh_from_db()
    assert national.code == "N01" and national.pass_score == Decimal(85)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (30, 40), "white").save(out, format="PNG")
    return out.getvalue()


def test_issue_with_a_photo_and_a_refused_photo(officer_client):
    holder, certificate_type = make_holder(), make_type()
    theory, practical = qualify(holder, certificate_type)
    data = _issue_data(holder, certificate_type, theory, practical)
    bad = officer_client.post(
        reverse("certificate_issue"),
        {**data, "photo": SimpleUploadedFile("photo.png", b"not a picture")},
    )
    assert bad.status_code == 200 and not Certificate.objects.exists()
    assert "photo" in bad.context["form"].errors

    response = officer_client.post(
        reverse("certificate_issue"),
        {**data, "photo": SimpleUploadedFile("photo.png", _png(), content_type="image/png")},
    )
    assert response.status_code == 302
    certificate = Certificate.objects.get(holder=holder)
    assert certificate.photo
    photo = officer_client.get(reverse("certificate_photo", args=[certificate.pk]))
    assert photo["Content-Type"] == "image/png"
