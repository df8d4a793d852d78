"""Compliance: the counts, rate, latency and day-by-day strip for a researcher, the flag,
who may see it (the study's researcher only), and its fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from alongside.research.compliance import Tally, study_compliance
from alongside.research.models import Participant, Prompt, Study
from alongside.research.tests.helpers import enrol, prompt_became
from conftest import make_person, make_researcher

NOW = dt.datetime(2030, 5, 10, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def _at_now() -> Any:
    """The clock stands at NOW for every test, before any study is made: the pages read
    it, and a study made now starts a week later, so the prompts the planner stores on
    joining are all still planned (never counted) beside the hand-built ones."""
    import time_machine

    with time_machine.travel(NOW, tick=False):
        yield


def prompt(participant: Participant, status: str, *, day: int, hours_ago: float) -> Prompt:
    return prompt_became(participant, status, now=NOW, day=day, hours_ago=hours_ago)


def _hand_built(me: Participant, partner: Participant) -> None:
    # alice, day 1: answered, answered, missed; day 2: expired, not sent, and one still
    # open (not counted). ben, day 1: answered (20 minutes), missed.
    prompt(me, "answered", day=1, hours_ago=30)
    prompt(me, "answered", day=1, hours_ago=28)
    prompt(me, "missed", day=1, hours_ago=26)
    prompt(me, "expired", day=2, hours_ago=5)
    prompt(me, "not_sent", day=2, hours_ago=4)
    prompt(me, "open", day=2, hours_ago=0.5)
    late = prompt(partner, "answered", day=1, hours_ago=30)
    Prompt.objects.filter(pk=late.pk).update(
        completed_at=late.scheduled_at + dt.timedelta(minutes=20)
    )
    prompt(partner, "missed", day=1, hours_ago=28)


# ----------------------------------------------------------------- the numbers


def test_counts_match_a_hand_built_set_of_prompts(
    study: Study, pair: tuple[Participant, Participant]
) -> None:
    me, partner = pair
    _hand_built(me, partner)
    report = study_compliance(study, now=NOW)
    rows = {r.code: r for r in report.participants}
    mine = rows[me.study_code]
    assert mine.tally == Tally(answered=2, missed=1, expired=1, not_sent=1)
    assert mine.tally.sent_and_closed == 4 and mine.tally.rate == 0.5
    assert mine.median_latency == dt.timedelta(minutes=10)
    assert mine.days == [Tally(answered=2, missed=1), Tally(expired=1, not_sent=1)]
    assert mine.flagged and mine.dyad_code == pair[0].dyad().study_code  # type: ignore[union-attr]
    theirs = rows[partner.study_code]
    assert theirs.tally == Tally(answered=1, missed=1) and theirs.tally.rate == 0.5
    assert theirs.days == [Tally(answered=1, missed=1), Tally()]
    (dyad,) = report.dyads
    assert dyad.members == (me.study_code, partner.study_code)
    assert dyad.tally == Tally(answered=3, missed=2, expired=1, not_sent=1)
    assert dyad.median_latency == dt.timedelta(minutes=10)  # of 10, 10 and 20
    assert report.total == dyad.tally and report.days == 2 and report.flagged == 2


def test_an_answer_counts_even_before_its_prompt_closes(study: Study, alice: Any) -> None:
    me = enrol(alice, study)
    prompt(me, "answered", day=1, hours_ago=0.5)  # answered, still within its hour
    prompt(me, "open", day=1, hours_ago=0.25)
    row = study_compliance(study, now=NOW).participants[0]
    assert row.tally == Tally(answered=1) and row.tally.rate == 1.0


def test_nobody_is_flagged_before_any_prompt_is_settled(study: Study, alice: Any) -> None:
    me = enrol(alice, study)
    prompt(me, "not_sent", day=1, hours_ago=3)
    row = study_compliance(study, now=NOW, below=100).participants[0]
    assert row.tally.rate is None and not row.flagged and row.median_latency is None


def test_the_flag_follows_the_chosen_rate(
    study: Study, pair: tuple[Participant, Participant]
) -> None:
    me, _partner = pair
    for hours in (10, 9, 8):
        prompt(me, "answered", day=1, hours_ago=hours)
    prompt(me, "missed", day=1, hours_ago=7)  # alice: 75%

    def flagged(below: int) -> bool:
        rows = study_compliance(study, now=NOW, below=below).participants
        return next(r for r in rows if r.code == me.study_code).flagged

    assert flagged(80) and not flagged(75)
    with pytest.raises(ValueError, match="below"):
        study_compliance(study, now=NOW, below=101)


def test_the_query_count_does_not_grow_with_participants(study: Study, dana_client: Client) -> None:
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as computed:
            report = study_compliance(study, now=NOW)
        assert report.participants
        with CaptureQueriesContext(connection) as page:
            assert _page(dana_client, study).status_code == 200
        return len(computed), len(page)

    def add(n: int) -> None:
        for i in range(n):
            user = make_person(f"p{Participant.objects.count()}-{i}@example.org", "P")
            one = enrol(user, study)
            for hours, status in ((5, "answered"), (4, "missed"), (3, "expired")):
                prompt(one, status, day=1, hours_ago=hours)

    add(2)
    few = queries()
    add(18)
    assert queries() == few


# ----------------------------------------------------------------- the page


def _page(client: Client, study: Study, query: str = "") -> Any:
    return client.get(reverse("research:compliance", args=[study.pk]) + query)


def test_the_page_shows_each_participant_by_study_id(
    study: Study, pair: tuple[Participant, Participant], dana_client: Client, alice: Any
) -> None:
    me, partner = pair
    _hand_built(me, partner)
    response = _page(dana_client, study)
    body = response.content.decode()
    assert response.status_code == 200
    assert me.study_code in body and partner.study_code in body
    assert alice.email not in body and "Alice" not in body
    assert "Below 80%" in body
    assert "answered · missed · expired" in body
    assert "2 answered, 1 missed, 0 expired" in body  # alice's day 1, for screen readers
    link = reverse("research:compliance", args=[study.pk])
    assert link in dana_client.get(reverse("research:study", args=[study.pk])).content.decode()


def test_the_totals_never_start_a_line_with_a_separator(
    study: Study, pair: tuple[Participant, Participant], dana_client: Client
) -> None:
    me, partner = pair
    _hand_built(me, partner)
    body = _page(dana_client, study).content.decode()
    totals = re.findall(r"<p[^>]*>[^<]*(?:sent and settled|not sent).*?</p>", body)
    assert len(totals) == 2
    for line in totals:
        assert "&nbsp;·" in line
        assert " · " not in line  # every dot is held to the words before it


def test_the_page_is_as_fresh_as_the_prompts(study: Study, alice: Any, dana_client: Client) -> None:
    me = enrol(alice, study)
    first = prompt(me, "missed", day=1, hours_ago=30)
    assert "0/1" in _page(dana_client, study).content.decode()
    Prompt.objects.filter(pk=first.pk).update(completed_at=first.scheduled_at + HOUR / 2)
    assert "1/1" in _page(dana_client, study).content.decode()


def test_only_flagged_participants_can_be_shown(
    study: Study, pair: tuple[Participant, Participant], dana_client: Client
) -> None:
    me, partner = pair
    prompt(me, "answered", day=1, hours_ago=5)
    prompt(partner, "missed", day=1, hours_ago=5)
    body = _page(dana_client, study, "?below=70&only_flagged=1").content.decode()
    assert f'data-testid="participant-{partner.study_code}"' in body
    assert f'data-testid="participant-{me.study_code}"' not in body
    assert "Below 70%" in body


def test_a_bad_rate_is_named_and_the_default_used(
    study: Study, pair: tuple[Participant, Participant], dana_client: Client
) -> None:
    me, _partner = pair
    prompt(me, "missed", day=1, hours_ago=5)
    response = _page(dana_client, study, "?below=150")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Choose a whole number from 0 to 100." in body
    assert 'value="150"' in body  # what was typed is kept
    assert "Below 80%" in body


def test_another_researchers_study_is_not_found(study: Study, eve: Any) -> None:
    make_researcher(eve)
    other = Client()
    other.force_login(eve)
    assert _page(other, study).status_code == 404
    assert other.get(reverse("research:compliance", args=[987654])).status_code == 404


def test_a_participant_cannot_open_it(
    study: Study, pair: tuple[Participant, Participant], alice_client: Client
) -> None:
    assert _page(alice_client, study).status_code == 404


def test_partner_never_sees_the_others_compliance(
    study: Study, pair: tuple[Participant, Participant], alice_client: Client
) -> None:
    """alice's own pages say nothing of whether ben answered, and his page is not hers."""
    me, partner = pair
    theirs = prompt(partner, "answered", day=1, hours_ago=5)
    prompt(partner, "missed", day=1, hours_ago=3)
    assert alice_client.get(reverse("research:prompt", args=[theirs.pk])).status_code == 404
    before = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    Prompt.objects.filter(participant=partner).delete()
    after = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    # The page is the same whether or not ben answered anything.
    assert _without_token(before) == _without_token(after)
    assert "missed" not in before.lower() and "compliance" not in before.lower()
    assert alice_client.get(reverse("research:participation", args=[partner.pk])).status_code == 404
    assert _page(alice_client, study).status_code == 404


def _main(html: str) -> str:
    return html.split("<main", 1)[-1].split("</main>", 1)[0]


def _without_token(html: str) -> str:
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", _main(html))
