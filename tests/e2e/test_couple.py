"""A couple on two phones: invite, accept, share a little, check in together, unlink.

Two browser contexts are two separate phones (390x844), each with its own cookies:
alice on one, ben on the other, against the same live server (issue 3, "Done when").
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import PASSWORD, PHONE, choose, sign_in

pytestmark = pytest.mark.browser

NOTE = "Tired after the long shift; glad of the quiet evening."
PRIVATE_NOTE = "A hard day I keep to myself. Nobody needs to know about this one."
BEN_ANSWER = "Ben's answer: the walk on Saturday, when you listened."
ALICE_ANSWER = "Alice's answer: calm, mostly in my shoulders letting go."
AGREEMENT = "Phones away at dinner on weekdays"
POLL_TIMEOUT = 10_000  # ms: htmx polls every 3 s; allow a few rounds on a slow machine


@pytest.fixture
def couple_accounts(transactional_db: None) -> tuple[Any, Any]:
    """alice and ben: verified accounts, not yet linked."""
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User

    people = []
    for email, name in (("alice@example.org", "Alice"), ("ben@example.org", "Ben")):
        user = User.objects.create_user(
            email, PASSWORD, display_name=name, time_zone="Europe/London"
        )
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    return people[0], people[1]


@pytest.fixture
def warm_server(live_server: Any) -> None:
    """Serve one page before the phones open theirs.

    The first request imports every view (pandas and scipy come with the insights pages),
    which on a busy machine takes longer than the browser's 10 s patience for one page.
    The live server runs in this process, so one request through Django's test client
    warms it too.
    """
    from django.test import Client

    assert Client().get("/accounts/login/").status_code == 200


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


def test_a_couple_links_shares_checks_in_together_and_unlinks(
    open_page: Callable[..., Any], couple_accounts: tuple[Any, Any], warm_server: None
) -> None:
    from playwright.sync_api import expect

    from alongside.accounts.models import AccessLogEntry
    from alongside.circle.models import Grant, Link
    from alongside.together.models import Session

    alice, ben = couple_accounts
    a = open_page(PHONE)  # alice's phone
    b = open_page(PHONE)  # ben's phone
    sign_in(a, alice.email)
    sign_in(b, ben.email)

    # alice invites ben: mood, needs and checking in together, but not her notes. Creating
    # an invitation asks for her password again.
    a.goto("/circle/")
    a.get_by_role("link", name="Invite someone to link").click()
    a.wait_for_url("**/circle/invite/")
    choose(a, "kind", "partner")
    for category in ("mood", "needs", "together"):
        choose(a, "scope", category)
    assert not a.locator('input[name="scope"][value="notes"]').is_checked()
    a.get_by_role("button", name="Create invitation").click()
    a.wait_for_url("**/accounts/reauthenticate/**")
    a.fill("input[name=password]", PASSWORD)
    a.locator("main form button[type=submit]").first.click()
    a.wait_for_url(re.compile(r"/circle/invitations/\d+/$"))
    code = a.get_by_test_id("invite-code").inner_text().strip()
    invite_url = a.get_by_test_id("invite-url").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert "/join/" in invite_url

    # ben opens the link and accepts, sharing his mood and checking in together.
    # Accepting asks for his password again too.
    b.goto(invite_url)
    assert "Alice would like to link with you" in _main(b)
    choose(b, "scope", "mood")
    choose(b, "scope", "together")
    b.get_by_role("button", name="Accept and link").click()
    b.wait_for_url("**/accounts/reauthenticate/**")
    b.fill("input[name=password]", PASSWORD)
    b.locator("main form button[type=submit]").first.click()
    b.wait_for_url(re.compile(r"/circle/links/\d+/$"))
    link = Link.objects.get()
    assert sorted(Grant.objects.get(owner=alice).categories) == ["mood", "needs", "together"]
    assert sorted(Grant.objects.get(owner=ben).categories) == ["mood", "together"]
    link_url = f"/circle/links/{link.pk}/"
    a.goto("/circle/")
    assert "Ben accepted your invitation. You are now linked." in _main(a)

    # alice checks in today with a note, and fills in yesterday, kept private.
    a.goto("/checkin/")
    choose(a, "mood", "7")
    choose(a, "need_security", "2")
    choose(a, "need_trust", "4")
    a.locator("summary", has_text="A note").click()
    a.fill("textarea[name=note]", NOTE)
    a.get_by_role("button", name="Save check-in").click()
    a.wait_for_url(re.compile(r"/checkins/\d+/$"))
    a.goto("/checkin/missed-day/")  # the day is yesterday unless she picks another
    yesterday = a.locator("input[name=day]").input_value()
    choose(a, "mood", "1")
    choose(a, "need_security", "1")
    a.locator("summary", has_text="A note").click()
    a.fill("textarea[name=note]", PRIVATE_NOTE)
    a.get_by_label("Keep this entry private").check()
    a.get_by_role("button", name="Save check-in").click()
    a.wait_for_url(re.compile(r"/checkins/\d+/$"))
    assert alice.checkins.filter(is_private=True, day=dt.date.fromisoformat(yesterday)).exists()

    # ben sees alice's mood and needs; not her note, and nothing of the private day.
    b.goto("/circle/")
    b.locator("ul.people").get_by_role("link", name=re.compile("Alice")).click()
    b.wait_for_url(f"**{link_url}")
    shared = _main(b)
    assert "Mood and feelings, Needs, Checking in together" in shared
    assert "Alice's mood" in shared and "Alice's needs" in shared
    days = b.get_by_test_id("shared-day")
    expect(days).to_have_count(1)
    assert "7 out of 10" in days.inner_text()
    assert "security (a bit)" in days.inner_text()
    html = b.content()
    for secret in (NOTE, PRIVATE_NOTE, yesterday, "1 out of 10", "security (not met)"):
        assert secret not in html, secret

    # Both open this week's "Checking in together".
    a.goto(link_url)
    a.get_by_role("link", name="Open this week").click()
    b.get_by_role("link", name="Open this week").click()
    week_url = f"/together/{link.pk}/"
    a.wait_for_url(f"**{week_url}")
    b.wait_for_url(f"**{week_url}")
    key = b.get_by_test_id("prompt").first.get_attribute("id")
    assert key and key.startswith("prompt-")
    ben_prompt, alice_prompt = b.locator(f"#{key}"), a.locator(f"#{key}")

    # ben answers first: alice sees nothing of it, not even after a reload.
    ben_prompt.locator("textarea").fill(BEN_ANSWER)
    ben_prompt.get_by_role("button", name="Save my answer").click()
    expect(ben_prompt.get_by_role("status")).to_contain_text("Your answer is saved.")
    a.reload()
    assert BEN_ANSWER not in a.content()
    expect(alice_prompt.get_by_test_id("their-answer")).to_have_count(0)

    # alice answers: she sees both at once, and ben's phone shows both without a reload.
    for page in (a, b):
        page.evaluate("window.__stillTheSamePage = true")
    alice_prompt.locator("textarea").fill(ALICE_ANSWER)
    alice_prompt.get_by_role("button", name="Save my answer").click()
    expect(alice_prompt.get_by_test_id("their-answer")).to_contain_text(BEN_ANSWER)
    expect(ben_prompt.get_by_test_id("their-answer")).to_contain_text(
        ALICE_ANSWER, timeout=POLL_TIMEOUT
    )
    for page in (a, b):
        assert page.evaluate("window.__stillTheSamePage === true"), "the page was reloaded"

    # An agreement made this week ...
    a.locator("#add-agreement summary").click()
    a.fill("textarea[name=agreement-text]", AGREEMENT)
    a.get_by_role("button", name="Add agreement").click()
    a.wait_for_url(f"**{week_url}#agreements")
    expect(a.locator("#agreements").get_by_test_id("agreement")).to_contain_text(AGREEMENT)

    # ... comes back on next week's agenda. Rather than wait a week, move this session
    # a week into the past (as if it had been started last Monday): the next visit then
    # finds no session for the current week, starts one, and builds its agenda with last
    # week's open agreements as follow-ups, exactly as it will when a real week passes.
    session = Session.objects.get(link=link)
    Session.objects.filter(pk=session.pk).update(
        week_start=session.week_start - dt.timedelta(days=7)
    )
    for page in (a, b):
        page.goto(week_url)
        follow_ups = page.locator("#agenda .follow-ups")
        expect(follow_ups).to_contain_text("Following up")
        expect(follow_ups).to_contain_text(AGREEMENT)
        expect(page.locator("#agreements").get_by_test_id("agreement")).to_have_count(0)
    assert Session.objects.filter(link=link).count() == 2

    # alice's access log lists ben's views of her data, with times.
    a.goto("/settings/access-log/")
    visits = a.get_by_test_id("visit")
    texts = [visits.nth(i).inner_text() for i in range(visits.count())]
    by_ben = " ".join(t for t in texts if t.startswith("Ben looked at"))
    for phrase in ("your mood and feelings", "your needs", "checking in together"):
        assert phrase in by_ben, (phrase, texts)
    # One visit, however many pages ben opened, with the times it spanned.
    assert re.search(r"Ben looked at .*, \d+ times between \d{2}:\d{2} and \d{2}:\d{2}", by_ben)
    assert AccessLogEntry.objects.filter(owner=alice, viewer=ben).exists()

    # ben ends the link; at once neither sees anything of the other.
    b.goto(link_url)
    b.get_by_role("link", name="End this link").click()
    b.wait_for_url(f"**{link_url}unlink/")
    b.get_by_role("button", name="End the link").click()
    b.wait_for_url("**/circle/")
    assert "You are no longer linked." in _main(b)
    gone = [link_url, f"{link_url}sharing/", week_url, f"/together/sessions/{session.pk}/"]
    for page in (a, b):
        for url in gone:
            response = page.goto(url)
            assert response is not None and response.status == 404, (url, response)
            for secret in (NOTE, BEN_ANSWER, ALICE_ANSWER, AGREEMENT, "7 out of 10"):
                assert secret not in page.content()
        page.goto("/circle/")
        # Each keeps the other's name in their own circle (their own support history
        # points at it), but as a plain name: no link, nothing shared.
        assert page.locator('a[href^="/circle/links/"]').count() == 0
        assert "linked" not in page.locator("ul.people").inner_text()
    # That is all alice is told: no name, no reason.
    expect(a.get_by_role("list", name="News").locator("li")).to_have_text(
        ["A connection in your circle has ended."]
    )
    assert not Grant.objects.active().exists()
