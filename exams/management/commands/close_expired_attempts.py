"""``manage.py close_expired_attempts``: close every exam attempt whose deadline (plus the
grace for network lag) has passed, with the answers as they stood, and grade it.

Run it every minute (cron: ``* * * * * cd /srv/safety && .venv/bin/python manage.py
close_expired_attempts``). Attempts are also closed on the candidate's next request and when
results are read, so a missed run loses nothing; this makes results and rankings current
without anyone opening a page.

Each attempt is closed on its own (``attempts_close_expired``, one transaction each): one
that fails is logged and left for the next run, and the others are still closed. The command
then says how many failed and exits with status 1, so cron reports it."""

from django.core.management.base import BaseCommand, CommandError

from exams.services.attempts import attempts_close_expired


class Command(BaseCommand):
    help = "Close and grade exam attempts whose deadline has passed (run every minute)."

    def handle(self, *args, **options):
        result = attempts_close_expired()
        if result.closed or result.failed or options["verbosity"] > 1:
            self.stdout.write(f"Closed {result.closed} expired attempt(s).")
        if result.failed:
            raise CommandError(
                f"{result.failed} expired attempt(s) could not be closed (see the log); "
                "the next run tries them again."
            )
