"""Personal and couple insights: pictures, plain words, and only what both share."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.insights.couple import MIN_SHARED_DAYS, couple_insights
from conftest import link_people


def _link(alice: Any, ben: Any, alice_shares: list[str], ben_shares: list[str]) -> Link:
    return link_people(alice, ben, inviter_shares=alice_shares, invitee_shares=ben_shares)


def _days(person: Any, moods: list[int], *, needs: int | None = 3, close: int | None = 2) -> None:
    today = person.local_today()
    for back, mood in enumerate(reversed(moods), start=1):
        CheckIn.objects.create(
            owner=person,
            day=today - dt.timedelta(days=back),
            mood=mood,
            need_trust=needs,
            need_autonomy=needs,
            close=close,
        )


def _coupled(n: int, seed: int = 3) -> tuple[list[int], list[int]]:
    """Two mood series that move together on the same day."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, 1.6, n)
    a = np.clip(np.round(5 + shared + rng.normal(0, 0.6, n)), 0, 10).astype(int)
    b = np.clip(np.round(5 + shared + rng.normal(0, 0.6, n)), 0, 10).astype(int)
    return a.tolist(), b.tolist()


def test_the_personal_page_shows_mood_needs_and_support(alice: Any, alice_client: Client) -> None:
    _days(alice, [4, 5, 5, 6, 6, 7, 6, 7] * 4)
    body = alice_client.get("/insights/").content.decode()
    assert body.count("<svg") >= 3
    assert "Week by week, your mood has been gently rising." in body
    assert "Needs, week by week" in body


def test_the_personal_page_is_kind_when_empty(alice_client: Client) -> None:
    body = alice_client.get("/insights/").content.decode()
    assert "Nothing to show yet" in body
    assert "<svg" not in body.split("<main", 1)[1]


