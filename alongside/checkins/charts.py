"""The history charts: mood over time and needs as a heat-map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alongside.checkins.models import MOOD_MAX, MOOD_MIN, NEED_MAX, NEED_MIN, NEEDS, CheckIn
from alongside.lib.charts import Chart, heatmap, line_chart


def mood_chart(
    checkins: Sequence[CheckIn], *, start: dt.date, end: dt.date, name: str | None = None
) -> Chart:
    """``name``: whose mood, when it is someone else's (no counts of days are given then:
    how often a person checks in is not a figure for anyone else)."""
    points = [(c.day, float(c.mood)) for c in checkins]
    moods = [c.mood for c in checkins]
    days = (end - start).days + 1
    if moods and name:
        summary = _(
            "Over these %(days)d days, %(name)s's mood averaged %(avg).1f out of 10 "
            "(from %(lo)d to %(hi)d)."
        ) % {
            "days": days,
            "name": name,
            "avg": sum(moods) / len(moods),
            "lo": min(moods),
            "hi": max(moods),
        }
    elif name:
        summary = _("%(name)s shares no mood from these %(days)d days.") % {
            "name": name,
            "days": days,
        }
    elif moods:
        summary = ngettext(
            "Over these %(days)d days you checked in once; your mood was %(avg).0f.",
            "Over these %(days)d days you checked in %(n)d times; your mood averaged %(avg).1f "
            "out of 10 (from %(lo)d to %(hi)d).",
            len(moods),
        ) % {
            "days": days,
            "n": len(moods),
            "avg": sum(moods) / len(moods),
            "lo": min(moods),
            "hi": max(moods),
        }
    else:
        summary = _("No check-ins in these %(days)d days yet.") % {"days": days}
    svg = line_chart(
        points,
        start=start,
        end=end,
        low=MOOD_MIN,
        high=MOOD_MAX,
        title=_("Mood, %(start)s to %(end)s") % {"start": start, "end": end},
        desc=summary,
        y_labels=("0", "10"),
    )
    return Chart(svg=svg, summary=summary)


def needs_summary(averages: list[tuple[float, str]], name: str | None = None) -> str:
    """One sentence on which needs felt most and least met; ``averages`` as (mean, label)."""
    if not averages:
        return (
            _("%(name)s shares no needs from these days.") % {"name": name}
            if name
            else _("No needs rated in these days yet.")
        )
    ordered = sorted(averages)
    (low, low_label), (high, high_label) = ordered[0], ordered[-1]
    if len(ordered) == 1:
        text = _("Only %(need)s was rated, %(avg).1f out of 5 on average.")
        return text % {"need": high_label, "avg": high}
    if high - low < 0.05:
        return _("All the rated needs felt about equally met, on average.")
    if name:
        return _(
            "Across these days, %(high)s felt most met for %(name)s and %(low)s least met, "
            "on average."
        ) % {"high": high_label, "low": low_label, "name": name}
    return _("Across these days, %(high)s felt most met and %(low)s least met, on average.") % {
        "high": high_label,
        "low": low_label,
    }


def needs_chart(
    checkins: Sequence[CheckIn], *, start: dt.date, end: dt.date, name: str | None = None
) -> Chart:
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    by_day = {c.day: c for c in checkins}
    rows: list[tuple[str, list[float | None]]] = []
    averages: list[tuple[float, str]] = []
    for key, label in NEEDS:
        values: list[float | None] = []
        for day in days:
            entry = by_day.get(day)
            value = getattr(entry, f"need_{key}") if entry else None
            values.append(None if value is None else float(value))
        rows.append((str(label), values))
        rated = [v for v in values if v is not None]
        if rated:
            averages.append((sum(rated) / len(rated), str(label).lower()))
    summary = needs_summary(averages, name)
    svg = heatmap(
        rows,
        days=days,
        low=NEED_MIN,
        high=NEED_MAX,
        title=_("Needs met, %(start)s to %(end)s") % {"start": start, "end": end},
        desc=summary,
    )
    return Chart(svg=svg, summary=summary)
