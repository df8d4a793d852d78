"""The task worker outlives a lost database: it reconnects with a growing pause instead of
exiting (issue 13, point 4). The real restart is in tests/test_db_restart.py."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError

from alongside.lib import reconnect


def test_it_keeps_going_with_a_growing_pause_until_the_run_ends() -> None:
    failures = [OperationalError("server closed the connection")] * 6 + [
        InterfaceError("connection already closed")
    ]
    pauses: list[float] = []
    calls = 0

    def run() -> None:
        nonlocal calls
        calls += 1
        if failures:
            raise failures.pop(0)

    reconnect.run_reconnecting(run, sleep=pauses.append, clock=lambda: 0.0)
    assert calls == 8
    assert pauses == [0.5, 1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_a_run_that_lasted_starts_the_pause_over() -> None:
    now = [0.0]
    pauses: list[float] = []
    lasted = iter([0.0, 0.0, 0.0, 60.0, 0.0])

    def run() -> None:
        now[0] += next(lasted)
        if len(pauses) < 4:
            raise OperationalError("the database system is shutting down")

    reconnect.run_reconnecting(run, sleep=pauses.append, clock=lambda: now[0])
    assert pauses == [0.5, 1.0, 2.0, 0.5]


def test_other_errors_still_end_the_worker() -> None:
    def run() -> None:
        raise ValueError("a bug")

    with pytest.raises(ValueError, match="a bug"):
        reconnect.run_reconnecting(run, sleep=lambda _s: None)


def test_a_database_that_was_never_migrated_ends_it_at_once() -> None:
    def run() -> None:
        raise OperationalError("no such table: django_tasks_database_dbtaskresult")

    with pytest.raises(OperationalError, match="no such table"):
        reconnect.run_reconnecting(run, sleep=lambda _s: pytest.fail("it waited"))
