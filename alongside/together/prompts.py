"""The questions a couple answers each week, written by the project.

They follow the source articles' three practices: *be vulnerable* (feelings, hopes, fears),
*check in with each other* (needs, where the relationship needs attention) and *shared
growth* with each keeping their own life (autonomy). Each week offers one question from
each theme, chosen from the ISO week number alone, so both partners always get the same
three without anything being stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

THEMES: list[tuple[str, Any]] = [
    ("feelings", _("Feelings")),
    ("us", _("Us")),
    ("myself", _("My own life")),
]


@dataclass(frozen=True)
class Prompt:
    key: str
    theme: str
    text: Any  # a lazy translation

    @property
    def theme_label(self) -> Any:
        return dict(THEMES)[self.theme]


PROMPTS: tuple[Prompt, ...] = (
    Prompt(
        "feeling-this-week",
        "feelings",
        _("Which feeling stayed with you most this week? Where did you notice it?"),
    ),
    Prompt(
        "hope-or-worry",
        "feelings",
        _("What is a hope or a worry you have been carrying that you would like me to know?"),
    ),
    Prompt(
        "hard-to-say",
        "feelings",
        _("Was something hard to say this week? You can share as little of it as you like."),
    ),
    Prompt(
        "felt-cared-for",
        "us",
        _("When did you feel cared for by me this week? What did I do?"),
    ),
    Prompt(
        "needs-attention",
        "us",
        _("Where could we use a little more attention right now?"),
    ),
    Prompt(
        "more-of-a-need",
        "us",
        _("Which of your needs would you like more help with next week, and what would help?"),
    ),
    Prompt(
        "just-for-me",
        "myself",
        _("What did you do just for yourself this week, and how was it?"),
    ),
    Prompt(
        "growing-into",
        "myself",
        _("What are you learning or growing into at the moment, on your own?"),
    ),
    Prompt(
        "more-room",
        "myself",
        _("What would you like more room for in your own life: time, a friend, a project?"),
    ),
)
PROMPTS_BY_KEY = {p.key: p for p in PROMPTS}


def for_week(week_start: dt.date) -> list[Prompt]:
    """One prompt per theme for the ISO week containing ``week_start``.

    ``n`` counts weeks; the themes step through their prompts at different paces
    (``n``, ``n + n // 3``, ``n + 2 * (n // 3)``), so the mix changes from week to week
    instead of the same three coming round together.
    """
    year, week, _day = week_start.isocalendar()
    n = year * 53 + week
    steps = (n, n + n // 3, n + 2 * (n // 3))
    chosen: list[Prompt] = []
    for (theme, _label), step in zip(THEMES, steps, strict=True):
        options = [p for p in PROMPTS if p.theme == theme]
        chosen.append(options[step % len(options)])
    return chosen
