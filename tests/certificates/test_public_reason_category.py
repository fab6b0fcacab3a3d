"""Issue 11, finding 9: the public verification (page and API) shows why a certificate is
suspended or revoked only as a translated category; the officer's free text, which may name
people and incidents, stays on staff pages. Officers must choose the category."""

import datetime
import importlib

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateStatus, StatusReasonCategory
from certificates.services import (
    certificate_issue,
    certificate_refresh_status,
    certificate_reinstate,
    certificate_review,
    certificate_revoke,
    certificate_suspend,
)
from core.models import AuditEntry
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db

NAME = "张大伟"
SECRET = "Drunk on shift 3 May, reported by foreman 李强"


def issue() -> Certificate:
    holder = make_holder(name=NAME)
    certificate_type = make_type(category="Welding and thermal cutting", operation_item="Welding")
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def verify_api(client, certificate):
    return client.get("/api/v1/verify/", {"number": certificate.number, "name": NAME})


def verify_page(client, certificate):
    return client.get(f"/verify/{certificate.token}/")


def lookup_page(client, certificate):
    return client.post(reverse("verify_lookup"), {"number": certificate.number, "name": NAME})


def public_texts(client, anon_api, certificate) -> list[str]:
    return [
        verify_api(anon_api, certificate).content.decode(),
        verify_page(client, certificate).content.decode(),
        lookup_page(client, certificate).content.decode(),
    ]


@pytest.mark.parametrize(
    ("decide", "status"),
    [(certificate_revoke, "revoked"), (certificate_suspend, "suspended")],
)
@pytest.mark.parametrize("category", StatusReasonCategory.values)
def test_the_public_sees_the_category_never_the_words(client, anon_api, decide, status, category):
    certificate = decide(actor=None, certificate=issue(), reason=SECRET, reason_category=category)
    label = str(StatusReasonCategory(category).label)
    body = verify_api(anon_api, certificate).json()
    assert (body["status"], body["reason"], body["reason_category"]) == (status, label, category)
    for text in public_texts(client, anon_api, certificate):
        assert "Drunk" not in text and "李强" not in text and "foreman" not in text
    page = verify_page(client, certificate).content.decode()
    assert f'class="verdict {status}"' in page and label.replace("'", "&#x27;") in page


