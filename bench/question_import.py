"""Benchmark: importing a 5,000-question Excel bank (dry run, real import, re-import).

Run from the project root: ``python bench/question_import.py``. It never touches the
project's database: with no ``DATABASE_URL`` it works in a throwaway SQLite file, and with
one (PostgreSQL, say) in Django's ``test_<name>`` database, dropped afterwards. Target: a
5,000-row import under 15 s. Prints the figures; ``--strict`` also exits 1 when a run misses
the target.
"""

import argparse
import random
import resource
import sys
import time
from pathlib import Path

from scratch import setup_django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS = 15.0
# Category tree of a safety-production bank: (path, a subject for the stems).
CATEGORIES = [
    ("Laws and regulations/Work Safety Law", "the Work Safety Law"),
    ("Laws and regulations/Fire Protection Law", "the Fire Protection Law"),
    ("Fire safety/Extinguishers", "portable extinguishers"),
    ("Fire safety/Evacuation", "evacuation routes"),
    ("Electrical safety/Low voltage", "low-voltage switchgear"),
    ("Electrical safety/Temporary power", "temporary site power"),
    ("Gas safety", "gas cylinders"),
    ("Work at height/Scaffolding", "scaffolding"),
    ("Work at height/Harnesses", "full-body harnesses"),
    ("Hazardous chemicals", "corrosive liquids"),
    ("Confined spaces", "confined-space entry"),
    ("First aid", "cardiopulmonary resuscitation"),
    ("Maritime safety/Berthing", "mooring lines"),
    ("Maritime safety/Dredging", "dredger deck work"),
]
# (type cell as written, weight): English keys and Chinese names, as real files mix them.
TYPES = [
    ("single", 25),
    ("单选题", 15),
    ("multiple", 12),
    ("多选", 8),
    ("true_false", 10),
    ("判断题", 10),
    ("fill_blank", 8),
    ("填空", 4),
    ("short_answer", 5),
    ("简答题", 3),
]
CHECKS = [
    "the first check before use",
    "the inspection interval",
    "who may sign the permit",
    "the sign that must be posted",
    "the protective equipment required",
    "what to do when a defect is found",
    "the record that must be kept",
    "the training required",
]
KIND = {"单选题": "single", "多选": "multiple", "判断题": "true_false", "填空": "fill_blank"}
KIND["简答题"] = "short_answer"


def bank_rows(count: int, seed: int = 2026) -> list[list]:
    """Rows in the order of ``exams.formats.excel.COLUMNS``: realistic and all valid."""
    rng = random.Random(seed)
    kinds, weights = zip(*TYPES, strict=True)
    rows = []
    for index in range(count):
        path, subject = rng.choice(CATEGORIES)
        written = rng.choices(kinds, weights)[0]
        kind = KIND.get(written, written)
        check = rng.choice(CHECKS)
        stem = f"[{index + 1}] For {subject}, which statement about {check} is right?"
        options = [""] * 8
        answer = ""
        if kind in ("single", "multiple"):
            count_options = rng.choice((4, 4, 4, 5))
            options[:count_options] = [
                f"Statement {letter} on {check}" for letter in "ABCDE"[:count_options]
            ]
            correct = rng.sample(range(count_options), 1 if kind == "single" else rng.randint(2, 3))
            answer = ",".join("ABCDE"[i] for i in sorted(correct))
        elif kind == "true_false":
            stem = f"[{index + 1}] For {subject}, {check} is set out in writing."
            answer = rng.choice(("True", "False", "对", "错", "√", "×"))
        elif kind == "fill_blank":
            stem = f"[{index + 1}] For {subject}, {check} is every ___ days and ___ hours."
            answer = f"{rng.randint(1, 30)};{rng.randint(31, 60)}|{rng.randint(1, 24)}"
        else:
            stem = f"[{index + 1}] Describe {check} for {subject}."
            answer = f"Follow the procedure for {subject}; record {check}."
        rows.append(
            [
                written,
                path,
                stem,
                *options,
                answer,
                rng.randint(1, 5),
                f"See the site rules on {subject}.",
                ", ".join(rng.sample(["fire", "electrical", "height", "gas", "law", "ppe"], 2)),
                "",
            ]
        )
    return rows


def build_bank(rows: list[list]) -> bytes:
    from core.excel import build_xlsx
    from exams.formats.excel import COLUMNS

    return build_xlsx(
        sheet_title="Bank", header=[str(title) for title in COLUMNS.values()], rows=rows
    )


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(
    label: str, data: bytes, rows: int, *, dry_run: bool, expect: dict[str, int]
) -> tuple[str, bool]:
    from django.db import connection

    from exams.services.imports import questions_import

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = questions_import(actor=None, data=data, filename="bench.xlsx", dry_run=dry_run)
        seconds = time.perf_counter() - started
    if result.errors:
        first = result.errors[0]
        raise SystemExit(f"{label}: {len(result.errors)} errors, first {first.as_dict()}")
    got = {
        "to_create": len(result.to_create),
        "created": result.created,
        "duplicates": len(result.duplicates),
    }
    if got != {**got, **expect}:
        raise SystemExit(f"{label}: expected {expect}, got {got}")
    ok = seconds < TARGET_SECONDS
    line = (
        f"  {label:<24} {rows:>7,} rows {seconds:7.2f} s {rows / seconds:>9,.0f} rows/s "
        f"{counter.count:>6,} queries  created {got['created']:,}, "
        f"duplicates {got['duplicates']:,}  {'ok' if ok else 'OVER TARGET'}"
    )
    return line, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="questions in the workbook")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    options = parser.parse_args()

    database, clean_up = setup_django("question_import")
    try:
        rows = bank_rows(options.rows)
        started = time.perf_counter()
        data = build_bank(rows)
        build_seconds = time.perf_counter() - started
        n = len(rows)

        print(f"Question import benchmark ({database}); target under {TARGET_SECONDS:.0f} s each")
        print(
            f"  {'build xlsx (not timed)':<24} {n:>7,} rows {build_seconds:7.2f} s "
            f"{len(data) / 1024:>9,.0f} KiB"
        )
        results = [
            timed_import("dry run (preview)", data, n, dry_run=True, expect={"to_create": n}),
            timed_import("import", data, n, dry_run=False, expect={"created": n}),
            timed_import("re-import, same file", data, n, dry_run=False, expect={"duplicates": n}),
        ]
        for line, _ok in results:
            print(line)
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory {peak_mib:,.0f} MiB")
    finally:
        clean_up()
    return 1 if options.strict and not all(ok for _line, ok in results) else 0


if __name__ == "__main__":
    sys.exit(main())
