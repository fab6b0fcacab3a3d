"""Benchmark: 1,000 exam attempts whose deadlines fall in the same minute, closed at once.

Run from the project root, best on PostgreSQL, as in production::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/deadline_storm.py

It never touches the project's database: on the server of ``DATABASE_URL`` it creates a
scratch database (``bench_deadline_storm``), migrates it and drops it afterwards; with no
``DATABASE_URL``, a throwaway SQLite file.

Set-up (not timed): 1,000 candidates, an exam whose paper has 20 objective questions, an
attempt for each started through ``attempt_start`` half an hour before its deadline, and
every candidate's answers saved through ``answer_save`` (a few left blank), so that the 1,000
deadlines fall within one minute that has just passed. Then the storm, timed: the every-minute
job closes them all, in this process (``attempts_close_expired``) or, with ``--processes 2``,
as two ``manage.py close_expired_attempts`` runs started at the same moment (two cron hosts, or
a run that overlaps the next) to show that nothing is graded twice.
(This module also holds the scratch database and exam set-up ``bench/autosave.py`` uses.)

Checks: every attempt graded exactly once (its status, one ``attempt.closed`` audit entry,
its score the sum of its answers' scores, one result per candidate), every answer closed and
still holding what was saved (zero answers lost or changed), a save after the close refused,
and a second run closing nothing. Target: the storm done within the minute before the next
run; ``--strict`` exits 1 when missed, a failed check always exits 2.
"""

import argparse
import datetime
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 60.0
SCRATCH_DATABASE = "bench_deadline_storm"
DURATION_MINUTES = 30
ANSWER_FIELDS = ("id", "selected", "text", "blanks", "flagged", "sequence", "saved_at")


# -- Django, the scratch database and the exam (bench/autosave.py uses them too) ------------


def setup_django(
    scratch: str, *, synchronous_commit: bool = True
) -> tuple[str, str, Callable[[], None]]:
    """Configure Django with DEBUG off on a new, migrated scratch database. Returns its
    description, its ``DATABASE_URL`` (for other processes) and a clean-up that drops it.
    ``synchronous_commit=False`` (PostgreSQL, for analysis only) stops its commits from
    waiting for the disk."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Production runs with DEBUG off; DEBUG on would also record every query in memory.
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    # Plain HTTP on the loopback, no proxy: no redirect to HTTPS ("testserver": the API test
    # client that counts queries).
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    os.environ["SECURE_SSL_REDIRECT"] = "false"
    import django

    # whitenoise warns when collectstatic never ran; the API serves no static file.
    warnings.filterwarnings("ignore", message="No directory at")
    django.setup()
    from django.db import connection

    temporary = None
    if connection.vendor == "sqlite":
        # A file, so that the workers open the same database.
        temporary = tempfile.TemporaryDirectory(prefix="bench-")
        connection.settings_dict["TEST"]["NAME"] = str(Path(temporary.name) / "bench.db")
    else:
        # A name of its own, whatever DATABASE_URL names: never a test suite's database.
        connection.settings_dict["TEST"]["NAME"] = scratch
    old_name = connection.settings_dict["NAME"]
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    if not synchronous_commit and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER DATABASE "{name}" SET synchronous_commit TO off')
        connection.close()

    def clean_up() -> None:
        from django.db import connections

        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            temporary.cleanup()

    return f"{connection.vendor}, database {name}", database_url(connection.settings_dict), clean_up


def database_url(settings_dict: dict) -> str:
    """A ``DATABASE_URL`` for the database Django now uses."""
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = quote(settings_dict.get("USER") or "", safe="")
    password = quote(settings_dict.get("PASSWORD") or "", safe="")
    credentials = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host, port = settings_dict.get("HOST") or "", settings_dict.get("PORT") or ""
    return (
        f"postgres://{credentials}{host}{':' + str(port) if port else ''}/{settings_dict['NAME']}"
    )


def channel_layer_name() -> str:
    from django.conf import settings

    return settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]


# -- Test data, through the services ---------------------------------------------------------


def build_candidates(count: int, prefix: str = "bench"):
    """``count`` trainees with logins (no usable password) and API tokens, in bulk. Returns
    the employees in order and ``{user id: token key}``."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from rest_framework.authtoken.models import Token

    from core.roles import Role
    from people.models import Department, Employee

    User = get_user_model()
    department = Department.objects.create(name="Berthing crews", path="Berthing crews")
    User.objects.bulk_create(
        (User(username=f"{prefix}-{i:05d}", password="!") for i in range(count)), batch_size=2000
    )
    users = list(User.objects.filter(username__startswith=f"{prefix}-").order_by("username"))
    Employee.objects.bulk_create(
        (
            Employee(
                user=user, employee_no=f"S{i:05d}", name=f"Candidate {i}", department=department
            )
            for i, user in enumerate(users)
        ),
        batch_size=2000,
    )
    trainee = Group.objects.get(name=Role.TRAINEE)
    User.groups.through.objects.bulk_create(
        (User.groups.through(user_id=user.pk, group_id=trainee.pk) for user in users),
        batch_size=2000,
    )
    tokens = Token.objects.bulk_create(
        (Token(user=user, key=Token.generate_key()) for user in users), batch_size=2000
    )
    employees = list(Employee.objects.filter(department=department).order_by("employee_no"))
    return employees, {token.user_id: token.key for token in tokens}


