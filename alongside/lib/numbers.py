"""Reading numbers people (or files, or JSON) give."""

from __future__ import annotations

from typing import Any


def whole_number(value: Any) -> int | None:
    """``value`` as a whole number, or None: 3 and 3.0 are 3; True, 2.5 and "3" are not
    (a bool is an int to Python, never to a person answering a scale)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None
