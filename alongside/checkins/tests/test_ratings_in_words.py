"""Ratings read back in the form's own words ("quite", "mostly"), never as "3/4"."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from alongside.checkins.models import CheckIn
from alongside.circle.models import Link

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)
TODAY = dt.date(2026, 4, 13)
FRACTION = re.compile(r"\b\d\s*/\s*[45]\b")


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def visible_text(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style|svg)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def test_the_entry_page_says_quite_and_mostly_not_fractions(
    alice_client: Client, alice: Any
) -> None:
    entry = CheckIn.objects.create(
        owner=alice, day=TODAY, mood=6, anxious=3, sad=4, calm=0, need_trust=4, need_security=1
    )
    text = visible_text(alice_client.get(f"/checkins/{entry.pk}/"))
    assert "quite" in text  # anxious 3
    assert "very" in text  # sad 4
    assert "not at all" in text  # calm 0
    assert "mostly" in text  # trust 4
    assert "not met" in text  # security 1
    assert not FRACTION.search(text), FRACTION.search(text)


def test_history_names_the_strongest_feelings_in_words(alice_client: Client, alice: Any) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=4, anxious=3, sad=4, calm=1)
    text = visible_text(alice_client.get("/checkins/"))
    assert "sad (very)" in text
    assert "anxious (quite)" in text
    assert "calm (a little)" not in text  # only what stood out that day
    assert not FRACTION.search(text)


def test_history_says_nothing_of_feelings_on_a_day_without_any(
    alice_client: Client, alice: Any
) -> None:
    CheckIn.objects.create(owner=alice, day=TODAY, mood=4, calm=0)
    html = alice_client.get("/checkins/").content.decode()
    assert 'class="felt"' not in html
    assert "(not at all)" not in html


def test_the_partners_page_uses_the_same_words(
    link_couple: Callable[..., Link], alice: Any, ben_client: Client
) -> None:
    link = link_couple(["mood", "needs"], [])
    CheckIn.objects.create(owner=alice, day=TODAY, mood=7, anxious=3, need_trust=4)
    text = visible_text(ben_client.get(f"/circle/links/{link.pk}/"))
    assert "anxious (quite)" in text
    assert "trust (mostly)" in text
    assert not FRACTION.search(text)


def test_the_words_follow_the_language(alice_client: Client, alice: Any) -> None:
    alice.language = "de"
    alice.save()
    entry = CheckIn.objects.create(owner=alice, day=TODAY, mood=6, anxious=3, need_trust=4)
    with translation.override("de"):
        quite, mostly = gettext("quite"), gettext("mostly")
    assert (quite, mostly) != ("quite", "mostly")
    text = visible_text(alice_client.get(f"/checkins/{entry.pk}/"))
    assert quite in text
    assert mostly in text


def test_the_entry_page_names_support_in_the_persons_language(
    alice_client: Client, alice: Any
) -> None:
    alice.language = "de"
    alice.save()
    entry = CheckIn.objects.create(
        owner=alice, day=TODAY, mood=6, support_received_kinds=["practical"]
    )
    with translation.override("de"):
        practical = gettext("Practical").lower()
    text = visible_text(alice_client.get(f"/checkins/{entry.pk}/"))
    assert practical in text
    assert "practical" not in text
