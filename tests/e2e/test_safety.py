"""Quick exit: the button, and Escape pressed twice, leave for the deployment's neutral page."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, sign_in

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
    page.get_by_role("button", name="Quick exit").click()
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


SECRET_NOTE = "A day I would rather keep to myself 5c1"


@pytest.mark.parametrize("signs_out", [False, True])
def test_back_after_a_quick_exit_shows_no_personal_page(
    desktop_page: Any, person: Any, exit_url: str, signs_out: bool
) -> None:
    from alongside.checkins.models import CheckIn

    person.exit_signs_out = signs_out
    person.save()
    CheckIn.objects.create(owner=person, day=person.local_today(), mood=6, note=SECRET_NOTE)
    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkins/")
    page.goto(f"/checkins/{CheckIn.objects.get().pk}/")
    assert SECRET_NOTE in page.content()
    page.get_by_role("button", name="Quick exit").click()
    page.wait_for_url(exit_url)
    # Back, and back again: whatever the browser had, no page of this person's shows.
    for _ in range(2):
        page.go_back()
        page.wait_for_load_state()
        html = page.content()
        assert SECRET_NOTE not in html
        assert "Alice" not in html
        # Either the neutral site, the welcome page, or a password prompt: never a page of
        # the person's own (those all answer with the sign-in or the password prompt now).
        assert page.locator("h1").first.inner_text() not in ("History", "Your check-in"), page.url
    if signs_out:
        page.goto("/checkins/")
        assert "/accounts/login/" in page.url  # signed out, as chosen
    else:
        page.goto("/checkins/")
        assert "/accounts/reauthenticate/" in page.url  # locked until the password
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url("**/checkins/")
        assert "History" in page.content()


def test_discreet_mode_changes_the_title_the_app_name_the_e_mail_and_the_download(
    desktop_page: Any, person: Any, newest_email: Any, settings: Any
) -> None:
    page = desktop_page
    sign_in(page, person.email)
    page.goto("/checkins/")
    assert page.title() != "Notes" and "Alongside" in page.title()
    page.goto("/settings/safety/")
    page.get_by_label("Discreet mode").check()
    page.get_by_role("button", name="Save").click()
    page.wait_for_url("**/settings/safety/")
    for path in ("/", "/checkins/", "/circle/", "/settings/profile/"):
        page.goto(path)
        assert page.title() == "Notes", path
        assert page.locator(".brand").inner_text() == "Notes"
    manifest = page.evaluate(
        "async () => (await fetch(document.querySelector('link[rel=manifest]').href)).json()"
    )
    assert manifest["name"] == manifest["short_name"] == "Notes"
    assert "notes" in manifest["icons"][0]["src"]
    # An e-mail: a password reset asked for from this device, once signed out.
    page.goto("/settings/data/")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download").click()
        if "/accounts/reauthenticate/" in page.url:
            page.fill("input[name=password]", PASSWORD)
            page.locator("main form button[type=submit]").first.click()
    assert download.value.suggested_filename.startswith("notes-")
    page.locator("footer form button").click()  # sign out
    page.goto("/")
    assert "/accounts/login/" in page.url  # no welcome page about relationships
    assert page.title().endswith("Notes")
    assert "relationship" not in page.content().lower()
    page.goto("/accounts/password/reset/")
    page.fill("input[name=email]", person.email)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/password/reset/done/")
    message = newest_email()
    assert message["Subject"] == "A note for you"
    assert message["From"].startswith("Notes <")
