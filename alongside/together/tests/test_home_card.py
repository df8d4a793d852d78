"""The home page's "This week together" card: when the time comes, when it is due, and
"Ben answered too" only once the viewer has answered (never a hint before)."""

from __future__ import annotations

from typing import Any

import time_machine

from alongside.accounts.models import AccessLogEntry
from alongside.circle.models import Link
from alongside.together.models import Ritual
from alongside.together.tests.helpers import this_week

ALICE_SAYS = "Mostly grateful for the quiet evenings."
BEN_SAYS = "Relieved the week is over."


def _card(client: Any) -> str:
    body = client.get("/").content.decode()
    start = body.find('data-testid="together-week"')
    return body[start : body.find("</section>", start)] if start >= 0 else ""


def _answer(client: Any, link: Link, text: str) -> None:
    session = this_week(link)
    key = session.prompts()[0].key
    response = client.post(f"/together/sessions/{session.pk}/prompts/{key}/", {"text": text})
    assert response.status_code == 302


def test_the_card_invites_a_couple_to_choose_a_time(couple: Link, alice_client: Any) -> None:
    card = _card(alice_client)
    assert "This week together" in card
    assert "Choose a time that suits you both" in card
    assert f'href="/together/{couple.pk}/"' in card
    # Looking at home never creates the couple's ritual.
    assert not Ritual.objects.filter(link=couple).exists()


def test_the_card_says_when_and_when_it_is_time(
    couple: Link, alice_client: Any, clock: time_machine.Traveller
) -> None:
    # Monday 13 April 2026, 15:00 in London; Wednesday 20:00 is the time together.
    alice_client.post(f"/together/{couple.pk}/time/", {"weekday": "2", "at": "20:00"})
    assert "Next time together: Wednesday 15 April, 20:00" in _card(alice_client)
    clock.move_to("2026-04-15T19:30:00Z")  # 20:30 in London
    assert "It's your time to check in with Ben." in _card(alice_client)


def test_ben_answered_too_appears_only_after_alice_answered(
    couple: Link, alice: Any, alice_client: Any, ben_client: Any
) -> None:
    _answer(ben_client, couple, BEN_SAYS)
    # Alice has not answered: the card gives no hint that Ben has, and reads nothing of his.
    before = AccessLogEntry.objects.filter(owner=couple.other(alice)).count()
    card = _card(alice_client)
    assert "answered" not in card and BEN_SAYS not in card
    assert AccessLogEntry.objects.filter(owner=couple.other(alice)).count() == before

    _answer(alice_client, couple, ALICE_SAYS)
    card = _card(alice_client)
    assert "Ben answered this week's question too" in card
    assert BEN_SAYS not in card  # the words stay on the week's page


def test_no_card_without_checking_in_together(
    link_couple: Any, alice_client: Any, eve_client: Any
) -> None:
    link_couple(alice_shares=["needs"], ben_shares=["needs"])
    assert _card(alice_client) == ""
    assert _card(eve_client) == ""
