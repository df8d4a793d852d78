"""What the growth part of practice (goals, prompts) contributes to the privacy core.

``SOURCES``: the models whose rows belong to the "practice" category (model label, owner
field, private field). A prompt answer is private until its author shares it, and a
private one is left out of every read by someone else. ``PARTS``: none: what a partner
sees of goals and answers lives on the goals and prompts pages, after acceptance and
mutual reveal, never on the person page.
"""

from __future__ import annotations

from typing import Any

from alongside.circle.registry import Source

SOURCES: tuple[Source, ...] = (
    Source("practice.Goal", owner_field="owner"),
    Source("practice.GoalStep", owner_field="author"),
    Source("practice.PromptEntry", owner_field="author", private_field="is_private"),
)
PARTS: tuple[tuple[str, int, Any], ...] = ()
