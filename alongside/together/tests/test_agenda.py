"""The agenda: needs that ran low (only when shared, never private days), items, follow-ups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import time_machine

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.together.models import Agreement
from alongside.together.tests.helpers import TODAY, this_week, week_url


def checkin(owner: Any, days_ago: int, *, private: bool = False, **needs: int) -> CheckIn:
    return CheckIn.objects.create(
        owner=owner,
        day=TODAY - dt.timedelta(days=days_ago),
        mood=5,
        is_private=private,
        note="Only for me.",
        **{f"need_{key}": value for key, value in needs.items()},
    )


def add_agreement(client: Any, link: Link, owner: Any, text: str) -> Any:
    return client.post(
        f"/together/sessions/{this_week(link).pk}/agreements/",
        {"agreement-text": text, "agreement-owner": owner.pk, "agreement-due": ""},
    )


def test_an_agreement_made_this_week_is_on_next_weeks_agenda(
    couple: Link,
    alice_client: Any,
    ben_client: Any,
    ben: Any,
    clock: time_machine.Traveller,
) -> None:
    assert (
        add_agreement(alice_client, couple, ben, "Book the dentist for both of us").status_code
        == 302
    )
    clock.shift(dt.timedelta(days=7))
    for client in (alice_client, ben_client):
        page = client.get(week_url(couple)).content.decode()
        assert "Following up" in page
        assert "Book the dentist for both of us" in page

    # Ben, who took it on, marks it done: it stays this week (ticked), then it is gone.
    agreement = Agreement.objects.get()
    assert (
        ben_client.post(f"/together/agreements/{agreement.pk}/done/", {"done": "1"}).status_code
        == 302
    )
    assert "Book the dentist for both of us" in alice_client.get(week_url(couple)).content.decode()
    clock.shift(dt.timedelta(days=7))
    assert "Book the dentist" not in alice_client.get(week_url(couple)).content.decode()


def test_an_open_agreement_keeps_coming_back_until_done(
    couple: Link, alice_client: Any, alice: Any, clock: time_machine.Traveller
) -> None:
    add_agreement(alice_client, couple, alice, "Call my sister back")
    for _week in range(3):
        clock.shift(dt.timedelta(days=7))
        alice_client.force_login(alice)  # a signed-in session lasts two weeks
        assert "Call my sister back" in alice_client.get(week_url(couple)).content.decode()


def test_needs_that_ran_low_appear_for_both(
    couple: Link, alice_client: Any, ben_client: Any, ben: Any
) -> None:
    checkin(ben, 1, trust=2, security=5)
    checkin(ben, 3, trust=1, security=4)
    checkin(ben, 4, trust=4, security=4)
    for client in (alice_client, ben_client):
        page = client.get(week_url(couple)).content.decode()
        assert "Trust ran low on 2 days" in page
        assert "Security ran low" not in page


def test_needs_appear_only_when_their_owner_shares_them(
    link_couple: Callable[..., Link], alice: Any, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    link = link_couple(alice_shares=["together"], ben_shares=["together", "needs"])
    checkin(alice, 1, nurturance=1)
    checkin(ben, 1, guidance=1)
    for client in (alice_client, ben_client):
        page = client.get(week_url(link)).content.decode()
        assert "Guidance ran low on 1 day" in page  # ben shares needs
        assert "Nurturance" not in page  # alice does not, not even on her own page


def test_private_check_ins_never_count(
    couple: Link, alice_client: Any, ben_client: Any, ben: Any
) -> None:
    checkin(ben, 1, private=True, trust=1, reliability=1)
    checkin(ben, 2, private=True, trust=1)
    checkin(ben, 3, trust=4)
    for client in (alice_client, ben_client):
        page = client.get(week_url(couple)).content.decode()
        assert "ran low" not in page
        assert "Only for me." not in page


def test_only_the_past_seven_days_count(couple: Link, alice_client: Any, ben: Any) -> None:
    checkin(ben, 7, trust=1)
    checkin(ben, 6, predictability=1)
    page = alice_client.get(week_url(couple)).content.decode()
    assert "Trust ran low" not in page
    assert "Predictability ran low on 1 day" in page


def test_reading_the_partners_needs_lands_in_their_access_log(
    couple: Link, alice: Any, ben: Any, alice_client: Any
) -> None:
    checkin(ben, 1, trust=1)
    alice_client.get(week_url(couple))
    entry = AccessLogEntry.objects.get(owner=ben, viewer=alice)
    assert "needs" in entry.categories
    assert "weekly check-in agenda" in entry.details
    # Ben reading his own needs is not logged.
    assert not AccessLogEntry.objects.filter(owner=ben, viewer=ben).exists()


def test_nothing_is_read_or_logged_when_needs_are_not_shared(
    link_couple: Callable[..., Link], alice: Any, ben: Any, alice_client: Any
) -> None:
    link = link_couple(alice_shares=["together", "needs"], ben_shares=["together"])
    checkin(ben, 1, trust=1)
    alice_client.get(week_url(link))
    assert not any("needs" in e.categories for e in AccessLogEntry.objects.filter(owner=ben))


def test_items_from_both_partners_are_on_the_agenda(
    couple: Link, alice_client: Any, ben_client: Any
) -> None:
    session = this_week(couple)
    url = f"/together/sessions/{session.pk}/items/"
    alice_client.post(
        url, {"item-kind": "decision", "item-text": "Whether to take the job in Leeds"}
    )
    ben_client.post(url, {"item-kind": "appreciation", "item-text": "Thank you for the soup"})
    ben_client.post(url, {"item-kind": "for_myself", "item-text": "A long run by the river"})
    page = alice_client.get(week_url(couple)).content.decode()
    for text in (
        "Whether to take the job in Leeds",
        "Thank you for the soup",
        "A long run by the river",
    ):
        assert text in page
    for heading in ("A decision coming up", "An appreciation", "Something I did for myself"):
        assert heading in page


def test_seeing_the_partners_part_of_the_week_is_logged_once_per_page(
    couple: Link, alice: Any, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    session = this_week(couple)
    url = f"/together/sessions/{session.pk}/prompts/{session.prompts()[0].key}/"
    alice_client.post(url, {"text": "mine"})
    ben_client.post(url, {"text": "his"})
    AccessLogEntry.objects.all().delete()
    alice_client.get(week_url(couple))
    entries = AccessLogEntry.objects.filter(owner=ben, viewer=alice)
    assert entries.count() == 1
    assert "together" in entries.get().categories
    assert "checking in together" in entries.get().details