# (type, stem, options with "*" before the right ones, accepted blanks): the paper cycles.
QUESTIONS = [
    ("single", "Which sling angle is the largest allowed", "30 deg|*60 deg|90 deg|120 deg", ""),
    ("multiple", "What stops a lift at once", "*High wind|*A person under it|A signaller|Noon", ""),
    ("true_false", "A damaged sling may be used once more", "True|*False", ""),
    ("single", "Who gives the lifting signals", "*The signaller|Anyone|The driver", ""),
    ("fill_blank", "A hook's latch must be ___ and the load ___", "", "closed,shut|balanced"),
]


def build_paper(*, questions: int = 20, short_answers: int = 0):
    """A fixed paper of ``questions`` questions, 5 points each: single and multiple choice,
    true/false and fill-in-the-blank in turn, the last ``short_answers`` open questions."""
    from exams.content import OptionInput, QuestionInput
    from exams.services.categories import categories_ensure_paths
    from exams.services.papers import ItemSpec, paper_create
    from exams.services.questions import question_create

    path = "Port operations/Lifting"
    category = categories_ensure_paths(actor=None, paths=[path])[path]
    made = []
    for n in range(questions):
        qtype, stem, options, blanks = QUESTIONS[n % len(QUESTIONS)]
        if n >= questions - short_answers:
            qtype, stem, options, blanks = (
                "short_answer",
                "Describe the checks before a lift",
                "",
                "",
            )
        data = QuestionInput(
            type=qtype,
            stem=f"Q{n + 1}. {stem} (case {n})?",
            options=[OptionInput(o.lstrip("*"), o[0] == "*") for o in options.split("|") if o],
            blanks=[accepted.split(",") for accepted in blanks.split("|") if accepted],
            reference_answer="Load chart, slings, exclusion zone."
            if qtype == "short_answer"
            else "",
        )
        made.append(question_create(actor=None, category=category, data=data))
    items = [ItemSpec(question, Decimal(5)) for question in made]
    return paper_create(actor=None, title="Lifting operations theory", items=items)


def build_exam(*, paper, candidates, opens_at, closes_at, duration_minutes: int):
    from exams.services.exams import ExamSpec, exam_create

    spec = ExamSpec(
        title="Lifting operations theory exam",
        opens_at=opens_at,
        closes_at=closes_at,
        duration_minutes=duration_minutes,
        paper=paper,
        people=list(candidates),
    )
    return exam_create(actor=None, spec=spec)


# -- The storm ---------------------------------------------------------------------------------


def start_and_answer(exam, employee, deadline, seed: int) -> None:
    """Start the candidate's attempt half an hour before ``deadline`` and save an answer to
    each question (about one in twenty left blank), a minute or so apart, right or not."""
    from django.db import close_old_connections

    from exams.models import QuestionOption
    from exams.services.attempts import answer_save, as_shown, attempt_start

    close_old_connections()
    try:
        rng = random.Random(seed)
        started = deadline - datetime.timedelta(minutes=DURATION_MINUTES)
        attempt = attempt_start(employee=employee, exam=exam, now=started, rng=rng).attempt
        correct = set(
            QuestionOption.objects.filter(
                version_id__in=attempt.questions.values("version_id"), correct=True
            ).values_list("pk", flat=True)
        )
        for n, aq in enumerate(attempt.questions.select_related("version").order_by("position")):
            if rng.random() < 0.05:
                continue
            options, qtype = list(aq.option_order), aq.version.type
            answer = {}
            if qtype in ("single", "true_false"):
                right = [o for o in options if o in correct]
                answer["selected"] = right if rng.random() < 0.75 else [rng.choice(options)]
            elif qtype == "multiple":
                answer["selected"] = rng.sample(options, rng.choice((1, 2, 2, 3)))
            else:
                words = [["closed", "balanced"], ["shut", "balanced"], ["open", "tilted"]]
                answer["blanks"] = rng.choice(words)
            answer_save(
                user=employee.user,
                attempt_id=attempt.pk,
                question=aq.key,
                sequence=n + 1,
                flagged=rng.random() < 0.1,
                now=started + datetime.timedelta(seconds=60 + 80 * n),
                **as_shown(aq, answer),
            )
    finally:
        close_old_connections()


