"""Signed-in pages and API answers carry ``Cache-Control: no-store``.

On a shared device, the browser's Back button (after quick exit or signing out) or a
caching proxy must not bring back a page someone saw while signed in.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import ApiToken
from alongside.checkins.models import CheckIn


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "url",
    ["/", "/checkin/", "/checkins/", "/circle/", "/settings/profile/", "/settings/access-log/"],
)
def test_signed_in_pages_are_never_stored(alice_client: Client, url: str) -> None:
    response = alice_client.get(url)
    assert response.status_code == 200
    assert no_store(response)
    assert "private" in response["Cache-Control"]


def test_a_signed_in_persons_redirects_and_404s_are_never_stored(
    alice_client: Client,
) -> None:
    assert no_store(alice_client.post("/circle/people/add/", {"name": "Sam", "kind": "friend"}))
    assert no_store(alice_client.get("/circle/people/999999/edit/"))  # a 404 too


def test_api_answers_are_never_stored(alice: Any, alice_client: Client, client: Client) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=alice.local_today(), mood=5)
    _token, raw = ApiToken.issue(alice, "script")
    bearer = Client(headers={"Authorization": f"Bearer {raw}"})
    answers = [
        alice_client.get("/api/v1/checkins/"),
        bearer.get(f"/api/v1/checkins/{checkin.pk}"),
        bearer.patch(
            f"/api/v1/checkins/{checkin.pk}", json.dumps({"mood": 11}), "application/json"
        ),
        client.get("/api/v1/checkins/"),  # anonymous: 401
        bearer.get("/api/v1/checkins/987654"),  # 404
    ]
    assert [a.status_code for a in answers] == [200, 200, 422, 401, 404]
    assert all(no_store(a) for a in answers)


def test_the_welcome_page_for_someone_signed_out_may_be_stored(client: Client, db: None) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert not no_store(response)
