"""Benchmark: printing 1,000 certificates, each a PDF with a QR code, and as streamed batches.

Run from the project root: ``python bench/certificates_pdf.py`` (or ``make bench``). It touches
no database: the certificates are unsaved model instances built in memory (1,000 holders with
Chinese names, distinct numbers and tokens, so 1,000 distinct QR codes; a seal image made in a
temporary folder; no photo, no recorded review), so the figures are the PDF work alone.

Runs, in one process:

- ``certificate_a4``: 1,000 one-page PDFs, one after another (what a holder's download does);
- the floor: the same 1,000 pages drawn by the same code with the QR code left out;
- ``certificates_stream``: one 1,000-page PDF, streamed;
- ``cards_sheet_stream``: 1,000 wallet cards, ten to a sheet, fronts and backs (200 pages);
- memory: the streamed 1,000-page PDF again under tracemalloc, traced memory after 100 and
  after 1,000 pages, against the same pages built by a plain reportlab canvas (all pages held
  until ``save()``).

Prints certificates per second by the clock and by the process's CPU time (the machine may be
shared: CPU time shows the cost of the work itself), and the resident memory after 100 and
after 1,000 certificates. Targets: at least 150 certificates/s, within 3x of the floor, memory
flat over the 1,000. ``--strict`` exits 1 when a target is missed (judged on CPU time).
"""

import argparse
import contextlib
import datetime
import io
import os
import resource
import secrets
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_PER_SECOND = 150
TARGET_FLOOR_RATIO = 3.0
# Memory is flat when 1,000 certificates take little more than 100 did.
FLAT_MEMORY_SLACK_MIB = 8
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
    "余杜叶程魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷"
)
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英建华志国海东波辉鹏飞斌宇浩凯健俊帆雷"
TYPES = [
    ("DG", "电工作业", "低压电工作业"),
    ("HG", "焊接与热切割作业", "熔化焊接与热切割作业"),
    ("GK", "高处作业", "登高架设作业"),
    ("MY", "冶金（有色）生产安全作业", "煤气作业"),
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(60))
    import django

    django.setup()


def make_seal(folder: Path) -> str:
    """A red round seal with a transparent background, as an issuer would configure."""
    from PIL import Image, ImageDraw

    seal = Image.new("RGBA", (600, 600), (0, 0, 0, 0))
    draw = ImageDraw.Draw(seal)
    draw.ellipse((12, 12, 588, 588), outline=(200, 20, 30, 230), width=22)
    draw.regular_polygon((300, 300, 90), 5, fill=(200, 20, 30, 230))
    path = folder / "seal.png"
    seal.save(path)
    return str(path)


def certificates(count: int) -> list:
    """Unsaved certificates with everything the PDF reads, all different."""
    from certificates.models import Certificate, CertificateStatus, CertificateType
    from certificates.services import new_token
    from people.models import Employee

    types = [
        CertificateType(code=code, category=category, operation_item=item, national=True)
        for code, category, item in TYPES
    ]
    issued = datetime.date(2026, 3, 2)
    made = []
    for index in range(count):
        name = SURNAMES[index % len(SURNAMES)] + GIVEN[index % 37] + GIVEN[(index * 7) % 41]
        holder = Employee(name=name, national_id=f"43010219900101{index % 10000:04d}")
        certificate_type = types[index % len(types)]
        made.append(
            Certificate(
                number=f"2026{certificate_type.code}{index + 1:06d}",
                token=new_token(),
                holder=holder,
                certificate_type=certificate_type,
                holder_name=name,
                issued_on=issued,
                expires_on=datetime.date(2032, 3, 1),
                review_interval_years=3,
                next_review_due=datetime.date(2029, 3, 2),
                status=CertificateStatus.VALID,
            )
        )
    return made


