"""What a linked person sees of someone's check-ins (the check-in part of the person
page), sharing changes as they reach that page, unlinking, the access log those reads
write, and the circle picture drawn from one's own check-ins.

Moved here from the circle's tests: the circle itself knows no feature app.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle import access
from alongside.circle.models import Grant, Link, Notice, Person
from alongside.together.models import Session

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)  # Monday, 15:00 in London
TODAY = dt.date(2026, 4, 13)
ENDED = "A connection in your circle has ended."


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def couple(link_couple: Callable[..., Link]) -> Link:
    """Both share mood and "checking in together"; alice also shares needs. No notes."""
    return link_couple(["mood", "needs", "together"], ["mood", "together"])


def text(response: Any) -> str:
    return str(response.content.decode())


def new_notices(user: Any, since: int) -> list[str]:
    return list(
        Notice.objects.filter(recipient=user, pk__gt=since)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def last_notice_id() -> int:
    last = Notice.objects.order_by("-pk").first()
    return last.pk if last else 0


def test_an_expired_grant_stops_access_on_the_very_next_request(
    couple: Link,
    alice: Any,
    ben_client: Client,
    reauthed: Callable[..., Client],
    clock: time_machine.Traveller,
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7)
    client = reauthed(alice)
    client.post(f"/circle/links/{couple.pk}/sharing/", {"scope": ["mood"], "until": "2026-04-13"})
    page = text(ben_client.get(f"/circle/links/{couple.pk}/"))
    assert "7 out of 10" in page
    clock.move_to(dt.datetime(2026, 4, 13, 22, 59, 59, tzinfo=dt.UTC))  # 23:59:59 in London
    assert "7 out of 10" in text(ben_client.get(f"/circle/links/{couple.pk}/"))
    clock.move_to(dt.datetime(2026, 4, 13, 23, 0, 0, tzinfo=dt.UTC))  # midnight in London
    page = text(ben_client.get(f"/circle/links/{couple.pk}/"))
    assert "7 out of 10" not in page
    assert 'data-testid="shared-day"' not in page
    assert access.shared_categories(alice, couple.user_b) == frozenset()


def test_a_revoked_category_stops_access_on_the_very_next_request(
    couple: Link, alice: Any, ben_client: Client, reauthed: Callable[..., Client]
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, need_trust=2)
    assert "7 out of 10" in text(ben_client.get(f"/circle/links/{couple.pk}/"))
    reauthed(alice).post(f"/circle/links/{couple.pk}/sharing/", {"scope": ["needs"]})
    page = text(ben_client.get(f"/circle/links/{couple.pk}/"))
    assert "7 out of 10" not in page
    assert "trust (a bit)" in page


def test_a_grant_that_runs_out_mid_minute_stops_access_at_once(
    couple: Link, alice: Any, ben: Any, clock: time_machine.Traveller
) -> None:
    Grant.objects.filter(owner=alice).update(expires_at=NOW + dt.timedelta(seconds=30))
    assert access.visible(alice, ben, "mood")
    clock.shift(dt.timedelta(seconds=30))
    assert not access.visible(alice, ben, "mood")
    reading = access.read(ben, CheckIn.objects.all(), "mood", owner=alice, detail="test")
    assert reading.rows == [] and reading.categories == frozenset()


@pytest.mark.parametrize("who", ["alice", "ben"])
def test_unlinking_from_either_side_ends_everything_both_ways(
    couple: Link, alice: Any, ben: Any, who: str
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, note="alice's note")
    CheckIn.objects.create(owner=ben, day=TODAY, mood=4, note="ben's note")
    Session.objects.create(link=couple, week_start=TODAY)
    clients = {"alice": Client(), "ben": Client()}
    clients["alice"].force_login(alice)
    clients["ben"].force_login(ben)
    leaver, other = (alice, ben) if who == "alice" else (ben, alice)
    other_name = "ben" if who == "alice" else "alice"
    before = last_notice_id()

    assert clients[who].get(f"/circle/links/{couple.pk}/unlink/").status_code == 200
    assert Link.objects.filter(pk=couple.pk).exists()  # asking is not ending
    response = clients[who].post(f"/circle/links/{couple.pk}/unlink/")
    assert response.status_code == 302

    assert not Link.objects.exists()
    assert not Grant.objects.active().exists()
    for one, two in ((alice, ben), (ben, alice)):
        assert access.shared_categories(one, two) == frozenset()
    # The weeks stay, without the link: each keeps their own part (together tests).
    assert not Session.objects.filter(link__isnull=False).exists()
    assert list(Person.objects.values_list("link", flat=True)) == [None, None]
    # The one who stayed is told only that a connection ended: no name, no reason.
    assert new_notices(other, before) == [ENDED]
    assert new_notices(leaver, before) == []
    assert ENDED in text(clients[other_name].get("/circle/"))
    for client in clients.values():
        assert client.get(f"/circle/links/{couple.pk}/").status_code == 404
        assert client.get(f"/circle/links/{couple.pk}/sharing/").status_code == 404
        assert client.get(f"/together/{couple.pk}/").status_code == 404
        circle = text(client.get("/circle/"))
        assert f"/circle/links/{couple.pk}/" not in circle


def _stable(page: str) -> str:
    """The page without what differs on every request (CSRF tokens, CSP nonces)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'nonce="[^"]*"', "", page)


