"""Settings pages in a real browser: the browser's time zone, personal API tokens."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PASSWORD, sign_in

pytestmark = pytest.mark.browser


def test_the_profile_offers_the_browsers_time_zone(
    open_page: Callable[..., Any], person: Any
) -> None:
    page = open_page(DESKTOP, timezone_id="Pacific/Auckland")
    sign_in(page, person.email)
    page.goto("/settings/profile/")
    suggestion = page.locator("#tz-suggest")
    suggestion.wait_for(state="visible")
    assert "Pacific/Auckland" in suggestion.inner_text()
    suggestion.get_by_role("button", name="Use it").click()
    assert page.locator("select[name=time_zone]").input_value() == "Pacific/Auckland"
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url("**/settings/profile/")
    assert "Your profile is saved." in page.inner_text("main")
    assert page.locator("select[name=time_zone]").input_value() == "Pacific/Auckland"
    assert page.locator("#tz-suggest").is_hidden()  # nothing left to offer
    person.refresh_from_db()
    assert person.time_zone == "Pacific/Auckland"


def test_a_new_api_token_is_shown_once_and_works(
    desktop_page: Any, person: Any, playwright: Any, live_server: Any
) -> None:
    page = desktop_page
    sign_in(page, person.email)
    page.goto("/settings/tokens/")
    page.fill("input[name=name]", "my laptop script")
    page.select_option("select[name=lifetime]", "30")
    page.get_by_role("button", name="Create token").click()
    # A token is a way in without the password: the password comes first, then the
    # form is carried out as typed.
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    token = page.get_by_test_id("new-token").inner_text().strip()
    assert token.startswith("als_")
    page.goto("/settings/tokens/")
    assert page.get_by_test_id("new-token").count() == 0
    assert token not in page.content()
    assert "my laptop script" in page.inner_text("main")
    assert "not used yet" in page.inner_text("main")

    # A separate HTTP client without the browser's cookies: only the token authenticates.
    api = playwright.request.new_context(base_url=live_server.url)
    try:
        anonymous = api.get("/api/v1/checkins/")
        assert anonymous.status == 401
        wrong = api.get("/api/v1/checkins/", headers={"Authorization": "Bearer als_nope"})
        assert wrong.status == 401
        bearer = {"Authorization": f"Bearer {token}"}
        created = api.post("/api/v1/checkins/", headers=bearer, data={"mood": 8})
        assert created.status == 201, created.text()
        listed = api.get("/api/v1/checkins/", headers=bearer)
        assert listed.status == 200
        assert [c["mood"] for c in listed.json()] == [8]
    finally:
        api.dispose()

    # The check-in made through the API is there in the browser.
    page.goto("/")
    assert "8 out of 10" in page.inner_text("main")

    # Revoked, the token stops working.
    page.goto("/settings/tokens/")
    page.get_by_role("button", name="Revoke").click()
    page.wait_for_url("**/settings/tokens/")
    api = playwright.request.new_context(base_url=live_server.url)
    try:
        assert api.get("/api/v1/checkins/", headers=bearer).status == 401
    finally:
        api.dispose()
