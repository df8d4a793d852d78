"""The history page's month calendar: its weeks, and its table written in Python.

The table is what ``checkins/_calendar.html`` writes (a test compares the two); through
the template, its 35 to 49 cells, each with a URL, two dates and a translation, were the
larger part of the history page's time.
"""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html
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


def _cell(cell: dict[str, Any], today: dt.date, earliest: dt.date, backfill: str) -> SafeString:
    day: dt.date = cell["day"]
    classes = ("" if cell["in_month"] else "out") + (" today" if day == today else "")
    checkin = cell["checkin"]
    if checkin:
        inner = format_html(
            '<a href="{}" class="has mood-{}" aria-label="{}: {} {}">{}</a>\n        \n',
            reverse("checkins:detail", args=[checkin.pk]),
            checkin.mood,
            date_format(day, "j F"),
            _("mood"),
            checkin.mood,
            day.day,
        )
    elif earliest <= day <= today:
        inner = format_html(
            '<a href="{}?day={}" class="open" aria-label="{} {}">{}</a>\n        \n',
            backfill,
            day.isoformat(),
            _("Fill in"),
            date_format(day, "j F"),
            day.day,
        )
    else:
        inner = format_html("<span>{}</span>\n", day.day)
    return format_html('<td class="{}">\n        {}      </td>', classes, inner)


def table_html(
    weeks: list[list[dict[str, Any]]], *, today: dt.date, earliest_backfill: dt.date
) -> SafeString:
    backfill = reverse("checkins:backfill")
    rows = "".join(
        "<tr>\n      "
        + "".join(_cell(cell, today, earliest_backfill, backfill) for cell in week)
        + "\n    </tr>"
        for week in weeks
    )
    # Every cell is escaped by format_html; the rest is this module's own markup.
    return mark_safe(_HEAD + rows + "\n    </tbody>\n  </table>\n")  # noqa: S308
