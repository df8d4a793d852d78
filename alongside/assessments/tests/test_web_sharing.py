"""Sharing results through a grant ("assessments"): scores and readings only, never the
answers or unfinished takes; every read in the owner's access log; nothing for others."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.assessments.models import Take
from alongside.assessments.tests.conftest import ECR_RS_LOW
from alongside.circle import services
from alongside.circle.models import Grant, Link


def _link(alice: Any, ben: Any, alice_shares: list[str]) -> Link:
    link = Link.objects.create(kind="partner", user_a=alice, user_b=ben)
    Grant.objects.create(owner=alice, grantee=ben, link=link, categories=alice_shares)
    Grant.objects.create(owner=ben, grantee=alice, link=link, categories=[])
    return link


@pytest.fixture
def results(alice: Any, ecr_rs_wording: None, finished: Any) -> Take:
    finished(alice, "alongside-closeness", {"closeness": 6}, relationship="partner")
    Take.objects.create(
        owner=alice,
        instrument_id="alongside-safety-needs",
        relationship="partner",
        answers={"security": 1},
    )
    return finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")


def url(link: Link) -> str:
    return f"/circle/links/{link.pk}/questionnaires/"


def test_a_grantee_sees_shared_scores_and_the_read_is_logged(
    alice: Any, ben: Any, ben_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["assessments"])
    body = ben_client.get(url(link)).content.decode()
    assert "Alice's questionnaire results" in body
    assert "Experiences in Close Relationships" in body
    assert "How close does this relationship feel?" in body
    assert '<span class="big">2</span>' in body
    assert 'class="chart chart-plane"' in body
    # Never the answers, never an unfinished take.
    assert "answer-q1" not in body
    assert "Safety needs in a relationship" not in body
    entry = AccessLogEntry.objects.get(owner=alice)
    assert (entry.viewer, entry.categories) == (ben, ["assessments"])


def test_without_the_category_nothing_is_shown_or_logged(
    alice: Any, ben: Any, ben_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["mood", "needs"])
    response = ben_client.get(url(link))
    body = response.content.decode()
    assert response.status_code == 200
    assert "does not share questionnaire results with you" in body
    assert "Experiences in Close Relationships" not in body
    assert not AccessLogEntry.objects.exists()


def test_a_revoked_grant_stops_access_on_the_next_request(
    alice: Any, ben: Any, ben_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["assessments"])
    assert "Close Relationships" in ben_client.get(url(link)).content.decode()
    grant = Grant.objects.get(owner=alice, grantee=ben)
    services.grant_update(grant=grant, categories=[], expires_at=None)
    assert "Close Relationships" not in ben_client.get(url(link)).content.decode()


def test_the_owner_reading_the_link_sees_the_other_persons_results_only(
    alice: Any, ben: Any, alice_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["assessments"])
    body = alice_client.get(url(link)).content.decode()
    assert "Ben does not share questionnaire results with you" in body
    assert "Close Relationships" not in body


def test_someone_outside_the_link_gets_not_found(
    alice: Any, ben: Any, eve_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["assessments"])
    assert eve_client.get(url(link)).status_code == 404
    assert not AccessLogEntry.objects.exists()


def test_the_circle_page_links_to_shared_results_only_when_shared(
    alice: Any, ben: Any, ben_client: Client, results: Take
) -> None:
    link = _link(alice, ben, ["mood"])
    page = f"/circle/links/{link.pk}/"
    assert url(link) not in ben_client.get(page).content.decode()
    Grant.objects.filter(owner=alice, grantee=ben).update(categories=["mood", "assessments"])
    assert url(link) in ben_client.get(page).content.decode()


def test_the_grantee_still_cannot_open_the_take_itself(
    alice: Any, ben: Any, ben_client: Client, results: Take
) -> None:
    _link(alice, ben, ["assessments"])
    assert ben_client.get(f"/questionnaires/answers/{results.pk}/result/").status_code == 404
    assert ben_client.get(f"/questionnaires/answers/{results.pk}/").status_code == 404
