"""Trying invitation codes: every unusable code answers alike, and tries are limited.

Someone trying codes (a controlling partner looking for who else was invited, or anyone
at all) must learn nothing from the answers, and must be slowed to a pace where a code
of 8 characters from 32 can never be found: 10 failed tries per 15 minutes per account,
30 per hour per address (``alongside/circle/views.py``).
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.circle.models import Invitation, Link
from conftest import link_people, make_person

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
CANT_USE = "This invitation can&#x27;t be used. Ask the person who sent it for a new one."
PAUSED = "That&#x27;s a lot of tries in a short time"


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def text(response: Any) -> str:
    return str(response.content.decode())


def _stable(page: str) -> str:
    """The page without what differs on every request or every code typed."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'name="code" value="[^"]*"', "", page)
    return re.sub(r'nonce="[^"]*"', "", page)


def _wrong_codes(count: int) -> Iterator[str]:
    for number in range(count):
        yield f"WRNG{number:04d}".replace("0", "A").replace("1", "B")


@pytest.fixture
def unusable(alice: Any, ben: Any, eve: Any, clock: time_machine.Traveller) -> dict[str, Any]:
    """One invitation in each state that cannot be used, and an unknown code/token."""
    link_people(alice, ben, kind="friend")
    used = Invitation.objects.filter(inviter=alice, used_at__isnull=False).get()
    withdrawn = Invitation.objects.create(inviter=alice, kind="friend", revoked_at=NOW)
    expired = Invitation.objects.create(
        inviter=alice, kind="friend", expires_at=NOW - dt.timedelta(seconds=1)
    )
    # finn asked for a partner and has had a partner link since: nobody is told that.
    finn = make_person("finn@example.org", "Finn")
    partnered = Invitation.objects.create(inviter=finn, kind="partner")
    Link.objects.create(kind="partner", user_a=finn, user_b=alice)
    return {
        "used": used,
        "withdrawn": withdrawn,
        "expired": expired,
        "partnered": partnered,
        "unknown": Invitation(code="ZZZZZZZZ", token="not-a-real-token"),
    }


def test_every_code_that_cannot_be_used_answers_alike(
    unusable: dict[str, Any], eve_client: Client
) -> None:
    pages = {}
    for state, invitation in unusable.items():
        response = eve_client.post("/join/", {"code": invitation.code})
        assert response.status_code == 200, state
        assert CANT_USE in text(response), state
        pages[state] = _stable(text(response))
    assert len(set(pages.values())) == 1, "the pages tell the states apart"


def test_every_link_that_cannot_be_used_answers_alike(
    unusable: dict[str, Any], eve_client: Client
) -> None:
    answers = set()
    for state, invitation in unusable.items():
        for method in ("get", "post"):
            response = getattr(eve_client, method)(f"/join/{invitation.token}/")
            assert CANT_USE in text(response), state
            answers.add((response.status_code, _stable(text(response))))
    assert len(answers) == 1, "the status or page tells the states apart"
    assert Link.objects.filter(user_b__email="eve@example.org").count() == 0


def test_ones_own_invitation_is_still_named_as_such(alice: Any, alice_client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="friend")
    response = alice_client.post("/join/", {"code": invitation.code})
    assert "This is your own invitation." in text(response)


def test_trying_codes_is_paused_after_ten_failed_tries(alice: Any, eve_client: Client) -> None:
    real = Invitation.objects.create(inviter=alice, kind="friend")
    started = time.perf_counter()
    answers = [eve_client.post("/join/", {"code": code}) for code in _wrong_codes(25)]
    took = time.perf_counter() - started
    assert [a.status_code for a in answers] == [200] * 10 + [429] * 15
    assert all(CANT_USE in text(a) for a in answers[:10])
    paused = text(answers[10])
    assert PAUSED in paused
    assert 'class="field has-error"' in paused  # next to the field, the code kept
    assert 'value="WRNGAABA"' in paused
    # While paused, even a real code is not looked up: no answer tells it apart.
    response = eve_client.post("/join/", {"code": real.code})
    assert response.status_code == 429
    assert PAUSED in text(response)
    link_page = eve_client.get(f"/join/{real.token}/")
    assert link_page.status_code == 429
    assert PAUSED in text(link_page)
    assert took < 60  # the pause, not slowness, is what stops the tries


def test_the_pause_ends_after_fifteen_minutes(
    alice: Any, eve_client: Client, clock: time_machine.Traveller
) -> None:
    real = Invitation.objects.create(inviter=alice, kind="friend")
    for code in _wrong_codes(10):
        eve_client.post("/join/", {"code": code})
    clock.shift(dt.timedelta(minutes=14, seconds=59))
    assert eve_client.post("/join/", {"code": real.code}).status_code == 429
    clock.shift(dt.timedelta(seconds=2))
    response = eve_client.post("/join/", {"code": real.code})
    assert response.status_code == 302
    assert response["Location"] == f"/join/{real.token}/"


def test_wrong_links_count_as_tries_too(alice: Any, eve_client: Client) -> None:
    real = Invitation.objects.create(inviter=alice, kind="friend")
    for number in range(10):
        assert eve_client.get(f"/join/guessed-token-{number}/").status_code == 404
    assert eve_client.get(f"/join/{real.token}/").status_code == 429
    assert eve_client.post("/join/", {"code": real.code}).status_code == 429


def test_one_address_is_paused_across_accounts(
    alice: Any, ben: Any, dana: Any, eve: Any, sign_in: Callable[..., Client]
) -> None:
    real = Invitation.objects.create(inviter=alice, kind="friend")
    codes = _wrong_codes(30)
    for person in (ben, dana, make_person("finn@example.org", "Finn")):
        client = Client()
        client.force_login(person)
        for _number in range(10):
            client.post("/join/", {"code": next(codes)})
    # eve has not tried a single code, but she comes from the same address.
    fresh = Client()
    fresh.force_login(eve)
    response = fresh.post("/join/", {"code": real.code})
    assert response.status_code == 429
    other_address = fresh.post("/join/", {"code": real.code}, REMOTE_ADDR="192.0.2.7")
    assert other_address.status_code == 302


def test_a_malformed_code_or_ones_own_does_not_count_as_a_guess(
    alice: Any, ben: Any, alice_client: Client
) -> None:
    own = Invitation.objects.create(inviter=alice, kind="friend")
    for _number in range(12):
        alice_client.post("/join/", {"code": "12"})
        alice_client.post("/join/", {"code": own.code})
    for_alice = Invitation.objects.create(inviter=ben, kind="friend")
    assert alice_client.post("/join/", {"code": for_alice.code}).status_code == 302
