"""Demo data for growth goals, written by the project: Alice and Ben's shared goal.

The main demo (``accounts/demo.py``) calls ``seed_goals(alice, ben)`` once the couple
shares "practice" both ways.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from alongside.practice.models_growth import Goal, GoalStep, PromptEntry

# (written by 0 = alice or 1 = ben, step, checked how many days ago or None)
_STEPS: list[tuple[int, str, int | None]] = [
    (0, "Pick three recipes from the book Ben's sister gave us", 12),
    (1, "Buy the spices for the lentil curry", 9),
    (0, "Cook the lentil curry on Sunday", 7),
    (1, "Try the flatbread, even if it comes out odd", None),
    (0, "Invite Sam round for the next one", None),
]


@transaction.atomic
def seed_goals(alice: Any, ben: Any) -> Goal:
    """A goal Alice suggested and Ben accepted, steps by each (some checked), a goal of
    Alice's own, and one prompt both shared (so the reveal shows both answers)."""
    now = timezone.now()
    goal = Goal.objects.create(
        owner=alice,
        partner=ben,
        state="shared",
        title="Cook a new dish together once a week",
        why="Evenings feel rushed. Cooking is a way to slow down and make something together.",
        shared_at=now - dt.timedelta(days=14),
    )
    people = (alice, ben)
    for author, text, days_ago in _STEPS:
        step = GoalStep.objects.create(goal=goal, author=people[author], text=text)
        if days_ago is not None:
            step.done_at = now - dt.timedelta(days=days_ago)
            step.save(update_fields=["done_at"])
    own = Goal.objects.create(owner=alice, title="Keep Thursday evenings for pottery")
    GoalStep.objects.create(goal=own, author=alice, text="Book the spring course")
    PromptEntry.objects.create(
        author=alice,
        prompt_key="need-hard-day",
        text="Sit with me for a bit before suggesting anything. A cup of tea helps.",
        is_private=False,
    )
    PromptEntry.objects.create(
        author=ben,
        prompt_key="need-hard-day",
        text="Ask me once, then let me come to you. I do come, just slowly.",
        is_private=False,
    )
    return goal
