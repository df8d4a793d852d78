"""The safety review, "What others can see of me": for each linked person, exactly what
they see today, through the same read path as their own view (issue 9, point 7)."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle import access
from alongside.circle.models import Grant, Link, Notice


@pytest.fixture
def days(alice: Any) -> list[CheckIn]:
    today = alice.local_today()
    return [
        CheckIn.objects.create(owner=alice, day=today, mood=7, calm=3, note="Shared note 3a"),
        CheckIn.objects.create(
            owner=alice,
            day=today - dt.timedelta(days=1),
            mood=2,
            note="Private note 8c",
            is_private=True,
        ),
        CheckIn.objects.create(owner=alice, day=today - dt.timedelta(days=2), mood=5, need_trust=4),
    ]


def _cards(page: str, section: str | None = None) -> list[str]:
    if section:
        page = page[page.index(f'data-testid="{section}"') :]
    found = re.findall(r'<li class="day-card" data-testid="shared-day">(.*?)</li>', page, re.S)
    return [re.sub(r"\s+", " ", html.unescape(card)).strip() for card in found]


def test_the_review_shows_ben_exactly_what_ben_sees_of_alice(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    days: list[CheckIn],
    alice_client: Client,
    ben_client: Client,
) -> None:
    link = link_couple(["mood", "notes"], [])
    # Through the read path: the same rows and the same categories.
    rows = CheckIn.objects.order_by("day")
    preview = access.read(
        alice, rows, ["mood", "needs", "support", "notes"], owner=alice, audience=ben, detail="x"
    )
    real = access.read(ben, rows, ["mood", "needs", "support", "notes"], owner=alice, detail="x")
    assert preview.rows == real.rows == [days[2], days[0]]
    assert preview.categories == real.categories == {"mood", "notes"}
    # On the pages: the same day cards, line for line.
    theirs = _cards(ben_client.get(f"/circle/links/{link.pk}/").content.decode())
    review = alice_client.get("/circle/what-others-see/").content.decode()
    mine = _cards(review, f"review-{link.pk}")
    assert mine == theirs and len(theirs) == 2
    assert "Shared note 3a" in " ".join(mine)
    assert "Private note 8c" not in review
    assert "trust" not in " ".join(mine)  # needs are not shared with ben


def test_looking_at_the_review_is_not_logged_and_tells_nobody(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    days: list[CheckIn],
    alice_client: Client,
) -> None:
    link_couple(["mood"], [])
    notices = Notice.objects.count()
    alice_client.get("/circle/what-others-see/")
    assert not AccessLogEntry.objects.exists()
    assert Notice.objects.count() == notices


def test_someone_alice_shares_nothing_with_sees_nothing(
    link_couple: Callable[..., Link], alice: Any, days: list[CheckIn], alice_client: Client
) -> None:
    link_couple([], ["mood"])
    page = alice_client.get("/circle/what-others-see/").content.decode()
    assert "Nothing. You share nothing with Ben." in page
    assert 'data-testid="shared-day"' not in page


def test_one_tap_stops_sharing_everything_quietly(
    link_couple: Callable[..., Link],
    alice: Any,
    ben: Any,
    days: list[CheckIn],
    alice_client: Client,
    ben_client: Client,
) -> None:
    link = link_couple(["mood", "needs", "notes"], [])
    told = Notice.objects.filter(recipient=ben).count()
    response = alice_client.post(f"/circle/links/{link.pk}/stop-sharing/", follow=True)
    assert "You now share nothing with Ben. They are not told." in response.content.decode()
    assert Grant.objects.get(owner=alice, grantee=ben).categories == []
    assert Notice.objects.filter(recipient=ben).count() == told
    assert (
        'data-testid="shared-day"'
        not in ben_client.get(f"/circle/links/{link.pk}/").content.decode()
    )


def test_nobody_else_can_stop_someones_sharing(
    link_couple: Callable[..., Link], alice: Any, eve_client: Client
) -> None:
    link = link_couple(["mood"], [])
    assert eve_client.post(f"/circle/links/{link.pk}/stop-sharing/").status_code == 404
    assert Grant.objects.get(owner=alice).categories == ["mood"]


def test_bens_review_shows_exactly_what_alice_sees_of_ben(
    link_couple: Callable[..., Link], alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    link = link_couple([], ["mood", "needs"])
    today = ben.local_today()
    CheckIn.objects.create(owner=ben, day=today, mood=4, need_trust=2, note="Ben's own note")
    CheckIn.objects.create(owner=ben, day=today - dt.timedelta(days=1), mood=1, is_private=True)
    rows = CheckIn.objects.order_by("day")
    cats = ["mood", "needs", "support", "notes"]
    preview = access.read(ben, rows, cats, owner=ben, audience=alice, detail="x")
    real = access.read(alice, rows, cats, owner=ben, detail="x")
    assert (preview.rows, preview.categories) == (real.rows, real.categories)
    assert real.categories == {"mood", "needs"} and len(real.rows) == 1
    theirs = _cards(alice_client.get(f"/circle/links/{link.pk}/").content.decode())
    mine = _cards(ben_client.get("/circle/what-others-see/").content.decode(), f"review-{link.pk}")
    assert mine == theirs and len(mine) == 1
    assert "Ben's own note" not in " ".join(mine)
