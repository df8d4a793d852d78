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
from django.utils.translation import gettext as _


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
    return lines_chart(
        [("", points)],
        start=start,
        end=end,
        low=low,
        high=high,
        title=title,
        desc=desc,
        y_labels=y_labels,
    )


def lines_chart(
    series: Sequence[tuple[str, Sequence[tuple[dt.date, float | None]]]],
    *,
    start: dt.date,
    end: dt.date,
    low: float,
    high: float,
    title: str,
    desc: str,
    y_labels: tuple[str, str] = ("", ""),
    bridge: bool = False,
) -> SafeString:
    """One line per named series (``s0``, ``s1``... in CSS), with a legend when named.

    Missed days break a line, unless ``bridge``: for occasions weeks apart (questionnaire
    takes), where each point is one more answer and the line joins them in order.
    """
    # A narrow canvas keeps labels readable when a phone scales the chart down.
    width, left, right, top, bottom = 420, 30, 10, 12, 28
    legend = any(name for name, _points in series)
    height = 200 + (18 if legend else 0)
    top += 18 if legend else 0
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
    for index, (name, points) in enumerate(series):
        if name:
            lx = left + 110 * index
            parts.append(
                f'<rect class="key s{index}" x="{lx}" y="2" width="12" height="12" rx="3"/>'
            )
            parts.append(f'<text class="axis" x="{lx + 16}" y="12">{escape(name)}</text>')
        by_day = {day: value for day, value in points if value is not None}
        runs: list[list[tuple[float, float]]] = []
        current: list[tuple[float, float]] = []
        day = start
        while day <= end:
            if day in by_day:
                current.append((x(day), y(by_day[day])))
            elif current and not bridge:
                runs.append(current)
                current = []
            day += dt.timedelta(days=1)
        if current:
            runs.append(current)
        for run in runs:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in run)
            parts.append(f'<polyline class="series s{index}" points="{path}"/>')
            for px, py in run:
                parts.append(f'<circle class="dot s{index}" cx="{px:.1f}" cy="{py:.1f}" r="3"/>')
    return _frame(width, height, title, desc, "".join(parts), "chart-line")


def interval_chart(
    rows: Sequence[tuple[str, float, float, float, tuple[float, float] | None]],
    *,
    low: float,
    high: float,
    title: str,
    desc: str,
) -> SafeString:
    """Estimates with their likely range, against zero and an optional 'chance' band.

    ``rows`` holds (label, estimate, range low, range high, chance band or None). A range
    that runs past ``low`` or ``high`` ends in an arrow, and its label and the
    description say so: the picture never hides how wide a range really is.
    """
    width, left, right, row_h, top = 420, 8, 12, 54, 8
    height = top + row_h * len(rows) + 22
    plot_w = width - left - right

    def x(value: float) -> float:
        clipped = min(high, max(low, value))
        return left + plot_w * (clipped - low) / (high - low)

    parts: list[str] = [
        f'<line class="zero" x1="{x(0):.1f}" x2="{x(0):.1f}" y1="{top}" y2="{height - 20}"/>'
    ]
    cut_any = False
    for i, (label, estimate, lo, hi, band) in enumerate(rows):
        base = top + i * row_h
        cut = lo < low or hi > high
        if cut:
            cut_any = True
            label = _("%(label)s (range runs past the edge)") % {"label": label}
        parts.append(f'<text class="axis label" x="{left}" y="{base + 12}">{escape(label)}</text>')
        mid = base + 32
        for edge, past, step in ((low, lo < low, 6), (high, hi > high, -6)):
            if past:
                tip = x(edge)
                parts.append(
                    f'<path class="cut" d="M{tip + step:.1f},{mid - 5} L{tip:.1f},{mid} '
                    f'L{tip + step:.1f},{mid + 5}"/>'
                )
        if band is not None:
            parts.append(
                f'<rect class="band" x="{x(band[0]):.1f}" y="{mid - 9}" '
                f'width="{max(x(band[1]) - x(band[0]), 1):.1f}" height="18" rx="3"/>'
            )
        parts.append(
            f'<line class="range" x1="{x(lo):.1f}" x2="{x(hi):.1f}" y1="{mid}" y2="{mid}"/>'
        )
        parts.append(f'<circle class="dot" cx="{x(estimate):.1f}" cy="{mid}" r="5"/>')
    for value, anchor in ((low, "start"), (0.0, "middle"), (high, "end")):
        parts.append(
            f'<text class="axis" x="{x(value):.1f}" y="{height - 6}" text-anchor="{anchor}">{value:g}</text>'
        )
    if cut_any:
        desc = f"{desc} " + _("A likely range runs past the edge of the picture.")
    return _frame(width, height, title, desc, "".join(parts), "chart-interval")


