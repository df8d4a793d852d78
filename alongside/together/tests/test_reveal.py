"""Prompts: answered privately, revealed only when both have answered, answered once."""

from __future__ import annotations

from typing import Any

from django.db import connection

from alongside.circle.models import Link
from alongside.together.models import PromptAnswer
from alongside.together.prompts import PROMPTS
from alongside.together.tests.helpers import htmx, this_week, week_url

ALICE_SAYS = "I felt nervous about the move, mostly at night."
BEN_SAYS = "Mostly relieved; the job news settled something in me."


def prompt_url(link: Link, index: int = 0) -> str:
    session = this_week(link)
    return f"/together/sessions/{session.pk}/prompts/{session.prompts()[index].key}/"


def test_the_partners_answer_is_absent_until_both_have_answered(
    couple: Link, alice_client: Any, ben_client: Any
) -> None:
    url = prompt_url(couple)
    assert alice_client.post(url, {"text": ALICE_SAYS}).status_code == 302

    # Ben has not answered: Alice's words are nowhere in what he receives.
    for response in (ben_client.get(week_url(couple)), htmx(ben_client, "get", url)):
        assert response.status_code == 200
        assert ALICE_SAYS not in response.content.decode()
    # Alice sees her own answer, and her block keeps polling for the reveal.
    waiting = htmx(alice_client, "get", url).content.decode()
    assert ALICE_SAYS in waiting
    assert 'hx-trigger="every 3s"' in waiting
    assert BEN_SAYS not in waiting

    # Ben answers through htmx: both answers come straight back to him.
    both = htmx(ben_client, "post", url, {"text": BEN_SAYS}).content.decode()
    assert ALICE_SAYS in both and BEN_SAYS in both

    # Alice's next poll swaps in Ben's answer and stops polling.
    revealed = htmx(alice_client, "get", url).content.decode()
    assert ALICE_SAYS in revealed and BEN_SAYS in revealed
    assert "hx-trigger" not in revealed


def test_without_javascript_a_reload_shows_the_reveal(
    couple: Link, alice_client: Any, ben_client: Any
) -> None:
    url = prompt_url(couple)
    alice_client.post(url, {"text": ALICE_SAYS})
    response = ben_client.post(url, {"text": BEN_SAYS})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#prompt-{this_week(couple).prompts()[0].key}")
    page = alice_client.get(week_url(couple)).content.decode()
    assert ALICE_SAYS in page and BEN_SAYS in page


def test_answers_to_other_prompts_stay_hidden(
    couple: Link, alice_client: Any, ben_client: Any
) -> None:
    alice_client.post(prompt_url(couple, 0), {"text": ALICE_SAYS})
    ben_client.post(prompt_url(couple, 1), {"text": BEN_SAYS})
    assert BEN_SAYS not in alice_client.get(week_url(couple)).content.decode()
    assert ALICE_SAYS not in ben_client.get(week_url(couple)).content.decode()


def test_answering_twice_is_refused_and_changes_nothing(couple: Link, alice_client: Any) -> None:
    url = prompt_url(couple)
    alice_client.post(url, {"text": ALICE_SAYS})
    response = alice_client.post(url, {"text": "A second, different answer."})
    assert response.status_code == 200
    page = response.content.decode()
    assert "You have already answered this one." in page
    assert "A second, different answer." in page  # what was typed is kept on the page
    assert list(PromptAnswer.objects.values_list("text", flat=True)) == [ALICE_SAYS]

    again = htmx(alice_client, "post", url, {"text": "A third try."}).content.decode()
    assert "You have already answered this one." in again
    assert PromptAnswer.objects.count() == 1


def test_an_empty_answer_gets_a_message(couple: Link, alice_client: Any) -> None:
    response = htmx(alice_client, "post", prompt_url(couple), {"text": "   "})
    assert "Write your answer first" in response.content.decode()
    assert PromptAnswer.objects.count() == 0


def test_answers_are_encrypted_at_rest(couple: Link, alice_client: Any) -> None:
    alice_client.post(prompt_url(couple), {"text": ALICE_SAYS})
    with connection.cursor() as cursor:
        cursor.execute("SELECT text FROM together_promptanswer")
        (stored,) = cursor.fetchone()
    assert ALICE_SAYS not in stored
    assert PromptAnswer.objects.get().text == ALICE_SAYS


def test_a_plain_get_of_a_prompt_leads_to_its_page(couple: Link, alice_client: Any) -> None:
    response = alice_client.get(prompt_url(couple))
    assert response.status_code == 302


def test_a_prompt_that_is_not_this_weeks_is_not_found(couple: Link, alice_client: Any) -> None:
    session = this_week(couple)
    chosen = {p.key for p in session.prompts()}
    other = next(p.key for p in PROMPTS if p.key not in chosen)
    url = f"/together/sessions/{session.pk}/prompts/{other}/"
    assert alice_client.post(url, {"text": "hello"}).status_code == 404
