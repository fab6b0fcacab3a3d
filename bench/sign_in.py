"""Benchmark: 500 trainees sign in to one session at once, with the live board watching.

Run from the project root: ``python bench/sign_in.py`` (or ``make bench``). It never touches
the project's database: with no ``DATABASE_URL`` it works in a throwaway SQLite file, and with
one (PostgreSQL, say) in Django's ``test_<name>`` database, dropped afterwards. With
``REDIS_URL`` set the board listens through Redis, as with several web workers.

Every trainee's phone sends the code twice (the double tap on a slow network), all at once,
through a pool of threads calling ``attendance.services.sign_in`` as a web worker does. The
board is a channel in the session's group, as the board's websocket consumer has: in this
process with the in-memory channel layer, in another process (another web worker) with Redis.
Prints sign-ins per second, the latency of a call, the time until the last trainee shows on
the board, and checks that every trainee is recorded exactly once. Target: all signed in
within 10 s and on the board within 2 s of the last sign-in; ``--strict`` exits 1 when missed.
"""

import argparse
import asyncio
import datetime
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from scratch import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 10.0
TARGET_BOARD_LAG_SECONDS = 2.0
BOARD_TIMEOUT_SECONDS = 60.0


def build_session(trainees: int):
    """A training of ``trainees`` enrolled employees with logins, a session that started two
    minutes ago with self sign-in open."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from attendance.services import window_open
    from courses.models import Course, Enrollment, Session, Training
    from people.models import Department, Employee

    User = get_user_model()
    department = Department.objects.create(name="Berthing crews", path="Berthing crews")
    User.objects.bulk_create(User(username=f"bench-{i:05d}") for i in range(trainees))
    users = User.objects.filter(username__startswith="bench-").order_by("username")
    Employee.objects.bulk_create(
        Employee(user=user, employee_no=f"S{i:05d}", name=f"Trainee {i}", department=department)
        for i, user in enumerate(users)
    )
    employees = list(Employee.objects.filter(department=department).order_by("employee_no"))
    now = timezone.now()
    course = Course.objects.create(title="Safety production knowledge", hours=20)
    training = Training.objects.create(
        course=course,
        title="Safety production knowledge training",
        starts_on=now.date(),
        ends_on=now.date(),
    )
    Enrollment.objects.bulk_create(Enrollment(training=training, employee=e) for e in employees)
    session = Session.objects.create(
        training=training,
        topic="Safety production law",
        starts_at=now - datetime.timedelta(minutes=2),
        ends_at=now + datetime.timedelta(hours=2),
    )
    window = window_open(actor=None, session=session)
    return session, window, employees


def sign_in_once(session, window, employee, index: int) -> tuple[bool, float, float]:
    """One request of a trainee's phone: the code on the screen now, the phone's own device
    id and address. Connections are handled as around a request."""
    from django.db import close_old_connections
    from django.utils import timezone

    from attendance import codes
    from attendance.services import sign_in

    close_old_connections()
    started = time.perf_counter()
    try:
        code = codes.short_code(window, codes.slot_at(window, timezone.now()))
        result = sign_in(
            session=session,
            employee=employee,
            code=code,
            client_ip=f"10.8.{index // 250}.{index % 250 + 1}",
            device=f"bench-phone-{index:05d}",
        )
        return result.created, time.perf_counter() - started, time.monotonic()
    finally:
        close_old_connections()


class Board:
    """Who has shown on the session's board, and when (``time.monotonic()``, the same clock
    in every process): a channel in the session's group, as the board's consumer has."""

    def __init__(self, group: str, expected: set[int]):
        self.group = group
        self.expected = expected
        self.seen: dict[int, float] = {}
        self.events = 0

    def record(self, rows: list[dict], at: float) -> None:
        self.events += 1
        for row in rows:
            self.seen.setdefault(row["employee_id"], at)

    @property
    def complete(self) -> bool:
        return self.expected <= self.seen.keys()


async def listen(board: Board, ready: asyncio.Event, timeout: float) -> None:
    """The board in this process (the in-memory channel layer reaches no other)."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(board.group, channel)
    ready.set()
    try:
        async with asyncio.timeout(timeout):
            while not board.complete:
                message = await layer.receive(channel)
                if message.get("event") == "attendance.changed":
                    board.record(message["data"]["rows"], time.monotonic())
    except TimeoutError:
        pass
    finally:
        await layer.group_discard(board.group, channel)


class BoardProcess:
    """The board in another process, as on another web worker: this script with
    ``--board-listener``, reporting each trainee it sees on its standard output."""

    def __init__(self, board: Board, timeout: float):
        self.board = board
        self.process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--board-listener",
                board.group,
                "--expect",
                str(len(board.expected)),
                "--timeout",
                str(timeout),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if line != "ready":
            self.process.kill()
            raise SystemExit(f"the board process did not start ({line!r})")
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            kind, *values = line.split()
            if kind == "event":
                at, *ids = values
                self.board.record([{"employee_id": int(i)} for i in ids], float(at))

    def wait(self, timeout: float) -> None:
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=5)


async def board_listener_main(group: str, expect: int, timeout: float) -> None:
    """``--board-listener``: join ``group``, print "ready", then one line per change:
    "event <monotonic time> <employee id>..." until ``expect`` trainees were seen."""
    from channels.layers import get_channel_layer

    layer = get_channel_layer()
    channel = await layer.new_channel()
    await layer.group_add(group, channel)
    print("ready", flush=True)
    seen: set[int] = set()
    try:
        async with asyncio.timeout(timeout):
            while len(seen) < expect:
                message = await layer.receive(channel)
                if message.get("event") != "attendance.changed":
                    continue
                ids = [row["employee_id"] for row in message["data"]["rows"]]
                seen.update(ids)
                print("event", time.monotonic(), *ids, flush=True)
    except TimeoutError:
        pass
    finally:
        await layer.group_discard(group, channel)


