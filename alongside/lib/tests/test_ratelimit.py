"""The failed-tries counter: a sliding window kept in the shared cache."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from alongside.lib.ratelimit import Limit

pytestmark = pytest.mark.django_db  # the cache is a database table

START = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)


def test_it_is_exceeded_after_the_given_number_of_failures() -> None:
    limit = Limit("test", tries=3, window=60)
    with time_machine.travel(START, tick=False):
        for _ in range(2):
            limit.fail("someone")
        assert not limit.exceeded("someone")
        limit.fail("someone")
        assert limit.exceeded("someone")
        assert not limit.exceeded("someone else")


def test_failures_leave_the_window_one_by_one() -> None:
    limit = Limit("test", tries=2, window=60)
    with time_machine.travel(START, tick=False) as clock:
        limit.fail("someone")
        clock.shift(dt.timedelta(seconds=30))
        limit.fail("someone")
        assert limit.exceeded("someone")
        clock.shift(dt.timedelta(seconds=31))  # the first failure is over a minute old
        assert not limit.exceeded("someone")
        limit.fail("someone")
        assert limit.exceeded("someone")


def test_separate_limits_count_separately() -> None:
    codes = Limit("codes", tries=1, window=60)
    other = Limit("other", tries=1, window=60)
    codes.fail("someone")
    assert codes.exceeded("someone")
    assert not other.exceeded("someone")
