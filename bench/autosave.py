"""Benchmark: 500 candidates autosaving answers at once against two web workers.

Run from the project root, best on PostgreSQL with Redis, as in production::

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    REDIS_URL=redis://127.0.0.1:6379/14 .venv/bin/python bench/autosave.py

It never touches the project's database: on the server of ``DATABASE_URL`` it creates a
scratch database (``bench_autosave``), migrates it and drops it afterwards; with no
``DATABASE_URL``, a throwaway SQLite file. The workers reach each other's live events through
``REDIS_URL`` (use a Redis database of its own, not 0); without it each has its own.

Set-up (not timed): 500 candidates with API tokens, an exam whose paper has 20 questions of
every answerable type, an attempt started for each through ``attempt_start``. Then two
``uvicorn config.asgi:application`` processes (DEBUG off, one port each) serve the API while
this process plays the candidates' pages: threads with keep-alive connections to both
workers, each save going to the other worker than the last, as a balancer spreads them.
In the same run, with the same threads and tokens, it measures the floor: ``GET
/api/v1/ping/`` (``core.health``, authentication and nothing else), before and after the saves.

Prints saves per second, p50/p95/p99 of a save and of the floor, their ratio (target: a save
costs at most 1.5 times the floor), and checks that every acknowledged save (200 with
``saved`` true) is in the database with its latest sequence and content; then the queries one
save makes through the API. ``--strict`` exits 1 when the ratio misses the target; a lost
save always exits 2.
"""

import argparse
import contextlib
import ctypes
import datetime
import json
import math
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from http.client import HTTPConnection
from pathlib import Path

