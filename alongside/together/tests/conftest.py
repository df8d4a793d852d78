"""Fixtures for checking in together: alice and ben linked as partners, a frozen clock.

The personas (alice, ben, eve and their signed-in clients) come from the root conftest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine

from alongside.circle.models import Invitation, Link
from alongside.circle.services import invitation_accept
from alongside.together.tests.helpers import NOW

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
        invitation = Invitation.objects.create(
            inviter=alice, kind=kind, scope=SHARED if alice_shares is None else alice_shares
        )
        return invitation_accept(
            invitation=invitation, user=ben, scope=SHARED if ben_shares is None else ben_shares
        )

    return link_couple


@pytest.fixture
def couple(link_couple: Callable[..., Link]) -> Link:
    """Both share needs and "checking in together" with each other."""
    return link_couple()
