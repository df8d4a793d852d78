"""The ladder: order, moving steps without JavaScript, and the written suggestion rule."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.practice.models import Ladder, RelianceExperiment, Step

pytestmark = pytest.mark.django_db


def ladder_of(owner: Any, *texts: str) -> Ladder:
    ladder = Ladder.objects.create(owner=owner, title="Asking friends")
    for text in texts:
        ladder.add_step(text)
    return ladder


def tried(step: Step, *came_true: str) -> None:
    for outcome in came_true:
        RelianceExperiment.objects.create(
            owner=step.ladder.owner,
            step=step,
            belief="b",
            belief_before=70,
            prediction="p",
            prediction_likelihood=70,
            discomfort_expected=70,
        ).record_after(
            happened="h", came_true=outcome, discomfort_felt=70, learned="", belief_after=70
        )


def texts(ladder: Ladder) -> list[str]:
    return [s.text for s in ladder.ordered_steps()]


def test_building_a_ladder_on_the_web(alice: Any, alice_client: Client) -> None:
    response = alice_client.post("/practice/ladders/new/", {"title": "Asking friends"})
    ladder = Ladder.objects.get(owner=alice)
    assert response["Location"] == f"/practice/ladders/{ladder.pk}/"
    for text in ("Ask for the salt", "Ask for a lift"):
        alice_client.post(f"/practice/ladders/{ladder.pk}/steps/", {"text": text})
    assert texts(ladder) == ["Ask for the salt", "Ask for a lift"]
    page = alice_client.get(f"/practice/ladders/{ladder.pk}/").content.decode()
    assert "How the suggestion works" in page


def test_an_empty_step_gets_a_message_next_to_the_field(alice: Any, alice_client: Client) -> None:
    ladder = ladder_of(alice)
    response = alice_client.post(f"/practice/ladders/{ladder.pk}/steps/", {"text": ""})
    assert response.status_code == 200
    assert "A few words for the step, please." in response.content.decode()


def test_the_up_and_down_buttons_reorder_steps_without_javascript(
    alice: Any, alice_client: Client
) -> None:
    ladder = ladder_of(alice, "salt", "lift", "listen")
    lift = ladder.ordered_steps()[1]
    alice_client.post(f"/practice/steps/{lift.pk}/move/", {"direction": "up"})
    assert texts(ladder) == ["lift", "salt", "listen"]
    alice_client.post(f"/practice/steps/{lift.pk}/move/", {"direction": "down"})
    alice_client.post(f"/practice/steps/{lift.pk}/move/", {"direction": "down"})
    assert texts(ladder) == ["salt", "listen", "lift"]


def test_moving_a_step_past_the_end_changes_nothing_and_says_so(
    alice: Any, alice_client: Client
) -> None:
    ladder = ladder_of(alice, "salt", "lift")
    salt = ladder.ordered_steps()[0]
    response = alice_client.post(
        f"/practice/steps/{salt.pk}/move/", {"direction": "up"}, follow=True
    )
    assert response.status_code == 200
    assert "already at that end of the ladder" in response.content.decode()
    assert texts(ladder) == ["salt", "lift"]


def test_someone_else_cannot_move_my_steps(alice: Any, eve_client: Client) -> None:
    ladder = ladder_of(alice, "salt", "lift")
    lift = ladder.ordered_steps()[1]
    assert (
        eve_client.post(f"/practice/steps/{lift.pk}/move/", {"direction": "up"}).status_code == 404
    )
    assert eve_client.get(f"/practice/ladders/{ladder.pk}/").status_code == 404
    assert texts(ladder) == ["salt", "lift"]


def test_the_first_step_is_suggested_to_begin(alice: Any) -> None:
    suggestion = ladder_of(alice, "salt", "lift").suggestion()
    assert suggestion is not None
    assert (suggestion.step.text, suggestion.reason) == ("salt", "start")


def test_two_of_the_last_three_going_better_suggests_the_next_step(alice: Any) -> None:
    ladder = ladder_of(alice, "salt", "lift", "listen")
    tried(ladder.ordered_steps()[0], "yes", "no", "partly")
    suggestion = ladder.suggestion()
    assert suggestion is not None
    assert (suggestion.step.text, suggestion.reason) == ("lift", "next")


def test_predictions_that_came_true_suggest_another_ask_on_the_same_step(alice: Any) -> None:
    ladder = ladder_of(alice, "salt", "lift")
    tried(ladder.ordered_steps()[0], "no", "yes", "yes")
    suggestion = ladder.suggestion()
    assert suggestion is not None
    assert (suggestion.step.text, suggestion.reason) == ("salt", "again")


def test_the_suggestion_never_depends_on_discomfort_falling(alice: Any) -> None:
    # Every ask felt as uncomfortable as expected (70 of 100); predictions were wrong.
    ladder = ladder_of(alice, "salt", "lift")
    tried(ladder.ordered_steps()[0], "no", "no")
    suggestion = ladder.suggestion()
    assert suggestion is not None and suggestion.step.text == "lift"


def test_the_ladder_page_shows_the_suggested_step(alice: Any, alice_client: Client) -> None:
    ladder = ladder_of(alice, "salt", "lift")
    tried(ladder.ordered_steps()[0], "no", "no")
    page = alice_client.get(f"/practice/ladders/{ladder.pk}/").content.decode()
    assert "Suggested next" in page
    assert "The step before it went better than you predicted often enough" in page


def test_the_api_moves_a_step_and_names_the_field_past_the_end(
    alice: Any, alice_client: Client
) -> None:
    ladder = ladder_of(alice, "salt", "lift")
    _salt, lift = ladder.ordered_steps()
    moved = alice_client.post(
        f"/api/v1/practice/steps/{lift.pk}/move",
        data=json.dumps({"direction": "up"}),
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert [s["text"] for s in moved.json()["steps"]] == ["lift", "salt"]
    past = alice_client.post(
        f"/api/v1/practice/steps/{lift.pk}/move",
        data=json.dumps({"direction": "up"}),
        content_type="application/json",
    )
    assert past.status_code == 422
    assert past.json()["detail"][0]["loc"] == ["body", "direction"]


def test_the_api_builds_a_ladder(alice_client: Client) -> None:
    ladder = alice_client.post(
        "/api/v1/practice/ladders",
        data=json.dumps({"title": "Asking"}),
        content_type="application/json",
    ).json()
    step = alice_client.post(
        f"/api/v1/practice/ladders/{ladder['id']}/steps",
        data=json.dumps({"text": "salt"}),
        content_type="application/json",
    )
    assert step.status_code == 201
    got = alice_client.get(f"/api/v1/practice/ladders/{ladder['id']}").json()
    assert got["suggested_step_id"] == step.json()["id"]
