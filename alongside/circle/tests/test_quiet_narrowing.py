"""Narrowing what one shares is never announced (issue 9, point 4).

For someone pulling back from a controlling partner, "Noor changed what they share with
you: nothing" is a risk. Narrowing, ending or putting an end date on a share tells the
other person nothing; they see what is shared now when they look. Widening is announced,
naming only what was added.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alongside.circle.models import Grant, Link, Notice


def _told(user: Any) -> list[str]:
    return list(Notice.objects.filter(recipient=user).values_list("text", flat=True))


@pytest.mark.parametrize(
    "change",
    [
        {"scope": ["mood"]},  # less
        {},  # nothing at all
        {"scope": ["mood", "needs"], "until": "2099-12-31"},  # the same, with an end date
        {"scope": ["mood", "needs"]},  # the same
    ],
)
def test_narrowing_or_ending_a_share_tells_the_other_person_nothing(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    ben_client: Client,
    reauthed: Callable[..., Client],
    change: dict[str, Any],
) -> None:
    link = link_couple(["mood", "needs"], [])
    before = _told(ben)
    response = reauthed(alice).post(
        f"/circle/links/{link.pk}/sharing/",
        {"csrfmiddlewaretoken": "sent-by-every-browser", **change},
        follow=True,
    )
    assert "is not told about this change" in response.content.decode()
    assert _told(ben) == before
    page = ben_client.get("/circle/").content.decode()
    assert "Alice" not in " ".join(_told(ben))
    assert "changed what they share" not in page
    assert Grant.objects.get(owner=alice).categories == sorted(
        change.get("scope", []), key=["mood", "needs"].index
    )


def test_widening_tells_the_other_person_only_what_was_added(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    ben_client: Client,
    reauthed: Callable[..., Client],
) -> None:
    link = link_couple(["mood", "needs"], [])
    before = _told(ben)
    # notes added, needs taken away: ben hears of the notes and nothing of the needs.
    response = reauthed(alice).post(
        f"/circle/links/{link.pk}/sharing/", {"scope": ["mood", "notes"]}, follow=True
    )
    assert "has been told what you now also share" in response.content.decode()
    new = [t for t in _told(ben) if t not in before]
    assert new == ["Alice now also shares with you: Notes."]


def test_sharing_again_after_ending_is_announced_as_new(
    link_couple: Callable[..., Link], alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    link = link_couple(["mood"], [])
    client = reauthed(alice)
    client.post(f"/circle/links/{link.pk}/sharing/", {"csrfmiddlewaretoken": "x"})
    before = _told(ben)
    client.post(f"/circle/links/{link.pk}/sharing/", {"scope": ["mood"]})
    assert [t for t in _told(ben) if t not in before] == [
        "Alice now also shares with you: Mood and feelings."
    ]
