"""One visit, one row: repeated reads within a visit only count, new things are added,
and a visit that ended starts a new row."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alongside.accounts.models import AccessLogEntry
from conftest import make_person


def test_a_repeated_read_only_counts_it_and_moves_the_time(alice: Any, ben: Any) -> None:
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"], detail="check-ins")
    (first,) = AccessLogEntry.objects.filter(owner=ben)
    with CaptureQueriesContext(connection) as queries:
        AccessLogEntry.record(
            owner=ben, viewer=alice, categories=["mood"], detail="check-ins", reads=3
        )
    (row,) = AccessLogEntry.objects.filter(owner=ben)
    assert (row.pk, row.reads, row.categories, row.details) == (
        first.pk,
        4,
        ["mood"],
        ["check-ins"],
    )
    assert row.at >= first.at and row.first_at == first.first_at
    # A look for the current visit and one UPDATE: no lock, no transaction of its own.
    assert len(queries) == 2
    assert queries.captured_queries[1]["sql"].startswith("UPDATE")


def test_a_read_of_something_new_joins_the_visit_and_names_it(alice: Any, ben: Any) -> None:
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"], detail="check-ins")
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"], detail="agenda")
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["needs"])
    (row,) = AccessLogEntry.objects.filter(owner=ben)
    assert row.reads == 3
    assert row.categories == ["mood", "needs"]
    assert row.details == ["check-ins", "agenda"]


def test_a_read_after_the_visit_ended_is_a_new_visit(alice: Any, ben: Any) -> None:
    start = dt.datetime(2026, 3, 14, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"])
    with time_machine.travel(start + AccessLogEntry.VISIT_GAP + dt.timedelta(seconds=1)):
        AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"])
    assert sorted(AccessLogEntry.objects.filter(owner=ben).values_list("reads", flat=True)) == [
        1,
        1,
    ]
    assert not AccessLogEntry.objects.filter(owner=alice).exists()


@pytest.mark.django_db(transaction=True)
def test_counting_outside_a_transaction_counts_and_leaves_the_connection_as_it_was() -> None:
    # Outside a transaction PostgreSQL is told not to wait for the disk for this one
    # statement; nothing after it may inherit that.
    alice = make_person("alice@example.org", "Alice")
    ben = make_person("ben@example.org", "Ben")
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"])
    with CaptureQueriesContext(connection) as queries:
        AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"], reads=2)
    assert AccessLogEntry.objects.get(owner=ben).reads == 3
    assert len(queries) == 2  # counted by the one UPDATE, not by the locked path
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('synchronous_commit')")
            assert cursor.fetchone() == ("on",)
