import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus
from certificates.rules import issue_check
from certificates.selectors import certificate_lookup, mask_name, public_view
from certificates.services import (
    RulesNotMet,
    certificate_issue,
    certificate_refresh_status,
    certificate_renew,
    certificate_review,
    certificate_revoke,
    certificate_state,
    violation_record,
)
from certificates.signing import signature_holds
from core.errors import Conflict
from core.models import AuditEntry
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db


def _issue(holder=None, certificate_type=None, **kwargs):
    holder = holder or make_holder()
    certificate_type = certificate_type or make_type()
    theory, practical = qualify(holder, certificate_type, **kwargs)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


def test_issue_numbers_signs_and_dates():
    certificate = _issue()
    today = timezone.localdate()
    assert certificate.number == f"{today.year}{certificate.certificate_type.code}000001"
    assert len(certificate.token) >= 22 and signature_holds(certificate)
    assert certificate.expires_on == today.replace(year=today.year + 6) - datetime.timedelta(days=1)
    assert certificate.next_review_due == today.replace(year=today.year + 3)
    assert certificate.status == CertificateStatus.VALID
    assert AuditEntry.objects.filter(action="certificate.issued").exists()


@pytest.mark.parametrize(
    "setup, rule",
    [
        ({"birth_date": None}, "age"),
        ({"under_18": True}, "age"),
        ({"theory": Decimal(70)}, "theory_pass"),
        ({"practical": Decimal(79)}, "practical_pass"),
        ({"old": True}, "theory_recent"),
    ],
)
def test_issue_refused_with_the_rule_named(setup, rule):
    today = timezone.localdate()
    born = (
        today.replace(year=today.year - 17) if setup.get("under_18") else datetime.date(1990, 1, 1)
    )
    holder = make_holder(birth_date=None if "birth_date" in setup else born)
    certificate_type = make_type()
    when = timezone.now() - datetime.timedelta(days=400) if setup.get("old") else None
    theory, practical = qualify(
        holder,
        certificate_type,
        theory=setup.get("theory", Decimal(90)),
        practical=setup.get("practical", Decimal(85)),
        when=when,
    )
    with pytest.raises(RulesNotMet) as refused:
        certificate_issue(
            actor=None,
            holder=holder,
            certificate_type=certificate_type,
            theory_exam=theory,
            practical_exam=practical,
        )
    assert rule in [failure.rule for failure in refused.value.failures]
    assert not Certificate.objects.exists()


def test_age_from_resident_id():
    holder = make_holder(birth_date=None, national_id="110101200001010012")
    certificate_type = make_type()
    theory, practical = qualify(holder, certificate_type)
    check = issue_check(
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
        today=timezone.localdate(),
    )
    assert "age" not in [failure.rule for failure in check.failures]


def test_second_live_certificate_of_a_type_is_refused():
    certificate = _issue()
    with pytest.raises(Conflict):
        certificate_issue(
            actor=None,
            holder=certificate.holder,
            certificate_type=certificate.certificate_type,
            theory_exam=certificate.theory_exam,
            practical_exam=certificate.practical_exam,
        )


def test_numbers_are_consecutive_per_type_and_year():
    certificate_type = make_type()
    numbers = [_issue(certificate_type=certificate_type).number for _ in range(3)]
    assert [number[-6:] for number in numbers] == ["000001", "000002", "000003"]


def test_states_over_time():
    certificate = _issue()
    due = certificate.next_review_due
    assert (
        certificate_state(certificate, due - datetime.timedelta(days=61)) == CertificateStatus.VALID
    )
    assert (
        certificate_state(certificate, due - datetime.timedelta(days=60))
        == CertificateStatus.REVIEW_DUE
    )
    assert (
        certificate_state(certificate, due + datetime.timedelta(days=1))
        == CertificateStatus.SUSPENDED
    )
    assert (
        certificate_state(certificate, certificate.expires_on + datetime.timedelta(days=1))
        == CertificateStatus.EXPIRED
    )
    certificate_refresh_status(certificate=certificate, today=due + datetime.timedelta(days=1))
    certificate.refresh_from_db()
    assert (
        certificate.status == CertificateStatus.SUSPENDED and "overdue" in certificate.status_reason
    )


def test_review_without_refresher_hours_is_refused_and_with_hours_passes():
    certificate = _issue()
    today = timezone.localdate()
    with pytest.raises(ValidationError, match="refresher hours"):
        certificate_review(
            actor=None, certificate=certificate, reviewed_on=today, passed=True, refresher_hours=4
        )
    review = certificate_review(
        actor=None, certificate=certificate, reviewed_on=today, passed=True, refresher_hours=8
    )
    certificate.refresh_from_db()
    assert review.passed and certificate.next_review_due is None  # 6 years after issue is the end


def test_review_refused_for_violations_and_revoked():
    certificate = _issue()
    violation_record(
        actor=None,
        certificate=certificate,
        occurred_on=timezone.localdate(),
        description="Worked without gloves",
        serious=True,
    )
    with pytest.raises(ValidationError, match="serious violation"):
        certificate_review(
            actor=None,
            certificate=certificate,
            reviewed_on=timezone.localdate(),
            passed=True,
            refresher_hours=8,
        )
    certificate_revoke(actor=None, certificate=certificate, reason="Forged record")
    with pytest.raises(Conflict):
        certificate_review(
            actor=None,
            certificate=certificate,
            reviewed_on=timezone.localdate(),
            passed=True,
            refresher_hours=8,
        )
    with pytest.raises(Conflict):
        certificate_renew(actor=None, certificate=certificate)


def test_lookup_needs_number_and_name_and_masks():
    holder = make_holder(name="张大伟")
    certificate = _issue(holder=holder)
    assert certificate_lookup(number=certificate.number, name="张大伟") == certificate
    assert certificate_lookup(number=certificate.number, name="张小伟") is None
    assert certificate_lookup(number="nope", name="张大伟") is None
    view = public_view(certificate)
    assert view.holder == "张*伟" and view.valid
    assert mask_name("李明") == "李*"


def test_tampered_row_fails_the_signature():
    certificate = _issue()
    Certificate.objects.filter(pk=certificate.pk).update(holder_name="Someone else")
    certificate.refresh_from_db()
    assert not signature_holds(certificate)
    assert public_view(certificate).valid is False


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks and several connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_issues_give_distinct_consecutive_numbers_and_one_per_person():
    certificate_type = make_type()
    holders = [make_holder() for _ in range(6)]
    exams = [qualify(holder, certificate_type) for holder in holders]
    barrier = threading.Barrier(8)
    outcomes = []

    def issue(holder, theory, practical):
        try:
            barrier.wait(timeout=10)
            outcomes.append(
                certificate_issue(
                    actor=None,
                    holder=holder,
                    certificate_type=certificate_type,
                    theory_exam=theory,
                    practical_exam=practical,
                ).number
            )
        except Conflict:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    jobs = [(holder, *pair) for holder, pair in zip(holders, exams, strict=True)]
    jobs += [jobs[0], jobs[1]]  # the same person twice at once
    threads = [threading.Thread(target=issue, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    numbers = sorted(o for o in outcomes if o != "conflict")
    assert outcomes.count("conflict") == 2 and len(numbers) == 6
    assert [int(n[-6:]) for n in numbers] == list(range(1, 7))
