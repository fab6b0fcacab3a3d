"""``manage.py close_expired_attempts``: close every exam attempt whose deadline (plus the
grace for network lag) has passed, with the answers as they stood, and grade it.

Run it every minute (cron: ``* * * * * cd /srv/safety && .venv/bin/python manage.py
close_expired_attempts``). Attempts are also closed on the candidate's next request and when
results are read, so a missed run loses nothing; this makes results and rankings current
without anyone opening a page.

Each attempt is closed on its own (``attempt_close_if_expired``, one transaction each): one
that fails is logged and left for the next run, and the others are still closed. The command
then says how many failed and exits with status 1, so cron reports it."""

import logging

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from exams.models import Attempt, AttemptStatus
from exams.services.attempts import attempt_close_if_expired, save_grace

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Close and grade exam attempts whose deadline has passed (run every minute)."

    def handle(self, *args, **options):
        now = timezone.now()
        # Read up front: the closes write to these rows (and SQLite allows no open cursor
        # across the writes of another transaction).
        expired = list(
            Attempt.objects.filter(
                status=AttemptStatus.IN_PROGRESS, deadline__lt=now - save_grace()
            )
            .order_by("deadline", "pk")
            .only("pk", "status", "deadline")
        )
        closed = failed = 0
        for attempt in expired:
            try:
                result = attempt_close_if_expired(attempt=attempt, now=now)
            except Exception:
                failed += 1
                logger.exception(
                    "Expired attempt %s could not be closed; the next run tries again.",
                    attempt.pk,
                )
                continue
            # Not counted when a concurrent run (another cron host) closed it first.
            closed += bool(getattr(result, "closed_now", False))
        if closed or failed or options["verbosity"] > 1:
            self.stdout.write(f"Closed {closed} expired attempt(s).")
        if failed:
            raise CommandError(
                f"{failed} expired attempt(s) could not be closed (see the log); "
                "the next run tries them again."
            )