from deadline_storm import (
    build_candidates,
    build_exam,
    build_paper,
    channel_layer_name,
    interrupt,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent

TARGET_RATIO = 1.5
SCRATCH_DATABASE = "bench_autosave"
WORKER_START_SECONDS = 60.0
STOPPING = threading.Event()  # set on the way out: the simulated pages stop sending


@dataclass
class Question:
    id: str  # the identifier the attempt shows, as in the API's path
    type: str
    options: list[str]
    blanks: int


@dataclass
class Candidate:
    index: int
    attempt_id: int
    token: str
    questions: list[Question] = field(default_factory=list)


def attempt_plan(exam, tokens: dict[int, str]) -> list[Candidate]:
    """Each started attempt with its candidate's token and frozen questions, in order."""
    from exams.models import AttemptQuestion

    rows = (
        AttemptQuestion.objects.filter(attempt__exam=exam)
        .order_by("attempt__employee__employee_no", "position")
        .values_list(
            "attempt_id",
            "attempt__employee__user_id",
            "key",
            "version__type",
            "option_keys",
            "version__blanks",
        )
    )
    plan: dict[int, Candidate] = {}
    for attempt_id, user_id, question_key, qtype, options, blanks in rows:
        candidate = plan.get(attempt_id)
        if candidate is None:
            candidate = plan[attempt_id] = Candidate(len(plan), attempt_id, tokens[user_id])
        candidate.questions.append(Question(question_key, qtype, list(options), len(blanks)))
    return list(plan.values())


def answer_body(question: Question, k: int, salt: int) -> dict:
    """The ``k``-th save of a page: a different choice (or text) each time."""
    if question.type in ("single", "true_false"):
        return {"selected": [question.options[(k + salt) % len(question.options)]]}
    if question.type == "multiple":
        first = (k + salt) % len(question.options)
        return {
            "selected": [question.options[first], question.options[(first + 1) % 4]],
        }
    if question.type == "fill_blank":
        return {"blanks": [f"answer {k} of {salt}"] * question.blanks}
    return {"text": f"Draft {k} of candidate {salt}: " + "check the load chart, slings. " * 6}


# -- The workers -------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _die_with_parent() -> None:
    """In the worker, before exec: SIGTERM when this script dies, even by SIGKILL (Linux)."""
    with contextlib.suppress(OSError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Workers:
    """Web workers: one ``uvicorn config.asgi:application`` process per port, as deployed
    (DEBUG off, same database and Redis); stopped by ``stop`` (always call it)."""

    def __init__(self, count: int, database: str, log_dir: str):
        self.ports = [free_port() for _ in range(count)]
        self.processes: list[subprocess.Popen] = []
        self.logs = [Path(log_dir) / f"worker-{n}.log" for n in range(count)]
        env = {**os.environ, "DATABASE_URL": database, "LOG_LEVEL": "WARNING"}
        for port, log in zip(self.ports, self.logs, strict=True):
            with open(log, "wb") as out:
                self.processes.append(
                    subprocess.Popen(
                        [
                            *(sys.executable, "-m", "uvicorn", "config.asgi:application"),
                            *("--host", "127.0.0.1", "--port", str(port)),
                            *("--no-access-log", "--timeout-keep-alive", "120"),
                        ],
                        cwd=ROOT,
                        env=env,
                        stdout=out,
                        stderr=subprocess.STDOUT,
                        preexec_fn=_die_with_parent,
                    )
                )

    def wait_ready(self, token: str) -> None:
        deadline = time.monotonic() + WORKER_START_SECONDS
        for port, process, log in zip(self.ports, self.processes, self.logs, strict=True):
            while True:
                if process.poll() is not None:
                    raise SystemExit(f"worker on port {port} exited:\n{log.read_text()[-3000:]}")
                try:
                    connection = HTTPConnection("127.0.0.1", port, timeout=5)
                    connection.request(
                        "GET", "/api/v1/ping/", headers={"Authorization": f"Token {token}"}
                    )
                    response = connection.getresponse()
                    body = response.read()
                    connection.close()
                    if response.status == 200 and json.loads(body) == {"ok": True}:
                        break
                    raise SystemExit(f"worker on port {port}: ping gave {response.status} {body!r}")
                except OSError:
                    if time.monotonic() > deadline:
                        raise SystemExit(f"worker on port {port} did not start") from None
                    time.sleep(0.2)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def errors(self) -> str:
        """Tracebacks and errors the workers logged (the last few lines)."""
        lines = []
        for log in self.logs:
            if log.exists():
                lines += [line for line in log.read_text().splitlines() if line.strip()]
        interesting = [line for line in lines if "Error" in line or "Traceback" in line]
        return "\n".join(interesting[-10:])


# -- The simulated pages -----------------------------------------------------------------------


@dataclass
class Call:
    kind: str  # "save" or "floor"
    worker: int
    status: int  # 0: no response (connection error)
    seconds: float
    saved: bool = False
    key: tuple[int, int] | None = None  # (attempt id, question id) of a save
    sequence: int = 0
    body: dict | None = None


class Client:
    """One simulated browser tab's connections: one keep-alive connection per worker."""

    def __init__(self, ports: list[int]):
        self.ports = ports
        self.connections = [HTTPConnection("127.0.0.1", port, timeout=60) for port in ports]

    def call(self, worker: int, method: str, path: str, token: str, body: bytes | None):
        headers = {"Authorization": f"Token {token}", "Accept": "application/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        connection = self.connections[worker]
        started = time.perf_counter()
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
            status = response.status
        except (OSError, ValueError):
            connection.close()
            self.connections[worker] = HTTPConnection("127.0.0.1", self.ports[worker], timeout=60)
            return 0, b"", time.perf_counter() - started
        return status, data, time.perf_counter() - started

    def close(self) -> None:
        for connection in self.connections:
            connection.close()


def floor_job(client: Client, candidates: list[Candidate], count: int, offset: int) -> list[Call]:
    calls = []
    for n in range(count):
        if STOPPING.is_set():
            break
        candidate = candidates[n % len(candidates)]
        worker = (n + offset) % len(client.ports)
        status, _data, seconds = client.call(worker, "GET", "/api/v1/ping/", candidate.token, None)
        calls.append(Call("floor", worker, status, seconds))
    return calls


def save_job(client: Client, candidates: list[Candidate], saves: int, offset: int) -> list[Call]:
    """Each candidate in turn makes its next save: a page raises its sequence with every
    change, and a candidate often changes an answer (each question is saved twice in a row,
    the second time with another choice)."""
    calls = []
    n = 0
    for k in range(saves):
        for candidate in candidates:
            if STOPPING.is_set():
                return calls
            question = candidate.questions[(candidate.index + k // 2) % len(candidate.questions)]
            body = {**answer_body(question, k, candidate.index), "sequence": k + 1}
            if k % 7 == 6:
                body["flagged"] = True
            worker = (n + offset) % len(client.ports)
            n += 1
            path = f"/api/v1/attempts/{candidate.attempt_id}/answers/{question.id}/"
            status, data, seconds = client.call(
                worker, "PUT", path, candidate.token, json.dumps(body).encode()
            )
            saved = False
            if status == 200:
                try:
                    saved = json.loads(data).get("saved") is True
                except ValueError:
                    status = -1
            calls.append(
                Call(
                    "save",
                    worker,
                    status,
                    seconds,
                    saved,
                    (candidate.attempt_id, question.id),
                    k + 1,
                    body,
                )
            )
    return calls


def run_phase(clients: list[Client], job, shares: list[list[Candidate]], *args) -> tuple:
    """Run ``job`` on every client at once, each in its own thread; returns (calls, seconds)."""
    results: list[list[Call]] = [[] for _ in clients]
    barrier = threading.Barrier(len(clients) + 1)

    def work(n: int) -> None:
        barrier.wait()
        results[n] = job(clients[n], shares[n], *args, n)

    threads = [threading.Thread(target=work, args=(n,), daemon=True) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    return [call for calls in results for call in calls], seconds


# -- Checks and figures ------------------------------------------------------------------------


def verify(exam, saves: list[Call]) -> dict[str, int]:
    """Every acknowledged save against the database: the latest acknowledged sequence of each
    answer is stored with its content (or a later one whose reply did not arrive)."""
    from exams.models import Answer

    acknowledged: dict[tuple[int, int], Call] = {}
    for call in saves:
        if call.status == 200 and call.saved:
            best = acknowledged.get(call.key)
            if best is None or call.sequence > best.sequence:
                acknowledged[call.key] = call
    stored = {
        (row["attempt_id"], row["attempt_question__key"]): row
        for row in Answer.objects.filter(attempt__exam=exam).values(
            "attempt_id",
            "attempt_question__key",
            "attempt_question__option_order",
            "attempt_question__option_keys",
            "sequence",
            "selected",
            "text",
            "blanks",
            "flagged",
        )
    }
    counts = Counter()
    for key, call in acknowledged.items():
        row = stored.get(key)
        if row is None or row["sequence"] < call.sequence:
            counts["lost"] += 1
        elif row["sequence"] > call.sequence:
            counts["newer"] += 1
        else:
            body = call.body
            # Stored with the bank's option ids; the page sent the attempt's identifiers.
            key_of = dict(
                zip(
                    row["attempt_question__option_order"],
                    row["attempt_question__option_keys"],
                    strict=False,
                )
            )
            same = (
                [key_of.get(o) for o in row["selected"]] == body.get("selected", [])
                and row["text"] == body.get("text", "")
                and row["blanks"] == body.get("blanks", [])
            )
            counts["ok" if same else "different"] += 1
    counts["answers"] = len(acknowledged)
    return counts


@dataclass
class InProcess:
    save_queries: int
    ping_queries: int
    statements: list[str]
    save_ms: float
    ping_ms: float


def in_process(candidate: Candidate, repeat: int = 200) -> InProcess:
    """Through the API test client in this process, token authentication as above: the
    queries of one save and of one ping, then the median time of each, one at a time
    (``repeat`` times): the work of the view without HTTP, ASGI or a new database
    connection per request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {candidate.token}")
    sequence = iter(range(10**9, 2 * 10**9))

    def save(k: int) -> float:
        question = candidate.questions[k % len(candidate.questions)]
        body = {**answer_body(question, k, candidate.index), "sequence": next(sequence)}
        url = f"/api/v1/attempts/{candidate.attempt_id}/answers/{question.id}/"
        started = time.perf_counter()
        response = client.put(url, body, format="json")
        seconds = time.perf_counter() - started
        assert response.status_code == 200 and response.json()["saved"], response.content
        return seconds * 1000

    def ping(_k: int) -> float:
        started = time.perf_counter()
        response = client.get("/api/v1/ping/")
        seconds = time.perf_counter() - started
        assert response.status_code == 200, response.content
        return seconds * 1000

    # Read what was captured at once: the next request empties the log.
    with CaptureQueriesContext(connection) as saving:
        save(0)
    statements = [statement(q["sql"]) for q in saving.captured_queries]
    with CaptureQueriesContext(connection) as pinging:
        ping(0)
    ping_queries = len(pinging)
    save_ms = statistics.median(save(k) for k in range(repeat))
    ping_ms = statistics.median(ping(k) for k in range(repeat))
    return InProcess(len(statements), ping_queries, statements, save_ms, ping_ms)


def statement(sql: str) -> str:
    """``SELECT authtoken_token``, ``UPDATE exams_answer``: what a query does, to what."""
    words = sql.replace('"', "").split()
    verb = words[0].upper()
    after = {"SELECT": "FROM", "UPDATE": "UPDATE", "INSERT": "INTO", "DELETE": "FROM"}.get(verb)
    upper = [word.upper() for word in words]
    table = words[upper.index(after) + 1] if after in upper else "?"
    return f"{verb} {table}"


def percentile(values: list[float], q: float) -> float:
    """Nearest rank: the smallest value with at least ``q`` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1))]


def describe(calls: list[Call], seconds: float) -> dict:
    ok = [c.seconds * 1000 for c in calls if c.status == 200]
    return {
        "count": len(calls),
        "ok": len(ok),
        "rate": len(calls) / seconds if seconds else 0.0,
        "seconds": seconds,
        "p50": percentile(ok, 0.50) if ok else 0.0,
        "p95": percentile(ok, 0.95) if ok else 0.0,
        "p99": percentile(ok, 0.99) if ok else 0.0,
        "max": max(ok, default=0.0),
        "statuses": Counter(c.status for c in calls if c.status != 200),
        "workers": Counter(c.worker for c in calls),
    }


def line(label: str, f: dict) -> str:
    return (
        f"  {label:<22} {f['rate']:>7,.0f}/s   p50 {f['p50']:6.1f} ms   p95 {f['p95']:6.1f} ms"
        f"   p99 {f['p99']:6.1f} ms   max {f['max']:6.1f} ms"
        f"   ({f['count']:,} in {f['seconds']:.1f} s)"
    )


# -- Main --------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--candidates", type=int, default=500, help="candidates saving")
    parser.add_argument("--saves", type=int, default=10, help="saves per candidate")
    parser.add_argument("--threads", type=int, default=50, help="requests in flight")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn processes")
    parser.add_argument("--questions", type=int, default=20, help="questions on the paper")
    parser.add_argument("--database", default=SCRATCH_DATABASE, help="scratch PostgreSQL name")
    parser.add_argument(
        "--async-commit",
        action="store_true",
        help="analysis: synchronous_commit off on the scratch database (commits skip the fsync)",
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    options = parser.parse_args()
    if options.database in ("test", "test_test") or options.candidates < options.threads:
        parser.error("use a scratch database name, and at least as many candidates as threads")

    # Ctrl-C and a plain kill both unwind through the ``finally`` blocks below.
    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started ignoring it
    database, url, clean_up = setup_django(
        options.database, synchronous_commit=not options.async_commit
    )
    if options.async_commit:
        database += ", synchronous_commit off"
    workers = None
    clients: list[Client] = []
    logs = tempfile.TemporaryDirectory(prefix="bench-autosave-")
    try:
        from django.utils import timezone

        from exams.services.attempts import attempt_start

        started = time.perf_counter()
        employees, tokens = build_candidates(options.candidates)
        paper = build_paper(questions=options.questions, short_answers=1)
        now = timezone.now()
        exam = build_exam(
            paper=paper,
            candidates=employees,
            opens_at=now - datetime.timedelta(hours=1),
            closes_at=now + datetime.timedelta(hours=4),
            duration_minutes=120,
        )
        for employee in employees:
            attempt_start(employee=employee, exam=exam)
        plan = attempt_plan(exam, tokens)
        setup_seconds = time.perf_counter() - started

        workers = Workers(options.workers, url, logs.name)
        workers.wait_ready(plan[0].token)
        clients = [Client(workers.ports) for _ in range(options.threads)]
        shares = [plan[n :: options.threads] for n in range(options.threads)]
        per_thread = options.saves * len(shares[0])
        # Warm-up (not counted): connections opened, each worker's first requests served.
        run_phase(clients, floor_job, shares, 4 * options.workers)
        floor_a, seconds_a = run_phase(clients, floor_job, shares, per_thread // 2)
        saves, save_seconds = run_phase(clients, save_job, shares, options.saves)
        floor_b, seconds_b = run_phase(clients, floor_job, shares, per_thread - per_thread // 2)
        for client in clients:
            client.close()
        worker_errors = workers.errors()
        workers.stop()
        workers = None

        checked = verify(exam, saves)
        local = in_process(plan[0])
    finally:
        STOPPING.set()
        for client in clients:
            client.close()
        if workers is not None:
            workers.stop()
        clean_up()
        logs.cleanup()

    floor = describe(floor_a + floor_b, seconds_a + seconds_b)
    saving = describe(saves, save_seconds)
    ratio = saving["p50"] / floor["p50"] if floor["p50"] else float("inf")
    ratios = {q: saving[q] / floor[q] if floor[q] else 0.0 for q in ("p95", "p99")}
    print(
        f"Autosave benchmark ({database}, channel layer {channel_layer_name()}); "
        f"{options.candidates:,} candidates x {options.saves} saves, {options.threads} threads "
        f"with keep-alive connections to {options.workers} uvicorn workers; "
        f"{options.questions} questions per attempt"
    )
    print(
        f"  {'set-up (not timed)':<22} {setup_seconds:7.1f} s (candidates, tokens, exam, attempts)"
    )
    print(line("floor GET /ping/", floor))
    print(line("save PUT .../answers/", saving))
    spread = ", ".join(f"{saving['workers'][n]:,}" for n in range(options.workers))
    print(f"  {'saves per worker':<22} {spread}")
    print(
        f"  {'save / floor':<22} p50 {ratio:.2f}x   p95 {ratios['p95']:.2f}x   "
        f"p99 {ratios['p99']:.2f}x   throughput {floor['rate'] / saving['rate']:.2f}x   "
        f"(target: at most {TARGET_RATIO}x at p50)  {'ok' if ratio <= TARGET_RATIO else 'MISSED'}"
    )
    for label, figures in (("floor", floor), ("saves", saving)):
        if figures["statuses"]:
            statuses = ", ".join(f"{s or 'no reply'}: {n}" for s, n in figures["statuses"].items())
            print(f"  {label + ' not 200':<22} {statuses}")
    refused = sum(1 for c in saves if c.status == 200 and not c.saved)
    lost = checked["lost"] + checked["different"]
    print(
        f"  {'acknowledged saves':<22} {saving['ok'] - refused:,} (saved=false: {refused}); "
        f"{checked['answers']:,} answers checked: {checked['ok']:,} stored with their latest "
        f"sequence and content, {checked['newer']} with a later unacknowledged one, "
        f"{checked['lost']} lost, {checked['different']} different  {'ok' if not lost else 'WRONG'}"
    )
    print(
        f"  {'queries per save':<22} {local.save_queries} (API test client, token auth; the "
        f"floor: {local.ping_queries}): " + ", ".join(local.statements)
    )
    print(
        f"  {'one at a time':<22} in this process through the API test client (no HTTP, no "
        f"new database connection): save {local.save_ms:.1f} ms, floor {local.ping_ms:.1f} ms "
        f"(medians)"
    )
    if worker_errors:
        print("  worker log (errors):\n" + worker_errors)
    if lost or saving["ok"] < saving["count"]:
        return 2
    return 1 if options.strict and ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("interrupted: workers stopped, scratch database dropped", file=sys.stderr)
        sys.exit(130)
