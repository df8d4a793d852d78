"""A prepared query returns what the ordinary queryset returns, for any values, and
refuses the querysets whose SQL depends on more than their values."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.lib.prepared import Prepared, PreparedIn, UnpreparableQuery

pytestmark = pytest.mark.django_db


def _days(person: Any, *days: int) -> None:
    for day in days:
        CheckIn.objects.create(owner=person, day=dt.date(2026, 11, day), mood=day % 5 + 1)


RECENT = Prepared(
    lambda owner, since: CheckIn.objects.filter(owner_id=owner, day__gte=since).order_by("day"),
    owner=int,
    since=dt.date,
)


def test_it_returns_the_rows_the_queryset_would_for_new_values(alice: Any, ben: Any) -> None:
    _days(alice, 1, 5, 9)
    _days(ben, 2, 6)
    assert [c.day.day for c in RECENT(owner=alice.pk, since=dt.date(2026, 11, 4))] == [5, 9]
    assert [c.day.day for c in RECENT(owner=ben.pk, since=dt.date(2026, 11, 1))] == [2, 6]
    assert RECENT(owner=ben.pk, since=dt.date(2026, 12, 1)) == []


def test_it_reads_encrypted_fields_and_related_rows_like_the_queryset(
    alice: Any, ben: Any, link_couple: Any
) -> None:
    CheckIn.objects.create(owner=alice, day=dt.date(2026, 11, 3), mood=3, note="only mine")
    link_couple()
    (note,) = RECENT(owner=alice.pk, since=dt.date(2026, 11, 1))
    assert note.note == "only mine"
    links = Prepared(
        lambda person: Link.objects.filter(user_a_id=person).select_related("user_a", "user_b"),
        person=int,
    )
    (link,) = links(person=alice.pk) or links(person=ben.pk)
    with CaptureQueriesContext(connection) as queries:
        names = {link.user_a.display_name, link.user_b.display_name}
    assert names == {alice.display_name, ben.display_name}
    assert len(queries) == 0  # the people came in the same query


def test_it_compiles_once_and_runs_one_query_per_call(alice: Any) -> None:
    _days(alice, 1)
    RECENT(owner=alice.pk, since=dt.date(2026, 11, 1))
    with CaptureQueriesContext(connection) as queries:
        RECENT(owner=alice.pk, since=dt.date(2026, 10, 1))
    assert len(queries) == 1
    assert "2026-10-01" in str(queries[0]["sql"])


def test_it_refuses_sql_that_changes_with_the_values(alice: Any) -> None:
    def by_note(note: str) -> Any:
        # An empty string is a different query shape: the kind of queryset it must refuse.
        return CheckIn.objects.filter(note__isnull=not note.startswith("\x1fprepared-1"))

    with pytest.raises(UnpreparableQuery):
        Prepared(by_note, note=str)(note="x")


def test_it_refuses_sql_that_reads_the_clock_or_the_time_zone(alice: Any) -> None:
    now = Prepared(
        lambda owner: CheckIn.objects.filter(owner_id=owner, created_at__lte=timezone.now()),
        owner=int,
    )
    with pytest.raises(UnpreparableQuery):
        now(owner=alice.pk)
    local_day = Prepared(lambda day: CheckIn.objects.filter(created_at__date=day), day=dt.date)
    with pytest.raises(UnpreparableQuery):
        local_day(day=dt.date(2026, 11, 1))


def test_it_refuses_values_of_the_wrong_kind(alice: Any) -> None:
    with pytest.raises(TypeError, match="since"):
        RECENT(owner=alice.pk, since=timezone.now())
    with pytest.raises(TypeError, match="owner"):
        RECENT(owner=None, since=dt.date(2026, 11, 1))
    with pytest.raises(TypeError, match="expected the values"):
        RECENT(owner=alice.pk)


def test_under_the_tests_it_fails_when_the_remembered_sql_would_drift(alice: Any) -> None:
    shape = {"extra": False}

    def build(owner: int) -> Any:
        rows = CheckIn.objects.filter(owner_id=owner)
        return rows.filter(mood=3) if shape["extra"] else rows

    drifting = Prepared(build, owner=int)
    drifting(owner=alice.pk)
    shape["extra"] = True
    with pytest.raises(AssertionError, match="drifted"):
        drifting(owner=alice.pk)


@pytest.mark.django_db(transaction=True)
def test_a_plan_made_in_one_thread_runs_on_another_threads_connection(alice: Any) -> None:
    _days(alice, 7)
    fresh = Prepared(lambda owner: CheckIn.objects.filter(owner_id=owner), owner=int)
    fresh(owner=alice.pk)
    found: list[Any] = []

    def other() -> None:
        try:
            found.extend(c.day for c in fresh(owner=alice.pk))
        finally:
            connection.close()

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert found == [dt.date(2026, 11, 7)]


OF_OWNER_IN = PreparedIn(
    lambda owner, ids: CheckIn.objects.filter(owner_id=owner, pk__in=ids).order_by("day"),
    many="ids",
    owner=int,
)


def test_a_list_of_ids_of_any_length_finds_what_the_queryset_finds(alice: Any, ben: Any) -> None:
    _days(alice, *range(1, 20))
    _days(ben, 1, 2)
    mine = list(CheckIn.objects.filter(owner=alice).order_by("day"))
    bens = list(CheckIn.objects.filter(owner=ben))
    for n in (1, 2, 3, 5, 8, 9, 19):
        ids = [c.pk for c in mine[:n]] + [c.pk for c in bens]  # Ben's are never Alice's
        assert OF_OWNER_IN(owner=alice.pk, ids=ids) == mine[:n], n
    # Repeats count once; an empty list asks nothing.
    assert OF_OWNER_IN(owner=alice.pk, ids=[mine[0].pk] * 3) == mine[:1]
    with CaptureQueriesContext(connection) as queries:
        assert OF_OWNER_IN(owner=alice.pk, ids=[]) == []
    assert len(queries) == 0


def test_lists_of_nearby_lengths_share_one_compiled_form(alice: Any) -> None:
    _days(alice, *range(1, 8))
    ids = list(CheckIn.objects.filter(owner=alice).values_list("pk", flat=True))
    fresh = PreparedIn(lambda ids: CheckIn.objects.filter(pk__in=ids).order_by("pk"), many="ids")
    for n in (5, 6, 7):
        assert [c.pk for c in fresh(ids=ids[:n])] == sorted(ids[:n])
    assert list(fresh._sized) == [8]


def test_a_list_of_ids_refuses_what_is_not_an_id(alice: Any) -> None:
    for bad in (["4"], [True], [-3], [None]):
        with pytest.raises(TypeError, match="ids"):
            OF_OWNER_IN(owner=alice.pk, ids=bad)
