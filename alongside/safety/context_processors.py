from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from alongside.safety.discreet import NEUTRAL_NAME, is_discreet


def safety(request: HttpRequest) -> dict[str, object]:
    quiet = is_discreet(request)
    return {
        "QUICK_EXIT_URL": settings.QUICK_EXIT_URL,
        "DISCREET": quiet,
        # What the app calls itself where others might glance: tabs, header, home screen.
        "BRAND": NEUTRAL_NAME if quiet else "Alongside",
    }
