"""Notifications on this device, in a real browser: the service worker and the button.

Headless Chromium here cannot reach a browser vendor's push service, so
``pushManager.subscribe()`` cannot succeed; the test checks that the service worker is
registered for the whole site and that the page then says honestly what happened.
Delivery itself is tested against a local push service in alongside/push/tests.
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
