"""Work that survives a crash: stale tasks are run again, and lost schedules are repaired.

A task worker killed mid-task (kill -9, a lost machine) leaves its task ``RUNNING`` for
ever: django-tasks-db never looks at it again, and a reminder schedule whose task that was
stops. Every worker, on start and then every ``HOUSEKEEPING_EVERY``, puts tasks that have
been running longer than ``TASK_STALE_AFTER_SECONDS`` back to ``READY`` (each of our tasks
checks its own state first, so running one again does no harm), and asks each app to
repair what it schedules (``repair_schedules``).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.tasks import task
from django.utils import timezone

HOUSEKEEPING_EVERY = dt.timedelta(minutes=5)


def reclaim_stale(now: dt.datetime | None = None) -> int:
    """Put tasks running for longer than the stale limit back in the queue."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)
    return DBTaskResult.objects.filter(status="RUNNING", started_at__lt=limit).update(
        status="READY", run_after=now
    )


def repair() -> dict[str, int]:
    from alongside.reminders.tasks import repair_schedules
    from alongside.research import delivery

    return {
        "reclaimed": reclaim_stale(),
        "reminders": repair_schedules(),
        # Prompts are sent by a task that queues itself again: queue it if it was lost.
        "prompts": int(delivery.ensure_scheduled()),
    }


@task()
def housekeeping() -> str:
    """Reclaim stale tasks and repair schedules, then come back in a while."""
    done = repair()
    housekeeping.using(run_after=timezone.now() + HOUSEKEEPING_EVERY).enqueue()
    return ", ".join(f"{key}: {value}" for key, value in done.items())


def ensure_scheduled() -> bool:
    """Queue the housekeeping once if none is queued (a worker calls this on start)."""
    from django_tasks_db.models import DBTaskResult

    if DBTaskResult.objects.filter(task_path=housekeeping.module_path, status="READY").exists():
        return False
    housekeeping.enqueue()
    return True
