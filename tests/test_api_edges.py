"""The API at its edges: text that can't be stored, paths that don't exist, no sign-in.

Every answer is JSON a script can act on: 422 naming the field for bad input (never a
500), 404 for a path that is not there, 401 for anyone not signed in whatever the
method, while a browser session still needs its CSRF token to change anything.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import ApiToken
from alongside.checkins.models import CheckIn

CHECKINS = "/api/v1/checkins/"
TAKES = "/api/v1/assessments/takes"
LONE = "\ud800"  # half of a surrogate pair: valid JSON ("\ud800"), not storable text


def send(client: Client, method: str, url: str, body: Any) -> Any:
    # json.dumps writes a lone surrogate as the escape \ud800, as any JSON client would.
    return getattr(client, method)(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(alice: Any) -> Client:
    _token, raw = ApiToken.issue(alice, "script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


@pytest.fixture
def checkin(alice: Any) -> CheckIn:
    return CheckIn.objects.create(owner=alice, day=alice.local_today(), mood=5, note="As it was")


def _locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.content
    return [error["loc"] for error in response.json()["detail"]]


# --- text that cannot be stored --------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"note": f"before {LONE} after"}, ["body", "note"]),
        ({"support_received": {"from": LONE}}, ["body", "support_received", "from"]),
        ({"support_given": {"to": "x" + LONE}}, ["body", "support_given", "to"]),
    ],
)
def test_a_lone_surrogate_in_a_change_answers_422_naming_the_field(
    api: Client, checkin: CheckIn, body: dict[str, Any], loc: list[str]
) -> None:
    response = send(api, "patch", f"{CHECKINS}{checkin.pk}", body)
    assert _locs(response) == [loc]
    assert "can't be stored" in response.json()["detail"][0]["msg"]
    checkin.refresh_from_db()
    assert checkin.note == "As it was"


def test_a_lone_surrogate_in_a_new_checkin_answers_422(api: Client, alice: Any) -> None:
    response = send(api, "post", CHECKINS, {"mood": 5, "note": LONE})
    assert _locs(response) == [["body", "note"]]
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize(
    ("body", "loc"),
    [
        ({"instrument": LONE}, ["body", "instrument"]),
        ({"instrument": "ecr-rs", "relationship": LONE}, ["body", "relationship"]),
        ({"instrument": "ecr-rs", "answers": {LONE: 3}}, ["body", "answers", LONE]),
    ],
)
def test_a_lone_surrogate_in_any_api_text_answers_422(
    api: Client, body: dict[str, Any], loc: list[str]
) -> None:
    response = send(api, "post", TAKES, body)
    assert _locs(response) == [loc]


def test_a_lone_surrogate_inside_a_list_is_named_by_its_place(
    api: Client, checkin: CheckIn
) -> None:
    response = send(api, "patch", f"{CHECKINS}{checkin.pk}", {"body_areas": ["chest", LONE]})
    assert _locs(response) == [["body", "body_areas", 1]]


def test_a_proper_surrogate_pair_is_ordinary_text(api: Client, checkin: CheckIn) -> None:
    response = send(api, "patch", f"{CHECKINS}{checkin.pk}", {"note": "a walk \U0001f33f"})
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert checkin.note == "a walk \U0001f33f"


# --- paths that are not there ------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_a_non_numeric_id_answers_a_json_404(api: Client, checkin: CheckIn, method: str) -> None:
    if method == "patch":
        response = send(api, method, f"{CHECKINS}abc", {"mood": 4})
    else:
        response = getattr(api, method)(f"{CHECKINS}abc")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Not found"}
    checkin.refresh_from_db()
    assert checkin.mood == 5


@pytest.mark.parametrize("path", ["/api/v1/nothing-here", "/api/v2/checkins/", f"{CHECKINS}1/x"])
def test_an_unknown_api_path_answers_a_json_404(alice_client: Client, path: str) -> None:
    response = alice_client.get(path)
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


def test_someone_elses_checkin_answers_the_same_404(api: Client, ben: Any) -> None:
    bens = CheckIn.objects.create(owner=ben, day=ben.local_today(), mood=3)
    response = api.get(f"{CHECKINS}{bens.pk}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found"}


# --- no sign-in, and CSRF ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", CHECKINS, None),
        ("post", CHECKINS, {"mood": 5}),
        ("post", CHECKINS, "{not json"),
        ("patch", f"{CHECKINS}1", {"mood": 5}),
        ("delete", f"{CHECKINS}1", None),
        ("post", TAKES, {"instrument": "ecr-rs"}),
        ("get", f"{CHECKINS}abc", None),
    ],
)
def test_an_anonymous_request_answers_401_whatever_the_method(
    db: None, method: str, url: str, body: Any
) -> None:
    browser = Client(enforce_csrf_checks=True)  # as a real browser: no CSRF exemption
    if body is None:
        response = getattr(browser, method)(url)
    else:
        data = body if isinstance(body, str) else json.dumps(body)
        response = getattr(browser, method)(url, data, content_type="application/json")
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_a_signed_in_browser_still_needs_its_csrf_token_to_write(alice: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    refused = send(browser, "post", CHECKINS, {"mood": 5})
    assert refused.status_code == 403
    assert not CheckIn.objects.exists()
    browser.get("/checkin/")  # a page sets the CSRF cookie, as in the app
    token = browser.cookies["csrftoken"].value
    allowed = browser.post(
        CHECKINS,
        json.dumps({"mood": 5}),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert allowed.status_code == 201


def test_a_token_needs_no_csrf_token(alice: Any) -> None:
    _token, raw = ApiToken.issue(alice, "script")
    script = Client(enforce_csrf_checks=True, headers={"Authorization": f"Bearer {raw}"})
    assert send(script, "post", CHECKINS, {"mood": 5}).status_code == 201
