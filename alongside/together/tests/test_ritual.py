"""The time together: chosen by the couple, either may change it, the other is told."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alongside.circle.models import Link, Notice
from alongside.together.models import Ritual
from alongside.together.tests.helpers import week_url


def test_either_partner_sets_the_time_and_the_other_is_told(
    couple: Link, alice: Any, ben: Any, alice_client: Any, ben_client: Any
) -> None:
    url = f"/together/{couple.pk}/time/"
    assert alice_client.post(url, {"weekday": "6", "at": "19:30"}).status_code == 302
    assert ben_client.post(url, {"weekday": "2", "at": "20:00"}).status_code == 302
    ritual = Ritual.objects.get(link=couple)
    assert (ritual.weekday, ritual.at, ritual.chosen_by) == (2, dt.time(20, 0), ben)
    told = Notice.objects.filter(recipient=alice).values_list("text", flat=True)
    assert any("Ben set your time together to Wednesday at 20:00" in t for t in told)
    # Monday 13 April 2026 at 15:00 in London: the next Wednesday is the 15th.
    assert "Wednesday 15 April, 20:00" in alice_client.get(week_url(couple)).content.decode()


def test_a_bad_time_gets_a_message(couple: Link, alice_client: Any) -> None:
    url = f"/together/{couple.pk}/time/"
    page = alice_client.post(url, {"weekday": "9", "at": "half past"}).content.decode()
    assert "Pick a day." in page
    assert "Enter a time like 19:30." in page
    assert not Ritual.objects.filter(chosen_at__isnull=False).exists()


def test_before_a_time_is_chosen_the_page_invites_them_to_choose(
    couple: Link, alice_client: Any
) -> None:
    assert (
        "Pick a day and time that suits you both."
        in alice_client.get(week_url(couple)).content.decode()
    )


def test_the_partner_is_told_the_time_in_their_own_zone_and_never_the_others(
    couple: Link, alice: Any, ben: Any, ben_client: Any
) -> None:
    # ben lives in Indiana; alice's notice must not carry his time zone, nor any other.
    ben.time_zone = "America/Indiana/Knox"
    ben.save()
    ben_client.post(f"/together/{couple.pk}/time/", {"weekday": "2", "at": "14:00"})
    told = list(Notice.objects.filter(recipient=alice).values_list("text", flat=True))
    # 14:00 in Knox (CDT, UTC-5) on a Wednesday is 20:00 in London (BST).
    assert "Ben set your time together to Wednesday at 20:00, your time." in told
    for text in told:
        assert "Indiana" not in text and "Knox" not in text and "America" not in text
