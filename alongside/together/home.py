"""The "This week together" card on the home page.

It reads as little as it can: the couple's chosen time, and whether this week's
question has both answers in. The partner's answer is looked for only once the viewer
has answered (the mutual reveal of ``Session.reveal``), and through the read path, so
"Ben answered too" never tells anyone something the week's page would not.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from alongside.circle import access
from alongside.circle.models import Link
from alongside.lib.prepared import Prepared
from alongside.together.models import PromptAnswer, Ritual, partner_links_of, together_open
from alongside.together.reading import DETAIL

# On every home page: compiled once (alongside.lib.prepared).
_PARTNER_LINKS = Prepared(
    lambda user: partner_links_of(user).select_related("user_a", "user_b", "ritual"), user=int
)
_MY_ANSWERS = Prepared(
    lambda link, week_start, author: PromptAnswer.objects.filter(
        session__link_id=link, session__week_start=week_start, author_id=author
    ).values_list("prompt_key", flat=True),
    link=int,
    week_start=dt.date,
    author=int,
)

# The week's page counts a session as "now" from its start until two hours after.
OPEN_FOR = dt.timedelta(hours=2)


@dataclass(frozen=True)
class WeekCard:
    link: Link
    other: Any
    next_at: dt.datetime | None  # None until the couple chose a time
    is_now: bool
    both_answered: bool


def week_card(viewer: Any) -> WeekCard | None:
    """The card for the viewer's partner link, when checking in together is open."""
    for link in _PARTNER_LINKS(user=viewer.pk):
        if not together_open(link):
            continue
        other = link.other(viewer)
        # Never created here: a home page visit must not write the couple's ritual.
        ritual: Ritual | None = getattr(link, "ritual", None)
        next_at = ritual.next_at() if ritual is not None and ritual.is_chosen else None
        now = timezone.now()
        week_start = (ritual or Ritual(link=link, time_zone=link.user_a.time_zone)).week_start()
        mine = set(_MY_ANSWERS(link=link.pk, week_start=week_start, author=viewer.pk))
        both = bool(mine) and bool(
            access.read(
                viewer,
                PromptAnswer.objects.filter(
                    session__link=link, session__week_start=week_start, prompt_key__in=mine
                ),
                "together",
                owner=other,
                detail=str(_(DETAIL)),
            ).rows
        )
        return WeekCard(
            link=link,
            other=other,
            next_at=next_at,
            is_now=next_at is not None and next_at <= now < next_at + OPEN_FOR,
            both_answered=both,
        )
    return None
