"""Fixtures for checking in together: alice and ben linked as partners, a frozen clock.

The personas (alice, ben, eve and their signed-in clients) come from the root conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from alongside.circle.models import Link
from alongside.together.tests.helpers import NOW
from conftest import link_people

SHARED = ["needs", "together"]


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def link_couple(alice: Any, ben: Any) -> Callable[..., Link]:
    """Link alice and ben as partners through the real invitation flow."""

    def link_couple(
        alice_shares: list[str] | None = None,
        ben_shares: list[str] | None = None,
        kind: str = "partner",
    ) -> Link:
        return link_people(
            alice,
            ben,
            inviter_shares=SHARED if alice_shares is None else alice_shares,
            invitee_shares=SHARED if ben_shares is None else ben_shares,
            kind=kind,
        )

    return link_couple


@pytest.fixture
def couple(link_couple: Callable[..., Link]) -> Link:
    """Both share needs and "checking in together" with each other."""
    return link_couple()
