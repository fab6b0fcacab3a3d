"""``manage.py refresh_certificate_statuses``: bring every certificate's status up to date
(review due from 60 days before the review, suspended when the review is overdue, expired
after the end of validity); each change is audit-logged.

Run it daily (cron: ``0 1 * * * cd /srv/safety && .venv/bin/python manage.py
refresh_certificate_statuses``). Statuses are also refreshed whenever a certificate is read, so
a missed run loses nothing; this keeps lists, the dashboard and reminders current.
``--date YYYY-MM-DD`` runs it as of another day.

Each certificate is refreshed on its own (``certificate_refresh_status``, one transaction
each): one that fails is logged and left for the next run, and the others are still
refreshed. The command then says how many failed and exits with status 1."""

import datetime
import logging

from django.core.management.base import BaseCommand, CommandError

from certificates.models import Certificate, CertificateStatus
from certificates.services import certificate_refresh_status

logger = logging.getLogger(__name__)


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
        # Every certificate whose status can still change (revoked and expired are final);
        # the service decides for each whether it does.
        certificates = list(
            Certificate.objects.exclude(
                status__in=[CertificateStatus.REVOKED, CertificateStatus.EXPIRED]
            )
            .select_related("certificate_type")
            .order_by("pk")
        )
        changed = failed = 0
        for certificate in certificates:
            before = certificate.status
            try:
                certificate_refresh_status(certificate=certificate, today=today)
            except Exception:
                failed += 1
                logger.exception(
                    "The status of certificate %s could not be refreshed; the next run "
                    "tries again.",
                    certificate.number,
                )
                continue
            changed += certificate.status != before
        self.stdout.write(f"Changed the status of {changed} certificate(s).")
        if failed:
            raise CommandError(
                f"The status of {failed} certificate(s) could not be refreshed (see the log)."
            )
