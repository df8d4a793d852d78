"""A person's own trends: mood by week, needs by week, support received and given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.utils.translation import gettext as _

from alongside.checkins.models import NEED_MAX, NEED_MIN, NEEDS, CheckIn
from alongside.lib.charts import heatmap, lines_chart, paired_bars

WEEKS = 12
MIN_WEEKS_FOR_TREND = 4


@dataclass(frozen=True)
class Picture:
    svg: Any
    summary: str


def _week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def mood_trend(checkins: list[CheckIn], *, today: dt.date) -> Picture:
    start = today - dt.timedelta(weeks=WEEKS)
    weekly: dict[dt.date, list[int]] = {}
    for c in checkins:
        weekly.setdefault(_week_start(c.day), []).append(c.mood)
    weeks = sorted(w for w in weekly if w >= _week_start(start))
    means = [float(np.mean(weekly[w])) for w in weeks]
    if len(weeks) >= MIN_WEEKS_FOR_TREND:
        index = np.array([(w - weeks[0]).days / 7 for w in weeks])
        slope = float(np.polyfit(index, means, 1)[0])
        if slope > 0.1:
            summary = _("Week by week, your mood has been gently rising.")
        elif slope < -0.1:
            summary = _(
                "Your mood has been a little lower in recent weeks. That happens; go gently "
                "with yourself, and lean on someone if you can."
            )
        else:
            summary = _("Week by week, your mood has been fairly steady.")
        summary += " " + _("Weekly averages went from %(first).1f to %(last).1f.") % {
            "first": means[0],
            "last": means[-1],
        }
    else:
        summary = _("A trend shows after about %(n)d weeks of check-ins.") % {
            "n": MIN_WEEKS_FOR_TREND
        }
    svg = lines_chart(
        [
            ("", [(c.day, float(c.mood)) for c in checkins if c.day >= start]),
        ],
        start=start,
        end=today,
        low=0,
        high=10,
        title=_("Mood over the last %(n)d weeks") % {"n": WEEKS},
        desc=summary,
        y_labels=("0", "10"),
    )
    return Picture(svg=svg, summary=summary)


def needs_by_week(checkins: list[CheckIn], *, today: dt.date) -> Picture:
    first = _week_start(today - dt.timedelta(weeks=WEEKS - 1))
    weeks = [first + dt.timedelta(weeks=i) for i in range(WEEKS)]
    rows: list[tuple[str, list[float | None]]] = []
    overall: list[tuple[float, str]] = []
    for key, label in NEEDS:
        values: list[float | None] = []
        for week in weeks:
            rated = [
                getattr(c, f"need_{key}")
                for c in checkins
                if week <= c.day < week + dt.timedelta(days=7)
                and getattr(c, f"need_{key}") is not None
            ]
            values.append(float(np.mean(rated)) if rated else None)
        rows.append((str(label), values))
        seen = [v for v in values if v is not None]
        if seen:
            overall.append((float(np.mean(seen)), str(label).lower()))
    if overall:
        overall.sort()
        summary = _(
            "Over these weeks %(high)s has felt most met, and %(low)s least met. "
            "A need that runs low is worth noticing, not fixing all at once."
        ) % {"high": overall[-1][1], "low": overall[0][1]}
    else:
        summary = _("No needs rated yet.")
    svg = heatmap(
        rows,
        days=weeks,
        low=NEED_MIN,
        high=NEED_MAX,
        title=_("Needs met, week by week"),
        desc=summary,
    )
    return Picture(svg=svg, summary=summary)


def support_balance(checkins: list[CheckIn], *, today: dt.date) -> Picture:
    first = _week_start(today - dt.timedelta(weeks=7))
    rows: list[tuple[str, list[float | None]]] = []
    received_total = given_total = 0
    for i in range(8):
        week = first + dt.timedelta(weeks=i)
        days = [c for c in checkins if week <= c.day < week + dt.timedelta(days=7)]
        received = sum(1 for c in days if c.support_received_kinds)
        given = sum(1 for c in days if c.support_given_kinds)
        received_total += received
        given_total += given
        rows.append((week.strftime("%d %b"), [float(received), float(given)]))
    if received_total == 0 and given_total == 0:
        summary = _("No support noted in these weeks yet.")
    else:
        summary = _(
            "In the last eight weeks you noted receiving support on %(r)d days and giving "
            "it on %(g)d. Both count: the chance to be cared for, and to care for someone."
        ) % {"r": received_total, "g": given_total}
    svg = paired_bars(
        rows,
        names=[_("received"), _("given")],
        low=0,
        high=7,
        title=_("Support received and given, by week"),
        desc=summary,
    )
    return Picture(svg=svg, summary=summary)
