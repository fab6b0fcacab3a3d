"""Benchmark: importing a 5,000-employee roster workbook, then importing it again.

Run from the project root: ``python bench/roster_import.py`` (or ``make bench``). It never
touches the project's database: with no ``DATABASE_URL`` it works in a throwaway SQLite file,
and with one (PostgreSQL, say) in Django's ``test_<name>`` database, dropped afterwards.
Target: each import of 5,000 rows under 10 s. Prints the figures; ``--strict`` also exits 1
when a run misses the target.
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

TARGET_SECONDS = 10.0
INITIAL_PASSWORD = "Harbour-2026"
COMPANY = "Changsha Harbour Construction Co."
DEPARTMENTS = {
    "Quality and Safety Department": ["Inspection Team", "Emergency Team", "Training Office"],
    "Berthing Project Department": [f"Crew {n}" for n in range(1, 9)],
    "Dredging Project Department": [f"Dredger {n}" for n in range(1, 6)],
    "Engineering Department": ["Survey Team", "Design Office", "Site Team"],
    "Equipment Department": ["Crane Team", "Vessel Team", "Maintenance Workshop", "Power Team"],
    "Logistics Department": ["Warehouse", "Transport Team"],
}
POSITIONS = [
    "Crew captain",
    "Safety manager",
    "Welder",
    "Electrician",
    "Crane operator",
    "Rigger",
    "Boat operator",
    "Pile driving operator",
    "Concrete worker",
    "Diver",
    "Gas cutter",
    "Mechanic",
    "Forklift driver",
    "Surveyor",
    "Site engineer",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国海东波辉鹏飞斌宇浩凯健俊帆雷"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# (the Roles cell, weight): mostly trainees, some blank (trainee by default) or in Chinese.
ROLES = [
    ("trainee", 86),
    ("", 6),
    ("学员", 3),
    ("instructor, trainee", 3),
    ("safety_officer", 1),
    ("hr", 1),
]


def national_id(rng: random.Random) -> str:
    body = f"4301{rng.randint(2, 5):02d}{rng.randint(1965, 2004)}"
    body += f"{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}{rng.randint(0, 999):03d}"
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def roster_rows(count: int, seed: int = 2026) -> list[list[str]]:
    """Rows in the order of ``people.roster.COLUMNS``: realistic and all valid."""
    rng = random.Random(seed)
    leaves = [f"{COMPANY}/{d}/{team}" for d, teams in DEPARTMENTS.items() for team in teams]
    roles, weights = zip(*ROLES, strict=True)
    rows = []
    for index in range(count):
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.choice((1, 2))))
        rows.append(
            [
                f"H{100001 + index}",
                name,
                rng.choice(leaves),
                rng.choice(POSITIONS),
                f"1{rng.choice('3456789')}{rng.randint(0, 999_999_999):09d}",
                rng.choices(roles, weights)[0],
                INITIAL_PASSWORD,
                national_id(rng) if rng.random() < 0.7 else "",
            ]
        )
    return rows


def build_roster(rows: list[list[str]]) -> bytes:
    from core.excel import build_xlsx
    from people.roster import COLUMNS

    return build_xlsx(sheet_title="Roster", header=[str(COLUMNS[c]) for c in COLUMNS], rows=rows)


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed_import(label: str, data: bytes, rows: int, expect: dict[str, int]) -> tuple[str, bool]:
    from django.db import connection

    from people.services import roster_import

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        started = time.perf_counter()
        result = roster_import(actor=None, data=data, filename="bench.xlsx")
        seconds = time.perf_counter() - started
    if result.errors:
        first = result.errors[0]
        raise SystemExit(f"{label}: {len(result.errors)} row errors, first {first.as_dict()}")
    got = {"created": result.created, "updated": result.updated, "unchanged": result.unchanged}
    if got != {**got, **expect}:
        raise SystemExit(f"{label}: expected {expect}, got {got}")
    ok = seconds < TARGET_SECONDS
    line = (
        f"  {label:<24} {rows:>7,} rows {seconds:7.2f} s {rows / seconds:>9,.0f} rows/s "
        f"{counter.count:>6,} queries  "
        f"created {got['created']:,}, updated {got['updated']:,}, unchanged {got['unchanged']:,}"
        f"  {'ok' if ok else 'OVER TARGET'}"
    )
    return line, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=5000, help="employees in the roster")
    parser.add_argument("--strict", action="store_true", help="exit 1 when over the target")
    options = parser.parse_args()

    database, clean_up = setup_django("roster_import")
    try:
        rows = roster_rows(options.rows)
        started = time.perf_counter()
        data = build_roster(rows)
        build_seconds = time.perf_counter() - started
        changed = [list(row) for row in rows]
        for row in changed[::10]:  # one employee in ten gets a new position
            row[3] = "Senior " + row[3].lower()
        changed_data = build_roster(changed)
        n_changed = sum(1 for a, b in zip(rows, changed, strict=True) if a != b)

        print(f"Roster import benchmark ({database}); target under {TARGET_SECONDS:.0f} s each")
        print(
            f"  {'build xlsx (not timed)':<24} {len(rows):>7,} rows {build_seconds:7.2f} s "
            f"{len(data) / 1024:>9,.0f} KiB"
        )
        results = [
            timed_import("first import", data, len(rows), {"created": len(rows)}),
            timed_import("re-import, same file", data, len(rows), {"unchanged": len(rows)}),
            timed_import(
                f"re-import, {n_changed:,} changed",
                changed_data,
                len(rows),
                {"created": 0, "updated": n_changed},
            ),
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
