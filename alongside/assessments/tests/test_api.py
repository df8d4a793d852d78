"""The questionnaires API, /api/v1/assessments/: instruments (no third-party wording
until installed), one's own takes, 422 naming the answer, 404 for someone else's, and
results shared through a grant."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry, ApiToken
from alongside.assessments.models import Take
from alongside.assessments.tests.conftest import ECR_RS_HIGH, ECR_RS_LOW
from alongside.circle.models import Grant, Link

BASE = "/api/v1/assessments"


@pytest.fixture
def api(alice: Any) -> Client:
    """alice, by bearer token only (no session)."""
    _token, raw = ApiToken.issue(alice, "my script")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


def patch(client: Client, url: str, body: Any) -> Any:
    return client.patch(url, json.dumps(body), content_type="application/json")


def locs(response: Any) -> list[list[Any]]:
    assert response.status_code == 422, response.content
    return [error["loc"] for error in response.json()["detail"]]


# --------------------------------------------------------------- instruments


def test_it_hides_instruments_without_wording_from_people(api: Client) -> None:
    rows = {row["id"]: row for row in api.get(f"{BASE}/instruments").json()}
    assert "ecr-rs" not in rows
    assert api.get(f"{BASE}/instruments/ecr-rs").status_code == 404
    assert rows["alongside-closeness"]["wording_installed"] is True


def test_it_lists_instruments_with_their_wording_status(api: Client, alice: Any) -> None:
    alice.is_staff = True
    alice.save()
    rows = {row["id"]: row for row in api.get(f"{BASE}/instruments").json()}
    assert rows["ecr-rs"]["wording_installed"] is False
    assert "--into ecr-rs" in rows["ecr-rs"]["wording_message"]
    assert rows["alongside-closeness"]["wording_installed"] is True
    assert rows["alongside-closeness"]["label"] == "A reflection, not a validated questionnaire"
    assert [r["id"] for r in rows["ecr-rs"]["about"]["relationships"]] == [
        "mother",
        "father",
        "partner",
        "best_friend",
    ]


def test_detail_has_no_third_party_wording_until_installed(api: Client, alice: Any) -> None:
    alice.is_staff = True
    alice.save()
    data = api.get(f"{BASE}/instruments/ecr-rs").json()
    assert [item["wording"] for item in data["item_list"]] == [None] * 9
    assert data["item_list"][0]["reverse"] is True
    avoidance = data["subscales"][0]
    assert avoidance["items"] == ["q1", "q2", "q3", "q4", "q5", "q6"]
    assert avoidance["reliable_change"] is None
    assert avoidance["interpretation"][0]["min"] == 1


def test_detail_carries_installed_wording_and_figures(
    api: Client, ecr_rs_wording: None, test_figures: None
) -> None:
    data = api.get(f"{BASE}/instruments/ecr-rs").json()
    assert data["wording_installed"] is True
    assert data["item_list"][0]["wording"].startswith("Made-up statement one")
    assert data["item_list"][0]["scale"]["labels"]["1"] == "Not my thing at all"
    figures = data["subscales"][0]["reliable_change"]
    assert figures["sd"] == 1.0 and figures["reliability"] == 0.8
    assert "TEST FIGURES ONLY" in figures["sources"][0]["citation"]


def test_an_unknown_instrument_is_not_found(api: Client) -> None:
    assert api.get(f"{BASE}/instruments/nope").status_code == 404


def test_instruments_need_authentication(client: Client) -> None:
    assert client.get(f"{BASE}/instruments").status_code == 401


# --------------------------------------------------------------------- takes


def test_a_take_can_be_answered_in_steps_and_finished(
    api: Client, alice: Any, ecr_rs_wording: None
) -> None:
    response = post(
        api,
        f"{BASE}/takes",
        {"instrument": "ecr-rs", "relationship": "partner", "answers": {"q1": 2}},
    )
    assert response.status_code == 201, response.content
    take = response.json()
    assert (take["status"], take["answers"], take["results"]) == ("in_progress", {"q1": 2}, [])
    url = f"{BASE}/takes/{take['id']}"
    rest = {k: v for k, v in ECR_RS_LOW.items() if k != "q1"}
    done = patch(api, url, {"answers": rest, "complete": True}).json()
    assert done["status"] == "complete"
    assert done["scores"] == {"avoidance": pytest.approx(16 / 6), "anxiety": 2.0}  # q1=2 keys to 6
    assert done["results"][1]["interpretation"].startswith("You tend to feel settled")
    assert api.get(url).json()["scores"] == done["scores"]
    assert [t["id"] for t in api.get(f"{BASE}/takes").json()] == [take["id"]]


def test_a_take_can_be_created_complete_in_one_call(api: Client, ecr_rs_wording: None) -> None:
    response = post(
        api,
        f"{BASE}/takes",
        {
            "instrument": "ecr-rs",
            "relationship": "partner",
            "answers": ECR_RS_HIGH,
            "complete": True,
        },
    )
    assert response.status_code == 201
    assert response.json()["scores"] == {"avoidance": 7.0, "anxiety": 7.0}


def test_an_out_of_scale_answer_is_422_naming_the_item(
    api: Client, alice: Any, ecr_rs_wording: None
) -> None:
    body = {"instrument": "ecr-rs", "relationship": "partner", "answers": {"q1": 2, "q3": 9}}
    response = post(api, f"{BASE}/takes", body)
    assert locs(response) == [["body", "answers", "q3"]]
    assert "outside the scale 1 to 7" in response.json()["detail"][0]["msg"]
    assert not Take.objects.exists()


def test_finishing_with_missing_answers_names_them_and_keeps_the_rest(
    api: Client, alice: Any, ecr_rs_wording: None
) -> None:
    take = Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="partner")
    answers = {k: v for k, v in ECR_RS_LOW.items() if k not in ("q4", "q8")}
    response = patch(api, f"{BASE}/takes/{take.pk}", {"answers": answers, "complete": True})
    assert locs(response) == [["body", "answers", "q4"], ["body", "answers", "q8"]]
    take.refresh_from_db()
    assert take.answers == answers
    assert take.status == "in_progress"


def test_unknown_items_and_wrong_types_are_422(
    api: Client, alice: Any, ecr_rs_wording: None
) -> None:
    take = Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="partner")
    url = f"{BASE}/takes/{take.pk}"
    assert locs(patch(api, url, {"answers": {"q99": 3}})) == [["body", "answers", "q99"]]
    assert any("q2" in loc for loc in locs(patch(api, url, {"answers": {"q2": "4"}})))
    assert any("colour" in loc for loc in locs(patch(api, url, {"colour": "blue"})))


def test_a_finished_take_cannot_be_changed(
    api: Client, alice: Any, ecr_rs_wording: None, finished: Any
) -> None:
    take = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    response = patch(api, f"{BASE}/takes/{take.pk}", {"answers": {"q1": 7}})
    assert locs(response) == [["body", "answers"]]
    take.refresh_from_db()
    assert take.answers == ECR_RS_LOW


def test_creating_checks_the_instrument_and_relationship(api: Client, ecr_rs_wording: None) -> None:
    assert locs(post(api, f"{BASE}/takes", {"instrument": "nope"})) == [["body", "instrument"]]
    assert locs(post(api, f"{BASE}/takes", {"instrument": "ecr-rs"})) == [["body", "relationship"]]
    response = post(api, f"{BASE}/takes", {"instrument": "ras"})
    assert locs(response) == [["body", "instrument"]]
    assert "not installed" in response.json()["detail"][0]["msg"]
    assert not Take.objects.exists()


def test_the_take_reports_reliable_change_since_the_previous_one(
    api: Client, alice: Any, ecr_rs_wording: None, finished: Any
) -> None:
    first = finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=20)
    second = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    data = api.get(f"{BASE}/takes/{second.pk}").json()
    assert data["previous_take"] == first.pk
    change = data["change_since_previous"][0]
    assert (change["before"], change["after"], change["verdict"]) == (7.0, 2.0, None)
    assert "cannot be computed" in change["reason"]


def test_with_figures_the_verdict_is_given(
    api: Client, alice: Any, ecr_rs_wording: None, test_figures: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=20)
    second = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    change = api.get(f"{BASE}/takes/{second.pk}").json()["change_since_previous"][0]
    assert change["verdict"] == "reliable_improvement"
    assert change["verdict_label"] == "Reliable improvement"
    assert change["rci"] == pytest.approx(-5 / (0.2**0.5 * 2**0.5))


def test_someone_elses_take_is_404(
    api: Client, eve: Any, ecr_rs_wording: None, finished: Any
) -> None:
    take = finished(eve, "ecr-rs", ECR_RS_LOW, relationship="partner")
    url = f"{BASE}/takes/{take.pk}"
    assert api.get(url).status_code == 404
    assert patch(api, url, {"answers": {"q1": 1}}).status_code == 404
    assert api.delete(url).status_code == 404
    assert Take.objects.filter(pk=take.pk).exists()
    assert api.get(f"{BASE}/takes").json() == []


def test_a_take_can_be_deleted(api: Client, alice: Any) -> None:
    take = Take.objects.create(
        owner=alice, instrument_id="alongside-closeness", relationship="partner"
    )
    assert api.delete(f"{BASE}/takes/{take.pk}").status_code == 204
    assert not Take.objects.exists()


def test_takes_can_be_filtered(api: Client, alice: Any, finished: Any) -> None:
    finished(alice, "alongside-closeness", {"closeness": 3}, relationship="partner")
    Take.objects.create(owner=alice, instrument_id="alongside-safety-needs", relationship="friend")
    ids = [t["instrument"] for t in api.get(f"{BASE}/takes", {"status": "complete"}).json()]
    assert ids == ["alongside-closeness"]
    rows = api.get(f"{BASE}/takes", {"instrument": "alongside-safety-needs"}).json()
    assert [t["status"] for t in rows] == ["in_progress"]


# -------------------------------------------------------------------- shared


def test_shared_results_are_scores_only_and_each_read_is_logged(
    api: Client, alice: Any, ben: Any, finished: Any
) -> None:
    link = Link.objects.create(kind="partner", user_a=ben, user_b=alice)
    Grant.objects.create(owner=ben, grantee=alice, link=link, categories=["assessments"])
    take = finished(ben, "alongside-closeness", {"closeness": 5}, relationship="partner")
    Take.objects.create(owner=ben, instrument_id="alongside-safety-needs", relationship="partner")
    finished(alice, "alongside-closeness", {"closeness": 2}, relationship="partner")
    rows = api.get(f"{BASE}/shared").json()
    assert rows == [
        {
            "id": take.pk,
            "owner": "Ben",
            "instrument": "alongside-closeness",
            "relationship": "partner",
            "scores": {"closeness": 5.0},
            "completed_at": rows[0]["completed_at"],
        }
    ]
    entry = AccessLogEntry.objects.get(owner=ben)
    assert (entry.viewer, entry.categories) == (alice, ["assessments"])


def test_nothing_is_shared_without_the_category(
    api: Client, alice: Any, ben: Any, finished: Any
) -> None:
    link = Link.objects.create(kind="partner", user_a=ben, user_b=alice)
    Grant.objects.create(owner=ben, grantee=alice, link=link, categories=["mood"])
    finished(ben, "alongside-closeness", {"closeness": 5}, relationship="partner")
    assert api.get(f"{BASE}/shared").json() == []
    assert not AccessLogEntry.objects.exists()
