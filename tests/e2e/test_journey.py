"""The first journey, on a phone: sign up, confirm, check in, look back, take my data, leave."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, assert_styled, choose, find_link

pytestmark = pytest.mark.browser

EMAIL = "noa@example.org"
NOTE = "Walked by the river with Sam. Asking for company was easier than I thought."


def test_a_new_person_checks_in_and_then_takes_their_data_and_leaves(
    phone_page: Any, newest_email: Callable[[], EmailMessage]
) -> None:
    from alongside.accounts.models import User
    from alongside.checkins.models import CheckIn

    page = phone_page

    # Sign up with e-mail and password.
    page.goto("/")
    assert_styled(page)
    page.goto("/accounts/signup/")
    assert_styled(page)  # allauth's pages wear the site's layout too
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/confirm-email/")

    # Confirm from the link in the newest e-mail of the outbox.
    message = newest_email()
    assert message["To"] == EMAIL
    page.goto(find_link(message, "/accounts/confirm-email/"))
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(lambda url: "/confirm-email/" not in url)
    assert "You have confirmed" in page.inner_text("main")
    assert_styled(page)

    # The first check-in: mood, a couple of emotions, a need, a note.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Check in", exact=True).click()
    page.wait_for_url("**/checkin/")
    choose(page, "mood", "7")
    choose(page, "calm", "3")
    choose(page, "close", "2")
    choose(page, "need_security", "4")
    page.locator("summary", has_text="A note").click()
    page.fill("textarea[name=note]", NOTE)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkins/*/")
    assert NOTE in page.inner_text("main")
    checkin = CheckIn.objects.get(owner__email=EMAIL)
    assert (checkin.mood, checkin.calm, checkin.close, checkin.need_security) == (7, 3, 2, 4)
    assert checkin.note == NOTE

    # History lists it, with the mood chart.
    nav.get_by_role("link", name="History", exact=True).click()
    page.wait_for_url("**/checkins/")
    chart = page.locator("main svg:has(title)").first
    chart.wait_for()
    assert "mood" in chart.locator("title").first.text_content().lower()
    assert page.locator(f'main a[href="/checkins/{checkin.pk}/"]').count() >= 1

    # Export my data: the password first, then the zip.
    page.goto("/settings/data/")
    page.get_by_role("button", name="Download my data").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_download() as download_info:
        page.locator("form button[type=submit]").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(download.path().read_bytes())) as archive:
        exported = json.loads(archive.read("alongside.json"))
    assert exported["profile"][0]["email"] == EMAIL
    assert NOTE in json.dumps(exported["checkins"], ensure_ascii=False)

    # Delete the account: reauthenticate if asked, type DELETE.
    page.goto("/settings/data/")
    page.get_by_role("link", name="Delete my account").click()
    if "/accounts/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.locator("form button[type=submit]").first.click()
    page.wait_for_url("**/settings/data/delete/")
    page.fill("input[name=confirm]", "delete")  # not quite: nothing happens
    page.get_by_role("button", name="Delete my account for good").click()
    assert page.locator(".field.has-error .error").is_visible()
    assert User.objects.filter(email=EMAIL).exists()
    page.fill("input[name=confirm]", "DELETE")
    page.get_by_role("button", name="Delete my account for good").click()
    page.wait_for_load_state()
    assert not User.objects.filter(email=EMAIL).exists()
    assert not CheckIn.objects.exists()

    # Signing in again fails.
    page.goto("/accounts/login/")
    page.fill("input[name=login]", EMAIL)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "not correct" in page.inner_text("main")
    page.goto("/checkins/")
    assert "/accounts/login/" in page.url