def paired_bars(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    names: Sequence[str],
    low: float,
    high: float,
    title: str,
    desc: str,
) -> SafeString:
    """For each row, one bar per person (``s0``, ``s1`` in CSS); None draws nothing."""
    # Bars 15 high: a value's label (14.5 px on a phone, see site.css) fits beside its
    # own bar without running into the next one's.
    label_w, bar_h, gap, width, right = 104, 15, 10, 420, 30
    # Room for the longest row label at that size ("own space met"), not cut at the left.
    label_w = min(170, max(label_w, round(16 + 8.5 * max((len(r[0]) for r in rows), default=0))))
    group_h = bar_h * len(names) + gap
    height = 22 + group_h * len(rows)
    plot_w = width - label_w - right
    parts: list[str] = []
    for index, name in enumerate(names):
        lx = label_w + 110 * index
        parts.append(f'<rect class="key s{index}" x="{lx}" y="2" width="12" height="12" rx="3"/>')
        parts.append(f'<text class="axis" x="{lx + 16}" y="12">{escape(name)}</text>')
    for r, (label, values) in enumerate(rows):
        base = 22 + r * group_h
        parts.append(
            f'<text class="axis" x="{label_w - 8}" y="{base + bar_h + 2}" text-anchor="end">{escape(label)}</text>'
        )
        for index, value in enumerate(values):
            if value is None:
                continue
            w = plot_w * (value - low) / (high - low)
            parts.append(
                f'<rect class="bar s{index}" x="{label_w}" y="{base + index * bar_h}" '
                f'width="{max(w, 1):.1f}" height="{bar_h - 1}" rx="2">'
                f"<title>{escape(names[index])}, {escape(label)}: {value:.1f}</title></rect>"
            )
            shown = f"{value:.0f}" if float(value).is_integer() else f"{value:.1f}"
            parts.append(
                f'<text class="axis" x="{label_w + max(w, 1) + 4:.1f}" '
                f'y="{base + index * bar_h + bar_h - 3}">{shown}</text>'
            )
    return _frame(width, height, title, desc, "".join(parts), "chart-bars")


def heatmap(
    rows: Sequence[tuple[str, Sequence[float | None]]],
    *,
    days: Sequence[dt.date],
    low: float,
    high: float,
    title: str,
    desc: str,
) -> SafeString:
    """Rows of ratings across days; darker is higher, empty squares are 'not rated'.

    The row labels are a picture of their own beside the squares, kept in view by
    ``position: sticky`` while a phone scrolls the squares sideways; the squares' picture
    holds the title, the description and each square's own words for screen readers.
    """
    label_w, gap = 108, 2
    cell = 14 if len(days) <= 45 else 7
    cols = len(days)
    width = cols * (cell + gap) + 4
    height = len(rows) * (cell + gap) + 22
    labels: list[str] = []
    parts: list[str] = []
    for r, (label, values) in enumerate(rows):
        ry = r * (cell + gap)
        labels.append(
            f'<text class="axis" x="{label_w - 8}" y="{ry + cell - 3}" text-anchor="end">{escape(label)}</text>'
        )
        for c, value in enumerate(values):
            cx = c * (cell + gap)
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
            f'<text class="axis" x="0" y="{base}">{escape(days[0].strftime("%d %b"))}</text>'
        )
        parts.append(
            f'<text class="axis" x="{width - 4}" y="{base}" text-anchor="end">{escape(days[-1].strftime("%d %b"))}</text>'
        )
    row_labels = format_html(
        '<svg class="chart chart-heat-labels" viewBox="0 0 {} {}" width="{}" height="{}" '
        'aria-hidden="true" xmlns="http://www.w3.org/2000/svg">{}</svg>',
        label_w,
        height,
        label_w,
        height,
        mark_safe("".join(labels)),  # noqa: S308
    )
    squares = _frame(width, height, title, desc, "".join(parts), "chart-heat", natural=True)
    return format_html('<div class="heat">{}{}</div>', row_labels, squares)


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


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def plane_chart(
    points: Sequence[tuple[str, float, float]],
    *,
    low: float,
    high: float,
    x_label: str,
    y_label: str,
    corner_labels: tuple[str, str, str, str],
    title: str,
    desc: str,
) -> SafeString:
    """Two scores on one square (x right, y up), a dot per occasion joined in order.

    ``points`` holds (label, x, y) oldest first; the last is drawn larger. ``corner_labels``
    are (bottom left, top left, bottom right, top right), short plain words.
    """
    size, left, bottom, top, right = 360, 40, 40, 10, 12
    plot = size - left - right
    height = top + plot + bottom

    def px(value: float) -> float:
        return left + plot * (value - low) / (high - low)

    def py(value: float) -> float:
        return top + plot * (1 - (value - low) / (high - low))

    middle = (low + high) / 2
    parts = [
        f'<rect class="plane" x="{left}" y="{top}" width="{plot}" height="{plot}" rx="6"/>',
        f'<line class="midline" x1="{px(middle):.1f}" x2="{px(middle):.1f}" y1="{top}" '
        f'y2="{top + plot}"/>',
        f'<line class="midline" x1="{left}" x2="{left + plot}" y1="{py(middle):.1f}" '
        f'y2="{py(middle):.1f}"/>',
    ]
    pad = 8
    corners = (
        (left + pad, top + plot - pad, "start"),
        (left + pad, top + pad + 10, "start"),
        (left + plot - pad, top + plot - pad, "end"),
        (left + plot - pad, top + pad + 10, "end"),
    )
    for (cx, cy, anchor), text in zip(corners, corner_labels, strict=True):
        parts.append(
            f'<text class="quad-label" x="{cx:.1f}" y="{cy:.1f}" text-anchor="{anchor}">'
            f"{escape(text)}</text>"
        )
    for value in (low, middle, high):
        parts.append(
            f'<text class="axis" x="{px(value):.1f}" y="{top + plot + 14}" text-anchor="middle">'
            f"{_num(value)}</text>"
        )
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{py(value) + 4:.1f}" text-anchor="end">'
            f"{_num(value)}</text>"
        )
    parts.append(
        f'<text class="axis-title" x="{left + plot / 2:.1f}" y="{height - 6}" '
        f'text-anchor="middle">{escape(x_label)}</text>'
    )
    parts.append(
        f'<text class="axis-title" x="12" y="{top + plot / 2:.1f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {top + plot / 2:.1f})">{escape(y_label)}</text>'
    )
    if len(points) > 1:
        trail = " ".join(f"{px(x):.1f},{py(y):.1f}" for _label, x, y in points)
        parts.append(f'<polyline class="trail" points="{trail}"/>')
    for index, (label, x, y) in enumerate(points, start=1):
        last = index == len(points)
        parts.append(
            f'<circle class="dot{" now" if last else ""}" cx="{px(x):.1f}" cy="{py(y):.1f}" '
            f'r="{7 if last else 4.5}"><title>{escape(label)}: {_num(x)}, {_num(y)}</title></circle>'
        )
        if len(points) > 1:
            parts.append(
                f'<text class="dot-label" x="{px(x):.1f}" y="{py(y) - 10:.1f}" '
                f'text-anchor="middle">{index}</text>'
            )
    return _frame(size, height, title, desc, "".join(parts), "chart-plane")


