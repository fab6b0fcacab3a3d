"""The public verify pages: the QR code's page for each state, the uniform "not found", the
lookup by number and name, the photo, the altered-record warning and the throttle."""

import datetime
import io
import os
import re
import secrets
import threading
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from certificates.models import Certificate, CertificateStatus, add_years
from certificates.services import (
    certificate_issue,
    certificate_refresh_status,
    certificate_register_external,
    certificate_revoke,
    certificate_suspend,
)
from certificates.signing import printed_fields, sign
from certificates.throttle import verify_attempt, verify_blocked
from frontend.views.verify import verify_lookup
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db

FULL_NAME = "张大伟"
FULL_ID = "110101199003071234"
MASKED_NAME = "张*伟"
MASKED_ID = "110***********1234"
# A Redis for the concurrency test; its keys get a unique prefix and are removed afterwards.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def png_photo(name="photo.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (30, 40), (200, 120, 90)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def issue(*, photo=None, **holder_fields) -> Certificate:
    holder = make_holder(name=FULL_NAME, national_id=FULL_ID, **holder_fields)
    certificate_type = make_type(category="Electrical work", operation_item="Low-voltage")
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
        photo=photo,
    )


def backdate(certificate: Certificate, issued_on: datetime.date) -> Certificate:
    """The certificate as if issued on ``issued_on`` (re-signed, as the issue would have)."""
    certificate.issued_on = issued_on
    certificate.expires_on = add_years(issued_on, 6) - datetime.timedelta(days=1)
    certificate.next_review_due = add_years(issued_on, 3)
    certificate.signature = sign(printed_fields(certificate))
    certificate.save(update_fields=["issued_on", "expires_on", "next_review_due", "signature"])
    return certificate


def review_due_in(certificate: Certificate, days: int) -> Certificate:
    # The next review date is not a printed field: no re-signing needed.
    certificate.next_review_due = timezone.localdate() + datetime.timedelta(days=days)
    certificate.save(update_fields=["next_review_due"])
    return certificate_refresh_status(certificate=certificate)


def page(client, certificate):
    return client.get(reverse("verify_token", kwargs={"token": certificate.token}))


