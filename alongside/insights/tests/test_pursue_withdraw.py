"""The couple page's reaching-and-stepping-back section: demo-like days, new couples, privacy."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.test import Client

from alongside.accounts.demo import couple_wishes
from alongside.checkins.models import CheckIn
from conftest import link_people

TITLE = "Reaching and stepping back"


def _days(person: Any, wishes: list[str]) -> None:
    today = person.local_today()
    CheckIn.objects.bulk_create(
        CheckIn(
            owner=person,
            day=today - dt.timedelta(days=back),
            mood=5 + back % 3,
            need_trust=3,
            closeness_wish=wish,
        )
        for back, wish in enumerate(reversed(wishes), start=1)
    )


def _demo_like(alice: Any, ben: Any) -> None:
    wishes = couple_wishes(56, np.random.default_rng(22))
    _days(alice, [w[0] for w in wishes])
    _days(ben, [w[1] for w in wishes])


def test_demo_like_days_show_the_rhythm_with_its_definition(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = link_people(alice, ben, inviter_shares=["needs"], invitee_shares=["needs"])
    _demo_like(alice, ben)
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    section = body.split(TITLE, 1)[1].split("</section>", 1)[0]
    assert "Many couples have a rhythm of reaching and stepping back" in section
    assert "Today I wanted more closeness" in section  # the definition, on the page
    assert "It happened on" in section
    # Plain words first, the numbers behind a disclosure.
    assert section.index("It happened on") < section.index("<details")
    assert "of shared days (likely between" in section.split("<details", 1)[1]


def test_a_new_couple_reads_not_enough_shared_days_yet(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = link_people(alice, ben, inviter_shares=["needs"], invitee_shares=["needs"])
    _days(alice, ["closer", "right", "space", "closer", ""])
    _days(ben, ["space", "right", "closer", "space", "right"])
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    section = body.split(TITLE, 1)[1].split("</section>", 1)[0]
    assert "Not enough shared days yet (4 of 14)" in section
    assert "It happened on" not in section


def test_a_partner_who_does_not_share_needs_shows_nothing_of_it(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    # Ben shares his mood but not his needs, which is where the wish lives.
    link = link_people(alice, ben, inviter_shares=["mood", "needs"], invitee_shares=["mood"])
    _demo_like(alice, ben)
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    for hint in (TITLE, "stepping back", "more space", "more closeness", "rhythm of reaching"):
        assert hint not in body
    # Nor on his shared days.
    shared = alice_client.get(f"/circle/links/{link.pk}/").content.decode()
    assert "Wanted" not in shared and "more space" not in shared
