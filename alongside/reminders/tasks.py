from __future__ import annotations

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from alongside.checkins.models import CheckIn
from alongside.lib import mail
from alongside.reminders.models import ReminderSchedule


@task()
def send_reminder(schedule_id: int, version: int) -> str:
    """Send one check-in reminder, unless it is stale or today's check-in is done."""
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
            mail.send(
                "reminder",
                owner.email,
                {"name": owner.display_name, "day": local_day},
                discreet=owner.discreet,
            )
            schedule.last_sent_at = timezone.now()
        # The next one counts from the due time, so a late worker never sends twice.
        schedule.reschedule(after=max(due, timezone.now()))
    return "skipped: already checked in" if done else "sent"
