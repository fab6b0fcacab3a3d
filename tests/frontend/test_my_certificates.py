"""A holder's own certificates: the page lists only theirs, with the status, the next review
and the verify link; they download their own A4 certificate and wallet card, and another
person's is a 404."""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from certificates.models import CertificateStatus
from certificates.services import certificate_issue, certificate_suspend
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db


def issue_to(holder, certificate_type=None):
    if holder.birth_date is None:
        holder.birth_date = datetime.date(1990, 5, 1)
        holder.save(update_fields=["birth_date"])
    certificate_type = certificate_type or make_type()
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(content)).pages)


def test_holder_sees_only_their_own(trainee, trainee_client):
    mine = issue_to(trainee)
    theirs = issue_to(make_holder(name="Other Person"))
    response = trainee_client.get(reverse("my_certificates"))
    text = response.content.decode()
    assert response.status_code == 200
    assert mine.number in text and theirs.number not in text
    assert f"/verify/{mine.token}/" in text
    assert mine.next_review_due.isoformat() in text
    assert 'class="cert-status valid"' in text
    assert reverse("certificate_pdf", args=[mine.pk]) in text
    assert reverse("certificate_card", args=[mine.pk]) in text


def test_status_and_reason_are_shown(trainee, trainee_client):
    certificate = issue_to(trainee)
    certificate_suspend(actor=None, certificate=certificate, reason="Under investigation")
    text = trainee_client.get(reverse("my_certificates")).content.decode()
    assert 'class="cert-status suspended"' in text and "Under investigation" in text


def test_a_status_due_by_the_dates_is_brought_up_to_date(trainee, trainee_client):
    certificate = issue_to(trainee)
    type(certificate).objects.filter(pk=certificate.pk).update(
        next_review_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    text = trainee_client.get(reverse("my_certificates")).content.decode()
    assert 'class="cert-status suspended"' in text
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED


def test_holder_without_a_certificate_sees_an_empty_page(trainee_client):
    response = trainee_client.get(reverse("my_certificates"))
    assert "You hold no certificate yet." in response.content.decode()


def test_officer_sees_only_their_own_here(officer_client, trainee):
    issued = issue_to(trainee)
    text = officer_client.get(reverse("my_certificates")).content.decode()
    assert issued.number not in text


def test_holder_downloads_their_own_pdf_and_card(trainee, trainee_client):
    certificate = issue_to(trainee)
    a4 = trainee_client.get(reverse("certificate_pdf", args=[certificate.pk]))
    assert a4.status_code == 200 and a4["Content-Type"] == "application/pdf"
    assert a4["Content-Disposition"].startswith("attachment")
    assert certificate.number in _pdf_text(a4.content)
    card = trainee_client.get(reverse("certificate_card", args=[certificate.pk]))
    assert card.status_code == 200 and card.content.startswith(b"%PDF")


@pytest.mark.parametrize("name", ["certificate_pdf", "certificate_card"])
def test_another_persons_pdf_is_404(trainee_client, name):
    other = issue_to(make_holder())
    assert trainee_client.get(reverse(name, args=[other.pk])).status_code == 404


def test_holder_may_not_open_the_officer_pages(trainee, trainee_client):
    certificate = issue_to(trainee)
    assert trainee_client.get(reverse("certificate_list")).status_code == 403
    assert (
        trainee_client.get(reverse("certificate_detail", args=[certificate.pk])).status_code == 403
    )


def test_anonymous_visitor_is_sent_to_login(client):
    url = reverse("my_certificates")
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == f"{reverse('login')}?next={url}"


def test_navigation_offers_my_certificates_to_a_trainee(trainee_client):
    text = trainee_client.get(reverse("my_certificates")).content.decode()
    assert f'<a href="{reverse("my_certificates")}" aria-current="page">' in text