async def run(session, window, employees, threads: int, board: Board, in_process: bool):
    from asgiref.sync import sync_to_async

    ready = asyncio.Event()
    watcher = None
    if in_process:
        watcher = asyncio.create_task(listen(board, ready, BOARD_TIMEOUT_SECONDS))
        await ready.wait()
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="sign-in")
    call = sync_to_async(sign_in_once, thread_sensitive=False, executor=pool)
    # Every phone taps twice: 2 x trainees calls, all submitted at once.
    taps = [(employee, index) for index, employee in enumerate(employees)] * 2
    started = time.monotonic()
    results = await asyncio.gather(
        *(call(session, window, employee, index) for employee, index in taps),
        return_exceptions=True,
    )
    finished = time.monotonic()
    pool.shutdown(wait=True)
    if watcher is not None:
        await watcher
    return taps, results, started, finished


def check_records(session, trainees: int) -> tuple[int, int]:
    from django.db.models import Count

    from attendance.models import AttendanceRecord

    records = AttendanceRecord.objects.filter(session=session)
    doubles = records.values("employee").annotate(n=Count("id")).filter(n__gt=1).count()
    return records.count(), doubles


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trainees", type=int, default=500, help="trainees signing in")
    parser.add_argument("--threads", type=int, default=20, help="concurrent requests")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    parser.add_argument("--board-listener", metavar="GROUP", help=argparse.SUPPRESS)
    parser.add_argument("--expect", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--timeout", type=float, default=60.0, help=argparse.SUPPRESS)
    options = parser.parse_args()

    if options.board_listener:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
        import django

        django.setup()
        asyncio.run(board_listener_main(options.board_listener, options.expect, options.timeout))
        return 0

    database, clean_up = setup_django("sign_in")
    from django.conf import settings

    database += ", " + settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    from django.conf import settings

    from attendance.services import session_group

    in_process = settings.CHANNEL_LAYERS["default"]["BACKEND"].endswith("InMemoryChannelLayer")
    try:
        started = time.perf_counter()
        session, window, employees = build_session(options.trainees)
        setup_seconds = time.perf_counter() - started
        board = Board(session_group(session.pk), {employee.pk for employee in employees})
        listener = None if in_process else BoardProcess(board, BOARD_TIMEOUT_SECONDS)
        taps, results, started, finished = asyncio.run(
            run(session, window, employees, options.threads, board, in_process)
        )
        if listener is not None:
            listener.wait(BOARD_TIMEOUT_SECONDS)
        records, doubles = check_records(session, options.trainees)
    finally:
        clean_up()

    n = options.trainees
    failures = [result for result in results if isinstance(result, BaseException)]
    answers = [result for result in results if not isinstance(result, BaseException)]
    created = sum(1 for was_created, _seconds, _at in answers if was_created)
    latencies = sorted(seconds for _created, seconds, _at in answers) or [0.0]
    # When the last new record was made (the second taps only find it).
    last_created = max((at for was_created, _s, at in answers if was_created), default=finished)
    p95 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.95))]
    seconds = finished - started
    where = "in this process" if in_process else "in another process"
    print(
        f"Sign-in benchmark ({database}); {n:,} trainees tapping twice at once, "
        f"{options.threads} threads, the board {where}"
    )
    print(f"  {'set-up (not timed)':<20} {setup_seconds:7.2f} s")
    print(
        f"  {'sign-ins':<20} {seconds:7.2f} s {created / seconds:>9,.0f} sign-ins/s"
        f"   ({len(taps):,} calls, {len(taps) / seconds:,.0f} calls/s)"
    )
    print(
        f"  {'latency per call':<20} median {statistics.median(latencies) * 1000:,.0f} ms, "
        f"p95 {p95 * 1000:,.0f} ms, max {latencies[-1] * 1000:,.0f} ms"
    )
    if failures:
        print(f"  {'failed calls':<20} {len(failures):,}, the first: {failures[0]!r}")
    board_lag = None
    if board.complete:
        last = max(board.seen.values())
        board_lag = max(last - last_created, 0.0)
        print(
            f"  {'on the board':<20} {last - started:7.2f} s until the last of {n:,} "
            f"({board_lag:.2f} s after the last new sign-in returned; {board.events:,} events)"
        )
    else:
        print(
            f"  {'on the board':<20} only {len(board.seen.keys() & board.expected):,} of {n:,} "
            f"trainees arrived within {BOARD_TIMEOUT_SECONDS:.0f} s ({board.events:,} events)"
        )
    once = records == n and doubles == 0 and created == n and not failures
    print(
        f"  {'records':<20} {records:,} for {n:,} trainees, {doubles} recorded twice, "
        f"{created:,} created and {len(taps) - created:,} answered with the first record"
        f"  {'ok' if once else 'WRONG'}"
    )
    on_time = (
        seconds < TARGET_SECONDS and board_lag is not None and board_lag < TARGET_BOARD_LAG_SECONDS
    )
    print(
        f"  target: all signed in within {TARGET_SECONDS:.0f} s and on the board within "
        f"{TARGET_BOARD_LAG_SECONDS:.0f} s of the last  {'ok' if on_time else 'MISSED'}"
    )
    if not once:
        return 2
    return 1 if options.strict and not on_time else 0


if __name__ == "__main__":
    sys.exit(main())
