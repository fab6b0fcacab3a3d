import datetime
import threading
from io import StringIO
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections
from django.utils import timezone

from certificates.models import Certificate, CertificateStatus, ReminderKind, ReminderSent
from certificates.reminders import (
    THRESHOLDS,
    officer_addresses,
    reminder_send,
    reminders_due,
    reminders_send,
    threshold_due,
)
from certificates.services import (
    certificate_issue,
    certificate_register_external,
    certificate_revoke,
)
from core.roles import Role
from tests.certificates.factories import make_holder, make_type, qualify
from tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _issue(holder=None, certificate_type=None) -> Certificate:
    holder = holder or make_holder()
    if not holder.user.email:
        holder.user.email = f"{holder.employee_no.lower()}@example.com"
        holder.user.save(update_fields=["email"])
    certificate_type = certificate_type or make_type()
    theory, practical = qualify(holder, certificate_type)
    return certificate_issue(
        actor=None,
        holder=holder,
        certificate_type=certificate_type,
        theory_exam=theory,
        practical_exam=practical,
    )


@pytest.fixture
def officer(safety_officer):
    safety_officer.user.email = "officer@example.com"
    safety_officer.user.save(update_fields=["email"])
    return safety_officer


def _days(day: datetime.date, count: int) -> datetime.date:
    return day - datetime.timedelta(days=count)


@pytest.mark.parametrize(
    "days_left, threshold",
    [(90, None), (61, None), (60, 60), (45, 60), (31, 60), (30, 30), (8, 30), (7, 7), (0, 7)],
)
def test_threshold_due_is_the_most_urgent_reached(days_left, threshold):
    assert threshold_due(days_left) == threshold
    assert threshold_due(-1) is None


def test_review_reminders_at_60_30_and_7_days_each_sent_once(officer):
    certificate = _issue()
    due = certificate.next_review_due
    for threshold in THRESHOLDS:
        day = _days(due, threshold)
        assert reminders_send(today=day) == 1
        assert reminders_send(today=day) == 0  # run twice the same day
        assert reminders_send(today=day + datetime.timedelta(days=1)) == 0  # the next day
    rows = ReminderSent.objects.filter(certificate=certificate)
    assert sorted(rows.values_list("days_before", flat=True)) == [7, 30, 60]
    assert set(rows.values_list("kind", flat=True)) == {ReminderKind.REVIEW}
    assert set(rows.values_list("due_on", flat=True)) == {due}
    assert len(mail.outbox) == 6  # holder and officer, three times
    assert reminders_send(today=_days(due, 61)) == 0  # nothing before the first threshold


def test_a_missed_day_still_sends_the_most_urgent_reminder_once(officer):
    certificate = _issue()
    due = certificate.next_review_due
    # The command did not run from 61 to 21 days before: the 30-day reminder goes out at 20.
    assert reminders_send(today=_days(due, 20)) == 1
    sent = ReminderSent.objects.get(certificate=certificate)
    assert sent.days_before == 30
    assert reminders_send(today=_days(due, 19)) == 0
    # Missed again from 7 to 4 days before: the 7-day one goes out at 3.
    assert reminders_send(today=_days(due, 3)) == 1
    assert reminders_send(today=due) == 0
    assert reminders_send(today=due + datetime.timedelta(days=1)) == 0  # overdue: dashboard


def test_holder_and_safety_officers_receive_their_own_message(officer):
    EmployeeFactory(roles=[Role.SAFETY_OFFICER])  # an officer without an address
    gone = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    gone.user.email, gone.user.is_active = "gone@example.com", False
    gone.user.save(update_fields=["email", "is_active"])
    certificate = _issue(holder=make_holder(name="张三丰"))
    holder_address = certificate.holder.user.email

    assert reminders_send(today=_days(certificate.next_review_due, 30)) == 1

    by_address = {message.to[0]: message for message in mail.outbox}
    assert set(by_address) == {holder_address, "officer@example.com"}
    assert all(len(message.to) == 1 for message in mail.outbox)
    to_holder, to_officer = by_address[holder_address], by_address["officer@example.com"]
    assert certificate.number in to_holder.subject and "30 days" in to_holder.subject
    assert "Dear 张三丰" in to_holder.body and "Your certificate" in to_holder.body
    assert certificate.next_review_due.isoformat() in to_holder.body
    assert f"/verify/{certificate.token}/" in to_holder.body
    assert "张三丰" in to_officer.body and certificate.holder.employee_no in to_officer.body
    assert "Your certificate" not in to_officer.body
    assert "&" not in to_officer.body  # plain text, not HTML-escaped


def test_holder_who_is_an_officer_gets_one_message(officer):
    officer.birth_date = datetime.date(1985, 3, 1)
    officer.save(update_fields=["birth_date"])
    certificate = _issue(holder=officer)
    assert reminders_send(today=_days(certificate.next_review_due, 7)) == 1
    assert [message.to for message in mail.outbox] == [["officer@example.com"]]


def test_nobody_to_tell_records_nothing_so_a_later_address_still_gets_it():
    certificate = _issue()
    certificate.holder.user.email = ""
    certificate.holder.user.save(update_fields=["email"])
    day = _days(certificate.next_review_due, 30)
    assert reminders_send(today=day) == 0
    assert not ReminderSent.objects.exists()
    certificate.holder.user.email = "late@example.com"
    certificate.holder.user.save(update_fields=["email"])
    assert reminders_send(today=day) == 1


