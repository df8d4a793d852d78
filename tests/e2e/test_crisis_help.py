"""Crisis words on a phone: the writer sees the help at once, where they are looking."""

from __future__ import annotations

from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, PHONE, choose, sign_in

pytestmark = pytest.mark.browser

WORRYING = "Another bad night. Some days I just want to die."
RESOURCES = [{"name": "Night Line", "phone": "0800 000 000", "description": "Free, day or night."}]


@pytest.fixture(autouse=True)
def _helplines(settings: Any) -> None:
    settings.HELP_RESOURCES = RESOURCES


@pytest.fixture
def couple(transactional_db: None) -> tuple[Any, Any, Any]:
    """alice and ben, linked partners who both share checking in together."""
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User
    from conftest import link_people

    people = []
    for email, name in (("alice@example.org", "Alice"), ("ben@example.org", "Ben")):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, time_zone="Europe/London"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    alice, ben = people
    link = link_people(alice, ben, inviter_shares=["together"], invitee_shares=["together"])
    return alice, ben, link


def _in_view(page: Any, locator: Any) -> bool:
    box = locator.bounding_box()
    return bool(box) and 0 <= box["y"] < page.viewport_size["height"]


def test_a_worrying_note_shows_help_at_once_on_a_phone(phone_page: Any, person: Any) -> None:
    from playwright.sync_api import expect

    page = phone_page
    sign_in(page, person.email)
    page.goto("/checkin/")
    choose(page, "mood", "3")
    page.locator("summary", has_text="A note").click()
    page.fill("textarea[name=note]", WORRYING)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url("**/checkins/*/")

    block = page.get_by_test_id("crisis-help")
    expect(block).to_be_visible()
    assert _in_view(page, block), "the help is not on screen without scrolling"
    expect(block).to_contain_text("It sounds like things may be really hard right now.")
    expect(block.get_by_role("link", name="0800 000 000")).to_have_attribute(
        "href", "tel:0800000000"
    )
    expect(block).to_contain_text("Only you see this.")
    # Nothing on the address, so nothing in the browser history.
    assert "help" not in page.url
    # Once: a reload is an ordinary page again, and the Help now link still works.
    page.reload()
    expect(page.get_by_test_id("crisis-help")).to_have_count(0)
    expect(page.get_by_text(WORRYING)).to_be_visible()


def test_a_worrying_answer_brings_help_beside_it_and_the_poll_keeps_it(
    open_page: Any, couple: tuple[Any, Any, Any]
) -> None:
    from playwright.sync_api import expect

    alice, _ben, link = couple
    page = open_page(PHONE)
    sign_in(page, alice.email)
    page.goto(f"/together/{link.pk}/")
    # The last prompt, scrolled to the top of the screen: the help must still be on screen.
    prompt = page.get_by_test_id("prompt").last
    prompt.locator("textarea").fill(WORRYING)
    prompt.evaluate("el => el.scrollIntoView({block: 'start'})")
    with page.expect_response(lambda r: r.request.method == "POST"):
        prompt.get_by_role("button", name="Save my answer").click()

    block = page.get_by_test_id("crisis-help")
    expect(block).to_be_visible()
    expect(block).to_contain_text("Night Line")
    assert _in_view(page, block), "the help is not on screen where the person was looking"
    # The block sits just above the prompt it belongs to, outside it.
    follows = page.evaluate(
        """() => document.querySelector('[data-testid=crisis-help]')
                  .nextElementSibling.matches('[data-testid=prompt]')"""
    )
    assert follows
    # The prompt polls every 3 s for Ben's answer and replaces itself; the help stays.
    with page.expect_response(lambda r: r.request.method == "GET" and "/prompts/" in r.url):
        pass
    expect(block).to_be_visible()
    expect(page.get_by_test_id("prompt").last).to_contain_text(WORRYING)
    assert "help" not in page.url
