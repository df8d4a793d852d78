"""Notifications on a person's own devices, by Web Push (RFC 8030, 8291, 8292).

One way to notify, for every feature: ``push.send(user, title, body, url)``. It queues the
delivery for the task worker (never sent inside a request) and returns at once. What a
notification says is decided here, not by the caller alone: in discreet mode the title
is the neutral name and the text says nothing of feelings or relationships, whatever the
caller asked for (see ``alongside/safety/discreet.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from alongside.accounts.models import User

__all__ = ["send"]


def send(user: User, title: str, body: str, url: str, *, discreet: bool | None = None) -> None:
    """Notify ``user`` on every device they turned notifications on for.

    ``discreet`` defaults to the person's own choice. ``title`` and ``body`` are shown on
    a lock screen: product wording only, never anything the person wrote.
    """
    from alongside.push.services import notification_send

    notification_send(
        user=user,
        title=title,
        body=body,
        url=url,
        discreet=bool(user.discreet) if discreet is None else discreet,
    )
