from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alongside import push
from alongside.checkins.models import CheckIn
from alongside.lib import mail
from alongside.reminders.models import ReminderSchedule


@task()
def send_reminder(schedule_id: int, version: int) -> str:
    """Send one check-in reminder, unless it is stale or today's check-in is done.

    Once, whatever crashes: the reminder is first *claimed* — the schedule moved on to
    its next time (a new version, and the task for it) with the reminder written down as
    pending under a key — and committed; only then does the e-mail go, and the pending
    mark is cleared. A task run again (its worker killed before the commit, the task
    reclaimed, see ``lib/tasks_recovery.py``) finds the version moved on and stops. A
    worker killed after the commit leaves the pending mark, and ``repair_schedules``
    sends it with the same key, which the outbox keeps once and a mail server sees as the
    same Message-ID. Nothing is sent while a row lock is held.
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
        key = f"reminder-{schedule.pk}-{version}"
        if not done:
            schedule.last_sent_at = timezone.now()
            schedule.pending_key, schedule.pending_day = key, local_day
            schedule.pending_since = schedule.last_sent_at
        # The next one counts from the due time, so a late worker never sends twice.
        schedule.reschedule(after=max(due, timezone.now()))
    if done:
        return "skipped: already checked in"
    deliver(schedule_id, key)
    return "sent"


def deliver(schedule_id: int, key: str) -> bool:
    """Send the pending reminder ``key`` (again, after a crash) and clear the mark."""
    schedule = (
        ReminderSchedule.objects.select_related("owner")
        .filter(pk=schedule_id, pending_key=key)
        .first()
    )
    if schedule is None or schedule.pending_day is None:
        return False
    owner = schedule.owner
    with translation.override(owner.messages_language):
        mail.send(
            "reminder",
            owner.email,
            {"name": owner.display_name, "day": schedule.pending_day},
            discreet=owner.discreet,
            key=key,
        )
        # Also on the person's devices, if they turned notifications on (queued, and made
        # neutral in discreet mode, by alongside.push). A reminder sent again after a crash
        # may be pushed twice: a second notification is harmless, a missing one is not.
        push.send(
            owner,
            "Alongside",
            _("Time for your check-in, whenever you're ready."),
            reverse("checkins:today"),
        )
    ReminderSchedule.objects.filter(pk=schedule_id, pending_key=key).update(
        pending_key="", pending_day=None, pending_since=None
    )
    return True


def repair_schedules() -> int:
    """Send what a dead worker claimed but may not have sent (pending for longer than
    ``TASK_STALE_AFTER_SECONDS``), and queue the next reminder of every schedule whose
    task went missing (its worker died between committing the schedule and queueing the
    task). Returns how many schedules were repaired."""
    import datetime as dt

    from django.conf import settings
    from django_tasks_db.models import DBTaskResult

    stale = timezone.now() - dt.timedelta(seconds=settings.TASK_STALE_AFTER_SECONDS)
    resent = 0
    for schedule_id, key in (
        ReminderSchedule.objects.exclude(pending_key="")
        .filter(pending_since__lte=stale)
        .values_list("pk", "pending_key")
    ):
        resent += deliver(schedule_id, key)

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
    return repaired + resent
