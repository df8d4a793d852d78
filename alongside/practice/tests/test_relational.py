"""Relational experiments: the asked person's blind answer, revealed only when both answered.

Checked on the web pages, the htmx partials and the API: an answer never shows early,
and a decline reads to the asker exactly like no answer.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from alongside.circle.models import Person
from alongside.practice.models import AskedAnswer, RelianceExperiment

pytestmark = pytest.mark.django_db

HTMX: dict[str, str] = {"HX-Request": "true"}
WORD = "RELIEVED-WORD-77"
ASKER_FELT = "discomfort 35 out of 100"


@pytest.fixture
def ask(alice: Any, ben: Any, link_couple: Any) -> RelianceExperiment:
    link = link_couple(["practice"], ["practice"])
    person = Person.objects.get(owner=alice, link=link)
    return RelianceExperiment.objects.create(
        owner=alice,
        person=person,
        belief="I am a burden",
        belief_before=80,
        prediction="Ben will sigh",
        prediction_likelihood=70,
        discomfort_expected=60,
    )


def finish(experiment: RelianceExperiment) -> None:
    experiment.record_after(
        happened="He smiled", came_true="no", discomfort_felt=35, learned="", belief_after=40
    )


def invite(alice_client: Client, experiment: RelianceExperiment) -> None:
    response = alice_client.post(f"/practice/experiments/{experiment.pk}/invite/")
    assert response.status_code == 302
    experiment.refresh_from_db()


def test_the_asker_can_invite_a_linked_person_who_shares_practice(
    ask: RelianceExperiment, ben: Any, alice_client: Client
) -> None:
    page = alice_client.get(f"/practice/experiments/{ask.pk}/").content.decode()
    assert "Invite Ben" in page
    invite(alice_client, ask)
    assert ask.invited == ben


def test_no_invitation_without_practice_shared_both_ways(
    alice: Any, ben: Any, link_couple: Any, alice_client: Client
) -> None:
    link = link_couple(["practice"], [])  # ben does not share practice with alice
    person = Person.objects.get(owner=alice, link=link)
    experiment = RelianceExperiment.objects.create(
        owner=alice,
        person=person,
        belief="b",
        belief_before=1,
        prediction="p",
        prediction_likelihood=1,
        discomfort_expected=1,
    )
    assert (
        "Invite Ben"
        not in alice_client.get(f"/practice/experiments/{experiment.pk}/").content.decode()
    )
    invite(alice_client, experiment)
    assert experiment.invited is None


def test_neither_sees_the_other_before_both_answered_on_pages_partials_and_api(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    invite(alice_client, ask)
    # ben answers first; alice has not written her after part yet.
    ben_client.post(f"/practice/asked/{ask.pk}/", {"rating": "4", "word": WORD})
    for url, extra in (
        (f"/practice/experiments/{ask.pk}/", {}),
        (f"/practice/experiments/{ask.pk}/asked/", HTMX),
        (f"/api/v1/practice/experiments/{ask.pk}", {}),
        ("/api/v1/practice/experiments", {}),
    ):
        assert WORD not in alice_client.get(url, headers=extra).content.decode(), url
    # Now alice finishes; ben's page must only now show hers, and hers his.
    finish(ask)
    assert (
        WORD
        in alice_client.get(f"/practice/experiments/{ask.pk}/asked/", headers=HTMX).content.decode()
    )
    assert alice_client.get(f"/api/v1/practice/experiments/{ask.pk}").json()["their_answer"] == {
        "rating": 4,
        "word": WORD,
    }
    assert ASKER_FELT in ben_client.get(f"/practice/asked/{ask.pk}/").content.decode()


def test_the_asked_person_sees_nothing_of_the_asker_before_answering(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    invite(alice_client, ask)
    finish(ask)
    for extra in ({}, HTMX):
        page = ben_client.get(f"/practice/asked/{ask.pk}/", headers=extra).content.decode()
        assert ASKER_FELT not in page
        assert "He smiled" not in page
    assert ben_client.get("/api/v1/practice/asked").json()[0]["their_part"] is None
    response = ben_client.post(
        f"/api/v1/practice/asked/{ask.pk}",
        data=json.dumps({"rating": 3, "word": "fine"}),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["their_part"]["discomfort_felt"] == 35


def test_a_decline_shows_the_asker_only_no_answer(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    invite(alice_client, ask)
    finish(ask)
    ben_client.post(f"/practice/asked/{ask.pk}/", {"decline": "1"})
    assert AskedAnswer.objects.get().declined
    page = alice_client.get(f"/practice/experiments/{ask.pk}/").content.decode()
    assert "No answer to show yet." in page
    assert "declin" not in page.lower()
    api = alice_client.get(f"/api/v1/practice/experiments/{ask.pk}").content.decode()
    assert "declin" not in api.lower()
    assert json.loads(api)["their_answer"] is None
    # ...and ben, having declined, does not see alice's part either.
    assert ASKER_FELT not in ben_client.get(f"/practice/asked/{ask.pk}/").content.decode()


def test_an_answer_stays_as_first_given(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    invite(alice_client, ask)
    ben_client.post(f"/practice/asked/{ask.pk}/", {"rating": "2"})
    ben_client.post(f"/practice/asked/{ask.pk}/", {"rating": "5"})
    assert AskedAnswer.objects.get().rating == 2


def test_a_missing_rating_gets_a_message_next_to_the_field(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    invite(alice_client, ask)
    response = ben_client.post(f"/practice/asked/{ask.pk}/", {"word": "kept"})
    page = response.content.decode()
    assert "Pick a number from 1 to 5" in page
    assert 'value="kept"' in page
    assert not AskedAnswer.objects.exists()


def test_only_the_invited_person_can_answer(
    ask: RelianceExperiment, alice_client: Client, eve_client: Client
) -> None:
    invite(alice_client, ask)
    assert eve_client.get(f"/practice/asked/{ask.pk}/").status_code == 404
    assert eve_client.post(f"/practice/asked/{ask.pk}/", {"rating": "1"}).status_code == 404
    assert alice_client.get(f"/practice/asked/{ask.pk}/").status_code == 404


def test_after_stopping_sharing_the_answer_is_no_longer_shown(
    ask: RelianceExperiment, alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    from alongside.circle.services import grant_update

    invite(alice_client, ask)
    finish(ask)
    ben_client.post(f"/practice/asked/{ask.pk}/", {"rating": "4", "word": WORD})
    assert WORD in alice_client.get(f"/practice/experiments/{ask.pk}/").content.decode()
    grant_update(grant=ben.grants_given.get(grantee=alice), categories=[], expires_at=None)
    assert WORD not in alice_client.get(f"/practice/experiments/{ask.pk}/").content.decode()


def test_the_asked_person_finds_the_ask_on_their_home_page_until_they_answer(
    ask: RelianceExperiment, alice_client: Client, ben_client: Client
) -> None:
    assert 'data-testid="asked-by-someone"' not in ben_client.get("/").content.decode()
    invite(alice_client, ask)
    home = ben_client.get("/").content.decode()
    assert "Alice would like to know how it was for you to be asked" in home
    assert f'href="/practice/asked/{ask.pk}/"' in home
    # Nothing of what alice wrote is there.
    assert "I am a burden" not in home and "Ben will sigh" not in home
    ben_client.post(f"/practice/asked/{ask.pk}/", {"decline": "1"})
    assert 'data-testid="asked-by-someone"' not in ben_client.get("/").content.decode()
    # And on alice's own home, nothing of it.
    assert 'data-testid="asked-by-someone"' not in alice_client.get("/").content.decode()