def test_revoked_and_expired_certificates_get_no_reminder(officer):
    revoked = _issue()
    certificate_revoke(actor=None, certificate=revoked, reason="Forged exam")
    expired = _issue()
    Certificate.objects.filter(pk=expired.pk).update(status=CertificateStatus.EXPIRED)
    for certificate in (revoked, expired):
        assert reminders_send(today=_days(certificate.next_review_due, 30)) == 0
        assert reminders_send(today=_days(certificate.expires_on, 7)) == 0
    assert not mail.outbox and not ReminderSent.objects.exists()


def test_external_certificates_get_expiry_and_review_reminders(officer):
    holder = make_holder(name="王外部")
    holder.user.email = "wang@example.com"
    holder.user.save(update_fields=["email"])
    today = timezone.localdate()
    certificate = certificate_register_external(
        actor=None,
        holder=holder,
        certificate_type=make_type(),
        number="EXT-0001",
        issuing_authority="Hunan Emergency Management Department",
        issued_on=today - datetime.timedelta(days=2000),
        expires_on=today + datetime.timedelta(days=30),
        next_review_due=today + datetime.timedelta(days=7),
    )
    assert reminders_send(today=today) == 2  # review at 7 days, expiry at 30 days
    kinds = dict(ReminderSent.objects.values_list("kind", "days_before"))
    assert kinds == {ReminderKind.REVIEW: 7, ReminderKind.EXPIRY: 30}
    holder_messages = [m for m in mail.outbox if m.to == ["wang@example.com"]]
    assert len(holder_messages) == 2
    assert any("Hunan Emergency Management Department" in m.body for m in holder_messages)
    assert certificate.number in holder_messages[0].subject


def test_a_new_review_date_starts_its_own_reminders(officer):
    certificate = _issue()
    old_due = certificate.next_review_due
    assert reminders_send(today=_days(old_due, 7)) == 1
    new_due = old_due.replace(year=old_due.year + 1)
    Certificate.objects.filter(pk=certificate.pk).update(next_review_due=new_due)
    assert reminders_send(today=_days(new_due, 60)) == 1
    assert ReminderSent.objects.filter(due_on=new_due, days_before=60).exists()


def test_a_failed_send_is_rolled_back_and_retried(officer):
    certificate = _issue()
    day = _days(certificate.next_review_due, 60)
    with mock.patch(
        "django.core.mail.backends.locmem.EmailBackend.send_messages",
        side_effect=OSError("mail server down"),
    ):
        assert reminders_send(today=day) == 0
    assert not ReminderSent.objects.exists()
    assert reminders_send(today=day) == 1
    assert ReminderSent.objects.count() == 1


def test_a_reminder_sent_by_another_run_meanwhile_is_not_sent_again(officer):
    certificate = _issue()
    day = _days(certificate.next_review_due, 60)
    pending = reminders_due(today=day)
    assert len(pending) == 1
    # Another run records it between this run's read and its send.
    ReminderSent.objects.create(
        certificate=certificate, kind=ReminderKind.REVIEW, due_on=pending[0].due_on, days_before=60
    )
    assert reminder_send(pending[0], officers=officer_addresses()) is False
    assert not mail.outbox


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs several connections")
@pytest.mark.django_db(transaction=True)
def test_concurrent_runs_send_each_reminder_once():
    officer = EmployeeFactory(roles=[Role.SAFETY_OFFICER])
    officer.user.email = "officer@example.com"
    officer.user.save(update_fields=["email"])
    certificate = _issue()
    day = _days(certificate.next_review_due, 30)
    barrier = threading.Barrier(4)
    counts = []

    def run():
        try:
            barrier.wait(timeout=10)
            counts.append(reminders_send(today=day))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(counts) == [0, 0, 0, 1]
    assert ReminderSent.objects.count() == 1
    assert len(mail.outbox) == 2


def test_certificate_reminders_command_prints_how_many(officer):
    certificate = _issue()
    day = _days(certificate.next_review_due, 7)
    out = StringIO()
    call_command("certificate_reminders", "--date", day.isoformat(), stdout=out)
    assert "Sent 1 certificate reminder(s)." in out.getvalue()
    out = StringIO()
    call_command("certificate_reminders", stdout=out)
    assert "Sent 0 certificate reminder(s)." in out.getvalue()


def test_refresh_certificate_statuses_command_prints_how_many_changed():
    certificate = _issue()
    day = certificate.next_review_due + datetime.timedelta(days=1)
    out = StringIO()
    call_command("refresh_certificate_statuses", "--date", day.isoformat(), stdout=out)
    assert "Changed the status of 1 certificate(s)." in out.getvalue()
    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.SUSPENDED
    out = StringIO()
    call_command("refresh_certificate_statuses", "--date", day.isoformat(), stdout=out)
    assert "Changed the status of 0 certificate(s)." in out.getvalue()


def test_commands_refuse_a_bad_date():
    with pytest.raises(CommandError):
        call_command("certificate_reminders", "--date", "tomorrow")
    with pytest.raises(CommandError):
        call_command("refresh_certificate_statuses", "--date", "2026-13-01")
