"""Names from one's circle in a check-in's support read in alphabetical order (names are
encrypted at rest, so the order is made in Python)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from alongside.checkins.models import CheckIn
from alongside.circle.models import Person

NAMES = ["Zoë", "amir", "Émile", "Bea"]


def test_support_from_people_reads_in_alphabetical_order_then_what_was_typed(alice: Any) -> None:
    checkin = CheckIn.objects.create(
        owner=alice, day=dt.date(2026, 4, 13), mood=5, support_received_from="a neighbour"
    )
    circle = [Person.objects.create(owner=alice, name=name, kind="friend") for name in NAMES]
    checkin.received_from_people.set(circle)
    assert checkin.received_from_text() == "amir, Bea, Émile, Zoë, a neighbour"
