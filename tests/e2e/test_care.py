"""A therapist and a couple, in three browsers: linking, the couple page, narrowing, and a
questionnaire asked for, answered and read with reliable change.

dana (a therapist, at her desk) invites alice and ben (partners, each on a phone) through
the real invitation pages; each chooses what they share with her. Her couple page
exists only once both chose to be seen beside each other. When alice stops sharing her
notes, dana's next page has none of them, and she is told neutrally that something
changed. dana asks alice for the CSI-4; alice finds it on her home page, answers it, and
dana reads the score against alice's first one, with a reliable-change verdict.

The CSI-4 wording here is invented ("Made-up question 1") and the reliable-change
figures are TEST FIGURES ONLY (``care/tests/assign_helpers``): a change of more than
2.63 points on the 0-21 satisfaction score counts as reliable.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.helpers import DESKTOP, PASSWORD, PHONE, choose, sign_in

pytestmark = pytest.mark.browser

NOTE = "Slept badly; the argument about the holidays is still with me."
BEN_NOTE = "Ben's own words, which he does not share with anyone."
COUPLE_VIEW = "Let them see me beside my partner"
CHANGED = "What Alice shares with you has changed."
# CSI-4 answers (item 1 from 0 to 6, items 2-4 from 0 to 5) and the sums they give.
CSI_12 = {"q1": 3, "q2": 3, "q3": 3, "q4": 3}
CSI_18 = {"q1": 6, "q2": 4, "q3": 4, "q4": 4}
INVITATION = re.compile(r"/circle/invitations/\d+/$")
MY_THERAPIST = re.compile(r"/care/my-therapists/\d+/$")


@pytest.fixture
def people(transactional_db: None) -> tuple[Any, Any, Any]:
    """alice and ben, partner-linked sharing nothing with each other; dana, a stranger to
    both, who will be their therapist. alice answered the CSI-4 three weeks ago."""
    import time_machine
    from allauth.account.models import EmailAddress

    from alongside.accounts.models import User
    from alongside.care.tests.assign_helpers import (
        answer_by_hand,
        install_csi4,
        install_test_figures,
    )
    from alongside.circle.models import Invitation
    from alongside.circle.services import invitation_accept
    from alongside.reminders.models import ReminderSchedule

    people = []
    for email, name, zone in (
        ("alice@example.org", "Alice", "Europe/London"),
        ("ben@example.org", "Ben", "Europe/London"),
        ("dana@example.org", "Dana", "America/Toronto"),
    ):
        user = User.objects.create_user(email, PASSWORD, display_name=name, time_zone=zone)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        people.append(user)
    alice, ben, dana = people
    invitation_accept(
        invitation=Invitation.objects.create(inviter=alice, kind="partner", scope=[]),
        user=ben,
        scope=[],
    )
    # What a deployment installs: the questionnaire's wording, and (here) test figures.
    install_csi4()
    install_test_figures()
    # A questionnaire asked for opens at the client's reminder time on its first day
    # (09:00 without one). Midnight: open whenever today the test runs. No e-mails.
    ReminderSchedule.objects.create(owner=alice, enabled=False, at=dt.time(0, 0))
    with time_machine.travel(dt.datetime.now(dt.UTC) - dt.timedelta(weeks=3), tick=False):
        answer_by_hand(alice, CSI_12)  # the baseline
    return alice, ben, dana


@pytest.fixture
def warm_server(live_server: Any) -> None:
    """Serve one page before the browsers open theirs (see test_couple.warm_server)."""
    from django.test import Client

    assert Client().get("/accounts/login/").status_code == 200


def _main(page: Any) -> str:
    return str(page.inner_text("main"))


def _submit(page: Any, button: Any, then: re.Pattern[str]) -> bool:
    """Press ``button`` for a step that may ask for the password again (allauth asks at
    most once every few minutes in a session): give it if asked, and end on ``then``.
    Returns whether it was asked. Waits for the navigation itself, since ``then`` may be
    the page the button is on."""
    with page.expect_navigation():
        button.click()
    asked = "/accounts/reauthenticate/" in page.url
    if asked:
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        page.wait_for_url(then)
    assert then.search(page.url), page.url
    return asked


def _invite_a_client(d: Any) -> tuple[str, str, bool]:
    """dana: Clients → Invite a client → Create invitation. The code, the link, and
    whether the password was asked for."""
    d.get_by_role("navigation", name="Main").get_by_role("link", name="Clients").click()
    d.wait_for_url("**/care/")
    d.get_by_role("link", name="Invite a client").click()
    d.wait_for_url("**/care/invite/")
    asked = _submit(d, d.get_by_role("button", name="Create invitation"), INVITATION)
    code = d.get_by_test_id("invite-code").inner_text().strip()
    url = d.get_by_test_id("invite-url").inner_text().strip()
    return code, url, asked


def _accept(page: Any, scope: list[str]) -> None:
    """On the accept page: tick ``scope``, accept, give the password (always asked)."""
    assert "Dana would like to link with you" in _main(page)
    assert "whose registration the people running this site have checked" in _main(page)
    for category in scope:
        choose(page, "scope", category)
    page.get_by_role("button", name="Accept and link").click()
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_url(MY_THERAPIST)


def _check_in(page: Any, mood: str, note: str) -> None:
    page.goto("/checkin/")
    choose(page, "mood", mood)
    choose(page, "need_security", "2")
    page.locator("summary", has_text="A note").click()
    page.fill("textarea[name=note]", note)
    page.get_by_role("button", name="Save check-in").click()
    page.wait_for_url(re.compile(r"/checkins/\d+/$"))


def _couple_view_on(page: Any, my_therapist_url: str) -> bool:
    """On their page about dana: tick "see me beside my partner" and save. Returns
    whether the password was asked for."""
    page.goto(my_therapist_url)
    page.get_by_label(COUPLE_VIEW).check()
    asked = _submit(page, page.locator('form[action$="/couple/"] button'), MY_THERAPIST)
    assert "only if your partner chooses this too" in _main(page)
    assert page.get_by_label(COUPLE_VIEW).is_checked()
    return asked


def _status(page: Any, url: str) -> int:
    response = page.goto(url)
    assert response is not None
    return int(response.status)


def test_a_therapist_links_a_couple_sees_what_each_shares_and_reads_reliable_change(
    open_page: Callable[..., Any],
    people: tuple[Any, Any, Any],
    warm_server: None,
    axe_check: Callable[[Any, str], None],
) -> None:
    from django.core.management import call_command
    from playwright.sync_api import expect

    from alongside.assessments.models import Take
    from alongside.care.models import DONE, CareLink, Due
    from alongside.circle.models import Grant

    alice, ben, dana = people
    d = open_page(DESKTOP)  # dana, at her desk
    a = open_page(PHONE)  # alice's phone
    b = open_page(PHONE)  # ben's phone
    for page, person in ((d, dana), (a, alice), (b, ben)):
        sign_in(page, person.email)

    # dana sets up her therapist profile; a site administrator verifies it by command.
    d.goto("/care/become/")
    d.get_by_label("Profession").fill("Couple and family therapist")
    d.get_by_label("Licence or registration").fill("Test Board of Psychology 0001")
    d.get_by_role("button", name="Save").click()
    d.wait_for_url("**/care/")
    assert "have not checked your registration yet" in _main(d)
    call_command("verify_therapist", dana.email, stdout=io.StringIO())
    d.reload()
    assert "have not checked your registration yet" not in _main(d)
    assert "No clients yet" in _main(d)

    # 1. dana invites each of them; alice opens the link, ben types the code. Each
    # chooses their own scope, and accepting asks each for their password again.
    _, alice_url, asked = _invite_a_client(d)
    assert asked, "creating an invitation asks for the password"
    ben_code, _, _ = _invite_a_client(d)
    a.goto(alice_url)
    _accept(a, ["mood", "notes", "assessments"])
    b.goto("/join/")
    b.get_by_label("Invitation code").fill(ben_code)
    b.get_by_role("button", name="Continue").click()
    b.wait_for_url("**/join/*/")
    _accept(b, ["mood", "needs"])
    alice_care = CareLink.objects.get(therapist=dana, client=alice)
    ben_care = CareLink.objects.get(therapist=dana, client=ben)
    assert Grant.objects.get(owner=alice, grantee=dana).categories == [
        "mood",
        "notes",
        "assessments",
    ]
    assert Grant.objects.get(owner=ben, grantee=dana).categories == ["mood", "needs"]
    assert not Grant.objects.get(owner=dana, grantee=alice).categories  # dana shares nothing
    alice_page = a.url  # alice's page about dana
    ben_page = b.url
    axe_check(a, "alice's page about her therapist")

    # Both check in today, each with a note.
    _check_in(a, "7", NOTE)
    _check_in(b, "5", BEN_NOTE)

    # 2. No couple page yet: neither chose it.
    client_url = f"/care/clients/{alice_care.pk}/"
    couple_urls = [f"/care/couples/{alice_care.pk}/", f"/care/couples/{ben_care.pk}/"]

    def no_couple_page_yet() -> None:
        d.goto("/care/")
        expect(d.get_by_test_id("caseload-client")).to_have_count(2)
        expect(d.get_by_test_id("caseload-couple")).to_have_count(0)
        assert d.get_by_role("heading", name="Couples").count() == 0
        for url in (client_url, f"/care/clients/{ben_care.pk}/"):
            d.goto(url)
            expect(d.get_by_test_id("couple-link")).to_have_count(0)
        for url in couple_urls:
            assert _status(d, url) == 404, url

    no_couple_page_yet()
    d.goto("/care/")
    axe_check(d, "dana's caseload")

    # alice chooses it: still nothing, because ben has not.
    _couple_view_on(a, alice_page)
    no_couple_page_yet()

    # ben chooses it too, from his laptop (a session that never gave his password):
    # seeing more of him asks for it.
    b2 = open_page(DESKTOP)
    sign_in(b2, ben.email)
    assert _couple_view_on(b2, ben_page), "turning the couple view on asks for the password"

    d.goto("/care/")
    couple = d.get_by_test_id("caseload-couple")
    expect(couple).to_have_count(1)
    couple.get_by_role("link", name="Alice and Ben").click()
    d.wait_for_url(f"**{couple_urls[0]}")
    expect(d.get_by_role("heading", level=1)).to_have_text("Alice and Ben")
    expect(d.get_by_test_id("couple-mood")).to_be_visible()  # both share their mood
    # Each shows only what they share with dana: nobody's notes on a side-by-side page.
    for secret in (NOTE, BEN_NOTE):
        assert secret not in d.content()
    axe_check(d, "dana's couple page")
    assert _status(d, couple_urls[1]) == 200
    d.goto(client_url)
    expect(d.get_by_test_id("couple-link")).to_have_text("Beside Ben")

    # 3. dana reads alice's note on her client page; ben's, which he keeps, never shows.
    assert (
        "Alice shares with you: Mood and feelings, Notes"
        in d.get_by_test_id("client-shares").inner_text()
    )
    day = d.get_by_test_id("shared-day")
    expect(day).to_have_count(1)
    expect(day).to_contain_text(NOTE)
    expect(day).to_contain_text("7 out of 10")
    axe_check(d, "dana's page about alice")
    d.goto(f"/care/clients/{ben_care.pk}/")
    expect(d.get_by_test_id("shared-day")).to_contain_text("5 out of 10")
    assert BEN_NOTE not in d.content()
    d.goto("/circle/")  # reads the notices so far (acceptances, the couple view)

    # alice stops sharing her notes: her page about dana → Change what I share.
    a.goto(alice_page)
    a.get_by_role("link", name="Change what I share").click()
    a.wait_for_url(f"**/circle/links/{alice_care.link_id}/sharing/")
    # Unlike a partner, a therapist is told (neutrally) when she shares less; the page
    # says so before she saves.
    assert "If you share less, Dana is told only that what you share has changed" in _main(a)
    a.locator('label:has(input[name="scope"][value="notes"])').click()
    assert not a.locator('input[name="scope"][value="notes"]').is_checked()
    for kept in ("mood", "assessments"):
        assert a.locator(f'input[name="scope"][value="{kept}"]').is_checked()
    _submit(
        a,
        a.get_by_role("button", name="Save"),
        re.compile(rf"/circle/links/{alice_care.link_id}/$"),
    )
    assert "Dana is told that what you share has changed, not what." in _main(a)
    assert Grant.objects.get(owner=alice, grantee=dana).categories == ["mood", "assessments"]

    # dana's next request: the note is gone, the mood stays.
    d.goto(client_url)
    assert NOTE not in d.content()
    day = d.get_by_test_id("shared-day")
    expect(day).to_contain_text("7 out of 10")
    shares = d.get_by_test_id("client-shares").inner_text()
    assert "Mood and feelings" in shares and "Notes" not in shares
    # She is told that something changed, never what.
    d.goto("/circle/")
    expect(d.get_by_role("list", name="News").locator("li")).to_have_text([CHANGED])

    # 4. dana asks alice for the CSI-4, once, from today in alice's calendar.
    d.goto(client_url)
    d.get_by_test_id("assign").click()
    d.wait_for_url(f"**/care/clients/{alice_care.pk}/assign/")
    assert d.locator("input[name=first_due_on]").input_value() == alice.local_today().isoformat()
    d.select_option("select[name=instrument]", "csi-4")
    assign_url = re.compile(rf"/care/clients/{alice_care.pk}/assign/$")
    assert not _submit(d, d.get_by_role("button", name="Ask", exact=True), assign_url)
    assert "Alice will find it on their home page on the day it opens" in _main(d)
    expect(d.get_by_test_id("assignments")).to_contain_text("open until the end of")

    # alice finds it on her home page and answers it now.
    a.goto("/")
    asked_of_me = a.get_by_test_id("asked-of-me")
    expect(asked_of_me).to_contain_text("Dana asked you to answer CSI-4")
    asked_of_me.get_by_role("button", name="Answer now").click()
    a.wait_for_url(re.compile(r"/questionnaires/answers/\d+/$"))
    for item, value in CSI_18.items():
        choose(a, f"answer-{item}", str(value))
    a.get_by_role("button", name="See my results").click()
    a.wait_for_url("**/result/")
    (due,) = Due.objects.filter(assignment__care_link=alice_care)
    assert due.status == DONE
    assert due.take == Take.objects.complete().filter(owner=alice).latest("completed_at")
    a.goto("/")
    expect(a.get_by_test_id("asked-of-me")).to_have_count(0)

    # dana sees the score against the first one, and a verdict in plain words:
    # 12 → 18 is 6 points up, beyond the 2.63 of the (test) figures.
    d.goto(client_url)
    table = d.get_by_test_id("assessment-table")
    expect(table).to_contain_text("CSI-4")
    expect(table).to_contain_text("2 times in all")
    change = table.get_by_test_id("change")
    expect(change).to_have_count(1)
    expect(change).to_contain_text("Relationship satisfaction")
    expect(change).to_contain_text("first 12 → latest 18")
    expect(change.locator(".verdict")).to_have_text("more comfortable, beyond chance")
    expect(change).to_contain_text(
        "Moved in the more comfortable direction by more than chance alone would explain."
    )
    d.goto(f"/care/clients/{alice_care.pk}/assign/")
    expect(d.get_by_test_id("assignments")).to_contain_text("answered")
