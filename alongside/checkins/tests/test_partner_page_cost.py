"""The partner's page: constant queries in the days shown, one log row per visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn

SHARES = ["mood", "needs", "notes", "support", "practice"]


def _check_in(person: Any, days: int) -> None:
    today = person.local_today()
    for n in range(days):
        CheckIn.objects.get_or_create(
            owner=person, day=today - dt.timedelta(days=n), defaults={"mood": 5, "note": f"d{n}"}
        )


def _visit(client: Any, url: str) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), [q["sql"] for q in queries.captured_queries]


def test_the_partner_page_costs_the_same_queries_for_two_days_or_thirty(
    link_couple: Any, alice_client: Any, ben: Any
) -> None:
    link = link_couple(SHARES, SHARES)
    url = f"/circle/links/{link.pk}/"
    _check_in(ben, 2)
    _visit(alice_client, url)  # the visit's row is made; both visits below join it
    few, _ = _visit(alice_client, url)
    _check_in(ben, 30)
    many, sql = _visit(alice_client, url)
    assert many == few
    # What Ben shares is asked once per visit, not once per part of the page.
    assert sum('FROM "circle_grant"' in q and "categories" in q for q in sql) <= 2
    assert few <= 20  # was 24, with Ben's log written twice


def test_one_visit_to_the_partner_page_is_one_write_to_their_log(
    link_couple: Any, alice: Any, alice_client: Any, ben: Any
) -> None:
    link = link_couple(SHARES, SHARES)
    _check_in(ben, 3)
    _, sql = _visit(alice_client, f"/circle/links/{link.pk}/")
    writes = [q for q in sql if "accesslogentry" in q and q.startswith(("INSERT", "UPDATE"))]
    assert len(writes) == 1
    (row,) = AccessLogEntry.objects.filter(owner=ben, viewer=alice)
    assert {"mood", "notes"} <= set(row.categories)
    assert row.reads >= 2


def test_a_page_whose_log_cannot_be_written_is_not_sent(
    link_couple: Any, alice: Any, alice_client: Any, ben: Any
) -> None:
    from django.db import DatabaseError

    link = link_couple(SHARES, SHARES)
    _check_in(ben, 1)
    CheckIn.objects.filter(owner=ben).update(note="BEN-PRIVATE-WORDS")
    refuse = "the log cannot be written"
    with connection.cursor() as cursor:  # the log refuses every write, as a full disk would
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION no_log() RETURNS trigger AS $$ BEGIN "
                f"RAISE EXCEPTION '{refuse}'; END $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER no_log BEFORE INSERT OR UPDATE ON accounts_accesslogentry "
                "FOR EACH ROW EXECUTE FUNCTION no_log()"
            )
        else:
            for event in ("INSERT", "UPDATE"):
                cursor.execute(
                    f"CREATE TRIGGER no_log_{event} BEFORE {event} ON accounts_accesslogentry "
                    f"BEGIN SELECT RAISE(ABORT, '{refuse}'); END"
                )
    with pytest.raises(DatabaseError, match=refuse):
        alice_client.get(f"/circle/links/{link.pk}/")
    assert not AccessLogEntry.objects.filter(owner=ben).exists()