def test_the_partner_view_shows_only_shared_categories(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    link = link_couple(["mood"], [])
    CheckIn.objects.create(
        owner=alice, day=TODAY, mood=7, calm=3, need_trust=2, note="Unshared note 41c"
    )
    page = text(ben_client.get(f"/circle/links/{link.pk}/"))
    assert "7 out of 10" in page
    assert "Alice's mood" in page
    assert "Unshared note 41c" not in page
    assert "trust (a bit)" not in page
    assert "Alice's needs" not in page


def test_the_partner_view_shows_needs_when_shared(
    couple: Link, alice: Any, ben_client: Client
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, need_trust=2, note="Unshared note 41c")
    page = text(ben_client.get(f"/circle/links/{couple.pk}/"))
    assert "7 out of 10" in page
    assert "trust (a bit)" in page
    assert "Alice's needs" in page
    assert "Unshared note 41c" not in page


def test_the_owners_today_shows_to_someone_whose_day_is_still_yesterday(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    """A check-in's day is its owner's: alice's Tuesday in Auckland is on ben's page
    while it is still Monday in London."""
    link = link_couple(["mood"], [])
    alice.time_zone = "Pacific/Auckland"
    alice.save(update_fields=["time_zone"])
    assert alice.local_today() == TODAY + dt.timedelta(days=1)
    CheckIn.objects.create(owner=alice, day=alice.local_today(), mood=7)
    page = text(ben_client.get(f"/circle/links/{link.pk}/"))
    assert "7 out of 10" in page
    assert "Tuesday 14 April" in page


def test_a_partner_with_nothing_shared_sees_no_days(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    link = link_couple([], ["mood"])
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7)
    page = text(ben_client.get(f"/circle/links/{link.pk}/"))
    assert 'data-testid="shared-day"' not in page
    assert "7 out of 10" not in page
    assert not AccessLogEntry.objects.exists()


def test_nothing_of_a_private_entry_reaches_the_partner(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    link = link_couple(["mood", "needs", "support", "notes"], [])
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, need_trust=4, note="A shared day")
    url = f"/circle/links/{link.pk}/"
    without = _stable(text(ben_client.get(url)))
    yesterday = TODAY - dt.timedelta(days=1)
    CheckIn.objects.create(
        owner=alice,
        day=yesterday,
        mood=1,
        need_trust=1,
        support_received_from="Private Sam",
        note="Private day note 9d",
        is_private=True,
    )
    with_private = _stable(text(ben_client.get(url)))
    # Not its date, its mood, its note, nor how many days there are: the page is the same.
    assert with_private == without
    assert "Private day note 9d" not in with_private
    assert "2026-04-12" not in with_private
    assert "12 Apr" not in with_private
    assert with_private.count('data-testid="shared-day"') == 1
    logged = AccessLogEntry.objects.filter(owner=alice)
    assert "Private" not in " ".join(d for e in logged for d in e.details)


def test_alices_access_log_lists_bens_views_with_the_category_and_time(
    couple: Link, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, need_trust=2)
    ben_client.get(f"/circle/links/{couple.pk}/")
    visit = AccessLogEntry.objects.get(owner=alice)
    assert (visit.viewer, visit.categories, visit.reads, visit.at) == (
        ben,
        ["mood", "needs"],
        1,
        NOW,
    )
    page = text(alice_client.get("/settings/access-log/"))
    assert "Ben looked at your mood and feelings and your needs at 15:00" in page
    assert "check-ins, last 30 days" in page
    assert "Monday 13 April 2026" in page
    # alice looking at ben's page reads only what ben shares (his mood) into his log;
    # ben's log is only his own business.
    alice_client.get(f"/circle/links/{couple.pk}/")
    assert [e.categories for e in AccessLogEntry.objects.filter(owner=ben)] == [["mood"]]
    assert "Ben" not in text(ben_client.get("/settings/access-log/"))


def test_a_strangers_requests_never_write_to_anyones_access_log(
    couple: Link, alice: Any, ben: Any, eve_client: Client, client: Client
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, need_trust=2)
    CheckIn.objects.create(owner=ben, day=TODAY, mood=5)
    session = Session.objects.create(link=couple, week_start=TODAY)
    urls = [
        f"/circle/links/{couple.pk}/",
        f"/circle/links/{couple.pk}/sharing/",
        f"/circle/links/{couple.pk}/unlink/",
        f"/together/{couple.pk}/",
        f"/together/{couple.pk}/history/",
        f"/together/sessions/{session.pk}/",
    ]
    for url in urls:
        assert eve_client.get(url).status_code == 404, url
        assert client.get(url).status_code == 302, url  # anonymous: to the sign-in page
    assert not AccessLogEntry.objects.exists()
    assert "Alice" not in text(eve_client.get("/settings/access-log/"))


def test_the_check_in_form_offers_ones_circle_for_support(
    alice: Any, eve: Any, alice_client: Client
) -> None:
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    mum = Person.objects.create(owner=alice, name="Mum", kind="family")
    stranger = Person.objects.create(owner=eve, name="Eves Friend", kind="friend")
    page = text(alice_client.get("/checkin/"))
    for field in ("received_from_people", "given_to_people"):
        for person in (sam, mum):
            assert re.search(rf'name="{field}" value="{person.pk}"', page), (field, person)
        assert f'name="{field}" value="{stranger.pk}"' not in page
    assert "Eves Friend" not in page
    response = alice_client.post(
        "/checkin/",
        {
            "day": TODAY.isoformat(),
            "mood": "6",
            "received_from_people": [sam.pk],
            "given_to_people": [mum.pk, sam.pk],
            "support_received_from": "a neighbour",
        },
    )
    assert response.status_code == 302
    checkin = CheckIn.objects.get(owner=alice)
    assert list(checkin.received_from_people.all()) == [sam]
    assert set(checkin.given_to_people.all()) == {sam, mum}
    assert checkin.support_received_from == "a neighbour"
    edited = alice_client.post(
        f"/checkins/{checkin.pk}/edit/",
        {"mood": "6", "received_from_people": [mum.pk], "given_to_people": []},
    )
    assert edited.status_code == 302
    assert list(checkin.received_from_people.all()) == [mum]
    assert not checkin.given_to_people.exists()


def test_someone_elses_person_is_refused_in_the_check_in(
    alice: Any, eve: Any, alice_client: Client
) -> None:
    Person.objects.create(owner=alice, name="Sam", kind="friend")
    stranger = Person.objects.create(owner=eve, name="Eves Friend", kind="friend")
    response = alice_client.post(
        "/checkin/",
        {"day": TODAY.isoformat(), "mood": "6", "received_from_people": [stranger.pk]},
    )
    assert response.status_code == 200
    assert 'class="choices row has-error"' in text(response)
    assert not CheckIn.objects.exists()


def test_the_circle_picture_counts_support_per_person_over_four_weeks(
    alice: Any, alice_client: Client
) -> None:
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    mum = Person.objects.create(owner=alice, name="Mum", kind="family")
    for days_ago, received, given in [
        (0, [sam], [mum]),
        (3, [sam, mum], []),
        (27, [sam], [sam]),
        (35, [sam, mum], [sam, mum]),  # older than four weeks: not counted
    ]:
        checkin = CheckIn.objects.create(
            owner=alice, day=TODAY - dt.timedelta(days=days_ago), mood=5
        )
        checkin.received_from_people.set(received)
        checkin.given_to_people.set(given)
    page = text(alice_client.get("/circle/"))
    svg = re.search(r"<svg.*?</svg>", page, re.S)
    assert svg, page
    assert "<title" in svg.group(0) and "<desc" in svg.group(0)
    assert "Sam: received 3, gave 1" in svg.group(0)
    assert "Mum: received 1, gave 1" in svg.group(0)
    assert "Over the last four weeks — Mum: received 1, gave 1; Sam: received 3, gave 1." in page


def test_the_circle_picture_reads_no_one_elses_check_ins(
    couple: Link, alice: Any, ben: Any, alice_client: Client
) -> None:
    alice_in_bens_circle = Person.objects.get(owner=ben)
    checkin = CheckIn.objects.create(owner=ben, day=TODAY, mood=5)
    checkin.given_to_people.set([alice_in_bens_circle])
    page = text(alice_client.get("/circle/"))
    assert "Ben: received 0, gave 0" in page
    assert not AccessLogEntry.objects.exists()
