"""Reminder e-mails: 60, 30 and 7 days before a certificate's review or the end of its
validity, to the holder and to every safety officer, each reminder exactly once.

Run daily from cron, after the status refresh::

    0 1 * * *  cd /srv/safety && .venv/bin/python manage.py refresh_certificate_statuses
    30 1 * * * cd /srv/safety && .venv/bin/python manage.py certificate_reminders

Messages go through Django's e-mail backend (``EMAIL_BACKEND``: the console by default, SMTP in
production) in the site's default language (``LANGUAGE_CODE``)."""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from certificates.models import Certificate, CertificateStatus, ReminderKind, ReminderSent
from certificates.selectors import verify_url
from core.roles import Role

logger = logging.getLogger(__name__)

# Days before the due date at which a reminder goes out, the earliest first.
THRESHOLDS = (60, 30, 7)


@dataclass(frozen=True)
class Reminder:
    """One reminder that is due: the certificate, what falls due, when, and the threshold."""

    certificate: Certificate
    kind: str
    due_on: datetime.date
    days_before: int
    days_left: int


def threshold_due(days_left: int) -> int | None:
    """The most urgent threshold reached ``days_left`` days before the due date, or None.

    A certificate 45 days from its review is at the 60-day threshold; 29 days away, at the
    30-day one. Sending only the most urgent reached threshold (once) means a missed day, or a
    certificate registered late, still gets a reminder the next run, without a stale one for a
    threshold already passed. On and after the due date nothing is sent: the certificate is then
    overdue or expired and shows on the dashboard."""
    if days_left < 0:
        return None
    reached = [threshold for threshold in THRESHOLDS if days_left <= threshold]
    return min(reached) if reached else None


def reminders_due(*, today: datetime.date) -> list[Reminder]:
    """Every reminder due on ``today`` and not yet sent: live certificates (not revoked or
    expired; external ones too) whose next review or end of validity is at most 60 days away."""
    horizon = today + datetime.timedelta(days=max(THRESHOLDS))
    certificates = (
        Certificate.objects.exclude(
            status__in=[CertificateStatus.REVOKED, CertificateStatus.EXPIRED]
        )
        .filter(
            Q(next_review_due__gte=today, next_review_due__lte=horizon)
            | Q(expires_on__gte=today, expires_on__lte=horizon)
        )
        .select_related("holder__user", "holder__department", "certificate_type")
        .order_by("pk")
    )
    candidates = []
    for certificate in certificates:
        for kind, due_on in (
            (ReminderKind.REVIEW, certificate.next_review_due),
            (ReminderKind.EXPIRY, certificate.expires_on),
        ):
            if due_on is None:
                continue
            days_left = (due_on - today).days
            threshold = threshold_due(days_left)
            if threshold is not None:
                candidates.append(Reminder(certificate, kind, due_on, threshold, days_left))
    if not candidates:
        return []
    sent = set(
        ReminderSent.objects.filter(
            certificate__in={reminder.certificate.pk for reminder in candidates}
        ).values_list("certificate_id", "kind", "due_on", "days_before")
    )
    return [
        reminder
        for reminder in candidates
        if (reminder.certificate.pk, reminder.kind, reminder.due_on, reminder.days_before)
        not in sent
    ]


def officer_addresses() -> list[str]:
    """The e-mail addresses of the active safety officers."""
    users = (
        get_user_model()
        .objects.filter(groups__name=Role.SAFETY_OFFICER, is_active=True)
        .exclude(email="")
        .order_by("pk")
        .values_list("email", flat=True)
        .distinct()
    )
    return list(dict.fromkeys(users))


def _holder_address(certificate: Certificate) -> str:
    user = certificate.holder.user
    return user.email if user.is_active and user.email else ""


def reminder_messages(
    reminder: Reminder, *, officers: list[str], connection=None
) -> list[EmailMessage]:
    """One message per recipient (addresses are never shown to each other): the holder's
    own wording to the holder, the officer's wording (with the holder named) to each officer."""
    certificate = reminder.certificate
    context = {
        "certificate": certificate,
        "holder": certificate.holder,
        "certificate_type": certificate.certificate_type,
        "review": reminder.kind == ReminderKind.REVIEW,
        "due_on": reminder.due_on,
        "days_left": reminder.days_left,
        "verify_url": verify_url(certificate),
        "issuer": certificate.issuing_authority
        if certificate.external
        else settings.CERTIFICATE_ISSUER,
    }
    holder_address = _holder_address(certificate)
    recipients = [(holder_address, True)] if holder_address else []
    recipients += [(address, False) for address in officers if address != holder_address]
    messages = []
    for address, to_holder in recipients:
        own = {**context, "to_holder": to_holder}
        subject = render_to_string("certificates/email/reminder_subject.txt", own)
        body = render_to_string("certificates/email/reminder_body.txt", own)
        messages.append(
            EmailMessage(
                subject=" ".join(subject.split()),
                body=body.strip() + "\n",
                from_email=settings.DEFAULT_FROM_EMAIL,
                to=[address],
                connection=connection,
            )
        )
    return messages


def reminder_send(reminder: Reminder, *, officers: list[str], connection=None) -> bool:
    """Send one reminder unless it was already sent; True when this call sent it.

    The ``ReminderSent`` row is inserted first, in a transaction held open while the messages
    go out: the unique constraint makes a concurrent run (another cron host, a manual run)
    wait for that transaction and then find the row, so a reminder is never sent twice. When
    sending fails the row is rolled back, so the next run tries again; a reminder without any
    recipient is not recorded (an officer's address added later still gets it)."""
    messages = reminder_messages(reminder, officers=officers, connection=connection)
    if not messages:
        return False
    try:
        with transaction.atomic():
            try:
                with transaction.atomic():
                    ReminderSent.objects.create(
                        certificate=reminder.certificate,
                        kind=reminder.kind,
                        due_on=reminder.due_on,
                        days_before=reminder.days_before,
                    )
            except IntegrityError:
                return False  # another run sent it
            # Sent inside the transaction on purpose: a failure rolls the row back.
            connection = connection or get_connection()
            connection.send_messages(messages)
    except Exception:
        logger.exception(
            "Reminder for certificate %s (%s, %s days) not sent; retried on the next run.",
            reminder.certificate.number,
            reminder.kind,
            reminder.days_before,
        )
        return False
    return True


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Send every reminder due on ``today`` (default: the local date) and return how many
    were sent (one per certificate, kind and threshold, however many recipients).

    A reminder goes out when a live certificate (valid, review due or suspended; external ones
    too; never revoked or expired) is 60, 30 or 7 days from its next review or the end of its
    validity, and, when a run was missed, at the most urgent threshold reached since (see
    ``threshold_due``). Each is sent exactly once (see ``reminder_send``); a new due date after
    a review starts its own reminders."""
    today = today or timezone.localdate()
    reminders = reminders_due(today=today)
    if not reminders:
        return 0
    officers = officer_addresses()
    sent = 0
    with translation.override(settings.LANGUAGE_CODE), get_connection() as connection:
        for reminder in reminders:
            sent += reminder_send(reminder, officers=officers, connection=connection)
    return sent
