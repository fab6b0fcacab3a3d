"""``manage.py seed_demo``: the demo data of every app, in dependency order, and the demo
logins. Creates only what is missing; a second run changes nothing."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from attendance.demo import seed_attendance
from attendance.models import AttendanceRecord
from certificates.demo import seed_certificates
from certificates.models import Certificate
from courses.demo import seed_courses
from courses.models import Material, Questionnaire, Response, Session, Training
from exams.demo import seed_exams
from exams.demo_exam import seed_exam_results
from exams.models import Attempt, Exam, ExamResult, Paper, Question
from people.demo import DEMO_PASSWORD, SeedContext, demo_logins, seed_people
from people.models import Department, Employee

User = get_user_model()

SEED_STEPS: list[Callable[[SeedContext], None]] = [
    seed_people,
    seed_courses,
    seed_attendance,
    seed_exams,
    seed_exam_results,
    seed_certificates,
]


class Command(BaseCommand):
    help = (
        "Create the demo company, its people and the demo logins (password "
        f"“{DEMO_PASSWORD}”). Creates only what is missing; safe to run again."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords",
            action="store_true",
            help=f"Set every demo account's password back to “{DEMO_PASSWORD}”.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even with DEBUG off. The demo accounts have a published password.",
        )

    def handle(self, *args, reset_passwords=False, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: this looks like production, and the demo accounts have a "
                "published password. Pass --force to seed anyway."
            )
        ctx = SeedContext(stdout=self.stdout, reset_passwords=reset_passwords)
        before = self._counts()
        with transaction.atomic():
            for step in SEED_STEPS:
                step(ctx)
        after = self._counts()
        created = [f"{after[k] - before[k]} {k}" for k in after if after[k] != before[k]]
        if created:
            self.stdout.write(self.style.SUCCESS("Demo data created: " + ", ".join(created) + "."))
        else:
            self.stdout.write("Demo data already present: nothing created.")
        for note in ctx.notes:
            self.stderr.write(note)
        self._print_logins()

    @staticmethod
    def _counts() -> dict[str, int]:
        return {
            "departments": Department.objects.count(),
            "employees": Employee.objects.count(),
            "users": User.objects.count(),
            "trainings": Training.objects.count(),
            "sessions": Session.objects.count(),
            "materials": Material.objects.count(),
            "questionnaires": Questionnaire.objects.filter(is_template=False).count(),
            "questionnaire responses": Response.objects.count(),
            "attendance records": AttendanceRecord.objects.count(),
            "questions": Question.objects.count(),
            "papers": Paper.objects.count(),
            "exams": Exam.objects.count(),
            "exam attempts": Attempt.objects.count(),
            "exam results": ExamResult.objects.count(),
            "certificates": Certificate.objects.count(),
        }

    def _print_logins(self) -> None:
        logins = demo_logins()
        header = ("role", "username", "password", "who")
        widths = [
            max([len(header[0]), *(len(login.role) for login in logins)]),
            max([len(header[1]), *(len(login.username) for login in logins)]),
            len(DEMO_PASSWORD),
        ]
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING("Demo logins"))
        for row in [header, *((x.role, x.username, DEMO_PASSWORD, x.who) for x in logins)]:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            self.stdout.write("  " + "  ".join([*cells, row[3]]))
        self.stdout.write(
            "Accounts keep a password changed since they were seeded; "
            "`manage.py seed_demo --reset-passwords` sets them back."
        )
