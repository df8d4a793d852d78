"""The JSON API for one's own check-ins: /api/v1/checkins/."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.accounts.models import ApiToken
from alongside.checkins.models import CheckIn

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 13)
URL = "/api/v1/checkins/"


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def token(alice: Any) -> str:
    _token, raw = ApiToken.issue(alice, "my script")
    return raw


@pytest.fixture
def api(token: str) -> Client:
    """A client that authenticates with alice's bearer token only (no session)."""
    return Client(headers={"Authorization": f"Bearer {token}"})


def make(owner: Any, days_back: int = 0, **fields: Any) -> CheckIn:
    values: dict[str, Any] = {"mood": 5, "note": "Stored note"}
    values.update(fields)
    return CheckIn.objects.create(owner=owner, day=TODAY - dt.timedelta(days=days_back), **values)


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def snapshot() -> list[dict[str, Any]]:
    return [c.to_dict() for c in CheckIn.objects.order_by("pk")]


def field_locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.content
    return [error["loc"] for error in response.json()["detail"]]


FULL = {
    "day": "2026-04-12",
    "mood": 7,
    "emotions": {"calm": 3, "close": 4, "anxious": 0},
    "needs": {"security": 5, "trust": None, "autonomy": 2},
    "body_areas": ["chest"],
    "support_received": {"kinds": ["company"], "from": "Ben"},
    "support_given": {"kinds": ["advice", "emotional"], "to": "my brother"},
    "note": "Long walk, long talk.",
}


# --- authentication ----------------------------------------------------------------------


def test_a_bearer_token_reads_the_owners_checkins(api: Client, alice: Any, ben: Any) -> None:
    mine = make(alice)
    make(ben, note="Ben's")
    response = api.get(URL)
    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [mine.pk]


def test_the_browser_session_works_too(alice_client: Client, alice: Any) -> None:
    make(alice)
    response = alice_client.get(URL)
    assert response.status_code == 200
    assert len(response.json()) == 1


def test_anonymous_requests_get_401(client: Client, alice: Any) -> None:
    make(alice)
    assert client.get(URL).status_code == 401
    assert post(client, URL, {"mood": 5}).status_code == 401
    assert client.get(f"{URL}{CheckIn.objects.get().pk}").status_code == 401
    assert CheckIn.objects.count() == 1


def test_a_wrong_token_gets_401(client: Client, alice: Any) -> None:
    response = client.get(URL, headers={"Authorization": "Bearer als_not-a-real-token"})
    assert response.status_code == 401


def test_a_revoked_token_gets_401(alice_client: Client, alice: Any, reauthenticate: Any) -> None:
    reauthenticate(alice_client)
    page = alice_client.post("/settings/tokens/", {"name": "laptop", "lifetime": "7"})
    raw = page.context["new_token"]
    assert raw.startswith("als_")
    assert Client().get(URL, headers={"Authorization": f"Bearer {raw}"}).status_code == 200
    stored = ApiToken.objects.get(owner=alice)
    alice_client.post(f"/settings/tokens/{stored.pk}/revoke/")
    assert not ApiToken.objects.exists()
    assert Client().get(URL, headers={"Authorization": f"Bearer {raw}"}).status_code == 401


def test_tokens_are_stored_hashed(alice: Any) -> None:
    token, raw = ApiToken.issue(alice, "backup")
    assert raw not in token.token_hash
    assert token.hint == raw[:8]
    assert ApiToken.owner_for(raw) == alice


def test_an_inactive_persons_token_gets_401(api: Client, alice: Any) -> None:
    alice.is_active = False
    alice.save()
    assert api.get(URL).status_code == 401


# --- list --------------------------------------------------------------------------------


def test_it_lists_newest_first_and_filters_by_day(api: Client, alice: Any) -> None:
    for n in range(6):
        make(alice, days_back=n, mood=n)
    days = [row["day"] for row in api.get(URL).json()]
    assert days == [f"2026-04-{13 - n:02d}" for n in range(6)]
    since = api.get(URL, {"since": "2026-04-11"}).json()
    assert [row["day"] for row in since] == ["2026-04-13", "2026-04-12", "2026-04-11"]
    until = api.get(URL, {"until": "2026-04-09"}).json()
    assert [row["day"] for row in until] == ["2026-04-09", "2026-04-08"]
    both = api.get(URL, {"since": "2026-04-10", "until": "2026-04-11"}).json()
    assert [row["day"] for row in both] == ["2026-04-11", "2026-04-10"]
    page = api.get(URL, {"limit": 2, "offset": 1}).json()
    assert [row["day"] for row in page] == ["2026-04-12", "2026-04-11"]


