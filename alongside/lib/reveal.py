"""Mutual reveal: the other person's answer is loaded only once the viewer has answered.

Used by the couple's weekly prompts (``together``) and by relational experiments
(``practice``). The other's answer is read by ``read_theirs``, which callers make a read
through ``circle.access.read`` (so it is filtered by the grant and logged for its owner);
it is not even called before the viewer's own answer exists, so an answer cannot reach a
template, a partial or an API response early, hidden or not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence


def mutual[Mine, Theirs](
    mine: Mine | None, read_theirs: Callable[[], Sequence[Theirs]]
) -> tuple[Mine | None, Theirs | None]:
    """(mine, theirs): theirs is None until mine exists, and whenever nothing was shared."""
    if mine is None:
        return None, None
    theirs = read_theirs()
    return mine, theirs[0] if theirs else None
