"""Without a connection, in a real browser: the service worker's offline page, and a
check-in filled offline that is kept on the device and saved once when back online."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import PHONE, choose, sign_in

pytestmark = pytest.mark.browser

KEPT = "No connection: your check-in is kept on this device"
DRAFT_KEY = "alongside-offline-checkin"


def _worker_ready(page: Any) -> None:
    page.evaluate("navigator.serviceWorker.ready")
    # Controlled from the next navigation on: reload once so fetches go through it.
    page.reload()
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def test_a_check_in_filled_offline_is_saved_once_when_back_online(
    open_page: Callable[..., Any], person: Any
) -> None:
    from alongside.checkins.models import CheckIn

    page = open_page(PHONE)
    sign_in(page, person.email)
    page.goto("/checkin/")
    _worker_ready(page)

    page.context.set_offline(True)
    choose(page, "mood", "7")
    choose(page, "anxious", "2")
    page.locator("summary", has_text="A note").click()
    page.locator("textarea[name=note]").fill("Wrote this on the train.")
    page.get_by_role("button", name="Save check-in").click()
    assert KEPT in page.locator("#offline-notice").inner_text()
    assert not CheckIn.objects.exists()
    # Another page that cannot load shows the offline page, not the browser's error.
    page.goto("/checkins/")
    assert "No connection just now" in page.content()

    # Back online: the offline page loads the history again, which sends the draft.
    page.context.set_offline(False)
    page.wait_for_url("**/checkins/*/")
    assert "Your check-in from while you were offline is saved." in page.content()
    (saved,) = CheckIn.objects.filter(owner=person)
    assert saved.mood == 7
    assert saved.note == "Wrote this on the train."
    assert page.evaluate(f"localStorage.getItem('{DRAFT_KEY}')") is None

    # Loading more pages online sends nothing again.
    page.goto("/")
    page.goto("/checkin/")
    assert CheckIn.objects.filter(owner=person).count() == 1


def test_a_kept_check_in_that_the_server_refuses_comes_back_with_the_reason(
    open_page: Callable[..., Any], person: Any
) -> None:
    from alongside.checkins.models import CheckIn

    page = open_page(PHONE)
    sign_in(page, person.email)
    page.goto("/checkin/")
    _worker_ready(page)
    page.context.set_offline(True)
    # No mood chosen: the server asks for it, with everything else kept.
    choose(page, "anxious", "3")
    page.get_by_role("button", name="Save check-in").click()
    assert KEPT in page.locator("#offline-notice").inner_text()
    page.context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    page.get_by_text("Pick a number for your overall mood.").wait_for()
    assert page.locator('input[name="anxious"][value="3"]').is_checked()
    assert not CheckIn.objects.exists()


def test_the_quick_exit_removes_a_kept_check_in(open_page: Callable[..., Any], person: Any) -> None:
    page = open_page(PHONE)
    sign_in(page, person.email)
    page.goto("/checkin/")
    page.context.set_offline(True)
    choose(page, "mood", "4")
    page.get_by_role("button", name="Save check-in").click()
    assert page.evaluate(f"localStorage.getItem('{DRAFT_KEY}')") is not None
    # The quick exit while still offline: nothing of the draft may stay behind.
    page.evaluate("document.getElementById('quick-exit-form').requestSubmit()")
    page.context.set_offline(False)
    again = page.context.new_page()
    again.goto("/help/")
    assert again.evaluate(f"localStorage.getItem('{DRAFT_KEY}')") is None