def timeline_chart(
    points: Sequence[tuple[str, float | None]],
    *,
    low: float,
    high: float,
    title: str,
    desc: str,
) -> SafeString:
    """Scores on successive occasions, evenly spaced and joined in order.

    ``points`` holds (label under the point, value); a None value is left out. Unlike
    ``line_chart``, occasions weeks apart are still joined: each is one more answer.
    """
    width, height, left, right, top, bottom = 420, 170, 34, 22, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    count = len(points)

    def x(index: int) -> float:
        return left + (plot_w * index / (count - 1) if count > 1 else plot_w / 2)

    def y(value: float) -> float:
        return top + plot_h * (1 - (value - low) / (high - low))

    parts: list[str] = []
    for value in (low, (low + high) / 2, high):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(value):.1f}" '
            f'y2="{y(value):.1f}"/>'
        )
        parts.append(
            f'<text class="axis" x="{left - 6}" y="{y(value) + 4:.1f}" text-anchor="end">'
            f"{_num(value)}</text>"
        )
    step = max(1, -(-count // 6))  # label at most about six occasions
    for index, (label, _value) in enumerate(points):
        if index % step == 0 or index == count - 1:
            parts.append(
                f'<text class="axis" x="{x(index):.1f}" y="{height - 10}" text-anchor="middle">'
                f"{escape(label)}</text>"
            )
    drawn = [(x(i), y(v)) for i, (_label, v) in enumerate(points) if v is not None]
    if len(drawn) > 1:
        path = " ".join(f"{dx:.1f},{dy:.1f}" for dx, dy in drawn)
        parts.append(f'<polyline class="series" points="{path}"/>')
    for index, (label, score) in enumerate(points):
        if score is not None:
            parts.append(
                f'<circle class="dot" cx="{x(index):.1f}" cy="{y(score):.1f}" r="4">'
                f"<title>{escape(label)}: {_num(score)}</title></circle>"
            )
    return _frame(width, height, title, desc, "".join(parts), "chart-timeline")


def sparkline(
    values: Sequence[float | None], *, low: float, high: float, title: str, desc: str
) -> SafeString:
    """A small line of values in order (weeks, say), no axes: always beside words that
    say the same. A None value is left out and the line joins its neighbours."""
    width, height, pad = 120, 32, 4
    count = len(values)

    def x(index: int) -> float:
        return pad + ((width - 2 * pad) * index / (count - 1) if count > 1 else (width / 2 - pad))

    def y(value: float) -> float:
        clipped = min(high, max(low, value))
        return pad + (height - 2 * pad) * (1 - (clipped - low) / (high - low))

    drawn = [(x(i), y(v)) for i, v in enumerate(values) if v is not None]
    parts = [
        f'<line class="grid" x1="{pad}" x2="{width - pad}" y1="{y((low + high) / 2):.1f}" '
        f'y2="{y((low + high) / 2):.1f}"/>'
    ]
    if len(drawn) > 1:
        path = " ".join(f"{dx:.1f},{dy:.1f}" for dx, dy in drawn)
        parts.append(f'<polyline class="series" points="{path}"/>')
    if drawn:
        parts.append(f'<circle class="dot" cx="{drawn[-1][0]:.1f}" cy="{drawn[-1][1]:.1f}" r="3"/>')
    return _frame(width, height, title, desc, "".join(parts), "chart-spark", natural=True)