def without_csrf(text: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", text)


def test_valid_certificate_page_is_public_and_shows_the_printed_fields(client, settings):
    certificate = issue()
    response = page(client, certificate)
    assert response.status_code == 200  # no login redirect
    text = response.content.decode()
    assert 'class="verdict valid"' in text
    assert "This certificate is valid." in text
    assert MASKED_NAME in text and MASKED_ID in text
    assert FULL_NAME not in text and FULL_ID not in text
    assert certificate.number in text
    assert "Electrical work" in text and "Low-voltage" in text
    assert certificate.issued_on.isoformat() in text
    assert certificate.expires_on.isoformat() in text
    assert certificate.next_review_due.isoformat() in text
    assert settings.CERTIFICATE_ISSUER in text
    assert "Compare every field printed on the certificate with this page" in text
    assert "record was altered" not in text
    # Nothing from the signed-in pages: no navigation, no account.
    assert "Main navigation" not in text and "Sign out" not in text


def test_page_is_never_cached_or_indexed(client):
    response = page(client, issue())
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex' in response.content.decode()


def test_review_due_is_shown_as_still_valid_with_the_date(client):
    certificate = review_due_in(issue(), 30)
    assert certificate.status == CertificateStatus.REVIEW_DUE
    text = page(client, certificate).content.decode()
    assert 'class="verdict review_due"' in text
    assert "Review due" in text
    assert f"its periodic review is due by {certificate.next_review_due.isoformat()}" in text


def test_overdue_review_shows_suspended_with_the_reason(client):
    certificate = review_due_in(issue(), -1)
    text = page(client, certificate).content.decode()
    assert 'class="verdict suspended"' in text
    assert "Suspended" in text
    assert "Periodic review overdue" in text


def test_suspension_by_decision_shows_its_reason(client):
    certificate = certificate_suspend(
        actor=None, certificate=issue(), reason="Under investigation after an incident"
    )
    text = page(client, certificate).content.decode()
    assert 'class="verdict suspended"' in text
    assert "Under investigation after an incident" not in text and "Other" in text


def test_expired_certificate(client):
    today = timezone.localdate()
    certificate = backdate(issue(), add_years(today, -6) - datetime.timedelta(days=3))
    text = page(client, certificate).content.decode()
    assert 'class="verdict expired"' in text
    assert "Expired" in text
    assert f"it was valid until {certificate.expires_on.isoformat()}" in text
    assert Certificate.objects.get(pk=certificate.pk).status == CertificateStatus.EXPIRED


def test_revoked_certificate_token_shows_revoked_with_the_reason(client):
    certificate = issue()
    assert "This certificate is valid." in page(client, certificate).content.decode()
    certificate_revoke(actor=None, certificate=certificate, reason="Forged training record")
    response = page(client, certificate)
    assert response.status_code == 200
    text = response.content.decode()
    assert 'class="verdict revoked"' in text
    assert "has been revoked and is no longer valid" in text
    assert "Forged training record" not in text and "Other" in text
    assert "This certificate is valid." not in text


@pytest.mark.parametrize("kind", ["random", "one_changed", "too_long", "odd_characters"])
def test_unknown_or_malformed_token_gets_the_uniform_not_found(client, kind):
    certificate = issue()
    token = certificate.token
    bad = {
        "random": secrets.token_urlsafe(24),
        "one_changed": token[:10] + ("A" if token[10] != "A" else "B") + token[11:],
        "too_long": token * 3,
        "odd_characters": "'; DROP TABLE--%20<script>",
    }[kind]
    response = client.get(f"/verify/{bad}/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "Certificate not found" in text
    assert certificate.number not in text and MASKED_NAME not in text
    reference = client.get(f"/verify/{secrets.token_urlsafe(24)}/")
    assert without_csrf(text) == without_csrf(reference.content.decode())


def test_altered_row_shows_the_warning(client):
    certificate = issue()
    # Behind the services' back: the printed name changed in the database.
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="王小明")
    text = page(client, certificate).content.decode()
    assert 'class="verdict altered"' in text
    assert "Warning: this record was altered" in text
    assert "王*明" in text


def test_external_certificate_says_registered_not_issued_here(client):
    holder = make_holder(name=FULL_NAME, national_id=FULL_ID)
    today = timezone.localdate()
    certificate = certificate_register_external(
        actor=None,
        holder=holder,
        certificate_type=make_type(),
        number="T031234567890",
        issuing_authority="Hunan Emergency Management Department",
        issued_on=today - datetime.timedelta(days=100),
        expires_on=add_years(today, 5),
        next_review_due=add_years(today, 2),
        scan=SimpleUploadedFile("scan.pdf", b"%PDF-1.4 scan", content_type="application/pdf"),
    )
    response = page(client, certificate)
    text = response.content.decode()
    assert "Registered here, issued by Hunan Emergency Management Department" in text
    assert "scan.pdf" not in text and "/media/" not in text
    # The scan is never served, not even through the photo address.
    photo = client.get(reverse("verify_photo", kwargs={"token": certificate.token}))
    assert photo.status_code == 404


def test_photo_is_served_by_token_only(client):
    certificate = issue(photo=png_photo())
    text = page(client, certificate).content.decode()
    photo_url = reverse("verify_photo", kwargs={"token": certificate.token})
    assert f'src="{photo_url}"' in text
    assert "/media/" not in text
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "no-store" in response["Cache-Control"]
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert client.get(f"/verify/{secrets.token_urlsafe(24)}/photo/").status_code == 404


def test_no_photo_no_image(client):
    certificate = issue()
    assert "<img" not in page(client, certificate).content.decode()
    photo_url = reverse("verify_photo", kwargs={"token": certificate.token})
    assert client.get(photo_url).status_code == 404


# Lookup by number and name --------------------------------------------------------------


def lookup(client, number, name):
    return client.post(reverse("verify_lookup"), {"number": number, "name": name})


def test_lookup_form_is_public(client):
    response = client.get(reverse("verify_lookup"))
    assert response.status_code == 200
    text = response.content.decode()
    assert "Certificate number" in text and "Holder&#x27;s full name" in text
    assert "no-store" in response["Cache-Control"]


def test_lookup_with_the_right_number_and_name_shows_the_certificate(client):
    certificate = issue()
    response = lookup(client, f" {certificate.number} ", "\u3000张大伟 ")
    assert response.status_code == 200
    text = response.content.decode()
    assert "This certificate is valid." in text
    assert MASKED_NAME in text and FULL_NAME not in text and FULL_ID not in text


def test_wrong_name_and_wrong_number_get_the_same_answer(client):
    certificate = issue()
    wrong_name = lookup(client, certificate.number, "张小伟")
    wrong_number = lookup(client, certificate.number + "0", FULL_NAME)
    assert wrong_name.status_code == wrong_number.status_code == 404
    for response in (wrong_name, wrong_number):
        text = response.content.decode()
        assert "No certificate matches this number and name." in text
        assert MASKED_NAME not in text and "Electrical work" not in text

    # Apart from the echoed input, the two answers are the same page.
    def shape(response, number, name):
        text = without_csrf(response.content.decode())
        return text.replace(f'value="{number}"', "").replace(f'value="{name}"', "")

    assert shape(wrong_name, certificate.number, "张小伟") == shape(
        wrong_number, certificate.number + "0", FULL_NAME
    )


def test_empty_lookup_asks_for_both_fields(client):
    response = lookup(client, "", "")
    assert response.status_code == 400
    assert "Please correct the errors below." in response.content.decode()


# Throttle ---------------------------------------------------------------------------------


def test_ten_thousand_guesses_are_refused_after_the_limit(settings):
    settings.VERIFY_RATE_LIMIT = 30
    results = [verify_attempt("198.51.100.7") for _ in range(10_000)]
    allowed = [ok for ok, _retry in results if ok]
    assert len(allowed) == 30
    assert all(ok for ok, _retry in results[:30])
    assert not any(ok for ok, _retry in results[30:])
    assert all(1 <= retry <= settings.VERIFY_RATE_WINDOW_SECONDS for _ok, retry in results[30:])
    # Another address has its own budget.
    assert verify_attempt("198.51.100.8") == (True, 0)


def test_guessed_numbers_through_the_lookup_page_are_refused_after_the_limit(settings):
    """1,000 real lookups through the view (RequestFactory, no middleware, for speed; the
    10,000 above go through the throttle alone)."""
    settings.VERIFY_RATE_LIMIT = 30
    certificate = issue()
    factory = RequestFactory()
    statuses = []
    for guess in range(1_000):
        request = factory.post(
            "/verify/", {"number": f"X{guess:06d}", "name": FULL_NAME}, REMOTE_ADDR="1.2.3.4"
        )
        statuses.append(verify_lookup(request).status_code)
    assert statuses.count(404) == 30
    assert statuses.count(429) == 1_000 - 30
    # Once refused, even the right pair is refused until the window closes.
    request = factory.post(
        "/verify/", {"number": certificate.number, "name": FULL_NAME}, REMOTE_ADDR="1.2.3.4"
    )
    assert verify_lookup(request).status_code == 429


def test_window_closes_and_the_address_may_verify_again(settings, monkeypatch):
    settings.VERIFY_RATE_LIMIT = 2
    settings.VERIFY_RATE_WINDOW_SECONDS = 600
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    assert verify_attempt("192.0.2.1")[0] and verify_attempt("192.0.2.1")[0]
    assert verify_attempt("192.0.2.1") == (False, 600)
    now[0] += 590
    assert verify_attempt("192.0.2.1") == (False, 10)  # refusals never extend the window
    now[0] += 11
    assert verify_attempt("192.0.2.1") == (True, 0)


def test_token_pages_count_and_show_when_to_try_again(client, settings):
    settings.VERIFY_RATE_LIMIT = 3
    certificate = issue()
    assert page(client, certificate).status_code == 200
    assert client.get(f"/verify/{secrets.token_urlsafe(24)}/").status_code == 404
    assert lookup(client, certificate.number, "nobody").status_code == 404
    response = page(client, certificate)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.VERIFY_RATE_WINDOW_SECONDS)
    text = response.content.decode()
    assert "Too many verification requests from your network. Try again in 10 minutes." in text
    assert MASKED_NAME not in text
    # The lookup is refused too, before any check.
    assert lookup(client, certificate.number, FULL_NAME).status_code == 429
    # Showing the empty form is not a verification.
    assert client.get(reverse("verify_lookup")).status_code == 200


