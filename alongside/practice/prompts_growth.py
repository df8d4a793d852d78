"""The vulnerability prompts, written by the project for Alongside.

Five groups (fears, hopes, dreams, what I need from you, something from the past), each
with three prompts at three depths. The whole set is offered lightest first, in the
spirit of Aron et al. (1997): closeness grows when what is shared deepens a little at a
time, and each person chooses how far to go. Every prompt can be skipped or left for
later; nothing here counts what was left out.

Keys are stored with answers, so they never change once released; wording may.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

GROUPS: list[tuple[str, Any]] = [
    ("hopes", _("Hopes")),
    ("dreams", _("Dreams")),
    ("fears", _("Fears")),
    ("needs", _("What I need from you")),
    ("past", _("Something from the past")),
]

DEPTHS: dict[int, Any] = {1: _("Light"), 2: _("A little deeper"), 3: _("Deep")}


@dataclass(frozen=True)
class Prompt:
    key: str
    group: str
    depth: int  # 1 light, 2 a little deeper, 3 deep
    text: Any  # a lazy translation

    @property
    def group_label(self) -> Any:
        return dict(GROUPS)[self.group]

    @property
    def depth_label(self) -> Any:
        return DEPTHS[self.depth]


PROMPTS: tuple[Prompt, ...] = (
    # Light: everyday, easy to say out loud.
    Prompt("hope-small-week", "hopes", 1, _("What small thing are you looking forward to?")),
    Prompt(
        "dream-free-day", "dreams", 1, _("If you had a free day with no duties, how would it go?")
    ),
    Prompt("fear-everyday", "fears", 1, _("What everyday thing makes you a little nervous?")),
    Prompt(
        "need-good-evening",
        "needs",
        1,
        _("What helps you feel at ease when we spend an evening together?"),
    ),
    Prompt(
        "past-happy-place",
        "past",
        1,
        _("Which place from when you were younger do you remember fondly, and why?"),
    ),
    # A little deeper: about us, and about what matters.
    Prompt(
        "hope-for-us-year",
        "hopes",
        2,
        _("What do you hope the two of us will have grown into a year from now?"),
    ),
    Prompt(
        "dream-put-aside",
        "dreams",
        2,
        _("Is there something you once wanted to do and put aside? What would it take?"),
    ),
    Prompt(
        "fear-asking",
        "fears",
        2,
        _("What makes it hard for you to ask me for something?"),
    ),
    Prompt(
        "need-hard-day",
        "needs",
        2,
        _("On a hard day, what would you like me to do, and what would you rather I didn't?"),
    ),
    Prompt(
        "past-learned-love",
        "past",
        2,
        _("What did the people who raised you show you about caring for someone?"),
    ),
    # Deep: tender ground. Answer only as far as feels right.
    Prompt(
        "hope-be-seen",
        "hopes",
        3,
        _("What part of you do you most hope I see, even when you don't show it?"),
    ),
    Prompt(
        "dream-whole-life",
        "dreams",
        3,
        _("When you picture your life going well, what does an ordinary day in it look like?"),
    ),
    Prompt(
        "fear-closeness",
        "fears",
        3,
        _("When we feel very close, is there a worry that comes along with it?"),
    ),
    Prompt(
        "need-reassure",
        "needs",
        3,
        _("When you feel unsure of us, what reassures you most?"),
    ),
    Prompt(
        "past-still-carry",
        "past",
        3,
        _(
            "Is there something from before us that still shapes how you love? Say only what you want to."
        ),
    ),
)

PROMPTS_BY_KEY: dict[str, Prompt] = {p.key: p for p in PROMPTS}


def get(key: str) -> Prompt | None:
    return PROMPTS_BY_KEY.get(key)


def after(key: str) -> list[Prompt]:
    """The prompts after ``key`` in the set, then the ones before it (for "not now")."""
    keys = [p.key for p in PROMPTS]
    place = keys.index(key) + 1 if key in keys else 0
    return [*PROMPTS[place:], *PROMPTS[:place]]
