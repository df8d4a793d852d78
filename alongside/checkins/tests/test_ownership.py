"""Only the owner reaches a check-in; everyone else gets 404, and anonymous people sign in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from alongside.checkins.models import CheckIn

APP_PAGES = [
    "/checkin/",
    "/checkin/missed-day/",
    "/checkins/",
    "/checkins/1/",
    "/checkins/1/edit/",
    "/checkins/1/delete/",
    "/settings/profile/",
    "/settings/reminders/",
    "/settings/tokens/",
    "/settings/data/",
    "/settings/data/delete/",
    "/settings/access-log/",
    "/accounts/2fa/",
]


@pytest.fixture
def alices_checkin(alice: Any) -> CheckIn:
    return CheckIn.objects.create(
        owner=alice, day=alice.local_today() - dt.timedelta(days=1), mood=4, note="Alice only"
    )


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_someone_elses_checkin_answers_404(
    eve_client: Client, alices_checkin: CheckIn, suffix: str
) -> None:
    url = f"/checkins/{alices_checkin.pk}/{suffix}"
    response = eve_client.get(url)
    assert response.status_code == 404
    assert b"Alice only" not in response.content


@pytest.mark.parametrize("suffix", ["edit/", "delete/"])
def test_posting_to_someone_elses_checkin_answers_404_and_changes_nothing(
    ben_client: Client, alices_checkin: CheckIn, suffix: str
) -> None:
    response = ben_client.post(
        f"/checkins/{alices_checkin.pk}/{suffix}", {"mood": "0", "note": "Overwritten"}
    )
    assert response.status_code == 404
    alices_checkin.refresh_from_db()
    assert (alices_checkin.mood, alices_checkin.note) == (4, "Alice only")


@pytest.mark.parametrize("suffix", ["", "edit/", "delete/"])
def test_an_unknown_checkin_answers_404_the_same_way(
    alice_client: Client, alices_checkin: CheckIn, suffix: str
) -> None:
    assert alice_client.get(f"/checkins/{alices_checkin.pk + 1000}/{suffix}").status_code == 404
    assert alice_client.get(f"/checkins/{'9' * 25}/{suffix}").status_code == 404


def test_the_owner_still_reaches_it(alice_client: Client, alices_checkin: CheckIn) -> None:
    assert alice_client.get(f"/checkins/{alices_checkin.pk}/").status_code == 200


def test_someone_elses_checkins_are_not_in_my_history(
    eve_client: Client, alices_checkin: CheckIn
) -> None:
    html = eve_client.get("/checkins/").content.decode()
    assert f"/checkins/{alices_checkin.pk}/" not in html
    assert "Nothing here yet." in html


@pytest.mark.parametrize("url", APP_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("url", ["/checkin/", "/checkin/missed-day/", "/checkins/1/delete/"])
def test_anonymous_posts_store_nothing(client: Client, db: None, url: str) -> None:
    response = client.post(url, {"day": "2026-01-01", "mood": "5"})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not CheckIn.objects.exists()


def test_anonymous_home_is_the_welcome_page(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert "Create your private space" in response.content.decode()
