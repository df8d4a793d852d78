"""Reliance experiments: before, after, what is stored, bad input, export and the API."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from alongside.accounts.export import sections
from alongside.practice.models import RelianceExperiment

pytestmark = pytest.mark.django_db

BEFORE = {
    "direction": "ask",
    "belief": "Asking will be a burden",
    "belief_before": "80",
    "prediction": "She will sound annoyed and say no",
    "prediction_likelihood": "70",
    "discomfort_expected": "60",
    "safety_behaviours": ["apologising"],
}
AFTER = {
    "happened": "She said yes and seemed glad",
    "came_true": "no",
    "discomfort_felt": "30",
    "learned": "Small asks are welcome",
    "belief_after": "40",
}


def plan(owner: Any, **extra: Any) -> RelianceExperiment:
    fields: dict[str, Any] = {
        "owner": owner,
        "belief": "Asking will be a burden",
        "belief_before": 80,
        "prediction": "She will say no",
        "prediction_likelihood": 70,
        "discomfort_expected": 60,
    }
    fields.update(extra)
    return RelianceExperiment.objects.create(**fields)


def test_planning_an_experiment_saves_the_before_part(alice: Any, alice_client: Client) -> None:
    response = alice_client.post("/practice/experiments/new/", BEFORE)
    experiment = RelianceExperiment.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/practice/experiments/{experiment.pk}/"
    assert experiment.prediction == "She will sound annoyed and say no"
    assert not experiment.is_complete
    page = alice_client.get(response["Location"]).content.decode()
    assert "Write what happened" in page


def test_the_after_part_stores_prediction_error_and_belief_change(
    alice: Any, alice_client: Client
) -> None:
    experiment = plan(alice)
    response = alice_client.post(f"/practice/experiments/{experiment.pk}/after/", AFTER)
    assert response.status_code == 302
    experiment.refresh_from_db()
    assert experiment.is_complete
    assert experiment.prediction_error == 70  # felt 70% likely, none of it came true
    assert experiment.discomfort_error == 30
    assert experiment.belief_change == 40
    assert experiment.went_better is True
    page = alice_client.get(f"/practice/experiments/{experiment.pk}/").content.decode()
    assert "went better than you predicted" in page


def test_a_prediction_that_came_true_is_not_counted_as_better(alice: Any) -> None:
    experiment = plan(alice)
    experiment.record_after(
        happened="He said no", came_true="yes", discomfort_felt=70, learned="", belief_after=80
    )
    assert experiment.went_better is False
    assert experiment.prediction_error == -30


def test_free_text_is_encrypted_at_rest(alice: Any) -> None:
    experiment = plan(alice, belief="They will let me down")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT belief FROM practice_relianceexperiment WHERE id = %s", [experiment.pk]
        )
        stored = cursor.fetchone()[0]
    assert "let me down" not in stored


@pytest.mark.parametrize("value", ["-1", "101", "lots"])
def test_a_rating_outside_0_to_100_gets_a_message_next_to_the_field_and_keeps_the_words(
    alice: Any, alice_client: Client, value: str
) -> None:
    response = alice_client.post(
        "/practice/experiments/new/", {**BEFORE, "prediction_likelihood": value}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Use a number from 0 to 100." in page
    assert "She will sound annoyed and say no" in page  # nothing typed is lost
    assert not RelianceExperiment.objects.exists()


def test_a_bad_after_part_keeps_what_was_typed_and_stores_nothing(
    alice: Any, alice_client: Client
) -> None:
    experiment = plan(alice)
    response = alice_client.post(
        f"/practice/experiments/{experiment.pk}/after/", {**AFTER, "belief_after": "150"}
    )
    assert "Use a number from 0 to 100." in response.content.decode()
    assert "She said yes and seemed glad" in response.content.decode()
    experiment.refresh_from_db()
    assert experiment.after_at is None


def test_someone_elses_experiment_is_not_found(alice: Any, eve_client: Client) -> None:
    experiment = plan(alice)
    assert eve_client.get(f"/practice/experiments/{experiment.pk}/").status_code == 404
    assert (
        eve_client.post(f"/practice/experiments/{experiment.pk}/after/", AFTER).status_code == 404
    )
    experiment.refresh_from_db()
    assert experiment.after_at is None


def test_the_practice_page_says_how_many_asks_went_better(alice: Any, alice_client: Client) -> None:
    for came_true in ("no", "no", "partly", "yes"):
        plan(alice).record_after(
            happened="it happened",
            came_true=came_true,
            discomfort_felt=20,
            learned="",
            belief_after=50,
        )
    page = alice_client.get("/practice/").content.decode()
    assert "3 of your last 4 asks went better than you expected." in page
    assert "<svg" in page and "Discomfort: expected and felt" in page


def test_export_includes_experiments_and_ladders(alice: Any) -> None:
    plan(alice, belief="A belief to export")
    exported = sections(alice)
    assert exported["practice_experiments"][0]["before"]["belief"] == "A belief to export"
    assert "practice_ladders" in exported


def test_deleting_the_account_deletes_the_experiments(alice: Any) -> None:
    plan(alice)
    alice.delete()
    assert not RelianceExperiment.objects.exists()


# The API


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


API_BEFORE = {
    "belief": "Asking will be a burden",
    "belief_strength": 80,
    "prediction": "She will say no",
    "prediction_likelihood": 70,
    "discomfort_expected": 60,
}


def test_the_api_plans_an_experiment_and_records_the_after_part(alice_client: Client) -> None:
    created = _post(alice_client, "/api/v1/practice/experiments", API_BEFORE)
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["complete"] is False
    after = _post(
        alice_client,
        f"/api/v1/practice/experiments/{pk}/after",
        {"happened": "yes", "came_true": "partly", "discomfort_felt": 40, "belief_strength": 60},
    )
    assert after.status_code == 200
    body = after.json()
    assert body["complete"] is True
    assert body["prediction_error"] == 20
    assert body["belief_change"] == 20


def test_the_api_names_a_rating_out_of_range(alice_client: Client) -> None:
    response = _post(
        alice_client, "/api/v1/practice/experiments", {**API_BEFORE, "discomfort_expected": 101}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "payload", "discomfort_expected"]


def test_the_api_refuses_an_after_part_sent_with_the_before_part(alice_client: Client) -> None:
    response = _post(
        alice_client, "/api/v1/practice/experiments", {**API_BEFORE, "happened": "all good"}
    )
    assert response.status_code == 422
    assert "happened" in response.json()["detail"][0]["loc"]


def test_the_api_names_a_missing_after_field(alice: Any, alice_client: Client) -> None:
    experiment = plan(alice)
    response = _post(
        alice_client, f"/api/v1/practice/experiments/{experiment.pk}/after", {"happened": "x"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "came_true"]


def test_the_api_answers_404_for_someone_elses_experiment(alice: Any, eve_client: Client) -> None:
    experiment = plan(alice)
    assert eve_client.get(f"/api/v1/practice/experiments/{experiment.pk}").status_code == 404
    response = _post(
        eve_client,
        f"/api/v1/practice/experiments/{experiment.pk}/after",
        {"happened": "x", "came_true": "no", "discomfort_felt": 1, "belief_strength": 1},
    )
    assert response.status_code == 404


def _three_done(owner: Any) -> None:
    for came_true in ("no", "no", "yes"):
        plan(owner).record_after(
            happened="SECRET-HAPPENED-3b",
            came_true=came_true,
            discomfort_felt=20,
            learned="",
            belief_after=50,
        )


def test_a_person_alice_shares_practice_with_sees_her_sentence_and_picture(
    alice: Any, ben_client: Client, link_couple: Any
) -> None:
    link = link_couple(["practice"], [])
    _three_done(alice)
    plan(alice, is_private=True).record_after(
        happened="PRIVATE-ONE", came_true="yes", discomfort_felt=90, learned="", belief_after=90
    )
    page = ben_client.get(f"/circle/links/{link.pk}/").content.decode()
    assert "2 of Alice&#x27;s last 3 asks went better than they expected." in page
    assert "Discomfort: expected and felt" in page
    assert "SECRET-HAPPENED-3b" not in page and "PRIVATE-ONE" not in page


def test_without_the_practice_grant_nothing_of_practice_shows(
    alice: Any, ben_client: Client, link_couple: Any
) -> None:
    link = link_couple(["mood"], [])
    _three_done(alice)
    page = ben_client.get(f"/circle/links/{link.pk}/").content.decode()
    assert "asks went better" not in page


def test_a_scales_range_never_breaks_across_lines(alice_client: Any) -> None:
    page = alice_client.get("/practice/experiments/new/").content.decode()
    assert "How strongly do you believe it? (0\u00a0to\u00a0100)" in page
    german = alice_client.get("/practice/experiments/new/", HTTP_ACCEPT_LANGUAGE="de")
    assert "(0\u00a0bis\u00a0100)" in german.content.decode()