def resident_mib() -> float:
    """Resident memory now (Linux), else the peak so far."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Run:
    label: str
    count: int
    seconds: float
    cpu_seconds: float
    megabytes: float
    memory_at_100: float
    memory_at_end: float

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def per_cpu_second(self) -> float:
        return self.count / self.cpu_seconds

    def line(self) -> str:
        return (
            f"  {self.label:<34} {self.count:>6,} {self.seconds:7.2f} s "
            f"{self.per_second:>7,.0f}/s {self.per_cpu_second:>7,.0f}/s CPU "
            f"{self.megabytes:>8,.1f} MB  RSS {self.memory_at_100:,.0f} -> "
            f"{self.memory_at_end:,.0f} MiB"
        )


def timed(label: str, count: int, pieces: Iterable[bytes], per_piece: int = 1) -> Run:
    """Consume ``pieces`` (PDF bytes), noting memory once 100 certificates are done."""
    memory_at_100 = None
    size = done = 0
    started, cpu_started = time.perf_counter(), time.process_time()
    for piece in pieces:
        size += len(piece)
        done += per_piece
        if memory_at_100 is None and done >= 100:
            memory_at_100 = resident_mib()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return Run(label, count, seconds, cpu, size / 1e6, memory_at_100 or 0.0, resident_mib())


def each(build: Callable, items: list) -> Iterator[bytes]:
    for item in items:
        yield build(item)


@contextlib.contextmanager
def without_qr():
    """The floor: the same pages with the QR code left out."""
    from certificates.pdf import drawing

    draw_qr = drawing.draw_qr
    drawing.draw_qr = lambda *args, **kwargs: None
    try:
        yield
    finally:
        drawing.draw_qr = draw_qr


def traced_stream(items: list) -> tuple[float, float, float]:
    """Traced memory (MiB) after 100 pages and after all of the streamed PDF, and the peak."""
    from certificates.pdf import certificates_stream

    tracemalloc.start()
    at_100 = 0.0
    for index, _piece in enumerate(certificates_stream(items)):
        if index == 100:
            at_100 = tracemalloc.get_traced_memory()[0] / 2**20
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return at_100, current / 2**20, peak / 2**20


def traced_plain_canvas(items: list) -> tuple[float, float, float]:
    """The same pages in one plain reportlab canvas, saved at the end."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from certificates.pdf.content import printed_certificate
    from certificates.pdf.drawing import draw_a4

    tracemalloc.start()
    stream = io.BytesIO()
    canvas = Canvas(stream, pagesize=A4, pageCompression=1)
    at_100 = 0.0
    for index, certificate in enumerate(items):
        draw_a4(canvas, printed_certificate(certificate))
        canvas.showPage()
        if index == 100:
            at_100 = tracemalloc.get_traced_memory()[0] / 2**20
    canvas.save()
    current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return at_100, current / 2**20, peak / 2**20


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--certificates", type=int, default=1000, help="how many to print")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument("--no-memory", action="store_true", help="skip the tracemalloc runs")
    options = parser.parse_args()
    count = max(options.certificates, 101)

    setup_django()
    import reportlab
    from django.conf import settings
    from reportlab import rl_config
    from reportlab.lib import rl_accel

    from certificates.pdf import cards_sheet_stream, certificate_a4, certificates_stream

    with tempfile.TemporaryDirectory(prefix="bench-") as folder:
        settings.CERTIFICATE_SEAL_IMAGE = make_seal(Path(folder))
        items = certificates(count)
        certificate_a4(items[0])  # fonts registered, seal prepared: once per process
        accelerated = "C accelerators" if "_py_" not in rl_accel.fp_str.__name__ else "pure Python"
        print(
            f"Certificate PDF benchmark: {count:,} unsaved certificates, seal, no photo; "
            f"reportlab {reportlab.Version} ({accelerated}), "
            f"ASCII85 {'on' if rl_config.useA85 else 'off'}"
        )
        print(
            f"  targets: at least {TARGET_PER_SECOND}/s and within {TARGET_FLOOR_RATIO:.0f}x "
            "of the floor, memory flat"
        )
        print(f"  {'run':<34} {'count':>6} {'time':>9} {'by clock':>9} {'by CPU':>11}")
        a4 = timed("A4 certificates, one PDF each", count, each(certificate_a4, items))
        print(a4.line())
        with without_qr():
            floor = timed("floor: same pages without QR", count, each(certificate_a4, items))
        print(floor.line())
        streamed = timed("A4 batch, one streamed PDF", count, certificates_stream(items))
        print(streamed.line())
        cards = timed(
            "wallet cards, 10 a sheet, streamed",
            count,
            cards_sheet_stream(items),
            per_piece=5,  # a piece per page: ten fronts, then ten backs
        )
        print(cards.line())

        ratio = floor.per_cpu_second / a4.per_cpu_second
        clock_ratio = floor.per_second / a4.per_second
        fast = a4.per_cpu_second >= TARGET_PER_SECOND
        near_floor = ratio <= TARGET_FLOOR_RATIO
        print(
            f"  A4: {a4.per_cpu_second:,.0f}/s by CPU ({a4.per_second:,.0f}/s by clock), "
            f"floor {floor.per_cpu_second:,.0f}/s: {ratio:.2f}x the floor by CPU "
            f"({clock_ratio:.2f}x by clock)  "
            f"{'ok' if fast and near_floor else 'MISSES TARGET'}"
        )
        flat = True
        for run in (a4, streamed, cards):
            grew = run.memory_at_end - run.memory_at_100
            flat = flat and grew <= FLAT_MEMORY_SLACK_MIB
        print(
            "  resident memory after 100 and after all: "
            + ", ".join(
                f"{run.label.split(',')[0]} +{run.memory_at_end - run.memory_at_100:.1f} MiB"
                for run in (a4, streamed, cards)
            )
            + f"  {'flat' if flat else 'GROWS'}"
        )
        if not options.no_memory:
            at_100, at_end, peak = traced_stream(items)
            print(
                f"  tracemalloc, streamed {count:,} pages: {at_100:.1f} MiB after 100, "
                f"{at_end:.1f} MiB at the end, peak {peak:.1f} MiB"
            )
            at_100, at_end, peak = traced_plain_canvas(items)
            print(
                f"  tracemalloc, plain canvas (for comparison): {at_100:.1f} MiB after 100, "
                f"{at_end:.1f} MiB at the end, peak {peak:.1f} MiB"
            )
        peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"  peak memory of the process {peak_mib:,.0f} MiB")
    ok = fast and near_floor and flat
    return 1 if options.strict and not ok else 0


if __name__ == "__main__":
    sys.exit(main())