def build(candidates: int, questions: int, threads: int):
    """The exam and its attempts, answered, the deadlines spread over one minute that ended
    a minute before now (so past the grace for network lag too)."""
    from django.utils import timezone

    employees, _tokens = build_candidates(candidates, prefix="storm")
    paper = build_paper(questions=questions)
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0) - datetime.timedelta(minutes=2)
    exam = build_exam(
        paper=paper,
        candidates=employees,
        opens_at=now - datetime.timedelta(hours=3),
        closes_at=now + datetime.timedelta(hours=3),
        duration_minutes=DURATION_MINUTES,
    )
    deadlines = [
        minute + datetime.timedelta(milliseconds=n * 60_000 // candidates)
        for n in range(candidates)
    ]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        jobs = [
            pool.submit(start_and_answer, exam, employee, deadline, n)
            for n, (employee, deadline) in enumerate(zip(employees, deadlines, strict=True))
        ]
        for job in jobs:
            job.result()
    return exam, minute


def snapshot(exam) -> dict[int, tuple]:
    from exams.models import Answer

    rows = Answer.objects.filter(attempt__exam=exam).values_list(*ANSWER_FIELDS)
    return {row[0]: row[1:] for row in rows}


def storm_here() -> tuple[float, int, int]:
    """``attempts_close_expired`` in this process: (seconds, closed, queries)."""
    from django.db import connection

    from exams.services.attempts import attempts_close_expired

    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        closed = attempts_close_expired().closed
        seconds = time.perf_counter() - started
    return seconds, closed, queries


def storm_processes(count: int, database: str) -> tuple[float, list[str]]:
    """``count`` ``manage.py close_expired_attempts`` started together: (seconds until the
    last finished, what each printed)."""
    env = {**os.environ, "DATABASE_URL": database}
    command = [sys.executable, "manage.py", "close_expired_attempts", "--verbosity", "2"]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(count)
    ]
    try:
        outputs = [process.communicate(timeout=600)[0].strip() for process in processes]
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()
    seconds = time.perf_counter() - started
    failed = [p.returncode for p in processes if p.returncode]
    if failed:
        raise SystemExit(f"close_expired_attempts failed: exit codes {failed}")
    return seconds, outputs


