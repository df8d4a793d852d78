"""This week's agenda: built from what both partners chose to share.

Needs come from daily check-ins, read only through ``alongside.circle.access``: a
person's needs appear only if they share "needs" with the other, never from a check-in
kept private, and both partners see the same agenda (each person's needs as the *other*
may see them). Every read of a partner's check-ins lands in that partner's access log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alongside.checkins.models import NEEDS, CheckIn
from alongside.circle import access
from alongside.together.models import ITEM_KINDS, Agreement, Item, Ritual, Session

WINDOW_DAYS = 7
# On the 1-5 scale, 2 is "a little" and 1 "not met". A need "ran low" when it was rated 2
# or lower on some day, or averaged 2.5 or lower over the week. (With whole-number
# ratings the average rule only ever adds needs the day rule already caught; it stays so
# that the rule reads the same as the product says it.)
LOW_RATING = 2
LOW_AVERAGE = 2.5


@dataclass(frozen=True)
class LowNeed:
    person: Any
    label: str
    low_days: int
    rated_days: int
    average: float

    def __str__(self) -> str:
        if self.low_days:
            return ngettext(
                "%(need)s ran low on %(n)d day",
                "%(need)s ran low on %(n)d days",
                self.low_days,
            ) % {"need": self.label, "n": self.low_days}
        return _("%(need)s averaged %(avg).1f out of 5") % {
            "need": self.label,
            "avg": self.average,
        }


@dataclass(frozen=True)
class Section:
    kind: str
    label: Any
    items: list[Item]


@dataclass(frozen=True)
class Agenda:
    start: dt.date
    end: dt.date
    low_needs: list[LowNeed]
    sections: list[Section]
    follow_ups: list[Agreement]

    @property
    def is_empty(self) -> bool:
        return not (self.low_needs or self.follow_ups or any(s.items for s in self.sections))


# Only the need ratings are read: no notes, nothing else of the day. Compiled once.
_NEEDS_BETWEEN = access.Rows(
    lambda start, end: CheckIn.objects.filter(day__gte=start, day__lte=end).only(
        "owner", *[f"need_{key}" for key, _label in NEEDS]
    ),
    start=dt.date,
    end=dt.date,
)


def low_needs(
    owner: Any, audience: Any, viewer: Any, *, start: dt.date, end: dt.date
) -> list[LowNeed]:
    """``owner``'s needs that ran low between ``start`` and ``end``, as ``audience`` may see them.

    ``viewer`` is the person looking now (either partner); the read is logged for the
    owner when the viewer is someone else.
    """
    reading = access.read(
        viewer,
        _NEEDS_BETWEEN.of(start=start, end=end),
        "needs",
        owner=owner,
        audience=audience,
        detail=_("weekly check-in agenda"),
    )
    rows = [[getattr(c, f"need_{key}") for key, _label in NEEDS] for c in reading]
    found: list[LowNeed] = []
    for index, (_key, label) in enumerate(NEEDS):
        values = [row[index] for row in rows if row[index] is not None]
        if not values:
            continue
        low_days = sum(1 for v in values if v <= LOW_RATING)
        average = sum(values) / len(values)
        if low_days or average <= LOW_AVERAGE:
            found.append(
                LowNeed(
                    person=owner,
                    label=str(label),
                    low_days=low_days,
                    rated_days=len(values),
                    average=average,
                )
            )
    return found


def build(session: Session, viewer: Any) -> Agenda:
    """The agenda of ``session`` for ``viewer``; the same for both partners."""
    link = session.couple
    end = min(session.week_end, Ritual.for_link(link).today())
    start = end - dt.timedelta(days=WINDOW_DAYS - 1)
    needs: list[LowNeed] = []
    for owner in (link.user_a, link.user_b):
        needs += low_needs(owner, link.other(owner), viewer, start=start, end=end)
    return Agenda(
        start=start,
        end=end,
        low_needs=needs,
        sections=sections(session.items_for(viewer)),
        follow_ups=session.follow_ups(viewer),
    )


def sections(items: list[Item]) -> list[Section]:
    """The items grouped by kind, in the agenda's order."""
    return [
        Section(kind=kind, label=label, items=[i for i in items if i.kind == kind])
        for kind, label in ITEM_KINDS
    ]