def test_photo_of_a_shown_page_is_not_counted_but_guesses_are(client, settings):
    settings.VERIFY_RATE_LIMIT = 2
    certificate = issue(photo=png_photo())
    photo_url = reverse("verify_photo", kwargs={"token": certificate.token})
    assert page(client, certificate).status_code == 200
    for _ in range(5):
        assert client.get(photo_url).status_code == 200
    assert verify_blocked("127.0.0.1") == (False, 0)
    assert client.get(f"/verify/{secrets.token_urlsafe(24)}/photo/").status_code == 404
    assert client.get(f"/verify/{secrets.token_urlsafe(24)}/photo/").status_code == 404
    assert client.get(photo_url).status_code == 429


def test_addresses_behind_a_trusted_proxy_are_counted_apart(client, settings):
    settings.VERIFY_RATE_LIMIT = 1
    settings.TRUSTED_PROXY_COUNT = 1
    certificate = issue()
    url = reverse("verify_token", kwargs={"token": certificate.token})
    first = {"X-Forwarded-For": "203.0.113.1"}
    assert client.get(url, headers=first).status_code == 200
    assert client.get(url, headers=first).status_code == 429
    # A client writing its own X-Forwarded-For entry does not get a fresh budget.
    spoofed = {"X-Forwarded-For": "10.9.9.9, 203.0.113.1"}
    assert client.get(url, headers=spoofed).status_code == 429
    assert client.get(url, headers={"X-Forwarded-For": "203.0.113.2"}).status_code == 200


def _redis_reachable(url: str) -> bool:
    try:
        import redis

        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except Exception:
        return False


@pytest.mark.skipif(not _redis_reachable(REDIS_URL), reason="no Redis at " + REDIS_URL)
def test_concurrent_workers_on_redis_never_exceed_the_limit(settings):
    """Production counts in Redis: 8 threads (each with its own connection, like separate
    workers) make 400 attempts from one address; exactly the limit get through."""
    prefix = f"verify-test-{secrets.token_hex(4)}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": prefix,
        }
    }
    settings.VERIFY_RATE_LIMIT = 30
    allowed = []
    barrier = threading.Barrier(8)

    def worker():
        barrier.wait()
        allowed.extend(ok for ok, _retry in (verify_attempt("203.0.113.77") for _ in range(50)))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(allowed) == 400
        assert allowed.count(True) == 30
        blocked, retry_after = verify_blocked("203.0.113.77")
        assert blocked and 1 <= retry_after <= settings.VERIFY_RATE_WINDOW_SECONDS
    finally:
        import redis

        connection = redis.Redis.from_url(REDIS_URL)
        for key in connection.scan_iter(f"{prefix}:*"):
            connection.delete(key)
