from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alongside.together.models import partner_links

# Which tab of the phone's tab bar a page belongs to, by its URL namespace.
_TABS = {"checkins": "checkin", "together": "together", "circle": "circle"}


def navigation(request: HttpRequest) -> dict[str, object]:
    """``NAV_TAB`` (the current tab: checkin, history, together, circle or more) and
    ``PARTNER_LINK`` (the person's partner link or None, asked only when a page draws
    the menu)."""
    match = getattr(request, "resolver_match", None)
    tab = ""
    if match is not None:
        tab = _TABS.get(match.namespace, "more" if match.namespace else "")
        if match.namespace == "checkins" and match.url_name not in ("today", "backfill"):
            tab = "history"
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"NAV_TAB": tab, "PARTNER_LINK": None}
    return {
        "NAV_TAB": tab,
        "PARTNER_LINK": SimpleLazyObject(lambda: partner_links(user).first()),
    }
