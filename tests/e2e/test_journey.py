"""The first journey, on a phone: sign up, confirm, check in, look back, take my data, leave."""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from email.message import EmailMessage
from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, PHONE, assert_styled, choose, find_link

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
    page.fill("input[name=display_name]", "Noa")
    page.fill("input[name=email]", EMAIL)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/accounts/confirm-email/")

    # Confirm from the link in the newest e-mail of the outbox.
    message = newest_email()
    assert message["To"] == EMAIL
    page.goto(find_link(message, "/accounts/confirm-email/"))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url("**/welcome/")
    assert "your e-mail address is confirmed" in page.inner_text("main")
    assert_styled(page)
    page.get_by_role("button", name="Skip for now").click()
    page.wait_for_url(lambda url: "/welcome/" not in url)

    # The first check-in: mood, a couple of emotions, a need, a note.
    nav = page.get_by_role("navigation", name="Tabs")
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
        page.locator("main form button[type=submit]").first.click()
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
        page.locator("main form button[type=submit]").first.click()
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
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert "not correct" in page.inner_text("main")
    page.goto("/checkins/")
    assert "/accounts/login/" in page.url


def sign_up(page: Any, newest_email: Callable[[], EmailMessage], name: str, address: str) -> None:
    """Fill the sign-up form (already open), then confirm from the outbox."""
    page.fill("input[name=display_name]", name)
    page.fill("input[name=email]", address)
    page.fill("input[name=password1]", PASSWORD)
    page.fill("input[name=password2]", PASSWORD)
    page.get_by_role("button", name="Create my space").click()
    page.wait_for_url("**/accounts/confirm-email/")
    assert "Check your e-mail" in page.inner_text("main")
    message = newest_email()
    assert message["To"] == address
    page.goto(find_link(message, "/accounts/confirm-email/"))
    page.get_by_role("button", name="Yes, confirm").click()
    page.wait_for_url(lambda url: "/confirm-email/" not in url)


def test_a_new_person_is_welcomed_checks_in_and_links_with_a_partner_who_is_new_too(
    open_page: Callable[..., Any], newest_email: Callable[[], EmailMessage]
) -> None:
    from alongside.accounts.models import User
    from alongside.checkins.models import CheckIn
    from alongside.circle.models import Link

    # Noor signs up on her phone, with the name people she links with will see.
    noor = open_page(PHONE)
    noor.goto("/accounts/signup/")
    sign_up(noor, newest_email, "Noor", "noor@example.org")

    # The welcome, once: what this is for, privacy, the way out; then a first check-in.
    noor.wait_for_url("**/welcome/")
    main = noor.inner_text("main")
    assert "Welcome, Noor." in main
    assert "private until you share it" in main
    assert "Quick exit" in main and "Help now" in main
    noor.get_by_role("button", name="Start my first check-in").click()
    noor.wait_for_url("**/checkin/")
    choose(noor, "mood", "6")
    choose(noor, "need_trust", "3")
    noor.get_by_role("button", name="Save check-in").click()
    noor.wait_for_url("**/checkins/*/")
    assert CheckIn.objects.filter(owner__email="noor@example.org").count() == 1
    noor.goto("/welcome/")
    noor.wait_for_url(lambda url: "/welcome/" not in url)  # never again

    # She invites a partner, sharing nothing yet.
    noor.goto("/circle/invite/")
    choose(noor, "kind", "partner")
    noor.get_by_role("button", name="Create invitation").click()
    noor.wait_for_load_state()
    if "/accounts/reauthenticate/" in noor.url:  # the e-mail link was not her password
        assert "Is it you?" in noor.inner_text("main")
        noor.fill("input[name=password]", PASSWORD)
        noor.get_by_role("button", name="Continue").click()
    noor.wait_for_url("**/circle/invitations/*/")
    link_url = noor.get_by_test_id("invite-url").inner_text().strip()

    # Sam, new here and signed out, opens the link on another phone.
    sam = open_page(PHONE)
    sam.goto(link_url)
    assert "Noor invited you to link as partners" in sam.inner_text("main")
    assert "noor@example.org" not in sam.content()
    sam.get_by_role("link", name="Create your private space").click()
    sam.wait_for_url("**/accounts/signup/**")
    sign_up(sam, newest_email, "Sam", "sam@example.org")

    # Back to the invitation: the password once more (accepting is a sharing change).
    sam.wait_for_url("**/join/**")
    sam.get_by_role("button", name="Accept and link").click()
    sam.wait_for_load_state()
    if "/accounts/reauthenticate/" in sam.url:
        sam.fill("input[name=password]", PASSWORD)
        sam.get_by_role("button", name="Continue").click()
    sam.wait_for_url("**/circle/links/*/")
    assert "You are now linked with Noor." in sam.inner_text("main")
    link = Link.objects.get()
    assert {link.user_a.email, link.user_b.email} == {"noor@example.org", "sam@example.org"}
    assert User.objects.get(email="sam@example.org").display_name == "Sam"

    # Both see the link in their circle.
    sam.goto("/circle/")
    assert "Noor" in sam.inner_text("main")
    noor.goto("/circle/")
    assert "Sam" in noor.inner_text("main")