def test_the_list_is_what_checking_each_row_against_the_schema_gives(
    api: Client, alice: Any
) -> None:
    # The list writes its JSON itself; one check-in read alone goes through the schema.
    from alongside.circle.models import Person

    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    full = post(api, URL, FULL).json()
    CheckIn.objects.filter(pk=full["id"]).update(
        created_at=dt.datetime(2026, 4, 12, 21, 5, 7, 123456, tzinfo=dt.UTC)
    )
    CheckIn.objects.get(pk=full["id"]).received_from_people.add(sam)
    make(alice, days_back=3, closeness_wish="space", note="", is_private=True)
    listed = api.get(URL)
    assert listed["Content-Type"] == "application/json; charset=utf-8"
    rows = listed.json()
    assert [api.get(f"{URL}{row['id']}").json() for row in rows] == rows
    assert rows[0]["created_at"] == "2026-04-12T21:05:07.123Z"
    assert rows[0]["support_received"]["from"] == "Sam, Ben"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2026-02-30"}, "until"),
        ({"limit": 0}, "limit"),
        ({"limit": 1001}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": "9" * 25}, "offset"),
    ],
)
def test_bad_filters_answer_422_naming_them(
    api: Client, params: dict[str, Any], field: str
) -> None:
    locs = field_locs(api.get(URL, params))
    assert any(field in loc for loc in locs)


# --- create ------------------------------------------------------------------------------


def test_it_creates_a_checkin(api: Client, alice: Any) -> None:
    response = post(api, URL, FULL)
    assert response.status_code == 201
    body = response.json()
    stored = CheckIn.objects.get(owner=alice)
    assert body["id"] == stored.pk
    assert body["day"] == "2026-04-12"
    assert body["mood"] == 7
    assert body["emotions"] == {
        "calm": 3,
        "close": 4,
        "hopeful": None,
        "anxious": 0,
        "irritated": None,
        "sad": None,
    }
    assert body["needs"]["security"] == 5
    assert body["needs"]["trust"] is None
    assert body["support_received"] == {"kinds": ["company"], "from": "Ben"}
    assert body["support_given"] == {"kinds": ["advice", "emotional"], "to": "my brother"}
    assert body["note"] == "Long walk, long talk."
    assert stored.note == "Long walk, long talk."
    assert (stored.close, stored.need_autonomy, stored.body_areas) == (4, 2, ["chest"])


def test_the_day_defaults_to_the_persons_today(api: Client, alice: Any) -> None:
    alice.time_zone = "Pacific/Auckland"
    alice.save()
    with time_machine.travel(dt.datetime(2026, 4, 13, 23, 30, tzinfo=dt.UTC), tick=False):
        response = post(api, URL, {"mood": 5})
    assert response.status_code == 201
    assert response.json()["day"] == "2026-04-14"


def test_a_session_can_create_too(alice_client: Client, alice: Any) -> None:
    assert post(alice_client, URL, {"mood": 3}).status_code == 201
    assert CheckIn.objects.get(owner=alice).day == TODAY


def test_malformed_json_answers_422_naming_the_body(api: Client, alice: Any) -> None:
    response = api.post(URL, '{"mood": 5,', content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert not CheckIn.objects.exists()


def test_malformed_json_in_a_patch_answers_422(api: Client, alice: Any) -> None:
    checkin = make(alice)
    before = snapshot()
    response = api.patch(f"{URL}{checkin.pk}", "{nope", content_type="application/json")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mood": "7"}, "mood"),
        ({"mood": 11}, "mood"),
        ({"mood": -1}, "mood"),
        ({"mood": 6.5}, "mood"),
        ({"mood": True}, "mood"),
        ({"mood": None}, "mood"),
        ({}, "mood"),
        ({"mood": 5, "emotions": {"calm": 9}}, "calm"),
        ({"mood": 5, "emotions": {"calm": "3"}}, "calm"),
        ({"mood": 5, "emotions": {"joy": 3}}, "joy"),
        ({"mood": 5, "needs": {"trust": 0}}, "trust"),
        ({"mood": 5, "needs": {"trust": 6}}, "trust"),
        ({"mood": 5, "body_areas": ["elbow"]}, "body_areas"),
        ({"mood": 5, "support_given": {"kinds": ["money"]}}, "kinds"),
        ({"mood": 5, "note": "x" * 4001}, "note"),
        ({"mood": 5, "note": 42}, "note"),
        ({"mood": 5, "note": "nul\u0000byte"}, "note"),
        ({"mood": 5, "support_received": {"from": "Sam\u0000"}}, "from"),
        ({"mood": 5, "support_given": {"to": "x" * 201}}, "to"),
        ({"mood": 5, "colour": "blue"}, "colour"),
        ({"mood": 5, "day": "tomorrow"}, "day"),
        ({"mood": 5, "day": "2026-04-14"}, "day"),
        ({"mood": 5, "day": "2026-04-05"}, "day"),
    ],
)
def test_wrongly_typed_json_answers_422_naming_the_field(
    api: Client, alice: Any, body: dict[str, Any], field: str
) -> None:
    make(alice, days_back=3, note="Untouched")
    before = snapshot()
    locs = field_locs(post(api, URL, body))
    assert any(field in loc for loc in locs), locs
    assert all(loc[0] == "body" for loc in locs)
    assert snapshot() == before


