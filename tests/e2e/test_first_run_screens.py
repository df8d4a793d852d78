"""Screenshots of the first-run pages at phone and desktop width, for looking at."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PHONE, sign_in

pytestmark = pytest.mark.browser

OUT = Path(os.environ.get("SCREENSHOT_DIR", "var/screens"))


def test_first_run_pages_are_drawn_at_both_widths(
    open_page: Callable[..., Any], person: Any
) -> None:
    from alongside.circle.models import Invitation

    invitation = Invitation.objects.create(inviter=person, kind="partner")
    OUT.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = open_page(viewport)
        for name, url in (
            ("sign-in", "/accounts/login/"),
            ("sign-up", "/accounts/signup/"),
            ("landing", f"/join/{invitation.token}/"),
        ):
            page.goto(url)
            page.screenshot(path=str(OUT / f"{name}-{label}.png"), full_page=True)
        # The welcome, as a person who has just signed up sees it.
        person.welcomed_at = None
        person.save(update_fields=["welcomed_at"])
        sign_in(page, person.email)
        page.goto("/welcome/")
        assert page.get_by_role("button", name="Start my first check-in").is_visible()
        page.screenshot(path=str(OUT / f"welcome-{label}.png"), full_page=True)
