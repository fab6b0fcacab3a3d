"""The daily certificate commands go on with the rest when one certificate fails (issue 11,
finding 4): each failure is logged and counted, the others are processed, and the command
exits non-zero so cron reports it."""

import datetime
import logging
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.core.management.base import CommandError

from certificates.management.commands import refresh_certificate_statuses as refresh_command
from certificates.models import Certificate, CertificateStatus, ReminderSent
from certificates.services import certificate_issue
from tests.certificates.factories import make_holder, make_type, qualify

pytestmark = pytest.mark.django_db


def issue(number: int) -> Certificate:
    holder = make_holder()
    holder.user.email = f"holder{number}@example.com"
    holder.user.save(update_fields=["email"])
    certificate_type = make_type()
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


@pytest.fixture
def certificates() -> list[Certificate]:
    return [issue(number) for number in range(3)]


def test_refresh_goes_on_after_a_certificate_that_fails(certificates, monkeypatch, caplog):
    failing = certificates[1]
    refresh = refresh_command.certificate_refresh_status

    def refresh_or_fail(*, certificate, today=None):
        if certificate.pk == failing.pk:
            raise RuntimeError("database hiccup")
        return refresh(certificate=certificate, today=today)

    monkeypatch.setattr(refresh_command, "certificate_refresh_status", refresh_or_fail)
    day = max(c.next_review_due for c in certificates) + datetime.timedelta(days=1)
    out = StringIO()
    with caplog.at_level(logging.ERROR), pytest.raises(CommandError) as error:
        call_command("refresh_certificate_statuses", "--date", day.isoformat(), stdout=out)

    assert "The status of 1 certificate(s) could not be refreshed" in str(error.value)
    assert "Changed the status of 2 certificate(s)." in out.getvalue()
    statuses = dict(Certificate.objects.values_list("pk", "status"))
    assert statuses[failing.pk] == CertificateStatus.VALID
    assert [statuses[c.pk] for c in certificates if c != failing] == [
        CertificateStatus.SUSPENDED
    ] * 2
    assert any(failing.number in record.getMessage() for record in caplog.records)


def test_reminders_go_on_after_one_that_cannot_be_sent(certificates, caplog):
    failing = certificates[0]
    send = EmailBackend.send_messages

    def send_or_fail(backend, messages):
        if any(failing.holder.user.email in message.to for message in messages):
            raise OSError("mailbox unavailable")
        return send(backend, messages)

    day = certificates[0].next_review_due - datetime.timedelta(days=30)
    out = StringIO()
    with (
        mock.patch.object(EmailBackend, "send_messages", send_or_fail),
        caplog.at_level(logging.ERROR),
        pytest.raises(CommandError) as error,
    ):
        call_command("certificate_reminders", "--date", day.isoformat(), stdout=out)

    assert "1 certificate reminder(s) could not be sent" in str(error.value)
    assert "Sent 2 certificate reminder(s)." in out.getvalue()
    assert set(ReminderSent.objects.values_list("certificate_id", flat=True)) == {
        c.pk for c in certificates if c != failing
    }
    assert sorted(m.to[0] for m in mail.outbox) == ["holder1@example.com", "holder2@example.com"]
    # The next run sends the one left, and all is well.
    out = StringIO()
    call_command("certificate_reminders", "--date", day.isoformat(), stdout=out)
    assert "Sent 1 certificate reminder(s)." in out.getvalue()


def test_a_reminder_with_no_one_to_send_to_is_no_failure(certificates):
    user = certificates[0].holder.user
    user.email = ""  # and there is no safety officer with an address
    user.save(update_fields=["email"])
    day = certificates[0].next_review_due - datetime.timedelta(days=30)
    out = StringIO()
    call_command("certificate_reminders", "--date", day.isoformat(), stdout=out)
    assert "Sent 2 certificate reminder(s)." in out.getvalue()
