"""``manage.py close_expired_attempts``: close every exam attempt whose deadline (plus the
grace for network lag) has passed, with the answers as they stood, and grade it.

Run it every minute (cron: ``* * * * * cd /srv/safety && .venv/bin/python manage.py
close_expired_attempts``). Attempts are also closed on the candidate's next request and when
results are read, so a missed run loses nothing; this makes results and rankings current
without anyone opening a page."""

from django.core.management.base import BaseCommand

from exams.services.attempts import attempts_close_expired


class Command(BaseCommand):
    help = "Close and grade exam attempts whose deadline has passed (run every minute)."

    def handle(self, *args, **options):
        closed = attempts_close_expired()
        if closed or options["verbosity"] > 1:
            self.stdout.write(f"Closed {closed} expired attempt(s).")
