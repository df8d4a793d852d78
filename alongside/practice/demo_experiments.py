"""Mira's practice for the demo: part-way up a six-step ladder, a dozen experiments.

Most asks went better than she predicted, two did not; one ask of Sam (a linked
account sharing practice both ways) has both blind answers in.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alongside.practice.models_experiments import AskedAnswer, Ladder, RelianceExperiment

STEPS = [
    "Ask Jo to pick up bread on the way over",
    "Ask Sam for a book recommendation",
    "Ask Jo to call me back when she has a minute",
    "Ask Sam for a lift to the station",
    "Ask Sam to listen after a hard day",
    "Ask Jo to help me move flat",
]
# (step index, direction, who, came true, discomfort expected, felt, belief before, after)
LOG: list[tuple[int, str, str, str, int, int, int, int]] = [
    (0, "ask", "jo", "no", 60, 30, 85, 70),
    (0, "ask", "jo", "no", 55, 25, 75, 60),
    (0, "ask", "jo", "partly", 50, 30, 65, 55),
    (1, "ask", "sam", "no", 65, 35, 80, 65),
    (1, "ask", "sam", "yes", 60, 60, 70, 70),
    (1, "ask", "sam", "no", 60, 25, 70, 55),
    (2, "offer", "jo", "no", 40, 15, 60, 40),
    (2, "ask", "jo", "partly", 70, 40, 75, 60),
    (2, "ask", "jo", "no", 65, 30, 70, 50),
    (3, "ask", "sam", "no", 75, 35, 80, 60),
    (3, "ask", "sam", "yes", 70, 65, 70, 70),
    (3, "ask", "sam", "no", 75, 30, 75, 55),  # the relational one: Sam answered too
]
HAPPENED = {
    "no": "It was easy for them. They seemed glad I asked.",
    "partly": "A little hesitation at first, then a warm yes.",
    "yes": "They said no this time; they were busy. It stung, and it passed.",
}


def seed_mira(mira: Any, *, sam: Any, jo: Any, sam_user: Any, days: int = 56) -> Ladder:
    ladder = Ladder.objects.create(owner=mira, title="Letting friends help with small things")
    steps = [ladder.add_step(text) for text in STEPS]
    now = timezone.now()
    every = max(days // (len(LOG) + 1), 1)
    for number, (index, direction, who, came_true, expected, felt, before, after) in enumerate(LOG):
        person = sam if who == "sam" else jo
        relational = number == len(LOG) - 1
        experiment = RelianceExperiment.objects.create(
            owner=mira,
            step=steps[index] if direction == "ask" else None,
            direction=direction,
            person=person,
            belief="Asking will be a burden to them"
            if direction == "ask"
            else "My help is not wanted",
            belief_before=before,
            prediction="They will sound annoyed and find a reason to say no"
            if direction == "ask"
            else "She will say she's fine and I'll feel silly",
            prediction_likelihood=min(before, 90),
            discomfort_expected=expected,
            safety_behaviours=["apologising"] if number % 2 else ["vague"],
            invited=sam_user if relational else None,
        )
        experiment.record_after(
            happened=HAPPENED[came_true],
            came_true=came_true,
            discomfort_felt=felt,
            learned="Most people like being asked for something small."
            if came_true != "yes"
            else "",
            belief_after=after,
        )
        when = now - dt.timedelta(days=days - every * (number + 1))
        RelianceExperiment.objects.filter(pk=experiment.pk).update(
            created_at=when - dt.timedelta(days=1), after_at=when
        )
        if relational:
            AskedAnswer.give(experiment=experiment, owner=sam_user, rating=5, word="glad")
    return ladder