def check(exam, before: dict[int, tuple]) -> dict[str, int]:
    """What the storm left: counts of attempts by status, audit entries per attempt, results,
    answers kept or changed, scores that do not add up."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Count, F, Sum

    from core.models import AuditEntry
    from exams.models import Answer, Attempt, AttemptStatus, CloseReason, ExamResult

    attempts = Attempt.objects.filter(exam=exam)
    closures = Counter(
        AuditEntry.objects.filter(
            action="attempt.closed", target_type=ContentType.objects.get_for_model(Attempt)
        ).values_list("target_id", flat=True)
    )
    ids = [str(pk) for pk in attempts.values_list("pk", flat=True)]
    sums = dict(
        Answer.objects.filter(attempt__exam=exam)
        .values("attempt")
        .annotate(total=Sum("score"))
        .values_list("attempt", "total")
    )
    after = snapshot(exam)
    return {
        "attempts": len(ids),
        "graded": attempts.filter(status=AttemptStatus.GRADED).count(),
        "at deadline": attempts.filter(
            close_reason=CloseReason.DEADLINE, submitted_at=F("deadline")
        ).count(),
        "closed once": sum(1 for pk in ids if closures[pk] == 1),
        "closed twice or more": sum(1 for pk in ids if closures[pk] > 1),
        "never closed": sum(1 for pk in ids if closures[pk] == 0),
        "scores adding up": sum(
            1 for pk, score in attempts.values_list("pk", "score") if score == sums.get(pk)
        ),
        "results": ExamResult.objects.filter(exam=exam).count(),
        "results doubled": ExamResult.objects.filter(exam=exam)
        .values("employee")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .count(),
        "answers": len(before),
        "answers kept": sum(1 for pk, row in before.items() if after.get(pk) == row),
        "answered": sum(1 for row in before.values() if row[0] or row[2]),
        "answers closed": Answer.objects.filter(attempt__exam=exam, closed=True).count(),
        "answers scored": Answer.objects.filter(attempt__exam=exam, score__isnull=False).count(),
    }


def late_saves(exam, tries: int = 20) -> int:
    """Saves after the close, which must all be refused: how many got through."""
    from core.errors import Conflict
    from exams.models import AttemptQuestion
    from exams.services.attempts import answer_save

    through = 0
    rows = AttemptQuestion.objects.filter(attempt__exam=exam).select_related(
        "attempt__employee__user", "version"
    )[:tries]
    for aq in rows:
        try:
            answer_save(
                user=aq.attempt.employee.user,
                attempt_id=aq.attempt_id,
                question=aq.key,
                selected=aq.option_keys[:1] if aq.version.type != "fill_blank" else None,
                blanks=["late"] if aq.version.type == "fill_blank" else None,
                sequence=10**6,
            )
            through += 1
        except Conflict:
            pass
    return through


def interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attempts", type=int, default=1000, help="attempts closing")
    parser.add_argument("--questions", type=int, default=20, help="questions per attempt")
    parser.add_argument(
        "--processes",
        type=int,
        default=0,
        help="close with this many close_expired_attempts commands at once (0: in this process)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads for the set-up")
    parser.add_argument("--database", default=SCRATCH_DATABASE, help="scratch PostgreSQL name")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    options = parser.parse_args()
    if options.database in ("test", "test_test"):
        parser.error("use a scratch database name")

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started ignoring it
    database, url, clean_up = setup_django(options.database)
    try:
        from django.db import connection

        threads = options.threads if connection.vendor != "sqlite" else 1
        started = time.perf_counter()
        exam, minute = build(options.attempts, options.questions, threads)
        setup_seconds = time.perf_counter() - started
        before = snapshot(exam)
        outputs: list[str] = []
        queries = None
        if options.processes:
            seconds, outputs = storm_processes(options.processes, url)
            closed = None
        else:
            seconds, closed, queries = storm_here()
        counts = check(exam, before)
        through = late_saves(exam)
        from exams.services.attempts import attempts_close_expired

        again = attempts_close_expired().closed
    finally:
        clean_up()

    n = counts["attempts"]
    how = (
        f"{options.processes} close_expired_attempts commands at once"
        if options.processes
        else "attempts_close_expired in this process"
    )
    print(
        f"Deadline storm ({database}, channel layer {channel_layer_name()}); {n:,} attempts "
        f"of {options.questions} questions, deadlines from {minute:%H:%M:%S} to "
        f"{minute + datetime.timedelta(seconds=59):%H:%M:%S} UTC, closed by {how}"
    )
    print(f"  {'set-up (not timed)':<20} {setup_seconds:7.1f} s (attempts started, answers saved)")
    per = seconds / n * 1000 if n else 0.0
    print(
        f"  {'storm':<20} {seconds:7.2f} s   {n / seconds:,.0f} attempts/s   {per:.1f} ms each"
        + (f"   {queries:,} queries ({queries / n:.1f} per attempt)" if queries else "")
    )
    if options.processes:
        print(f"  {'commands printed':<20} " + " | ".join(o or "(nothing)" for o in outputs))
        print(
            f"  {'':<20} (each counts the attempts it returned closed, also those the other "
            "closed a moment earlier; the audit entries below count the closes)"
        )
    else:
        print(f"  {'closed':<20} {closed:,}")
    graded_once = (
        counts["graded"] == n
        and counts["at deadline"] == n
        and counts["closed once"] == n
        and counts["scores adding up"] == n
        and counts["results"] == n
        and not counts["results doubled"]
    )
    print(
        f"  {'graded':<20} {counts['graded']:,} of {n:,} graded, {counts['at deadline']:,} "
        f"submitted at their deadline; attempt.closed audit entries: {counts['closed once']:,} "
        f"once, {counts['closed twice or more']} twice or more, {counts['never closed']} never; "
        f"{counts['scores adding up']:,} scores equal to the sum of their answers; "
        f"{counts['results']:,} results ({counts['results doubled']} doubled)  "
        f"{'ok' if graded_once else 'WRONG'}"
    )
    kept = (
        counts["answers kept"] == counts["answers"]
        and counts["answers closed"] == counts["answers"]
        and counts["answers scored"] == counts["answers"]
    )
    print(
        f"  {'answers':<20} {counts['answers']:,} ({counts['answered']:,} answered): "
        f"{counts['answers kept']:,} unchanged, {counts['answers'] - counts['answers kept']} "
        f"lost or changed, {counts['answers closed']:,} closed, {counts['answers scored']:,} "
        f"scored  {'ok' if kept else 'WRONG'}"
    )
    print(
        f"  {'afterwards':<20} {through} of 20 late saves accepted, a second run closed {again}"
        f"  {'ok' if not through and not again else 'WRONG'}"
    )
    on_time = seconds < TARGET_SECONDS
    print(
        f"  target: closed within {TARGET_SECONDS:.0f} s (before the next every-minute run)  "
        f"{'ok' if on_time else 'MISSED'}"
    )
    if not (graded_once and kept and not through and not again):
        return 2
    return 1 if options.strict and not on_time else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: scratch database dropped", file=sys.stderr)
        sys.exit(130)
