"""History: the list and calendar of past check-ins and the accessible SVG charts."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine

from alongside.checkins.charts import mood_chart, needs_chart
from alongside.checkins.models import CheckIn

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 13)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def seed(owner: Any, days_back: list[int], **fields: Any) -> list[CheckIn]:
    return [
        CheckIn.objects.create(
            owner=owner,
            day=TODAY - dt.timedelta(days=n),
            mood=(n % 11),
            need_trust=1 + n % 5,
            **fields,
        )
        for n in days_back
    ]


def svgs(html: str) -> list[str]:
    # The heat-map's row labels are a picture of their own, hidden from screen readers.
    return [s for s in re.findall(r"<svg\b.*?</svg>", html, re.S) if "aria-hidden" not in s[:300]]


def test_it_shows_an_empty_history_kindly(alice_client: Any) -> None:
    response = alice_client.get("/checkins/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing here yet." in html
    assert "No check-ins in these 30 days yet." in html
    assert len(svgs(html)) == 2


def test_it_lists_recent_checkins_with_links(alice_client: Any, alice: Any) -> None:
    entries = seed(alice, [0, 1, 3])
    html = alice_client.get("/checkins/").content.decode()
    for entry in entries:
        assert f'href="/checkins/{entry.pk}/"' in html
    assert "Mon 13 Apr" in html


def test_it_draws_accessible_mood_and_needs_charts(alice_client: Any, alice: Any) -> None:
    seed(alice, [0, 1, 2, 5, 9])
    html = alice_client.get("/checkins/").content.decode()
    mood, needs = svgs(html)
    for svg in (mood, needs):
        assert 'role="img"' in svg
        labelled_by = re.search(r'aria-labelledby="([^"]+) ([^"]+)"', svg)
        assert labelled_by
        title_id, desc_id = labelled_by.groups()
        assert re.search(rf'<title id="{title_id}">[^<]+</title>', svg)
        assert re.search(rf'<desc id="{desc_id}">[^<]+</desc>', svg)
    assert "<title id" in mood and "Mood, 2026-03-15 to 2026-04-13" in mood
    assert "you checked in 5 times" in mood
    assert "Needs met, 2026-03-15 to 2026-04-13" in needs
    # The text alternative is on the page too, not only inside the SVG.
    assert re.search(r'<p class="summary">Over these 30 days you checked in 5 times', html)


def test_missed_days_break_the_mood_line(alice: Any) -> None:
    entries = seed(alice, [0, 1, 4, 5, 6])
    chart = mood_chart(
        sorted(entries, key=lambda c: c.day), start=TODAY - dt.timedelta(days=6), end=TODAY
    )
    assert chart.svg.count("<polyline") == 2
    assert len(re.findall(r'<circle class="dot\b', chart.svg)) == 5


def test_the_needs_chart_marks_unrated_days(alice: Any) -> None:
    entries = seed(alice, [0])
    chart = needs_chart(entries, start=TODAY - dt.timedelta(days=2), end=TODAY)
    assert chart.svg.count('class="cell empty"') == 7 * 3 - 1
    assert "Trust 2026-04-13: 1" in chart.svg
    # One need rated reads as one need, not "trust felt most met and trust least met".
    assert chart.summary == "Only trust was rated, 1.0 out of 5 on average."


def test_it_switches_to_ninety_days(alice_client: Any, alice: Any) -> None:
    seed(alice, [0, 45, 80])
    html = alice_client.get("/checkins/?range=90").content.decode()
    assert "Mood, 2026-01-14 to 2026-04-13" in html
    assert "you checked in 3 times" in html
    thirty = alice_client.get("/checkins/?range=30").content.decode()
    assert "you checked in once" in thirty


@pytest.mark.parametrize(
    "query",
    [
        "range=abc",
        "range=7",
        "range=",
        "month=nonsense",
        "month=2026-13",
        "month=0001-01",
        "month=9999-12",
    ],
)
def test_odd_query_values_fall_back_to_defaults(alice_client: Any, query: str) -> None:
    response = alice_client.get(f"/checkins/?{query}")
    assert response.status_code == 200
    assert "April 2026" in response.content.decode()


def test_the_calendar_links_checkins_and_missed_days(alice_client: Any, alice: Any) -> None:
    (entry,) = seed(alice, [2])
    html = alice_client.get("/checkins/").content.decode()
    assert f'href="/checkins/{entry.pk}/"' in html
    assert 'href="/checkin/missed-day/?day=2026-04-12"' in html  # fillable
    assert 'href="/checkin/missed-day/?day=2026-04-06"' in html  # seven days back
    assert "?day=2026-04-05" not in html  # too long ago to fill in
    assert "?day=2026-04-14" not in html  # not yet


def test_the_calendar_shows_an_earlier_month(alice_client: Any, alice: Any) -> None:
    seed(alice, [40])  # 4 March
    html = alice_client.get("/checkins/?month=2026-03").content.decode()
    assert "March 2026" in html
    assert 'aria-label="4 March: mood 7"' in html


def test_the_backfill_link_prefills_the_day(alice_client: Any) -> None:
    html = alice_client.get("/checkin/missed-day/?day=2026-04-09").content.decode()
    assert 'value="2026-04-09"' in html


def test_home_shows_the_last_two_weeks(alice_client: Any, alice: Any) -> None:
    seed(alice, [0, 3])
    html = alice_client.get("/").content.decode()
    assert "You checked in today" in html
    assert len(svgs(html)) == 1
