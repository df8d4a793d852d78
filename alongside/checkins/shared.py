"""The check-in parts of the circle pages: what someone shares with me, and my own circle.

What a person sees of someone else's check-ins is read here through ``access.read``
(which filters by the grant and private days, and writes the owner's access log). The
page speaks about the other person in the third person, by name, and shows no counts or
other compliance figures: how often someone checks in is nobody else's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from alongside.checkins.charts import mood_chart, needs_chart
from alongside.checkins.circle_chart import reciprocity
from alongside.checkins.models import (
    CHECKIN_CATEGORIES,
    EMOTION_LEVELS,
    NEED_LEVELS,
    SUPPORT_KINDS,
    CheckIn,
    level_word,
)
from alongside.circle import access
from alongside.circle.registry import Part

SHARED_DAYS = 30
RECENT_CARDS = 7  # the rest of the month waits behind "Earlier days"


@dataclass
class DayLine:
    label: str
    text: str
    kind: str = ""  # a CSS hook: "note" draws the person's own words apart


@dataclass
class DayCard:
    day: dt.date
    heading: str
    lines: list[DayLine] = field(default_factory=list)


def _kinds(kinds: list[str]) -> str:
    labels = dict(SUPPORT_KINDS)
    return ", ".join(str(labels.get(k, k)).lower() for k in kinds)


def day_card(entry: CheckIn, categories: frozenset[str]) -> DayCard:
    """One day, showing exactly the shared categories, and only lines with something in."""
    card = DayCard(day=entry.day, heading=date_format(entry.day, "l j F"))
    if "mood" in categories:
        card.lines.append(DayLine(_("Mood"), _("%(n)d out of 10") % {"n": entry.mood}))
        felt = [
            f"{str(label).lower()} ({level_word(value, EMOTION_LEVELS)})"
            for key, label, value in entry.emotions()
            if value  # 0 is "not at all": nothing to say
        ]
        if felt:
            card.lines.append(DayLine(_("Feelings"), " · ".join(felt)))
        if entry.body_areas:
            card.lines.append(
                DayLine(_("Felt in"), " · ".join(str(a).lower() for a in entry.body_area_labels()))
            )
    if "needs" in categories:
        met = [
            f"{str(label).lower()} ({level_word(value, NEED_LEVELS)})"
            for key, label, value in entry.needs()
            if value is not None
        ]
        if met:
            card.lines.append(DayLine(_("Needs met"), " · ".join(met)))
        if entry.closeness_wish:
            card.lines.append(DayLine(_("Wanted"), entry.get_closeness_wish_display()))
    if "support" in categories:
        if entry.support_received_kinds or entry.received_from_text():
            text = _kinds(entry.support_received_kinds)
            if entry.received_from_text():
                text = _("%(what)s from %(who)s") % {
                    "what": text or _("support"),
                    "who": entry.received_from_text(),
                }
            card.lines.append(DayLine(_("Support received"), text))
        if entry.support_given_kinds or entry.given_to_text():
            text = _kinds(entry.support_given_kinds)
            if entry.given_to_text():
                text = _("%(what)s to %(who)s") % {
                    "what": text or _("support"),
                    "who": entry.given_to_text(),
                }
            card.lines.append(DayLine(_("Support given"), text))
    if "notes" in categories and entry.note:
        card.lines.append(DayLine(_("Note"), entry.note, kind="note"))
    return card


def part(viewer: Any, owner: Any, link: Any, audience: Any) -> Part | None:
    """What ``owner`` shares of their check-ins with ``audience``: the last 30 days.

    A check-in's day is a day in its owner's zone: the 30 days end on the later of the
    two todays, so someone in a zone behind the owner's (a therapist in Toronto, a client
    in London) still sees the owner's today."""
    today = max(owner.local_today(), audience.local_today())
    start = today - dt.timedelta(days=SHARED_DAYS - 1)
    reading = access.read(
        viewer,
        CheckIn.objects.filter(day__gte=start, day__lte=today)
        .prefetch_related("received_from_people", "given_to_people")
        .order_by("day"),
        CHECKIN_CATEGORIES,
        owner=owner,
        audience=audience,
        detail=_("check-ins, last 30 days"),
    )
    if not reading.categories:
        return None
    entries = reading.rows
    cards = [day_card(e, reading.categories) for e in reversed(entries)]
    shown = [c for c in cards if c.lines]
    name = str(owner)
    return Part(
        "checkins/_shared.html",
        {
            "name": name,
            "days": SHARED_DAYS,
            "mood": mood_chart(entries, start=start, end=today, name=name)
            if "mood" in reading.categories
            else None,
            "needs": needs_chart(entries, start=start, end=today, name=name)
            if "needs" in reading.categories
            else None,
            "cards": shown,
            "recent": shown[:RECENT_CARDS],
            "earlier": shown[RECENT_CARDS:],
        },
    )


def circle_part(viewer: Any, owner: Any, link: Any, audience: Any) -> Part:
    """My own circle page: support received and given, from my own check-ins only."""
    return Part("checkins/_circle_picture.html", {"picture": reciprocity(owner)})
