"""Demo data for checking in together: a few past weeks of a couple's ritual.

Written by the project for the demo (no copied data). The main demo calls
``seed_sessions(link, weeks=3)`` after linking the couple.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from alongside.circle.models import Link
from alongside.together.models import Agreement, Item, PromptAnswer, Ritual, Session

# (kind, written by the first partner, written by the second), one row per past week,
# oldest first; more weeks than rows reuse them.
_ITEMS: list[list[tuple[str, int, str]]] = [
    [
        ("decision", 0, "Whether to visit my parents for the long weekend."),
        ("appreciation", 1, "Thank you for making dinner on Wednesday when I was late."),
        ("for_myself", 0, "Went swimming on my own on Saturday morning."),
        ("for_myself", 1, "Finished the book I'd been carrying around for months."),
    ],
    [
        ("attention", 0, "We keep talking about money only when we're tired."),
        ("appreciation", 0, "You listened on Tuesday without trying to fix it. It helped."),
        ("for_myself", 1, "Said no to an extra shift and went for a long walk."),
        ("decision", 1, "Should we say yes to Sam's wedding up north?"),
    ],
    [
        ("appreciation", 1, "The note you left on the fridge made my morning."),
        ("for_myself", 0, "Signed up for the Thursday pottery class."),
        ("decision", 0, "Booking a few days away in the spring."),
        ("attention", 1, "Evenings feel rushed; I miss just sitting together."),
    ],
]
_ANSWERS = [
    "Tired, mostly, and underneath it a bit anxious about work. I noticed it in my shoulders.",
    "Relief, after we talked on Sunday. I felt it as a looser chest.",
    "When you asked how the appointment went, and waited for the real answer.",
    "When you took the bins out without me asking. Small, but I noticed.",
    "An hour at the pool on my own. I came back calmer and nicer to be around.",
    "Time to draw again. Even twenty minutes would do.",
]
# (text, owner index, done?) per past week, oldest first: the last week's is left open so
# it returns as a follow-up on this week's agenda.
_AGREEMENTS = [
    ("Talk about money on Sunday mornings, not late at night.", 0, True),
    ("Book the table for the birthday dinner.", 1, True),
    ("One phone-free evening together before next check-in.", 0, False),
]


@transaction.atomic
def seed_sessions(link: Link, *, weeks: int = 3) -> list[Session]:
    """Create ``weeks`` past sessions, each with items, both partners' answers and an
    agreement; the most recent agreement stays open and shows as this week's follow-up."""
    ritual = Ritual.for_link(link)
    ritual.weekday, ritual.at = 6, dt.time(19, 0)
    ritual.chosen_by, ritual.chosen_at = link.user_a, timezone.now()
    ritual.save()
    people = (link.user_a, link.user_b)
    this_week = ritual.week_start()
    sessions: list[Session] = []
    for index in range(weeks):
        week_start = this_week - dt.timedelta(weeks=weeks - index)
        session = Session.for_week(link, week_start)
        row = index + max(0, len(_ITEMS) - weeks)  # the newest weeks get the last rows
        for kind, who, text in _ITEMS[row % len(_ITEMS)]:
            Item.objects.create(session=session, author=people[who], kind=kind, text=text)
        for number, prompt in enumerate(session.prompts()):
            for who, person in enumerate(people):
                PromptAnswer.objects.create(
                    session=session,
                    prompt_key=prompt.key,
                    author=person,
                    text=_ANSWERS[(2 * number + who + index) % len(_ANSWERS)],
                )
        text, owner, done = _AGREEMENTS[row % len(_AGREEMENTS)]
        is_last = index == weeks - 1
        Agreement.objects.create(
            session=session,
            text=text,
            owner=people[owner],
            created_by=people[0],
            due=week_start + dt.timedelta(days=13),
            done_at=None if is_last or not done else timezone.now() - dt.timedelta(days=3),
        )
        sessions.append(session)
    return sessions
