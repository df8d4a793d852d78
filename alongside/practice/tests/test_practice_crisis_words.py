"""Crisis words in practice (issue 9, point 3): an experiment's belief or what happened,
and a journal answer, that sound like danger show Help now to the writer only, at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.test import Client

from alongside.circle.models import Link
from alongside.practice.models import RelianceExperiment
from alongside.practice.tests.test_experiments import AFTER, BEFORE, plan

WORRYING = "Some nights I want to die, honestly."
BLOCK = 'data-testid="crisis-help"'


def test_a_worrying_belief_shows_help_to_the_writer(alice: Any, alice_client: Client) -> None:
    response = alice_client.post(
        "/practice/experiments/new/", {**BEFORE, "belief": WORRYING}, follow=True
    )
    assert BLOCK in response.content.decode()
    assert RelianceExperiment.objects.get(owner=alice).belief == WORRYING  # saved as written
    assert BLOCK not in alice_client.get(response.redirect_chain[-1][0]).content.decode()


def test_a_worrying_after_part_shows_help_and_a_calm_one_does_not(
    alice: Any, alice_client: Client
) -> None:
    calm = plan(alice)
    response = alice_client.post(f"/practice/experiments/{calm.pk}/after/", AFTER, follow=True)
    assert BLOCK not in response.content.decode()
    worrying = plan(alice)
    response = alice_client.post(
        f"/practice/experiments/{worrying.pk}/after/", {**AFTER, "learned": WORRYING}, follow=True
    )
    assert BLOCK in response.content.decode()


def test_a_worrying_journal_answer_shows_help_and_nothing_reaches_the_partner(
    link_couple: Callable[..., Link], alice: Any, alice_client: Client, ben_client: Client
) -> None:
    link = link_couple(["practice"], ["practice"])
    from alongside.practice.prompts_growth import PROMPTS

    key = PROMPTS[0].key
    response = alice_client.post(f"/practice/prompts/{key}/", {"text": WORRYING}, follow=True)
    assert BLOCK in response.content.decode()
    for url in (f"/circle/links/{link.pk}/", f"/practice/prompts/{key}/", "/practice/", "/circle/"):
        page = ben_client.get(url).content.decode()
        assert BLOCK not in page and WORRYING not in page, url
