"""``GET /api/v1/verify/?number=&name=``: public, the state of each certificate, one uniform
``{"valid": false}`` 404 for a wrong number or name, 429 with Retry-After when throttled."""

import datetime

import pytest
from django.utils import timezone

from certificates.models import Certificate, add_years
from certificates.services import (
    certificate_issue,
    certificate_refresh_status,
    certificate_register_external,
    certificate_revoke,
)
from certificates.signing import printed_fields, sign
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db

URL = "/api/v1/verify/"
FULL_NAME = "张大伟"
FULL_ID = "110101199003071234"


def issue() -> Certificate:
    holder = make_holder(name=FULL_NAME, national_id=FULL_ID)
    certificate_type = make_type(category="Welding and thermal cutting", operation_item="Welding")
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def verify(client, number, name=FULL_NAME, **extra):
    return client.get(URL, {"number": number, "name": name}, **extra)


def test_valid_certificate(anon_api):
    certificate = issue()
    response = verify(anon_api, certificate.number)
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is True
    assert body["status"] == "valid"
    assert body["holder"] == "张*伟"
    assert body["national_id"] == "110***********1234"
    assert body["certificate_type"] == "Welding and thermal cutting / Welding"
    assert body["number"] == certificate.number
    assert body["issued_on"] == certificate.issued_on.isoformat()
    assert body["expires_on"] == certificate.expires_on.isoformat()
    assert body["next_review_due"] == certificate.next_review_due.isoformat()
    assert body["signature_holds"] is True and body["external"] is False
    assert FULL_NAME not in response.content.decode() and FULL_ID not in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_review_due_is_still_valid(anon_api):
    certificate = issue()
    certificate.next_review_due = timezone.localdate() + datetime.timedelta(days=20)
    certificate.save(update_fields=["next_review_due"])
    body = verify(anon_api, certificate.number).json()
    assert (body["valid"], body["status"]) == (True, "review_due")


def test_overdue_review_is_suspended(anon_api):
    certificate = issue()
    certificate.next_review_due = timezone.localdate() - datetime.timedelta(days=1)
    certificate.save(update_fields=["next_review_due"])
    certificate_refresh_status(certificate=certificate)
    body = verify(anon_api, certificate.number).json()
    assert (body["valid"], body["status"]) == (False, "suspended")
    assert body["reason"] == "Periodic review overdue"


def test_expired(anon_api):
    certificate = issue()
    certificate.issued_on = add_years(timezone.localdate(), -7)
    certificate.expires_on = add_years(certificate.issued_on, 6) - datetime.timedelta(days=1)
    certificate.next_review_due = None
    certificate.signature = sign(printed_fields(certificate))
    certificate.save()
    body = verify(anon_api, certificate.number).json()
    assert (body["valid"], body["status"]) == (False, "expired")


def test_revoked_with_reason(anon_api):
    certificate = issue()
    certificate_revoke(actor=None, certificate=certificate, reason="Forged training record")
    response = verify(anon_api, certificate.number)
    assert response.status_code == 200
    body = response.json()
    assert (body["valid"], body["status"]) == (False, "revoked")
    assert body["reason"] == "Other" and "Forged" not in response.content.decode()


def test_altered_row_is_not_valid(anon_api):
    certificate = issue()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王小明")
    body = verify(anon_api, certificate.number, "王小明").json()
    assert body["signature_holds"] is False
    assert body["valid"] is False
    assert body["holder"] == "王*明"


def test_external_names_the_authority(anon_api):
    today = timezone.localdate()
    certificate_register_external(
        actor=None,
        holder=make_holder(name=FULL_NAME),
        certificate_type=make_type(),
        number="EXT-2024-0001",
        issuing_authority="Hunan Emergency Management Department",
        issued_on=today - datetime.timedelta(days=30),
        expires_on=add_years(today, 5),
    )
    body = verify(anon_api, "EXT-2024-0001").json()
    assert body["external"] is True
    assert body["issuer"] == "Hunan Emergency Management Department"


@pytest.mark.parametrize(
    "number, name",
    [
        ("right", "张小伟"),  # right number, wrong name
        ("wrong", FULL_NAME),  # wrong number, right name
        ("wrong", "张小伟"),
        ("", ""),
        ("x" * 500, FULL_NAME),
    ],
)
def test_wrong_number_or_name_reveals_nothing(anon_api, number, name):
    certificate = issue()
    number = {"right": certificate.number, "wrong": certificate.number + "9"}.get(number, number)
    response = verify(anon_api, number, name)
    assert response.status_code == 404
    assert response.json() == {"valid": False}


def test_missing_parameters_are_the_same_not_found(anon_api):
    response = anon_api.get(URL)
    assert response.status_code == 404
    assert response.json() == {"valid": False}


def test_signed_in_users_and_bad_credentials_get_the_same_answer(trainee_api, anon_api):
    certificate = issue()
    assert verify(trainee_api, certificate.number).json()["valid"] is True
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    assert verify(anon_api, certificate.number).status_code == 200


def test_only_get(anon_api):
    assert anon_api.post(URL, {"number": "1", "name": "x"}).status_code == 405


def test_throttled_with_retry_after(anon_api, settings):
    settings.VERIFY_RATE_LIMIT = 5
    certificate = issue()
    for guess in range(5):
        assert verify(anon_api, f"GUESS{guess}").status_code == 404
    response = verify(anon_api, certificate.number)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.VERIFY_RATE_WINDOW_SECONDS)
    assert response.json() == {
        "detail": "Too many verification requests from your network. Try again in 10 minutes."
    }


def test_pages_and_api_share_one_budget(client, anon_api, settings):
    settings.VERIFY_RATE_LIMIT = 2
    certificate = issue()
    assert client.get(f"/verify/{certificate.token}/").status_code == 200
    assert verify(anon_api, certificate.number).status_code == 200
    assert verify(anon_api, certificate.number).status_code == 429
    assert client.get(f"/verify/{certificate.token}/").status_code == 429


def test_in_the_schema(client):
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/verify/" in schema
