"""Charts of an exam's statistics, drawn on the server as SVG text (no JavaScript, no CDN).

Plain functions: figures in, an ``<svg>`` element out, ready to inline in a page. Every
piece of text is escaped here, so the caller may mark the result safe.
"""

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.translation import gettext as _

from exams.selectors.statistics import HistogramBin, ItemStatistics

WIDTH = 640
HEIGHT = 260
MARGIN = {"top": 24, "right": 16, "bottom": 44, "left": 44}
BAR = "#2f6db5"
POOR = "#c0562b"
AXIS = "#5b6573"
PASS_LINE = "#b3261e"


def _number(value: float) -> str:
    """12, 12.5: no trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    # Presentation attributes and a class, no style attribute: the Content-Security-Policy
    # refuses inline styles. Drawn at its own size, the "chart" class shrinks it to the page.
    title = escape(label)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" class="chart" role="img" aria-label="{title}" '
        f'font-family="sans-serif" font-size="11">'
        f"<title>{title}</title>" + "".join(body) + "</svg>"
    )


def _axes(plot_bottom: float, plot_left: float, plot_right: float, plot_top: float) -> list[str]:
    return [
        f'<line x1="{plot_left}" y1="{plot_bottom}" x2="{plot_right}" y2="{plot_bottom}" '
        f'stroke="{AXIS}"/>',
        f'<line x1="{plot_left}" y1="{plot_top}" x2="{plot_left}" y2="{plot_bottom}" '
        f'stroke="{AXIS}"/>',
    ]


def score_histogram_svg(
    bins: Sequence[HistogramBin], *, pass_score: float | None = None, max_score: float = 0
) -> str:
    """Candidates per score band as vertical bars, with a count above each bar and a dashed
    line at the pass score."""
    left, right = MARGIN["left"], WIDTH - MARGIN["right"]
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    label = _("Score distribution: candidates per score band")
    if not bins:
        return _svg(WIDTH, HEIGHT, label, [])
    peak = max(b.count for b in bins) or 1
    slot = (right - left) / len(bins)
    body = _axes(bottom, left, right, top)
    for index, band in enumerate(bins):
        height = (bottom - top) * band.count / peak
        x = left + index * slot
        tip = escape(
            _("%(start)s to %(end)s: %(count)d candidates")
            % {"start": _number(band.start), "end": _number(band.end), "count": band.count}
        )
        body.append(
            f'<rect x="{x + 2:.1f}" y="{bottom - height:.1f}" width="{slot - 4:.1f}" '
            f'height="{height:.1f}" fill="{BAR}"><title>{tip}</title></rect>'
        )
        if band.count:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{bottom - height - 4:.1f}" '
                f'text-anchor="middle">{band.count}</text>'
            )
        body.append(
            f'<text x="{x:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{AXIS}">'
            f"{escape(_number(band.start))}</text>"
        )
    body.append(
        f'<text x="{right:.1f}" y="{bottom + 14}" text-anchor="middle" fill="{AXIS}">'
        f"{escape(_number(bins[-1].end))}</text>"
    )
    body.append(
        f'<text x="{(left + right) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="{AXIS}">{escape(_("Score"))}</text>'
    )
    body.append(
        f'<text x="12" y="{(top + bottom) / 2:.1f}" text-anchor="middle" fill="{AXIS}" '
        f'transform="rotate(-90 12 {(top + bottom) / 2:.1f})">{escape(_("Candidates"))}</text>'
    )
    body.append(f'<text x="{left - 6}" y="{top + 4}" text-anchor="end" fill="{AXIS}">{peak}</text>')
    end = bins[-1].end or max_score
    if pass_score is not None and end > 0 and 0 <= pass_score <= end:
        x = left + (right - left) * pass_score / end
        text = escape(_("Pass %s") % _number(pass_score))
        body.append(
            f'<line x1="{x:.1f}" y1="{top - 8}" x2="{x:.1f}" y2="{bottom}" '
            f'stroke="{PASS_LINE}" stroke-dasharray="4 3"/>'
            f'<text x="{x + 4:.1f}" y="{top - 10}" fill="{PASS_LINE}">{text}</text>'
        )
    return _svg(WIDTH, HEIGHT, label, body)


def facility_bars_svg(items: Sequence[ItemStatistics]) -> str:
    """Each question's facility index (0 to 1) as a vertical bar, in paper order; poor
    items (flagged) in another colour. Widens with the number of questions."""
    label = _("Facility index per question (share of the points earned)")
    count = len(items)
    width = max(WIDTH, MARGIN["left"] + MARGIN["right"] + count * 14)
    left, right = MARGIN["left"], width - MARGIN["right"]
    top, bottom = MARGIN["top"], HEIGHT - MARGIN["bottom"]
    body = _axes(bottom, left, right, top)
    for tick in (0, 0.5, 1):
        y = bottom - (bottom - top) * tick
        body.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{right}" y2="{y:.1f}" stroke="#e3e7ed"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="{AXIS}">'
            f"{_number(tick)}</text>"
        )
    slot = (right - left) / count if count else 0
    every = max(1, round(count / 20)) if count else 1
    for index, item in enumerate(items):
        facility = item.facility or 0.0
        height = (bottom - top) * facility
        x = left + index * slot
        tip = escape(
            _("Question %(id)s: facility %(facility)s")
            % {
                "id": item.question,
                "facility": "—" if item.facility is None else _number(item.facility),
            }
            + (" · " + "; ".join(item.flag_labels) if item.flags else "")
        )
        body.append(
            f'<rect x="{x + 1:.1f}" y="{bottom - height:.1f}" width="{max(slot - 2, 1):.1f}" '
            f'height="{height:.1f}" fill="{POOR if item.poor else BAR}"><title>{tip}</title>'
            f"</rect>"
        )
        if index % every == 0:
            body.append(
                f'<text x="{x + slot / 2:.1f}" y="{bottom + 14}" text-anchor="middle" '
                f'fill="{AXIS}">{escape(str(index + 1))}</text>'
            )
    body.append(
        f'<text x="{(left + right) / 2:.1f}" y="{HEIGHT - 8}" text-anchor="middle" '
        f'fill="{AXIS}">{escape(_("Question (paper order)"))}</text>'
    )
    return _svg(width, HEIGHT, label, body)
