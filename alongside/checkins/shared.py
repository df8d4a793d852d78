"""The check-in parts of the circle pages: what someone shares with me, and my own circle.

What a person sees of someone else's check-ins is read here through ``access.read``
(which filters by the grant and private days, and writes the owner's access log). The
page speaks about the other person in the third person, by name, and shows no counts or
other compliance figures: how often someone checks in is nobody else's business.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache
from html import escape
from typing import Any

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from alongside.checkins.charts import mood_chart, needs_chart
from alongside.checkins.circle_chart import reciprocity
from alongside.checkins.models import (
    BODY_AREAS,
    CHECKIN_CATEGORIES,
    CLOSENESS_WISHES,
    EMOTION_LEVELS,
    EMOTIONS,
    NEED_LEVELS,
    NEEDS,
    SUPPORT_KINDS,
    CheckIn,
)
from alongside.circle import access
from alongside.circle.registry import Part

SHARED_DAYS = 30
# The days a partner page shows, compiled once (access.Rows).
_DAYS = access.Rows(
    lambda first, last: CheckIn.objects.filter(day__gte=first, day__lte=last).order_by("day"),
    first=dt.date,
    last=dt.date,
)
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

    def html(self) -> SafeString:
        """The card's ``<li>``, as ``checkins/_day_card.html`` renders it (a test compares
        the two): a month of cards through the template was a quarter of the partner
        page's time. Every text is escaped as the template escapes it (``html.escape``
        is what Django's ``escape`` calls); a note's line breaks become ``<br>``."""
        lines = "".join(
            f'<div class="line{" " + escape(line.kind) if line.kind else ""}">'
            f"<dt>{escape(line.label)}</dt><dd>{_breaks(escape(line.text))}</dd></div>"
            for line in self.lines
        )
        return mark_safe(  # noqa: S308 - every text above is escaped
            f'<li class="day-card" data-testid="shared-day">\n  <h3>{escape(self.heading)}</h3>\n'
            f"  <dl>{lines}</dl>\n</li>\n"
        )


def _breaks(escaped: str) -> str:
    """``linebreaksbr`` on text already escaped."""
    return escaped.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "<br>")


@dataclass(frozen=True)
class _Vocabulary:
    """The words a day card is made of, translated once per language (a month of cards
    asked gettext for the same few dozen words hundreds of times)."""

    emotions: dict[str, str]
    needs: dict[str, str]
    emotion_levels: dict[int, str]
    need_levels: dict[int, str]
    body_areas: dict[str, str]
    support_kinds: dict[str, str]
    closeness_wishes: dict[str, str]
    labels: dict[str, str]  # the lines' labels: "Mood", "Feelings"...


@lru_cache(maxsize=16)
def _vocabulary(language: str | None) -> _Vocabulary:
    def lower(pairs: Any) -> dict[Any, str]:
        return {key: str(label).lower() for key, label in pairs}

    return _Vocabulary(
        emotions=lower(EMOTIONS),
        needs=lower(NEEDS),
        emotion_levels={value: str(word) for value, word in EMOTION_LEVELS},
        need_levels={value: str(word) for value, word in NEED_LEVELS},
        body_areas=lower(BODY_AREAS),
        support_kinds=lower(SUPPORT_KINDS),
        closeness_wishes={key: str(label) for key, label in CLOSENESS_WISHES},
        labels={
            "mood": _("Mood"),
            "out_of": _("%(n)d out of 10"),
            "feelings": _("Feelings"),
            "felt_in": _("Felt in"),
            "needs_met": _("Needs met"),
            "wanted": _("Wanted"),
            "support_received": _("Support received"),
            "support_given": _("Support given"),
            "from": _("%(what)s from %(who)s"),
            "to": _("%(what)s to %(who)s"),
            "support": _("support"),
            "note": _("Note"),
        },
    )


@lru_cache(maxsize=1024)
def _heading(day: dt.date, language: str | None) -> str:
    return date_format(day, "l j F")


def _kinds(kinds: list[str], words: _Vocabulary) -> str:
    return ", ".join(words.support_kinds.get(k, k) for k in kinds)


def day_card(entry: CheckIn, categories: frozenset[str]) -> DayCard:
    """One day, showing exactly the shared categories, and only lines with something in."""
    language = get_language()
    words = _vocabulary(language)
    label = words.labels
    card = DayCard(day=entry.day, heading=_heading(entry.day, language))
    lines = card.lines
    if "mood" in categories:
        lines.append(DayLine(label["mood"], label["out_of"] % {"n": entry.mood}))
        felt = [
            f"{word} ({words.emotion_levels.get(value, '')})"
            for key, word in words.emotions.items()
            if (value := getattr(entry, key))  # 0 is "not at all": nothing to say
        ]
        if felt:
            lines.append(DayLine(label["feelings"], " · ".join(felt)))
        if entry.body_areas:
            areas = " · ".join(words.body_areas.get(a, a.lower()) for a in entry.body_areas)
            lines.append(DayLine(label["felt_in"], areas))
    if "needs" in categories:
        met = [
            f"{word} ({words.need_levels.get(value, '')})"
            for key, word in words.needs.items()
            if (value := getattr(entry, f"need_{key}")) is not None
        ]
        if met:
            lines.append(DayLine(label["needs_met"], " · ".join(met)))
        if entry.closeness_wish:
            wish = entry.closeness_wish
            lines.append(DayLine(label["wanted"], words.closeness_wishes.get(wish, wish)))
    if "support" in categories:
        for kinds, who, line, joined in (
            (entry.support_received_kinds, entry.received_from_text(), "support_received", "from"),
            (entry.support_given_kinds, entry.given_to_text(), "support_given", "to"),
        ):
            if not (kinds or who):
                continue
            text = _kinds(kinds, words)
            if who:
                text = label[joined] % {"what": text or label["support"], "who": who}
            lines.append(DayLine(label[line], text))
    if "notes" in categories and entry.note:
        lines.append(DayLine(label["note"], entry.note, kind="note"))
    return card


def part(viewer: Any, owner: Any, link: Any, audience: Any) -> Part | None:
    """What ``owner`` shares of their check-ins with ``audience``: the last 30 days.

    A check-in's day is a day in its owner's zone. The 30 days end on the audience's
    own today, or on the latest shared day when the owner's zone is already a day or two
    further (a client in Sydney, a therapist in London): never on the owner's today
    itself, which would tell the audience the owner's time zone (and when it changes).
    """
    today = audience.local_today()
    # Zones differ by up to 26 hours: a shared day may lie up to two days past ours.
    reading = access.read(
        viewer,
        _DAYS.of(
            first=today - dt.timedelta(days=SHARED_DAYS - 1), last=today + dt.timedelta(days=2)
        ),
        CHECKIN_CATEGORIES,
        owner=owner,
        audience=audience,
        detail=_("check-ins, last 30 days"),
    )
    if not reading.categories:
        return None
    today = max([today, *(e.day for e in reading.rows)])
    start = today - dt.timedelta(days=SHARED_DAYS - 1)
    entries = CheckIn.attach_people([e for e in reading.rows if e.day >= start])
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
