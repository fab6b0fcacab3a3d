"""``manage.py certificate_reminders``: e-mail the holders and the safety officers 60, 30 and
7 days before a certificate's review or the end of its validity (each reminder once; a missed
day is caught up at the most urgent threshold reached). External certificates are included;
revoked and expired ones are not.

Run it daily, after ``refresh_certificate_statuses`` (cron: ``30 1 * * * cd /srv/safety &&
.venv/bin/python manage.py certificate_reminders``). Mail goes through ``EMAIL_BACKEND``: the
console by default, SMTP in production. ``--date YYYY-MM-DD`` runs it as of another day.

Each reminder is sent on its own (``certificates.reminders.reminder_send``): one that fails
is logged and stays due for the next run, and the others are still sent. The command then
says how many failed and exits with status 1, so cron reports it."""

import datetime
import logging

from django.conf import settings
from django.core.mail import get_connection
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from certificates.models import ReminderSent
from certificates.reminders import (
    Reminder,
    officer_addresses,
    reminder_messages,
    reminder_send,
    reminders_due,
)

logger = logging.getLogger(__name__)


def _still_due(reminder: Reminder, officers: list[str]) -> bool:
    """After ``reminder_send`` sent nothing: True when it should have (it has recipients and
    no run recorded it), i.e. sending failed; False when another run sent it or it has no
    one to go to."""
    recorded = ReminderSent.objects.filter(
        certificate=reminder.certificate,
        kind=reminder.kind,
        due_on=reminder.due_on,
        days_before=reminder.days_before,
    ).exists()
    return not recorded and bool(reminder_messages(reminder, officers=officers))


class Command(BaseCommand):
    help = "E-mail certificate review and expiry reminders 60, 30 and 7 days ahead (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        today = timezone.localdate()
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be a date like 2026-03-01.") from error
        sent = failed = 0
        reminders = reminders_due(today=today)
        if reminders:
            officers = officer_addresses()
            with translation.override(settings.LANGUAGE_CODE), get_connection() as connection:
                for reminder in reminders:
                    try:
                        if reminder_send(reminder, officers=officers, connection=connection):
                            sent += 1
                        elif _still_due(reminder, officers):
                            failed += 1  # reminder_send logged why
                    except Exception:
                        failed += 1
                        logger.exception(
                            "Reminder for certificate %s (%s, %s days) not sent; retried on "
                            "the next run.",
                            reminder.certificate.number,
                            reminder.kind,
                            reminder.days_before,
                        )
        self.stdout.write(f"Sent {sent} certificate reminder(s).")
        if failed:
            raise CommandError(
                f"{failed} certificate reminder(s) could not be sent (see the log); "
                "the next run tries them again."
            )
