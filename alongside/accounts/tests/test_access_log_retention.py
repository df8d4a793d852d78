"""The access log stays useful at any age (issue 13, point 8): visits older than the
retention setting (2 years by default) are deleted by a daily task that the worker
keeps queued."""

from __future__ import annotations

import datetime as dt
import signal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.accounts.models import AccessLogEntry
from alongside.accounts.tasks import ensure_scheduled

NOW = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.UTC)
# The worker closes database connections as it goes: it needs committed data to see.
pytestmark = pytest.mark.django_db(transaction=True)


def _visit(owner: Any, viewer: Any, days_ago: int) -> AccessLogEntry:
    at = NOW - dt.timedelta(days=days_ago)
    return AccessLogEntry.objects.create(
        owner=owner,
        viewer=viewer,
        viewer_label=str(viewer),
        categories=["mood"],
        first_at=at,
        at=at,
    )


def _run_worker() -> None:
    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    finally:  # the worker installs its own signal handlers
        for sig, handler in saved.items():
            signal.signal(sig, handler)


def test_visits_older_than_two_years_are_pruned_and_the_next_run_is_queued(
    alice: Any, ben: Any, settings: Any
) -> None:
    assert settings.ACCESS_LOG_RETENTION_DAYS == 730
    kept = [_visit(alice, ben, 1), _visit(alice, ben, 729)]
    _visit(alice, ben, 731)
    _visit(ben, alice, 2000)
    with time_machine.travel(NOW, tick=False):
        assert ensure_scheduled() is True
        assert ensure_scheduled() is False  # one queued run is enough
        _run_worker()
    assert sorted(AccessLogEntry.objects.values_list("pk", flat=True)) == sorted(k.pk for k in kept)
    queued = DBTaskResult.objects.filter(status="READY")
    assert [t.run_after for t in queued] == [NOW + dt.timedelta(days=1)]
    assert not DBTaskResult.objects.filter(status="FAILED").exists()


def test_the_retention_is_a_setting(alice: Any, ben: Any, settings: Any) -> None:
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    _visit(alice, ben, 10)
    _visit(alice, ben, 40)
    with time_machine.travel(NOW, tick=False):
        ensure_scheduled()
        _run_worker()
    assert [e.at for e in AccessLogEntry.objects.all()] == [NOW - dt.timedelta(days=10)]
    assert timezone.now() > NOW  # the clock is back
