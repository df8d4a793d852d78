"""A worker that died mid-task leaves nothing stuck: its task runs again, a schedule whose
next task went missing is queued again, and a reminder already sent is not sent twice."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside.lib import tasks_recovery
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tasks import repair_schedules, send_reminder
from conftest import run_worker

# The real worker closes its database connections: each test gets a database of its own.
pytestmark = pytest.mark.django_db(transaction=True)


def _due_schedule(owner: Any) -> ReminderSchedule:
    schedule = ReminderSchedule.objects.create(
        owner=owner, enabled=True, weekdays=list(range(7)), at=dt.time(20, 0)
    )
    schedule.reschedule(after=timezone.now() - dt.timedelta(days=1, minutes=1))
    return schedule


def test_a_task_left_running_by_a_dead_worker_runs_again(alice: Any, mailoutbox: list[Any]) -> None:
    schedule = _due_schedule(alice)
    task = DBTaskResult.objects.get(task_path=send_reminder.module_path)
    if task.run_after > timezone.now():  # due now, whatever the hour
        DBTaskResult.objects.filter(pk=task.pk).update(run_after=timezone.now())
    # The worker claimed it and was killed: RUNNING, started long ago, never finished.
    DBTaskResult.objects.filter(pk=task.pk).update(
        status="RUNNING", started_at=timezone.now() - dt.timedelta(hours=1)
    )
    run_worker()
    assert mailoutbox == []  # nothing picks up a RUNNING task by itself
    with override_settings(TASK_STALE_AFTER_SECONDS=600):
        assert tasks_recovery.reclaim_stale() == 1
    run_worker()
    assert len(mailoutbox) == 1
    schedule.refresh_from_db()
    assert schedule.next_due_at is not None and schedule.next_due_at > timezone.now()


def test_a_task_still_running_recently_is_left_alone(alice: Any) -> None:
    _due_schedule(alice)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    with override_settings(TASK_STALE_AFTER_SECONDS=600):
        assert tasks_recovery.reclaim_stale() == 0


def test_a_schedule_whose_next_task_went_missing_is_queued_again(
    alice: Any, ben: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        lost, kept = _due_schedule(alice), _due_schedule(ben)
    DBTaskResult.objects.filter(args_kwargs__args=[lost.pk, lost.version]).delete()
    assert repair_schedules() == 1
    assert repair_schedules() == 0  # already queued now
    queued = {tuple(r.args_kwargs["args"]) for r in DBTaskResult.objects.filter(status="READY")}
    assert (lost.pk, lost.version) in queued and (kept.pk, kept.version) in queued


def test_a_reminder_run_again_after_it_was_sent_is_not_sent_twice(
    alice: Any, mailoutbox: list[Any], django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        schedule = _due_schedule(alice)
    version = schedule.version
    assert send_reminder.call(schedule.pk, version) == "sent"
    assert send_reminder.call(schedule.pk, version) == "stale"
    assert len(mailoutbox) == 1


def test_a_reminder_claimed_by_a_worker_that_died_before_sending_is_sent_once(
    alice: Any, outbox: Any, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "alongside.lib.mail.OutboxBackend"
    schedule = _due_schedule(alice)
    key = f"reminder-{schedule.pk}-{schedule.version}"
    # What the claim committed before the worker was killed: moved on, marked pending.
    ReminderSchedule.objects.filter(pk=schedule.pk).update(
        pending_key=key,
        pending_day=alice.local_today(),
        pending_since=timezone.now() - dt.timedelta(hours=1),
    )
    with override_settings(TASK_STALE_AFTER_SECONDS=600):
        assert repair_schedules() >= 1
        # Sent again with the same key (as after a crash just after sending): one copy.
        ReminderSchedule.objects.filter(pk=schedule.pk).update(
            pending_key=key,
            pending_day=alice.local_today(),
            pending_since=timezone.now() - dt.timedelta(hours=1),
        )
        repair_schedules()
    files = list(outbox.glob("*.eml"))
    assert [f.name for f in files] == [f"{key}.eml"]
    assert f"Message-ID: <{key}@" in files[0].read_text()
    schedule.refresh_from_db()
    assert schedule.pending_key == ""
