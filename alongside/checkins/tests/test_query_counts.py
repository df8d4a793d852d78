"""The API's check-in list and the data export read a constant number of queries,
however many check-ins there are (issue 13: no query per row)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alongside.accounts.export import build_zip
from alongside.checkins.models import CheckIn
from alongside.circle.models import Person


def _seed(owner: Any, n: int) -> None:
    sam = Person.objects.create(owner=owner, name="Sam", kind="friend")
    jo = Person.objects.create(owner=owner, name="Jo", kind="family")
    start = owner.local_today() - dt.timedelta(days=n)
    rows = CheckIn.objects.bulk_create(
        CheckIn(owner=owner, day=start + dt.timedelta(days=i), mood=i % 11) for i in range(n)
    )
    CheckIn.received_from_people.through.objects.bulk_create(
        CheckIn.received_from_people.through(checkin=c, person=sam) for c in rows
    )
    CheckIn.given_to_people.through.objects.bulk_create(
        CheckIn.given_to_people.through(checkin=c, person=jo) for c in rows
    )


def _queries(call: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


def test_the_api_list_reads_the_same_queries_for_10_and_1000_check_ins(
    alice: Any, alice_client: Client, eve: Any, eve_client: Client
) -> None:
    _seed(alice, 10)
    _seed(eve, 1000)
    few = _queries(lambda: alice_client.get("/api/v1/checkins/?limit=1000"))
    many = _queries(lambda: eve_client.get("/api/v1/checkins/?limit=1000"))
    assert len(eve_client.get("/api/v1/checkins/?limit=1000").json()) == 1000
    assert few == many, (few, many)
    assert (
        eve_client.get("/api/v1/checkins/?limit=1").json()[0]["support_received"]["from"] == "Sam"
    )


def test_the_export_reads_the_same_queries_for_10_and_1000_check_ins(alice: Any, eve: Any) -> None:
    _seed(alice, 10)
    _seed(eve, 1000)
    assert _queries(lambda: build_zip(alice)) == _queries(lambda: build_zip(eve))


def test_the_home_page_reads_the_same_queries_for_one_and_fourteen_days(
    alice: Any, alice_client: Client, eve: Any, eve_client: Client
) -> None:
    # The home card and chart read only the day and the mood; a field left out of that
    # query and used after all would cost a query per check-in.
    today = alice.local_today()
    CheckIn.objects.create(owner=alice, day=today, mood=6, note="only mine")
    CheckIn.objects.bulk_create(
        CheckIn(owner=eve, day=today - dt.timedelta(days=i), mood=i % 11, note=f"day {i}")
        for i in range(14)
    )
    alice_client.get("/")
    eve_client.get("/")
    few = _queries(lambda: alice_client.get("/"))
    many = _queries(lambda: eve_client.get("/"))
    assert few == many, (few, many)
    page = eve_client.get("/").content.decode()
    assert "Overall mood 0 out of 10." in page and "<svg" in page