def test_the_category_is_translated(anon_api):
    certificate = certificate_revoke(
        actor=None, certificate=issue(), reason=SECRET, reason_category="violation"
    )
    response = anon_api.get(
        "/api/v1/verify/",
        {"number": certificate.number, "name": NAME},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    with translation.override("zh-hans"):
        assert response.json()["reason"] == str(StatusReasonCategory.VIOLATION.label)


def test_an_overdue_review_shows_its_category_without_the_text(client, anon_api):
    certificate = issue()
    certificate.next_review_due = timezone.localdate() - datetime.timedelta(days=1)
    certificate.save(update_fields=["next_review_due"])
    certificate_refresh_status(certificate=certificate)
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    assert certificate.status_reason_category == StatusReasonCategory.REVIEW_OVERDUE
    body = verify_api(anon_api, certificate).json()
    assert (body["reason"], body["reason_category"]) == (
        "Periodic review overdue",
        "review_overdue",
    )
    assert "since" not in body["reason"]


def test_valid_certificates_show_no_reason(anon_api):
    body = verify_api(anon_api, issue()).json()
    assert (body["reason"], body["reason_category"]) == ("", "")


def test_reinstating_and_passing_a_review_clear_the_category(anon_api):
    certificate = certificate_suspend(
        actor=None, certificate=issue(), reason=SECRET, reason_category="violation"
    )
    certificate = certificate_reinstate(actor=None, certificate=certificate, reason="Cleared")
    certificate.refresh_from_db()
    assert (certificate.status_reason, certificate.status_reason_category) == ("", "")
    certificate_suspend(actor=None, certificate=certificate, reason=SECRET, reason_category="other")
    certificate_review(
        actor=None,
        certificate=certificate,
        reviewed_on=timezone.localdate(),
        passed=True,
        refresher_hours=100,
    )
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    assert certificate.status_reason_category == ""


def test_certificates_from_before_categories_show_a_safe_one(client, anon_api):
    decided = certificate_revoke(actor=None, certificate=issue(), reason=SECRET)
    Certificate.objects.filter(pk=decided.pk).update(status_reason_category="")
    body = verify_api(anon_api, decided).json()
    assert (body["reason_category"], body["reason"]) == ("other", "Other")
    # The data migration gives them the same.
    migration = importlib.import_module("certificates.migrations.0004_status_reason_category")
    migration.categorise_existing(django_apps, None)
    decided.refresh_from_db()
    assert decided.status_reason_category == "other"


# Officers: the API -------------------------------------------------------------------------


def url(certificate, action):
    return f"/api/v1/certificates/{certificate.pk}/{action}/"


@pytest.mark.parametrize("action", ["revoke", "suspend"])
@pytest.mark.parametrize("category", [None, "", "secret", "review due"])
def test_the_api_requires_a_known_category(officer_api, action, category):
    certificate = issue()
    body = {"reason": SECRET}
    if category is not None:
        body["reason_category"] = category
    response = officer_api.post(url(certificate, action), body, format="json")
    assert response.status_code == 400 and "reason_category" in response.json()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID


@pytest.mark.parametrize("action", ["revoke", "suspend"])
def test_the_api_records_the_category_and_staff_keep_the_words(officer_api, action):
    certificate = issue()
    body = {"reason": SECRET, "reason_category": "holder_request"}
    response = officer_api.post(url(certificate, action), body, format="json")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["status_reason"], data["status_reason_category"]) == (SECRET, "holder_request")
    entry = AuditEntry.objects.get(
        action=f"certificate.{'revoked' if action == 'revoke' else 'suspended'}"
    )
    assert entry.after["reason_category"] == "holder_request" and entry.after["reason"] == SECRET
    listed = officer_api.get("/api/v1/certificates/").json()["results"][0]
    assert listed["status_reason"] == SECRET


def test_the_schema_names_the_categories(client):
    schema = client.get("/api/schema/?format=json").json()
    text = str(schema["components"]["schemas"])
    for value in StatusReasonCategory.values:
        assert value in text


# Officers: the pages -----------------------------------------------------------------------


def test_the_suspend_form_requires_a_category_and_the_staff_page_shows_both(officer_client):
    certificate = issue()
    suspend = reverse("certificate_suspend", args=[certificate.pk])
    missing = officer_client.post(suspend, {"suspend-reason": SECRET})
    assert missing.status_code == 200
    assert missing.context["suspend_form"].errors["reason_category"]
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.VALID
    done = officer_client.post(
        suspend, {"suspend-reason": SECRET, "suspend-reason_category": "violation"}
    )
    assert done.status_code == 302
    page = officer_client.get(reverse("certificate_detail", args=[certificate.pk])).content.decode()
    assert "Safety violation" in page and "李强" in page


def test_the_revoke_form_requires_a_category(officer_client, client):
    certificate = issue()
    revoke = reverse("certificate_revoke", args=[certificate.pk])
    form = officer_client.get(revoke).content.decode()
    assert 'name="reason_category"' in form and "issued_in_error" in form
    missing = officer_client.post(revoke, {"reason": SECRET, "confirm": "on"})
    assert missing.status_code == 200 and missing.context["form"].errors["reason_category"]
    done = officer_client.post(
        revoke, {"reason": SECRET, "reason_category": "issued_in_error", "confirm": "on"}
    )
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert (certificate.status, certificate.status_reason_category) == (
        "revoked",
        "issued_in_error",
    )
    public = verify_page(client, certificate).content.decode()
    assert "Issued in error" in public and "李强" not in public
