"""``manage.py refresh_certificate_statuses``: bring every certificate's status up to date
(review due from 60 days before the review, suspended when the review is overdue, expired
after the end of validity); each change is audit-logged.

Run it daily (cron: ``0 1 * * * cd /srv/safety && .venv/bin/python manage.py
refresh_certificate_statuses``). Statuses are also refreshed whenever a certificate is read, so
a missed run loses nothing; this keeps lists, the dashboard and reminders current.
``--date YYYY-MM-DD`` runs it as of another day."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from certificates.services import certificates_refresh_statuses


class Command(BaseCommand):
    help = "Refresh certificate statuses: review due, suspended when overdue, expired (daily)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Run as of this day (YYYY-MM-DD) instead of today.")

    def handle(self, *args, **options):
        today = None
        if options.get("date"):
            try:
                today = datetime.date.fromisoformat(options["date"])
            except ValueError as error:
                raise CommandError("--date must be a date like 2026-03-01.") from error
        changed = certificates_refresh_statuses(today=today)
        self.stdout.write(f"Changed the status of {changed} certificate(s).")
