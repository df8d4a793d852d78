"""The week page's cost: a constant number of queries however much the couple wrote,
and one row in the partner's access log for one visit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from alongside.accounts.models import AccessLogEntry
from alongside.checkins.models import CheckIn
from alongside.circle.models import Link
from alongside.together.models import Agreement, Item, PromptAnswer
from alongside.together.tests.helpers import TODAY, this_week, week_url


def _write(link: Link, per_person: int) -> None:
    """Each partner adds ``per_person`` agenda items and agreements, answers every
    prompt, and checks in (low needs) on ``per_person`` days."""
    session = this_week(link)
    for person in (link.user_a, link.user_b):
        for n in range(per_person):
            Item.objects.create(session=session, author=person, kind="topic", text=f"item {n}")
            Agreement.objects.create(
                session=session, text=f"agreed {n}", owner=person, created_by=person
            )
            CheckIn.objects.get_or_create(
                owner=person,
                day=TODAY - dt.timedelta(days=n),
                defaults={"mood": 4, "need_trust": 1},
            )
        for prompt in session.prompts():
            PromptAnswer.objects.get_or_create(
                session=session, prompt_key=prompt.key, author=person, defaults={"text": "yes"}
            )


def _queries(client: Any, url: str) -> int:
    client.get(url)  # the session and its ritual exist from here on
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_week_page_costs_the_same_queries_for_one_item_or_twelve(
    couple: Link, alice_client: Any
) -> None:
    _write(couple, 1)
    few = _queries(alice_client, week_url(couple))
    _write(couple, 12)
    many = _queries(alice_client, week_url(couple))
    assert many == few
    # Was 48 before the agenda, prompts and agreements were read in one query per kind.
    assert few <= 24


def test_one_visit_to_the_week_is_one_row_in_the_partners_log(
    couple: Link, alice_client: Any, ben: Any
) -> None:
    _write(couple, 2)
    with CaptureQueriesContext(connection) as queries:
        assert alice_client.get(week_url(couple)).status_code == 200
    writes = [
        q["sql"]
        for q in queries.captured_queries
        if "accesslogentry" in q["sql"] and q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 1  # gathered over the request, written once
    rows = list(AccessLogEntry.objects.filter(owner=ben))
    assert len(rows) == 1
    # Ben's needs for the agenda, his items, agreements and answers: all in the one row.
    assert set(rows[0].categories) == {"needs", "together"}
    assert rows[0].details == ["weekly check-in agenda", "checking in together"]
    assert rows[0].reads >= 4
