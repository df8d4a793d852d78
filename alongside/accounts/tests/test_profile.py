"""Profile (name, time zone), API tokens and the access log pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry, ApiToken


def test_it_shows_the_profile(alice_client: Client) -> None:
    html = alice_client.get("/settings/profile/").content.decode()
    assert 'value="Alice"' in html
    assert '<option value="Europe/London" selected>' in html


def test_it_saves_a_new_name_and_time_zone(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/settings/profile/", {"display_name": "Ali", "time_zone": "Asia/Kolkata"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Ali", "Asia/Kolkata")
    assert "Your profile is saved." in alice_client.get("/settings/profile/").content.decode()


def test_an_unknown_time_zone_is_refused_and_the_name_kept(
    alice_client: Client, alice: Any
) -> None:
    response = alice_client.post(
        "/settings/profile/", {"display_name": "Typed name", "time_zone": "Mars/Olympus_Mons"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert '<p class="error" id="id_time_zone_error">Pick a time zone from the list.</p>' in html
    assert 'value="Typed name"' in html
    alice.refresh_from_db()
    assert (alice.display_name, alice.time_zone) == ("Alice", "Europe/London")


def test_an_overlong_name_is_refused(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/settings/profile/", {"display_name": "A" * 81, "time_zone": "UTC"}
    )
    assert response.status_code == 200
    assert "at most 80 characters" in response.content.decode()
    alice.refresh_from_db()
    assert alice.time_zone == "Europe/London"


def test_a_new_token_is_shown_once(alice_client: Client, alice: Any, reauthenticate: Any) -> None:
    reauthenticate(alice_client)
    response = alice_client.post(
        "/settings/tokens/", {"name": "my laptop script", "lifetime": "30"}
    )
    html = response.content.decode()
    raw = response.context["new_token"]
    assert raw in html
    assert ApiToken.owner_for(raw) == alice
    again = alice_client.get("/settings/tokens/").content.decode()
    assert raw not in again
    assert "my laptop script" in again


def test_a_token_needs_a_name(alice_client: Client, reauthenticate: Any) -> None:
    reauthenticate(alice_client)
    response = alice_client.post("/settings/tokens/", {"name": "", "lifetime": "90"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not ApiToken.objects.exists()


def test_nobody_can_revoke_someone_elses_token(eve_client: Client, alice: Any) -> None:
    token, raw = ApiToken.issue(alice, "mine")
    assert eve_client.post(f"/settings/tokens/{token.pk}/revoke/").status_code == 404
    assert ApiToken.owner_for(raw) == alice


def test_the_access_log_shows_only_my_entries(
    alice_client: Client, alice: Any, ben: Any, dana: Any
) -> None:
    AccessLogEntry.objects.create(
        owner=alice, viewer=dana, viewer_label="Dana (therapist)", categories=["mood"]
    )
    AccessLogEntry.objects.create(
        owner=ben, viewer=dana, viewer_label="Seen-Bens", categories=["mood"]
    )
    html = alice_client.get("/settings/access-log/").content.decode()
    assert "Dana (therapist)" in html
    assert "Seen-Bens" not in html


@pytest.mark.parametrize(
    "url",
    ["/accounts/password/change/", "/accounts/2fa/", "/accounts/email/", "/settings/profile/"],
)
def test_every_settings_page_marks_more_in_the_tab_bar(alice_client: Any, url: str) -> None:
    html = alice_client.get(url).content.decode()
    assert '<summary class="current">' in html


def test_the_check_in_page_does_not_mark_more(alice_client: Any) -> None:
    html = alice_client.get("/checkin/").content.decode()
    assert '<summary class="current">' not in html
