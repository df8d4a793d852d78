"""Quick exit: the button, and Escape pressed twice, leave for the deployment's neutral page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def exit_url(settings: Any, live_server: Any) -> str:
    # Any local address stands in for the neutral site a deployment would choose.
    settings.QUICK_EXIT_URL = f"{live_server.url}/help/?left=1"
    return settings.QUICK_EXIT_URL


def test_the_quick_exit_button_leaves_at_once(
    desktop_page: Any, person: Any, exit_url: str
) -> None:
    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkins/")
    page.get_by_role("link", name="Quick exit").click()
    page.wait_for_url(exit_url)
    # location.replace(): going back does not return to the history page.
    page.go_back()
    assert "/checkins/" not in page.url


def test_escape_twice_leaves_at_once(desktop_page: Any, person: Any, exit_url: str) -> None:
    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkin/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_url)


def test_quick_exit_works_before_signing_in_too(desktop_page: Any, exit_url: str) -> None:
    page = desktop_page
    page.goto("/accounts/login/")
    page.keyboard.press("Escape")
    page.keyboard.press("Escape")
    page.wait_for_url(exit_url)
