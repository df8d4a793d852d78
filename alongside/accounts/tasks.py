"""Housekeeping of the access log: old visits go, by a task that schedules its next run."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

PRUNE_EVERY = dt.timedelta(days=1)


@task()
def prune_access_log() -> str:
    """Delete visits older than ACCESS_LOG_RETENTION_DAYS, then come back in a day."""
    from alongside.accounts.models import AccessLogEntry

    now = timezone.now()
    cutoff = now - dt.timedelta(days=settings.ACCESS_LOG_RETENTION_DAYS)
    deleted, _by_model = AccessLogEntry.objects.filter(at__lt=cutoff).delete()
    prune_access_log.using(run_after=now + PRUNE_EVERY).enqueue()
    return f"pruned {deleted} visits older than {cutoff:%Y-%m-%d}"


def ensure_scheduled() -> bool:
    """Queue the pruning once if nothing is queued yet (a worker calls this on start)."""
    from django_tasks_db.models import DBTaskResult

    path = f"{prune_access_log.module_path}"
    if DBTaskResult.objects.filter(task_path=path, status="READY").exists():
        return False
    prune_access_log.enqueue()
    return True