def test_a_json_list_instead_of_an_object_answers_422(api: Client, alice: Any) -> None:
    response = post(api, URL, [1, 2, 3])
    assert response.status_code == 422
    assert not CheckIn.objects.exists()


def test_a_second_checkin_for_the_same_day_answers_422(api: Client, alice: Any) -> None:
    first = make(alice, mood=2)
    before = snapshot()
    response = post(api, URL, {"mood": 9, "day": TODAY.isoformat()})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "day"]
    assert "already checked in" in error["msg"]
    assert snapshot() == before
    assert CheckIn.objects.get().pk == first.pk


def test_a_future_day_names_the_day_with_a_message(api: Client, alice: Any) -> None:
    response = post(api, URL, {"mood": 5, "day": "2026-04-14"})
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "day"]
    assert "hasn't happened yet" in error["msg"]


# --- read, update, delete ------------------------------------------------------------------


def test_it_reads_one_checkin(api: Client, alice: Any) -> None:
    checkin = make(alice, need_trust=3)
    response = api.get(f"{URL}{checkin.pk}")
    assert response.status_code == 200
    assert response.json()["needs"]["trust"] == 3
    assert response.json()["note"] == "Stored note"


def test_it_updates_only_what_is_sent(api: Client, alice: Any) -> None:
    checkin = make(alice, mood=3, calm=1, anxious=4, need_trust=2, body_areas=["jaw"])
    response = patch(
        api,
        f"{URL}{checkin.pk}",
        {"mood": 6, "emotions": {"anxious": 2}, "needs": {"trust": None}, "note": "Better."},
    )
    assert response.status_code == 200
    checkin.refresh_from_db()
    assert (checkin.mood, checkin.calm, checkin.anxious) == (6, 1, 2)
    assert checkin.need_trust is None
    assert checkin.body_areas == ["jaw"]
    assert checkin.note == "Better."
    assert checkin.day == TODAY
    assert response.json()["mood"] == 6


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"mood": "7"}, "mood"),
        ({"mood": 11}, "mood"),
        ({"emotions": {"sad": 5}}, "sad"),
        ({"needs": {"guidance": 0}}, "guidance"),
        ({"note": "y" * 4001}, "note"),
        ({"note": "\u0000"}, "note"),
        ({"support_given": {"to": "Ben\u0000"}}, "to"),
        ({"day": "2026-04-10"}, "day"),
        ({"owner": 2}, "owner"),
    ],
)
def test_a_bad_update_answers_422_and_changes_nothing(
    api: Client, alice: Any, body: dict[str, Any], field: str
) -> None:
    checkin = make(alice, mood=3)
    before = snapshot()
    locs = field_locs(patch(api, f"{URL}{checkin.pk}", body))
    assert any(field in loc for loc in locs), locs
    assert snapshot() == before


def test_it_deletes_a_checkin(api: Client, alice: Any) -> None:
    checkin = make(alice)
    response = api.delete(f"{URL}{checkin.pk}")
    assert response.status_code == 204
    assert not CheckIn.objects.exists()


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_someone_elses_checkin_answers_404(api: Client, ben: Any, method: str) -> None:
    bens = make(ben, mood=2, note="Ben's own")
    before = snapshot()
    url = f"{URL}{bens.pk}"
    response = patch(api, url, {"mood": 9}) if method == "patch" else getattr(api, method)(url)
    assert response.status_code == 404
    assert b"Ben's own" not in response.content
    assert snapshot() == before


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
@pytest.mark.parametrize("checkin_id", ["999999", "9" * 25])
def test_an_unknown_checkin_answers_404(
    api: Client, alice: Any, method: str, checkin_id: str
) -> None:
    url = f"{URL}{checkin_id}"
    response = patch(api, url, {"mood": 9}) if method == "patch" else getattr(api, method)(url)
    assert response.status_code == 404


# --- documentation ---------------------------------------------------------------------------


def test_the_openapi_schema_is_served(client: Client, db: None) -> None:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert "/api/v1/checkins/" in schema["paths"]
    assert "/api/v1/checkins/{checkin_id}" in schema["paths"]


def test_the_docs_page_is_served_offline(client: Client, db: None) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/openapi.json" in html
    # Served from our own static files, not a CDN.
    assert "cdn.jsdelivr.net" not in html
    assert "unpkg.com" not in html
