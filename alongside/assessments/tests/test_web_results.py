"""Results, history and reliable change: scores, published cut-offs and norms, the
plain-language reading, the attachment picture with its trajectory, and the
Jacobson-Truax verdict between any two takes (or how to add the figures it needs)."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from alongside.assessments.models import Take
from alongside.assessments.services import import_file_install, import_file_read
from alongside.assessments.tests.conftest import (
    ECR_RS_HIGH,
    ECR_RS_LOW,
    FIXTURES,
    made_up_wording,
)


def result_url(take: Take) -> str:
    return f"/questionnaires/answers/{take.pk}/result/"


def test_the_result_shows_each_score_and_its_reading(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    take = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get(result_url(take)).content.decode()
    assert "Attachment-related avoidance" in body and "Attachment-related anxiety" in body
    assert '<span class="big">2</span>' in body
    assert "from 1 to 7" in body
    # The spec's own band for 1 <= score < 3.
    assert "With this person you tend to feel at ease opening up and leaning on them." in body
    assert "You tend to feel settled about where you stand with this person." in body
    assert "about Romantic partner" in body
    assert "not a verdict on you" in body


def test_an_exact_mean_is_shown_as_people_read_it(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    answers = {**ECR_RS_LOW, "q7": 3}  # anxiety (3 + 2 + 2) / 3 = 7/3
    take = finished(alice, "ecr-rs", answers, relationship="partner")
    assert take.scores["anxiety"]["exact"] == "7/3"
    assert '<span class="big">2.33</span>' in alice_client.get(result_url(take)).content.decode()


def test_the_attachment_picture_follows_the_takes_in_order(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    first = finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=30)
    second = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="mother")  # another relationship
    body = alice_client.get(result_url(second)).content.decode()
    svg = re.search(r'<svg class="chart chart-plane".*?</svg>', body, re.S)
    assert svg, "no attachment picture"
    assert svg.group(0).count('<circle class="dot') == 2
    assert '<polyline class="trail"' in svg.group(0)
    assert "<title>" in svg.group(0) and "<desc" in svg.group(0)
    assert "avoidance 2 and anxiety 2" in body
    # The earlier take's own page pictures only what came before it.
    earlier = alice_client.get(result_url(first)).content.decode()
    plane = re.search(r'<svg class="chart chart-plane".*?</svg>', earlier, re.S)
    assert plane and plane.group(0).count('<circle class="dot') == 1


def test_reliable_change_without_figures_says_how_to_add_them(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=30)
    take = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get(result_url(take)).content.decode()
    assert "Reliable change needs the reference figures; here is how to add them." in body
    assert "alongside instruments set-reliable-change ecr-rs avoidance" in body
    assert "Reliable improvement" not in body
    assert "\u22125" in body  # the change itself is still shown


def test_reliable_change_with_installed_figures_gives_a_verdict(
    alice: Any, alice_client: Client, ecr_rs_wording: None, test_figures: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=30)
    take = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get(result_url(take)).content.decode()
    # 7 -> 2 with SD 1, r .8: S_diff = sqrt(2 * 0.2) = 0.632, RCI = -7.9; lower is better.
    assert body.count("Reliable improvement") == 2
    assert "needs the reference figures" not in body


def test_a_small_change_is_no_reliable_change(
    alice: Any, alice_client: Client, ecr_rs_wording: None, test_figures: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner", days_ago=30)
    take = finished(alice, "ecr-rs", {**ECR_RS_LOW, "q7": 3}, relationship="partner")
    body = alice_client.get(result_url(take)).content.decode()
    assert "No reliable change" in body


def test_a_reflection_offers_no_reliable_change_statistic(
    alice: Any, alice_client: Client, finished: Any
) -> None:
    finished(alice, "alongside-closeness", {"closeness": 2}, relationship="partner", days_ago=9)
    take = finished(alice, "alongside-closeness", {"closeness": 5}, relationship="partner")
    body = alice_client.get(result_url(take)).content.decode()
    assert "A reflection, not a validated questionnaire" in body
    assert "there is no test of whether a change is reliable" in body
    assert "needs the reference figures" not in body


def test_published_cut_offs_and_norms_are_shown_with_their_source(
    alice: Any, alice_client: Client, finished: Any
) -> None:
    plan = import_file_read(path=FIXTURES / "made_up_with_norms.yaml")
    import_file_install(plan=plan, imported_by="tests")
    # 1 + 2 + (6 - 5) = 4: below the made-up cut-off of 7; z = (4 - 9) / 2.
    take = finished(alice, "tea-time", {"kettle": 1, "biscuits": 2, "alone": 5})
    body = alice_client.get(result_url(take)).content.decode()
    assert "Made-up reading - tea is mostly taken apart at the moment." in body
    assert "Published cut-off: Made-up cut-off for the tests" in body
    assert "Compared with a made-up sample of tea drinkers (average 9, SD 2)" in body
    assert "about 1 in 100 people there scored lower" in body
    assert "You tend to take your tea on your own lately." in body


def test_a_cut_off_not_met_is_not_mentioned(
    alice: Any, alice_client: Client, finished: Any
) -> None:
    made_up_wording("csi-4")
    take = finished(alice, "csi-4", {"q1": 6, "q2": 5, "q3": 5, "q4": 5})
    body = alice_client.get(result_url(take)).content.decode()
    assert '<span class="big">21</span>' in body
    assert "Published cut-off" not in body


def test_scores_across_relationships_appear_with_two_or_more(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    take = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    assert "Across your relationships" not in alice_client.get(result_url(take)).content.decode()
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="mother")
    body = alice_client.get(result_url(take)).content.decode()
    assert "Across your relationships (Mother (or a mother-like figure), Romantic partner)" in body
    assert '<span class="big">4.5</span>' in body  # (2 + 7) / 2


def test_an_unfinished_take_has_no_result_yet(alice: Any, alice_client: Client) -> None:
    take = Take.objects.create(
        owner=alice, instrument_id="alongside-closeness", relationship="partner"
    )
    response = alice_client.get(result_url(take))
    assert response["Location"] == f"/questionnaires/answers/{take.pk}/"


def test_someone_elses_result_is_not_found(
    alice: Any, eve_client: Client, ben_client: Client, finished: Any
) -> None:
    take = finished(alice, "alongside-closeness", {"closeness": 3}, relationship="partner")
    assert eve_client.get(result_url(take)).status_code == 404
    assert ben_client.get(result_url(take)).status_code == 404


# ------------------------------------------------------------------- history


def test_history_draws_each_score_over_time_and_compares_the_last_two(
    alice: Any, alice_client: Client, ecr_rs_wording: None, test_figures: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=60)
    finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner", days_ago=30)
    finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get("/questionnaires/ecr-rs/history/").content.decode()
    assert body.count('class="chart chart-timeline"') == 2
    assert "from 7 the first time to 2 the latest, over 3 times" in body
    assert 'class="chart chart-plane"' in body
    # Default: the last two (2 -> 2), no reliable change.
    assert "No reliable change" in body
    assert "Reliable improvement" not in body


def test_history_compares_any_two_chosen_takes(
    alice: Any, alice_client: Client, ecr_rs_wording: None, test_figures: None, finished: Any
) -> None:
    first = finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=60)
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="partner", days_ago=30)
    last = finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get(
        f"/questionnaires/ecr-rs/history/?relationship=partner&before={first.pk}&after={last.pk}"
    ).content.decode()
    assert body.count("Reliable improvement") == 2
    # Chosen the other way round, the earlier one still comes first.
    body = alice_client.get(
        f"/questionnaires/ecr-rs/history/?before={last.pk}&after={first.pk}"
    ).content.decode()
    assert body.count("Reliable improvement") == 2


def test_history_is_per_relationship(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_HIGH, relationship="mother", days_ago=3)
    finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    body = alice_client.get("/questionnaires/ecr-rs/history/?relationship=partner").content.decode()
    assert 'aria-current="page">Romantic partner<' in body
    assert "Attachment-related avoidance: 2, answered once." in body


def test_history_only_shows_ones_own_takes(
    alice: Any, eve: Any, eve_client: Client, finished: Any
) -> None:
    finished(alice, "alongside-closeness", {"closeness": 6}, relationship="partner")
    body = eve_client.get("/questionnaires/alongside-closeness/history/").content.decode()
    assert "No finished answers yet" in body


def test_deleting_a_take_asks_first_and_then_removes_it(
    alice: Any, alice_client: Client, eve_client: Client, finished: Any
) -> None:
    take = finished(alice, "alongside-closeness", {"closeness": 6}, relationship="partner")
    url = f"/questionnaires/answers/{take.pk}/delete/"
    assert "Delete these answers?" in alice_client.get(url).content.decode()
    assert eve_client.post(url).status_code == 404
    assert Take.objects.filter(pk=take.pk).exists()
    response = alice_client.post(url)
    assert response["Location"] == "/questionnaires/"
    assert not Take.objects.filter(pk=take.pk).exists()


def test_the_export_holds_every_take(alice: Any, finished: Any) -> None:
    from alongside.accounts.export import sections

    finished(alice, "alongside-closeness", {"closeness": 4}, relationship="partner")
    Take.objects.create(owner=alice, instrument_id="alongside-safety-needs", relationship="friend")
    rows = sections(alice)["assessments"]
    assert [(r["instrument"], r["status"]) for r in rows] == [
        ("alongside-closeness", "complete"),
        ("alongside-safety-needs", "in_progress"),
    ]
    assert rows[0]["answers"] == {"closeness": 4}
    assert rows[0]["scores"] == {"closeness": 4.0}
