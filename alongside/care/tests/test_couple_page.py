"""The couple page: two partners side by side, only when both are the therapist's clients,
are partners, and both chose it; each shows only what they share with the therapist."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.care.tests.pages_data import checkin, finished_take
from alongside.together.models import Agreement, Session
from conftest import link_people, link_therapist, make_therapist


def _couple(alice: Any, ben: Any, dana: Any, alice_shares: list[str], ben_shares: list[str]) -> Any:
    link = link_people(alice, ben, inviter_shares=["mood"], invitee_shares=["mood"])
    care = link_therapist(alice, dana, shares=alice_shares, couple_view=True)
    link_therapist(ben, dana, shares=ben_shares, couple_view=True)
    return care, link


def test_the_page_exists_only_for_partners_who_both_chose_it(
    alice: Any, ben: Any, dana: Any, eve: Any, dana_client: Client, ben_client: Client
) -> None:
    link_people(alice, ben)
    care = link_therapist(alice, dana, shares=["mood"], couple_view=True)
    url = f"/care/couples/{care.pk}/"
    assert dana_client.get(url).status_code == 404  # ben isn't dana's client
    ben_care = link_therapist(ben, dana, shares=["mood"], couple_view=False)
    assert dana_client.get(url).status_code == 404  # ben didn't choose it
    ben_care.couple_view = True
    ben_care.save()
    assert dana_client.get(url).status_code == 200
    assert dana_client.get(f"/care/couples/{ben_care.pk}/").status_code == 200
    assert ben_client.get(url).status_code == 404
    make_therapist(eve)
    eve_client = Client()
    eve_client.force_login(eve)
    assert eve_client.get(url).status_code == 404


def test_friends_are_not_a_couple(alice: Any, ben: Any, dana: Any, dana_client: Client) -> None:
    link_people(alice, ben, kind="friend")
    care = link_therapist(alice, dana, shares=["mood"], couple_view=True)
    link_therapist(ben, dana, shares=["mood"], couple_view=True)
    assert dana_client.get(f"/care/couples/{care.pk}/").status_code == 404


def test_both_moods_on_one_axis_from_the_days_each_shares(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, ["mood", "needs"], ["mood"])
    for days_ago in range(20):
        checkin(alice, days_ago, 6, need_trust=4)
        checkin(ben, days_ago, 4, need_trust=1)
    checkin(alice, 25, 0, is_private=True)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    mood = page[page.index('data-testid="couple-mood"') :].split("</section>")[0]
    assert mood.count("<svg") == 1
    assert 'class="series s0"' in mood and 'class="series s1"' in mood
    assert "<title" in mood and "<desc" in mood
    assert "Alice&#x27;s mood averaged 6.0 out of 10 (from 6 to 6)" in mood
    assert "Ben&#x27;s mood averaged 4.0 out of 10" in mood
    # Needs: only Alice shares them, so only Alice is drawn, and Ben isn't named there.
    needs = page[page.index('data-testid="couple-needs"') :].split("</section>")[0]
    assert "Alice" in needs and "Ben" not in needs
    assert 'class="series s0"' in needs and 'class="series s1"' not in needs
    assert set(AccessLogEntry.objects.filter(viewer=dana).values_list("owner", flat=True)) == {
        alice.pk,
        ben.pk,
    }


def test_the_same_day_link_waits_for_enough_shared_days(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, ["mood"], ["mood"])
    for days_ago in range(10):
        checkin(alice, days_ago, 3 + days_ago % 5)
        checkin(ben, days_ago, 3 + days_ago % 5)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    assert "Not enough days yet when both shared their mood" in page
    assert "(10 of 14)" in page
    for days_ago in range(10, 30):
        checkin(alice, days_ago, 3 + days_ago % 5)
        checkin(ben, days_ago, 3 + (days_ago + 1) % 5 if days_ago % 3 else 3 + days_ago % 5)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    section = page[page.index('data-testid="same-day"') :].split("</section>")[0]
    assert "r = " in section and "over 30 days both shared" in section
    assert "pseudo couples" in section


def test_no_same_day_link_unless_both_share_their_mood(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, ["mood"], ["needs"])
    for days_ago in range(20):
        checkin(alice, days_ago, 5, need_trust=3)
        checkin(ben, days_ago, 5, need_trust=3)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    assert 'data-testid="same-day"' not in page
    mood = page[page.index('data-testid="couple-mood"') :].split("</section>")[0]
    assert "Ben" not in mood


def test_questionnaires_over_time_on_one_axis_when_both_share(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, ["assessments"], ["assessments"])
    finished_take(alice, "csi-4", {"satisfaction": 16.0}, days_ago=40)
    finished_take(alice, "csi-4", {"satisfaction": 9.0}, days_ago=2)
    finished_take(ben, "csi-4", {"satisfaction": 14.0}, days_ago=39)
    finished_take(ben, "csi-4", {"satisfaction": 15.0}, days_ago=3)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    section = page[page.index('data-testid="couple-assessments"') :].split("</section>")[0]
    assert section.count("<svg") == 1
    assert 'class="series s0"' in section and 'class="series s1"' in section
    assert "Alice: from 16 the first time to 9 the latest" in section
    assert "Ben: from 14 the first time to 15 the latest" in section


def test_a_partner_who_shares_no_results_has_no_line(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, ["assessments"], ["mood"])
    finished_take(alice, "csi-4", {"satisfaction": 16.0}, days_ago=40)
    finished_take(ben, "csi-4", {"satisfaction": 14.0}, days_ago=39)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    section = page[page.index('data-testid="couple-assessments"') :].split("</section>")[0]
    assert "Alice" in section and "Ben" not in section
    assert 'class="series s1"' not in section


def test_agreements_are_read_from_the_partner_who_took_each_on(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, link = _couple(alice, ben, dana, ["together"], ["mood"])
    today = alice.local_today()
    session = Session.for_week(link, today - dt.timedelta(days=today.weekday()))
    Agreement.objects.create(session=session, text="A walk on Sunday", owner=alice, created_by=ben)
    Agreement.objects.create(session=session, text="BEN-AGREEMENT-2f9", owner=ben, created_by=ben)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    section = page[page.index('data-testid="couple-agreements"') :].split("</section>")[0]
    assert "A walk on Sunday" in section and "Alice takes it on" in section
    assert "BEN-AGREEMENT-2f9" not in page


def test_nothing_shared_side_by_side_says_so_plainly(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    care, _link = _couple(alice, ben, dana, [], [])
    checkin(alice, 1, 5)
    page = dana_client.get(f"/care/couples/{care.pk}/").content.decode()
    assert "Nothing to show side by side yet." in page
    assert '<svg class="chart' not in page
