"""The demo certificates. Each seed takes seconds, so the cases are checked in few tests."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import OutputWrapper
from django.utils import timezone

from certificates.demo import EXTERNAL_AUTHORITY, EXTERNAL_NUMBER, seed_certificates
from certificates.models import Certificate, CertificateStatus, CertificateType
from core.models import AuditEntry
from exams.demo import seed_exams
from exams.models import Exam, ExamKind, ExamResult, PracticalScore
from people.demo import CERTIFICATE_HOLDER, SeedContext, seed_people

pytestmark = pytest.mark.django_db


def seed() -> str:
    out = StringIO()
    ctx = SeedContext(stdout=OutputWrapper(out))
    for step in (seed_people, seed_exams, seed_certificates):
        step(ctx)
    assert not ctx.notes
    return out.getvalue()


def counts() -> dict:
    return {
        "certificates": Certificate.objects.count(),
        "types": CertificateType.objects.count(),
        "exams": Exam.objects.count(),
        "results": ExamResult.objects.count(),
        "marks": PracticalScore.objects.count(),
        "audit": AuditEntry.objects.count(),
        "statuses": list(Certificate.objects.order_by("pk").values_list("number", "status")),
    }


def certificate_of(name: str) -> Certificate:
    return Certificate.objects.select_related("certificate_type").get(holder__name=name)


def test_a_second_run_changes_nothing():
    seed()
    first = counts()

    output = seed()

    assert counts() == first
    assert "Certificates: 8 (" in output


def test_the_due_overdue_revoked_and_external_cases():
    seed()
    today = timezone.localdate()

    due = certificate_of("王建平")
    assert due.status == CertificateStatus.REVIEW_DUE
    assert today < due.next_review_due <= today + datetime.timedelta(days=60)

    overdue = certificate_of("贺立新")
    assert overdue.status == CertificateStatus.SUSPENDED
    assert overdue.next_review_due < today
    assert not overdue.reviews.exists()

    revoked = certificate_of("李铁军")
    assert revoked.status == CertificateStatus.REVOKED
    assert "hot work without a permit" in revoked.status_reason
    assert revoked.violations.get().serious
    assert AuditEntry.objects.filter(action="certificate.revoked").count() == 1

    external = Certificate.objects.get(number=EXTERNAL_NUMBER)
    assert external.external and external.issuing_authority == EXTERNAL_AUTHORITY
    assert external.holder.name == "姚国强"
    assert external.next_review_due > today
    assert external.status == CertificateStatus.VALID

    # Reviewed before the review fell due: valid to the end (the next review would fall
    # after the end of validity).
    reviewed = certificate_of("田勇")
    assert reviewed.reviews.get().passed
    assert reviewed.status == CertificateStatus.VALID
    assert reviewed.issued_on < today - datetime.timedelta(days=3 * 365) < reviewed.expires_on

    # The printed demo login is an electrician with a valid certificate.
    holder = Certificate.objects.get(holder__employee_no=CERTIFICATE_HOLDER.employee_no)
    assert holder.status == CertificateStatus.VALID
    assert holder.certificate_type.code == "ELLV"
    assert holder.holder.user.username == CERTIFICATE_HOLDER.employee_no

    valid = Certificate.objects.filter(status=CertificateStatus.VALID)
    assert set(valid.values_list("holder__name", flat=True)) == {
        "唐小兵",
        "邓伟",
        "段勇",
        "田勇",
        "姚国强",
    }
    # 吴小龙 passed the theory, not the practical: refused.
    assert not Certificate.objects.filter(holder__name="吴小龙").exists()
    assert not PracticalScore.objects.get(employee__name="吴小龙").passed
    assert set(
        CertificateType.objects.filter(national=False).values_list("operation_item", flat=True)
    ) == {"Forklift operation", "Crane operation"}


def test_the_special_workers_qualified_by_the_rules_before_the_issue():
    seed()

    held = Certificate.objects.values_list("holder__position", "certificate_type__code")
    assert sorted(held) == sorted(
        [("Electrician", "ELLV")] * 2
        + [("Electrician", "ELHV"), ("Gas worker", "MTGW"), ("Gas worker", "MTGW")]
        + [("Welder", "WEFC")] * 3
    )
    for certificate in Certificate.objects.filter(external=False).select_related(
        "certificate_type", "theory_exam", "practical_exam"
    ):
        assert certificate.theory_score >= 80 and certificate.practical_score >= 80
        assert not certificate.override_reason
        assert certificate.number.startswith(
            f"{certificate.issued_on.year}{certificate.certificate_type.code}"
        )
        assert certificate.practical_exam.kind == ExamKind.PRACTICAL
        assert certificate.theory_exam in certificate.certificate_type.theory_exams.all()
        assert certificate.practical_exam in certificate.certificate_type.practical_exams.all()
        theory = ExamResult.objects.get(exam=certificate.theory_exam, employee=certificate.holder)
        mark = PracticalScore.objects.get(
            exam=certificate.practical_exam, employee=certificate.holder
        )
        # Sat online on the day (an attempt), marked two days later, issued after.
        assert theory.attempt is not None and theory.attempt.max_score == 100
        assert theory.submitted_at < mark.entered_at
        assert mark.entered_at.date() < certificate.issued_on
        assert certificate.issued_on - theory.submitted_at.date() < datetime.timedelta(days=30)


def test_make_demo_prints_the_certificates_and_a_holder_login(settings):
    settings.DEBUG = True
    out = StringIO()

    call_command("seed_demo", stdout=out, stderr=StringIO())

    output = out.getvalue()
    assert "8 certificates" in output
    assert "1 review due, 1 suspended, 1 revoked" in output
    holder_line = next(
        line for line in output.splitlines() if CERTIFICATE_HOLDER.employee_no + " " in line
    )
    assert "holds an operation certificate" in holder_line
