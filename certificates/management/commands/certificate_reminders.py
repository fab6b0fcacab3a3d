"""``manage.py certificate_reminders``: e-mail the holders and the safety officers 60, 30 and
7 days before a certificate's review or the end of its validity (each reminder once; a missed
day is caught up at the most urgent threshold reached). External certificates are included;
revoked and expired ones are not.

Run it daily, after ``refresh_certificate_statuses`` (cron: ``30 1 * * * cd /srv/safety &&
.venv/bin/python manage.py certificate_reminders``). Mail goes through ``EMAIL_BACKEND``: the
console by default, SMTP in production. ``--date YYYY-MM-DD`` runs it as of another day."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from certificates.reminders import reminders_send


class Command(BaseCommand):
    help = "E-mail certificate review and expiry reminders 60, 30 and 7 days ahead (run daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be a date like 2026-03-01.") from error
        sent = reminders_send(today=today)
        self.stdout.write(f"Sent {sent} certificate reminder(s).")
