from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from alongside.checkins.models import CheckIn
from alongside.lib import mail
from alongside.reminders.models import ReminderSchedule


@task()
def send_reminder(schedule_id: int, version: int) -> str:
    """Send one check-in reminder, unless it is stale or today's check-in is done.

    At most once: the schedule is moved on to its next time (a new version, and the task
    for it) and committed *before* the e-mail goes. A worker killed after the commit
    loses this one reminder; a task run again (a worker killed before the commit, its
    task reclaimed, see ``lib/tasks_recovery.py``) finds the version moved on and stops.
    Nothing is sent while a row lock is held, so a slow mail server holds up nobody.
    """
    with transaction.atomic():
        schedule = (
            ReminderSchedule.objects.select_for_update()
            .select_related("owner")
            .filter(pk=schedule_id)
            .first()
        )
        if schedule is None or schedule.version != version or schedule.next_due_at is None:
            return "stale"
        due = schedule.next_due_at
        owner = schedule.owner
        local_day = due.astimezone(owner.tz).date()
        done = CheckIn.objects.filter(owner=owner, day=local_day).exists()
        if not done:
            schedule.last_sent_at = timezone.now()
        # The next one counts from the due time, so a late worker never sends twice.
        schedule.reschedule(after=max(due, timezone.now()))
    if done:
        return "skipped: already checked in"
    mail.send(
        "reminder",
        owner.email,
        {"name": owner.display_name, "day": local_day},
        discreet=owner.discreet,
    )
    return "sent"


def repair_schedules() -> int:
    """Queue the next reminder of every schedule whose task went missing (its worker died
    between committing the schedule and queueing the task). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    path = send_reminder.module_path
    queued = {
        (args["args"][0], args["args"][1])
        for args in DBTaskResult.objects.filter(
            task_path=path, status__in=["READY", "RUNNING"]
        ).values_list("args_kwargs", flat=True)
        if len(args.get("args", [])) == 2
    }
    repaired = 0
    for schedule in ReminderSchedule.objects.filter(enabled=True, next_due_at__isnull=False):
        if (schedule.pk, schedule.version) not in queued:
            schedule_id, version, due = schedule.pk, schedule.version, schedule.next_due_at
            send_reminder.using(run_after=due).enqueue(schedule_id, version)
            repaired += 1
    return repaired
