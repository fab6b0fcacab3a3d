"""Benchmark: an exam ranking over 100,000 results, computed by the database.

Run from the project root: ``python bench/ranking.py`` (on PostgreSQL:
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_ranking python bench/ranking.py``).
It never touches the project's database: with no ``DATABASE_URL`` it works in a throwaway
SQLite file, and with one in Django's ``test_<name>`` database, dropped afterwards.

It writes 100,000 ``ExamResult`` rows for one exam (plus 10,000 for another exam, so the
index has neighbours) with bulk inserts: scores in half points, so many candidates share a
score and the tie rule (shorter time, then earlier submission) decides. Then it times, as the
ranking API and pages call them, the median of several runs of:

- the top 50 with their ranks (``exams.selectors.results.ranking_top``: the first 50 ids
  read in the order of the ``exam_result_rank`` index, and the ``RANK()`` window over them);
- the second page, rows 51-100 (``exam_ranking`` sliced: the window ordered by the index
  keys; PostgreSQL stops after 100 rows, SQLite ranks every row first; no target);
- one person's rank (``result_rank``: 1 + one indexed COUNT of the results strictly
  better), for a candidate in the middle and for the last one (the most rows to count);
- the top 50 of one department (the window over that department's rows).

and prints each query's plan (EXPLAIN ANALYZE on PostgreSQL, EXPLAIN QUERY PLAN on SQLite).
Target: the top 50 and one person's rank each under 50 ms. Prints the figures;
``--strict`` also exits 1 when one misses the target.
"""

import argparse
import datetime
import random
import statistics
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from scratch import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 50.0
DEPARTMENTS = 40
OTHER_EXAM_RESULTS = 10_000


def populate(count: int, seed: int = 2026):
    """Departments, ``count`` employees with logins, two exams and their results, in bulk.
    Returns (the big exam, a department of it)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from exams.models import Exam, ExamKind, ExamResult
    from people.models import Department, Employee

    rng = random.Random(seed)
    User = get_user_model()
    company = Department.objects.create(name="Steel works", path="Steel works")
    departments = Department.objects.bulk_create(
        Department(name=f"Workshop {n}", parent=company, path=f"Steel works/Workshop {n}")
        for n in range(1, DEPARTMENTS + 1)
    )
    User.objects.bulk_create(
        (User(username=f"bench-{n}", password="!") for n in range(count)), batch_size=5000
    )
    users = User.objects.filter(username__startswith="bench-").order_by("id").only("id")
    Employee.objects.bulk_create(
        (
            Employee(
                user_id=user.pk,
                employee_no=f"S{n:06d}",
                name=f"Candidate {n}",
                department=departments[n % DEPARTMENTS],
            )
            for n, user in enumerate(users.iterator(chunk_size=5000))
        ),
        batch_size=5000,
    )
    employees = list(Employee.objects.order_by("id").values_list("id", "department_id"))
    opens = timezone.now() - datetime.timedelta(days=1)

    def exam(title: str) -> Exam:
        return Exam.objects.create(
            title=title,
            kind=ExamKind.THEORY,
            opens_at=opens,
            closes_at=opens + datetime.timedelta(hours=3),
            duration_minutes=90,
        )

    big, other = exam("Safety production knowledge exam"), exam("Electrician refresher exam")

    def results(target: Exam, people):
        for employee_id, department_id in people:
            score = Decimal(min(100, max(0, round(rng.gauss(78, 12) * 2) / 2)))
            yield ExamResult(
                exam=target,
                employee_id=employee_id,
                department_id=department_id,
                score=score,
                passed=score >= 60,
                duration_seconds=rng.randint(600, 5400),
                submitted_at=opens + datetime.timedelta(seconds=rng.randint(600, 10800)),
            )

    ExamResult.objects.bulk_create(results(big, employees), batch_size=5000)
    ExamResult.objects.bulk_create(results(other, employees[:OTHER_EXAM_RESULTS]), batch_size=5000)
    return big, departments[7]


def analyze() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        # Fresh statistics and visibility map, as autovacuum leaves a table at rest.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


class Recorder:
    """Keeps the SQL of the queries run, to EXPLAIN them afterwards."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, tuple]] = []

    def __call__(self, execute, sql, params, many, context):
        self.queries.append((sql, params))
        return execute(sql, params, many, context)


def timed(function: Callable, runs: int) -> tuple[float, object, list]:
    """Median milliseconds of ``runs`` calls (after one warm-up), the last value and the SQL
    of one call."""
    from django.db import connection

    recorder = Recorder()
    with connection.execute_wrapper(recorder):
        value = function()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        value = function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), value, recorder.queries


def explain(sql: str, params) -> str:
    from django.db import connection

    prefix = (
        "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) "
        if connection.vendor == "postgresql"
        else "EXPLAIN QUERY PLAN "
    )
    with connection.cursor() as cursor:
        cursor.execute(prefix + sql, params)
        rows = cursor.fetchall()
    if connection.vendor == "postgresql":
        return "\n".join(f"      {row[0]}" for row in rows)
    return "\n".join(f"      {row[-1]}" for row in rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=int, default=100_000, help="results in the exam")
    parser.add_argument("--runs", type=int, default=15, help="timed runs of each query")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    options = parser.parse_args()

    database, clean_up = setup_django("ranking")
    try:
        from exams.models import ExamResult
        from exams.selectors.results import exam_ranking, ranking_top, result_rank

        started = time.perf_counter()
        exam, department = populate(options.results)
        analyze()
        setup_seconds = time.perf_counter() - started
        total = ExamResult.objects.filter(exam=exam).count()
        ordered = exam_ranking(exam=exam)
        middle = ordered[total // 2]
        last = ordered[total - 1]

        print(
            f"Ranking benchmark ({database}); {total:,} results in the exam; "
            f"target under {TARGET_MS:.0f} ms each"
        )
        print(f"  {'set-up (not timed)':<34} {setup_seconds:8.1f} s")
        checks = [
            ("top 50 with ranks", lambda: ranking_top(exam=exam, limit=50), True),
            (
                f"rank of one (middle, #{middle.rank:,})",
                lambda: result_rank(result=middle),
                True,
            ),
            (f"rank of one (last, #{last.rank:,})", lambda: result_rank(result=last), True),
            (
                "second page (rows 51-100)",
                lambda: list(exam_ranking(exam=exam)[50:100]),
                False,
            ),
            (
                "top 50 of one department",
                lambda: ranking_top(exam=exam, limit=50, department_id=department.pk),
                False,
            ),
        ]
        plans = []
        results_ok = []
        for label, function, targeted in checks:
            milliseconds, value, queries = timed(function, options.runs)
            ok = milliseconds < TARGET_MS
            if targeted:
                results_ok.append(ok)
            verdict = ("ok" if ok else "OVER TARGET") if targeted else "(no target)"
            shown = f"{len(value)} rows" if isinstance(value, list) else f"rank {value:,}"
            print(
                f"  {label:<34} {milliseconds:8.2f} ms  median of {options.runs}  "
                f"{shown:<12} {verdict}"
            )
            plans.append((label, queries))
        assert middle.rank == result_rank(result=middle), "the count disagrees with RANK()"
        assert last.rank == result_rank(result=last), "the count disagrees with RANK()"
        for label, queries in plans:
            for sql, params in queries:
                print(f"\n  EXPLAIN {label}:\n    {sql}\n{explain(sql, params)}")
    finally:
        clean_up()
    return 1 if options.strict and not all(results_ok) else 0


if __name__ == "__main__":
    sys.exit(main())
