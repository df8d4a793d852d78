"""Small helpers shared by the together tests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alongside.circle.models import Link
from alongside.together.models import Ritual, Session

# A Monday afternoon in London: the couple's ISO week starts today.
NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 13)


def this_week(link: Link) -> Session:
    return Session.for_week(link, Ritual.for_link(link).week_start())


def week_url(link: Link) -> str:
    return f"/together/{link.pk}/"


def htmx(client: Any, method: str, url: str, data: dict[str, Any] | None = None) -> Any:
    """A request as htmx sends it (the HX-Request header)."""
    call = client.get if method == "get" else client.post
    return call(url, data or {}, headers={"HX-Request": "true"})
