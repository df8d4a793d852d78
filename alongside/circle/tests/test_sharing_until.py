"""A "share until" date far in the future gets a message next to the field, not a crash."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest

from alongside.circle import access
from alongside.circle.models import Grant, Link


@pytest.mark.parametrize("until", ["9999-12-31", "9999-12-30", "2100-01-01"])
def test_a_date_past_the_latest_is_refused_next_to_the_field(
    link_couple: Callable[..., Link], alice: Any, ben: Any, reauthed: Callable[..., Any], until: str
) -> None:
    link = link_couple(["mood"], [])
    response = reauthed(alice).post(
        f"/circle/links/{link.pk}/sharing/", {"scope": ["mood", "needs"], "until": until}
    )
    assert response.status_code == 200
    page = response.content.decode()
    field = re.search(r'<div class="field has-error">.*?</div>', page, re.S)
    assert field, page
    assert f'value="{until}"' in field.group(0)  # what was typed stays
    assert "Pick a day up to 2099-12-31" in field.group(0)
    assert re.search(r'<input[^>]*value="needs"[^>]*checked', page)
    assert access.shared_categories(alice, ben) == {"mood"}
    assert Grant.objects.get(owner=alice).expires_at is None


def test_the_latest_day_itself_is_fine(
    link_couple: Callable[..., Link], alice: Any, reauthed: Callable[..., Any]
) -> None:
    link = link_couple(["mood"], [])
    client = reauthed(alice)
    response = client.post(
        f"/circle/links/{link.pk}/sharing/", {"scope": ["mood"], "until": "2099-12-31"}
    )
    assert response.status_code == 302
    grant = Grant.objects.get(owner=alice)
    assert str(grant.last_day(alice.tz)) == "2099-12-31"
    assert 'max="2099-12-31"' in client.get(f"/circle/links/{link.pk}/sharing/").content.decode()
