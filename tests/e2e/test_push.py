"""Notifications on this device, in a real browser: the service worker and the button.

Headless Chromium here cannot reach a browser vendor's push service, so
``pushManager.subscribe()`` cannot succeed; the test checks that the service worker is
registered for the whole site and that the page then says honestly what happened. The
worker's "push" handler gets a push through Chromium's DevTools protocol instead. Delivery
from the server is tested against a local push service in alongside/push/tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from alongside.push.models import PushSubscription
from tests.e2e.helpers import DESKTOP, sign_in

pytestmark = pytest.mark.browser

ON = "Notifications are on for this device."
FAILED = "This browser couldn't turn notifications on"


def test_the_reminders_page_registers_the_service_worker(
    open_page: Callable[..., Any], person: Any, live_server: Any
) -> None:
    page = open_page(DESKTOP, permissions=["notifications"])
    sign_in(page, person.email)
    page.goto("/settings/reminders/")
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.scope)") == (
        live_server.url + "/"
    )
    assert page.evaluate("navigator.serviceWorker.ready.then((r) => r.active.scriptURL)") == (
        live_server.url + "/sw.js"
    )
    turn_on = page.get_by_role("button", name="Turn on notifications")
    turn_on.wait_for(state="visible")
    turn_on.click()
    status = page.locator("[data-push-status]")
    page.wait_for_function(
        "(el) => !el.hidden && el.textContent.trim() !== ''", arg=status.element_handle()
    )
    said = status.inner_text()
    if said == ON:  # a browser that can reach its push service
        assert PushSubscription.objects.filter(owner=person).count() == 1
    else:
        assert said.startswith(FAILED), said
        assert not PushSubscription.objects.exists()


def test_the_service_worker_shows_a_pushed_notification(
    open_page: Callable[..., Any], person: Any, live_server: Any
) -> None:
    """A push delivered to the worker through Chromium's DevTools protocol (standing in for
    a push service) is shown with the payload's words, and opens only this site."""
    page = open_page(DESKTOP, permissions=["notifications"])
    sign_in(page, person.email)
    page.goto("/settings/reminders/")
    page.evaluate("navigator.serviceWorker.ready")
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(r for r in event["registrations"] if not r["isDeleted"]),
    )
    cdp.send("ServiceWorker.enable")
    _until(page, lambda: registrations)

    def shown() -> list[list[str]]:
        found: list[list[str]] = page.evaluate(
            """() => navigator.serviceWorker.ready
                .then((r) => r.getNotifications())
                .then((list) => list.map((n) => [n.title, n.body, n.data.url]))"""
        )
        return found

    def push(payload: str, expected: list[str]) -> None:
        # About one run in eight on a busy machine, Chromium showed nothing for the first
        # push sent over DevTools (cause not found); a second one was shown. Retried.
        for _attempt in range(3):
            cdp.send(
                "ServiceWorker.deliverPushMessage",
                {
                    "origin": live_server.url,
                    "registrationId": registrations[0]["registrationId"],
                    "data": payload,
                },
            )
            if _until(page, lambda: expected in shown(), tries=50, fail=False):
                return
        raise AssertionError(f"not shown: {expected}; shown: {shown()}")

    push(
        '{"title": "Notes", "body": "A note for you", "url": "/checkin/"}',
        ["Notes", "A note for you", live_server.url + "/checkin/"],
    )
    # A URL elsewhere opens this site's front page instead.
    push(
        '{"title": "Alongside", "body": "Hello", "url": "https://elsewhere.example/"}',
        ["Alongside", "Hello", live_server.url + "/"],
    )


def _until(page: Any, check: Callable[[], Any], tries: int = 100, *, fail: bool = True) -> Any:
    """``check()`` once it is truthy, polling every 0.1 s (``tries`` times)."""
    for _ in range(tries):
        value = check()
        if value:
            return value
        page.wait_for_timeout(100)
    if fail:
        raise AssertionError("gave up waiting")
    return None