def test_the_couple_page_shows_pictures_and_plain_sentences(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = _link(alice, ben, ["mood", "needs"], ["mood", "needs"])
    a, b = _coupled(40)
    _days(alice, a)
    _days(ben, b)
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    assert "On the same day your moods tend to move together" in body
    assert "Carrying over to the next day" in body
    assert "Sels et al. 2016" in body
    assert "Closeness and autonomy" in body
    assert body.count('role="img"') >= 5


def test_too_few_shared_days_says_so_instead_of_guessing(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = _link(alice, ben, ["mood"], ["mood"])
    _days(alice, [5, 6, 7, 5, 6])
    _days(ben, [6, 6, 5, 7, 4])
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    assert f"Not enough shared days yet (5 of {MIN_SHARED_DAYS})." in body
    assert "Not enough shared days in a row yet (4 of 21)." in body
    assert "r = " not in body


def test_it_uses_only_what_both_share(alice: Any, ben: Any, ben_client: Client) -> None:
    # alice shares nothing: ben's page must not be built from her moods.
    link = _link(alice, ben, [], ["mood", "needs"])
    a, b = _coupled(30)
    _days(alice, a)
    _days(ben, b)
    body = ben_client.get(f"/insights/couple/{link.pk}/").content.decode()
    assert "There is nothing to compare yet" in body
    assert not AccessLogEntry.objects.filter(owner=alice).exists()


def test_private_days_never_count(alice: Any, ben: Any) -> None:
    _link(alice, ben, ["mood"], ["mood"])
    a, b = _coupled(20)
    _days(alice, a)
    _days(ben, b)
    CheckIn.objects.filter(owner=alice).update(is_private=True)
    result = couple_insights(ben, alice)
    assert result.nothing_shared
    assert result.shared_days == 0


def test_reading_the_partners_data_lands_in_their_access_log(
    alice: Any, ben: Any, ben_client: Client
) -> None:
    link = _link(alice, ben, ["mood", "needs"], ["mood"])
    _days(alice, [5, 6, 7])
    _days(ben, [6, 6, 5])
    ben_client.get(f"/insights/couple/{link.pk}/")
    visit = AccessLogEntry.objects.get(owner=alice, viewer=ben)
    assert visit.categories == ["mood", "needs"]
    assert visit.details == ["couple insights"]


@pytest.mark.parametrize("persona", ["eve_client", "client"])
def test_someone_elses_couple_page_is_not_found(
    alice: Any, ben: Any, persona: str, request: pytest.FixtureRequest
) -> None:
    link = _link(alice, ben, ["mood"], ["mood"])
    client: Client = request.getfixturevalue(persona)
    response = client.get(f"/insights/couple/{link.pk}/")
    assert response.status_code == (404 if persona == "eve_client" else 302)


def _opposite(n: int, seed: int = 4) -> tuple[list[int], list[int]]:
    """Two mood series that go opposite ways on the same day."""
    rng = np.random.default_rng(seed)
    shared = rng.normal(0, 1.8, n)
    a = np.clip(np.round(5 + shared + rng.normal(0, 0.5, n)), 0, 10).astype(int)
    b = np.clip(np.round(5 - shared + rng.normal(0, 0.5, n)), 0, 10).astype(int)
    return a.tolist(), b.tolist()


def test_a_clear_negative_link_reads_as_going_opposite_ways(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = _link(alice, ben, ["mood"], ["mood"])
    a, b = _opposite(60)
    _days(alice, a)
    _days(ben, b)
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    assert "On the same day your moods tend to go opposite ways" in body
    assert "within what chance" not in body


def test_the_numbers_wait_behind_a_details_disclosure(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    link = _link(alice, ben, ["mood", "needs"], ["mood", "needs"])
    a, b = _coupled(40)
    _days(alice, a)
    _days(ben, b)
    body = alice_client.get(f"/insights/couple/{link.pk}/").content.decode()
    same_day = body[body.index("Moving together on the same day") :].split("</section>")[0]
    summary = same_day.split('<p class="summary">', 1)[1].split("</p>")[0]
    assert "r = " not in summary
    numbers = same_day.split('<details class="numbers">', 1)[1]
    assert "r = " in numbers and "interval" in numbers and "independent ones" in numbers


def test_a_need_is_not_read_from_a_few_ratings(alice: Any, ben: Any) -> None:
    _link(alice, ben, ["mood", "needs"], ["mood", "needs"])
    _days(alice, [5, 6, 5], needs=1)
    _days(ben, [5, 6, 5], needs=4)
    result = couple_insights(alice, ben)
    needs = next(f for f in result.findings if f.title.startswith("Needs"))
    assert "ran low" not in needs.sentence and "quite differently" not in needs.sentence
    assert "drawn but not read yet" in needs.sentence
    balance = next(f for f in result.findings if f.title == "Closeness and autonomy")
    assert balance.not_yet.startswith("Not enough shared days with both feelings and needs")


def test_a_need_that_runs_low_for_a_while_is_named(alice: Any, ben: Any) -> None:
    _link(alice, ben, ["mood", "needs"], ["mood", "needs"])
    _days(alice, [5, 6, 5, 6, 5, 6, 5, 6], needs=1)
    _days(ben, [5, 6, 5, 6, 5, 6, 5, 6], needs=4)
    result = couple_insights(alice, ben)
    needs = next(f for f in result.findings if f.title.startswith("Needs"))
    assert f"Trust ran low for {alice} lately." in needs.sentence
    balance = next(f for f in result.findings if f.title == "Closeness and autonomy")
    assert "likely between" in " ".join(balance.details)


def test_an_interval_chart_says_when_a_range_runs_past_its_edge() -> None:
    from alongside.lib.charts import interval_chart

    svg = interval_chart([("A → B", 0.8, 0.1, 1.6, None)], low=-1, high=1, title="t", desc="d")
    assert "range runs past the edge" in svg
    assert 'class="cut"' in svg
    inside = interval_chart([("A → B", 0.2, -0.1, 0.5, None)], low=-1, high=1, title="t", desc="d")
    assert "past the edge" not in inside


def test_a_kept_couple_page_is_never_served_after_a_share_is_revoked(
    alice: Any, ben: Any, ben_client: Client
) -> None:
    link = _link(alice, ben, ["mood", "needs"], ["mood", "needs"])
    a, b = _coupled(30)
    _days(alice, a)
    _days(ben, b)
    url = f"/insights/couple/{link.pk}/"
    first = ben_client.get(url).content.decode()
    assert "On the same day your moods tend to move together" in first
    computed = AccessLogEntry.objects.get(owner=alice, viewer=ben).reads
    again = ben_client.get(url).content.decode()  # served from the cache
    nonce = re.compile(r'(nonce|csrfmiddlewaretoken" value)="[^"]*"')
    assert nonce.sub("", again) == nonce.sub("", first)
    visit = AccessLogEntry.objects.get(owner=alice, viewer=ben)
    assert visit.reads == 2 * computed  # a kept page is logged as the computed one was
    assert visit.categories == ["mood", "needs"]
    grant = link.grants.get(owner=alice)
    grant.categories = []
    grant.save()
    after = ben_client.get(url).content.decode()
    assert "There is nothing to compare yet" in after
    assert "moods tend to move together" not in after
    assert AccessLogEntry.objects.get(owner=alice, viewer=ben).reads == 2 * computed


def test_a_new_or_private_check_in_changes_the_kept_couple_page(alice: Any, ben: Any) -> None:
    _link(alice, ben, ["mood"], ["mood"])
    a, b = _coupled(20)
    _days(alice, a)
    _days(ben, b)
    assert couple_insights(ben, alice).shared_days == 20
    CheckIn.objects.filter(owner=alice).update(is_private=True)  # no updated_at change
    assert couple_insights(ben, alice).shared_days == 0
