"""Answering page by page: progress, save and resume, every required answer checked,
refusals that name the item, and nothing already answered lost."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alongside.assessments.models import Take
from alongside.assessments.tests.conftest import ECR_RS_HIGH, made_up_wording


def answers_for(values: dict[str, int], **extra: str) -> dict[str, Any]:
    return {**{f"answer-{key}": str(value) for key, value in values.items()}, **extra}


@pytest.fixture
def take(alice: Any, ecr_rs_wording: None) -> Take:
    return Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="partner")


def url(take: Take) -> str:
    return f"/questionnaires/answers/{take.pk}/"


def test_the_page_shows_every_item_with_its_imported_wording(
    alice_client: Client, take: Take
) -> None:
    body = alice_client.get(url(take)).content.decode()
    assert "Made-up statement one: I enjoy sharing a pot of tea" in body
    assert "Made-up statement nine" in body
    assert body.count('type="radio" name="answer-q1"') == 7
    assert "Not my thing at all" in body and "Totally my thing" in body
    assert "About: <strong>Romantic partner</strong>" in body
    assert "0 of 9 answered" in body


def test_finishing_scores_the_take_and_shows_the_results(alice_client: Client, take: Take) -> None:
    response = alice_client.post(url(take), answers_for(ECR_RS_HIGH, page="1", go="finish"))
    take.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == f"/questionnaires/answers/{take.pk}/result/"
    assert take.status == "complete"
    assert take.completed_at is not None
    assert take.scores["avoidance"]["value"] == 7.0
    assert take.scores["anxiety"]["exact"] == "7"
    # A finished take opens its results.
    assert alice_client.get(url(take))["Location"].endswith("/result/")


def test_an_out_of_scale_answer_is_refused_with_the_item_named(
    alice_client: Client, take: Take
) -> None:
    data = answers_for({**ECR_RS_HIGH, "q4": 9}, page="1", go="finish")
    response = alice_client.post(url(take), data)
    body = response.content.decode()
    take.refresh_from_db()
    assert response.status_code == 200
    assert "Question 4: choose one of the answers, from 1 to 7." in body
    assert take.status == "in_progress"
    # Everything else was kept, and is still chosen on the page.
    assert take.answers == {k: v for k, v in ECR_RS_HIGH.items() if k != "q4"}
    assert 'name="answer-q5" value="7" checked' in body
    assert 'name="answer-q4" value="1" checked' not in body


def test_a_non_number_is_refused_with_the_item_named(alice_client: Client, take: Take) -> None:
    response = alice_client.post(url(take), answers_for({"q1": 3}, **{"answer-q2": "lots"}))
    assert "Question 2: choose one of the answers" in response.content.decode()
    take.refresh_from_db()
    assert take.answers == {"q1": 3}


def test_missing_answers_are_named_and_the_given_ones_kept(
    alice_client: Client, take: Take
) -> None:
    partial = {"q1": 2, "q2": 3, "q9": 6}
    response = alice_client.post(url(take), answers_for(partial, page="1", go="finish"))
    body = response.content.decode()
    take.refresh_from_db()
    assert response.status_code == 200
    for number in (3, 4, 5, 6, 7, 8):
        assert f"Question {number} still needs an answer." in body
    assert "Question 1 still needs an answer." not in body
    assert take.answers == partial
    assert take.status == "in_progress"
    assert 'name="answer-q9" value="6" checked' in body


def test_saving_for_later_keeps_answers_without_requiring_the_rest(
    alice_client: Client, take: Take
) -> None:
    response = alice_client.post(url(take), answers_for({"q1": 2, "q2": 5}, page="1", go="later"))
    take.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == "/questionnaires/"
    assert take.answers == {"q1": 2, "q2": 5}
    # Resuming shows them chosen.
    body = alice_client.get(url(take)).content.decode()
    assert 'name="answer-q2" value="5" checked' in body
    assert "2 of 9 answered" in body


def test_answers_can_be_changed_before_finishing(alice_client: Client, take: Take) -> None:
    alice_client.post(url(take), answers_for({"q1": 2}, page="1", go="later"))
    alice_client.post(url(take), answers_for({"q1": 6}, page="1", go="later"))
    take.refresh_from_db()
    assert take.answers == {"q1": 6}


def test_someone_elses_take_is_not_found(eve_client: Client, take: Take) -> None:
    assert eve_client.get(url(take)).status_code == 404
    assert eve_client.post(url(take), answers_for(ECR_RS_HIGH, go="finish")).status_code == 404
    take.refresh_from_db()
    assert take.answers == {}


# -------------------------------------------------------------- several pages


@pytest.fixture
def long_take(alice: Any) -> Take:
    made_up_wording("ecr-r")
    return Take.objects.create(owner=alice, instrument_id="ecr-r")


def page_answers(first: int, last: int, value: int = 4) -> dict[str, int]:
    return {f"q{n}": value for n in range(first, last + 1)}


def test_a_long_questionnaire_comes_in_pages_with_progress(
    alice_client: Client, long_take: Take
) -> None:
    body = alice_client.get(url(long_take)).content.decode()
    assert "Page 1 of 4" in body
    assert "Made-up question 9" in body and "Made-up question 10" not in body
    assert "Next page" in body
    response = alice_client.post(url(long_take), answers_for(page_answers(1, 9), page="1"))
    assert response["Location"] == f"{url(long_take)}?page=2"
    body = alice_client.get(response["Location"]).content.decode()
    assert "Page 2 of 4" in body and "9 of 36 answered" in body
    assert "Made-up question 10" in body


def test_next_page_needs_this_page_answered(alice_client: Client, long_take: Take) -> None:
    response = alice_client.post(url(long_take), answers_for(page_answers(1, 8), page="1"))
    assert response.status_code == 200
    assert "Question 9 still needs an answer." in response.content.decode()
    long_take.refresh_from_db()
    assert len(long_take.answers) == 8


def test_back_keeps_answers_and_needs_nothing(alice_client: Client, long_take: Take) -> None:
    response = alice_client.post(url(long_take), answers_for({"q10": 2}, page="2", go="back"))
    assert response["Location"] == f"{url(long_take)}?page=1"
    long_take.refresh_from_db()
    assert long_take.answers == {"q10": 2}


def test_resuming_opens_the_first_page_with_a_gap(alice_client: Client, long_take: Take) -> None:
    long_take.answers = page_answers(1, 18)
    long_take.save()
    body = alice_client.get(url(long_take)).content.decode()
    assert "Page 3 of 4" in body


def test_finishing_with_gaps_on_an_earlier_page_goes_back_to_them(
    alice_client: Client, long_take: Take
) -> None:
    answers = page_answers(1, 36)
    del answers["q12"]
    long_take.answers = answers
    long_take.save()
    response = alice_client.post(url(long_take), answers_for({}, page="4", go="finish"))
    assert response["Location"] == f"{url(long_take)}?page=2&check=1"
    body = alice_client.get(response["Location"]).content.decode()
    assert "Question 12 still needs an answer." in body
    assert "A few questions still need an answer." in body
    long_take.refresh_from_db()
    assert long_take.status == "in_progress"


def test_a_page_number_out_of_range_is_clamped(alice_client: Client, long_take: Take) -> None:
    assert "Page 4 of 4" in alice_client.get(f"{url(long_take)}?page=99").content.decode()
    assert "Page 1 of 4" in alice_client.get(f"{url(long_take)}?page=-3").content.decode()


# --------------------------------------------------------------- the picture


def test_the_closeness_item_is_drawn_as_seven_pictures(alice: Any, alice_client: Client) -> None:
    take = Take.objects.create(
        owner=alice, instrument_id="alongside-closeness", relationship="partner"
    )
    body = alice_client.get(url(take)).content.decode()
    assert body.count('class="closeness-picture"') == 7
    assert "Two circles that overlap almost completely" in body
    assert 'role="img"' in body
    response = alice_client.post(url(take), {"page": "1", "go": "finish", "answer-closeness": "5"})
    assert response["Location"].endswith("/result/")
    take.refresh_from_db()
    assert take.scores["closeness"]["value"] == 5.0


def test_a_short_fully_labelled_scale_shows_its_words(alice: Any, alice_client: Client) -> None:
    take = Take.objects.create(
        owner=alice, instrument_id="alongside-safety-needs", relationship="friend"
    )
    body = alice_client.get(url(take)).content.decode()
    assert 'class="scale n5 words"' in body
    assert "Somewhat" in body
