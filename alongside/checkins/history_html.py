"""The history page's month calendar (its weeks and its table) and its list of recent
check-ins, written in Python.

They are what ``checkins/_calendar.html`` and ``checkins/_entries.html`` write (a test
compares each pair); through the templates, the calendar's 35 to 49 cells and the list's
14 rows, each with a URL, a date and a translation, were most of the page's time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from html import escape
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

_HEAD = (
    '  <table class="calendar">\n    <thead><tr>'
    + "".join(f'<th scope="col">{d}</th>' for d in "MTWTFSS")
    + "</tr></thead>\n    <tbody>\n    "
)


def grid(
    year: int, month: int, entries: dict[dt.date, Any], *, today: dt.date
) -> list[list[dict[str, Any]]]:
    """The month's weeks, Monday first; in the first days of this month the weeks before
    it as well, so that the last two weeks are always in view."""
    weeks = calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    first = weeks[0][0]
    if first <= today <= weeks[-1][-1]:
        while first > today - dt.timedelta(days=13):
            first -= dt.timedelta(days=7)
            weeks.insert(0, [first + dt.timedelta(days=i) for i in range(7)])
    return [
        [{"day": day, "in_month": day.month == month, "checkin": entries.get(day)} for day in week]
        for week in weeks
    ]


def _cell(cell: dict[str, Any], today: dt.date, earliest: dt.date, urls: _Urls) -> str:
    day: dt.date = cell["day"]
    classes = ("" if cell["in_month"] else "out") + (" today" if day == today else "")
    checkin = cell["checkin"]
    if checkin:
        mood = escape(str(checkin.mood))
        inner = (
            f'<a href="{escape(urls.detail(checkin.pk))}" class="has mood-{mood}" '
            f'aria-label="{escape(date_format(day, "j F"))}: {urls.mood} {mood}">{day.day}</a>'
            "\n        \n"
        )
    elif earliest <= day <= today:
        inner = (
            f'<a href="{escape(urls.backfill)}?day={day.isoformat()}" class="open" '
            f'aria-label="{urls.fill_in} {escape(date_format(day, "j F"))}">{day.day}</a>'
            "\n        \n"
        )
    else:
        inner = f"<span>{day.day}</span>\n"
    return f'<td class="{classes}">\n        {inner}      </td>'


class _Urls:
    """The cells' links and words, worked out once per table (a URL per cell through
    ``reverse`` was a fifth of the table's time)."""

    def __init__(self) -> None:
        self.backfill = reverse("checkins:backfill")
        self._detail = reverse("checkins:detail", args=[_PK])
        self.mood = escape(_("mood"))
        self.fill_in = escape(_("Fill in"))

    def detail(self, pk: int) -> str:
        return self._detail.replace(str(_PK), str(int(pk)))


# A stand-in id that no URL contains otherwise, replaced by each check-in's own.
_PK = 987654321


def table_html(
    weeks: list[list[dict[str, Any]]], *, today: dt.date, earliest_backfill: dt.date
) -> SafeString:
    urls = _Urls()
    rows = "".join(
        "<tr>\n      "
        + "".join(_cell(cell, today, earliest_backfill, urls) for cell in week)
        + "\n    </tr>"
        for week in weeks
    )
    # Every text in a cell is escaped above; the rest is this module's own markup.
    return mark_safe(_HEAD + rows + "\n    </tbody>\n  </table>\n")  # noqa: S308


def entries_html(recent: list[Any]) -> SafeString:
    """The recent check-ins as ``<li>`` rows: day, mood, the strongest feelings."""
    urls = _Urls()
    rows = []
    for c in recent:
        felt = c.strongest_feelings()
        rows.append(
            f'<li><a href="{escape(urls.detail(c.pk))}">'
            f"<span>{escape(date_format(c.day, 'D j M'))}</span>"
            f'<span class="pill">{urls.mood} {escape(str(c.mood))}</span>'
            + (f'<span class="felt">{escape(felt)}</span>' if felt else "")
            + "</a></li>"
        )
    # Every text is escaped above.
    return mark_safe("".join(rows))  # noqa: S308
