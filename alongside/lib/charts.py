"""Server-side SVG charts: one function per chart, inlined in pages and PDFs.

Every chart carries a <title> and <desc> and is paired with a text alternative by the
caller, so a screen reader user gets the same story as a sighted one.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Chart:
    svg: SafeString
    summary: str


def _frame(
    width: int, height: int, title: str, desc: str, body: str, css: str, *, natural: bool = False
) -> SafeString:
    chart_id = (
        "chart-" + hashlib.sha1((title + desc).encode(), usedforsecurity=False).hexdigest()[:8]
    )
    return format_html(
        '<svg class="chart {}" viewBox="0 0 {} {}" {} role="img" aria-labelledby="{}-t {}-d" '
        'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMidYMid meet">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        css,
        width,
        height,
        # Natural size: drawn 1:1 and scrolled sideways on a phone instead of shrunk.
        mark_safe(f'width="{width}" height="{height}"' if natural else ""),  # noqa: S308
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe(body),  # noqa: S308
    )


def line_chart(
    points: Sequence[tuple[dt.date, float | None]],
    *,
    start: dt.date,
    end: dt.date,
    low: float,
    high: float,
    title: str,
    desc: str,
    y_labels: tuple[str, str] = ("", ""),
) -> SafeString:
    """Values over days; gaps (missed days) break the line instead of bridging it."""
    # A narrow canvas keeps labels readable when a phone scales the chart down.
    width, height, left, right, top, bottom = 420, 200, 30, 10, 12, 28
    span = max((end - start).days, 1)
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: dt.date) -> float:
        return left + plot_w * (day - start).days / span

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = []
    for frac in (0.0, 0.5, 1.0):
        gy = top + plot_h * frac
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{gy:.1f}" y2="{gy:.1f}"/>'
        )
    parts.append(
        f'<text class="axis" x="{left - 6}" y="{top + 4}" text-anchor="end">{escape(y_labels[1])}</text>'
    )
    parts.append(
        f'<text class="axis" x="{left - 6}" y="{top + plot_h}" text-anchor="end">{escape(y_labels[0])}</text>'
    )
    for day, anchor in ((start, "start"), (start + (end - start) / 2, "middle"), (end, "end")):
        parts.append(
            f'<text class="axis" x="{x(day):.1f}" y="{height - 8}" text-anchor="{anchor}">'
            f"{escape(day.strftime('%d %b'))}</text>"
        )
    by_day = {day: value for day, value in points if value is not None}
    runs: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    day = start
    while day <= end:
        if day in by_day:
            current.append((x(day), y(by_day[day])))
        elif current:
            runs.append(current)
            current = []
        day += dt.timedelta(days=1)
    if current:
        runs.append(current)
    for run in runs:
        path = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
        parts.append(f'<polyline class="series" points="{path}"/>')
        for px, py in run:
            parts.append(f'<circle class="dot" cx="{px:.1f}" cy="{py:.1f}" r="3"/>')
    return _frame(width, height, title, desc, "".join(parts), "chart-line")


def heatmap(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    days: Sequence[dt.date],
    low: float,
    high: float,
    title: str,
    desc: str,
) -> SafeString:
    """Rows of ratings across days; darker is higher, empty squares are 'not rated'."""
    label_w, gap = 96, 2
    cell = 14 if len(days) <= 45 else 7
    cols = len(days)
    width = label_w + cols * (cell + gap) + 4
    height = len(rows) * (cell + gap) + 22
    parts: list[str] = []
    for r, (label, values) in enumerate(rows):
        ry = r * (cell + gap)
        parts.append(
            f'<text class="axis" x="{label_w - 8}" y="{ry + cell - 3}" text-anchor="end">{escape(label)}</text>'
        )
        for c, value in enumerate(values):
            cx = label_w + c * (cell + gap)
            if value is None:
                parts.append(
                    f'<rect class="cell empty" x="{cx}" y="{ry}" width="{cell}" height="{cell}" rx="2"/>'
                )
            else:
                level = 1 + round(4 * (value - low) / (high - low))
                parts.append(
                    f'<rect class="cell l{level}" x="{cx}" y="{ry}" width="{cell}" height="{cell}" rx="2">'
                    f"<title>{escape(label)} {escape(days[c].isoformat())}: {value:g}</title></rect>"
                )
    if days:
        base = len(rows) * (cell + gap) + 14
        parts.append(
            f'<text class="axis" x="{label_w}" y="{base}">{escape(days[0].strftime("%d %b"))}</text>'
        )
        parts.append(
            f'<text class="axis" x="{width - 4}" y="{base}" text-anchor="end">{escape(days[-1].strftime("%d %b"))}</text>'
        )
    return _frame(width, height, title, desc, "".join(parts), "chart-heat", natural=True)


def circle_picture(
    centre: str,
    people: Sequence[tuple[str, int, int]],
    *,
    title: str,
    desc: str,
) -> SafeString:
    """The person in the middle, their people around; each side of a line is one direction.

    ``people`` holds (name, times received from them, times given to them). The line
    towards the centre grows with support received, the one outwards with support given.
    """
    import math

    size, mid, radius = 360, 180, 125
    parts: list[str] = []
    most = max([1, *[max(r, g) for _n, r, g in people]])
    count = max(len(people), 1)
    for i, (name, received, given) in enumerate(people):
        angle = -math.pi / 2 + 2 * math.pi * i / count
        px, py = mid + radius * math.cos(angle), mid + radius * math.sin(angle)
        # Two parallel lines, offset either side of the spoke.
        ox, oy = -math.sin(angle) * 4, math.cos(angle) * 4
        w_in = 1 + 7 * received / most
        w_out = 1 + 7 * given / most
        parts.append(
            f'<line class="spoke in" x1="{px + ox:.1f}" y1="{py + oy:.1f}" x2="{mid + ox:.1f}" '
            f'y2="{mid + oy:.1f}" stroke-width="{w_in:.1f}"><title>{escape(name)}: '
            f"{received} received</title></line>"
        )
        parts.append(
            f'<line class="spoke out" x1="{mid - ox:.1f}" y1="{mid - oy:.1f}" x2="{px - ox:.1f}" '
            f'y2="{py - oy:.1f}" stroke-width="{w_out:.1f}"><title>{escape(name)}: '
            f"{given} given</title></line>"
        )
        parts.append(f'<circle class="node" cx="{px:.1f}" cy="{py:.1f}" r="22"/>')
        label_y = py + (36 if py >= mid else -28)
        parts.append(
            f'<text class="label" x="{px:.1f}" y="{label_y:.1f}" text-anchor="middle">'
            f"{escape(name[:16])}</text>"
        )
    parts.append(f'<circle class="node me" cx="{mid}" cy="{mid}" r="30"/>')
    parts.append(
        f'<text class="label me" x="{mid}" y="{mid + 5}" text-anchor="middle">{escape(centre[:10])}</text>'
    )
    return _frame(size, size, title, desc, "".join(parts), "chart-circle")
