"""What the growth part of practice (goals, prompts) contributes to the privacy core.

``SOURCES``: the models whose rows belong to the "practice" category (model label, owner
field, private field). ``PARTS``: (key, order, render) for the person page.
"""

from __future__ import annotations

from typing import Any

from alongside.circle.registry import Source

SOURCES: tuple[Source, ...] = ()
PARTS: tuple[tuple[str, int, Any], ...] = ()
