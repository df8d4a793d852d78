"""Check-in reminders, at the times a person picks, in their own time zone.

Only the person ever sees their schedule: nothing here is shared with a partner.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

WEEKDAYS: list[tuple[int, Any]] = [
    (0, _("Mon")),
    (1, _("Tue")),
    (2, _("Wed")),
    (3, _("Thu")),
    (4, _("Fri")),
    (5, _("Sat")),
    (6, _("Sun")),
]


class ReminderSchedule(models.Model):
    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder"
    )
    enabled = models.BooleanField(_("send me reminders"), default=True)
    weekdays = models.JSONField(_("on these days"), default=list)
    at = models.TimeField(_("at"), default=dt.time(20, 0))
    next_due_at = models.DateTimeField(null=True, blank=True)
    # Bumped on every change: a queued task carrying an older version is stale and exits.
    version = models.PositiveIntegerField(default=0)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    # A reminder claimed but perhaps not yet handed to the mail server: its key (the same
    # on every try, so the outbox keeps one copy and a mail server sees one Message-ID)
    # and the day it is for. Cleared once sent; a worker that died leaves it for repair.
    pending_key = models.CharField(max_length=60, blank=True)
    pending_day = models.DateField(null=True, blank=True)
    pending_since = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Reminder for {self.owner_id}"

    def next_after(self, moment: dt.datetime) -> dt.datetime | None:
        """The first chosen weekday/time strictly after ``moment``, in the owner's zone."""
        if not self.enabled or not self.weekdays:
            return None
        tz = self.owner.tz
        local = moment.astimezone(tz)
        for offset in range(8):
            day = local.date() + dt.timedelta(days=offset)
            if day.weekday() not in self.weekdays:
                continue
            candidate = dt.datetime.combine(day, self.at, tzinfo=tz)
            # Round-trip through UTC so a time skipped by a DST change lands just after it.
            candidate = candidate.astimezone(dt.UTC)
            if candidate > moment:
                return candidate
        return None

    def reschedule(self, *, after: dt.datetime | None = None) -> None:
        """Store the next due time and queue the task that will send it."""
        from alongside.reminders.tasks import send_reminder

        self.version += 1
        self.next_due_at = self.next_after(after or timezone.now())
        self.save()
        if self.next_due_at is not None:
            schedule_id, version, due = self.pk, self.version, self.next_due_at
            transaction.on_commit(
                lambda: send_reminder.using(run_after=due).enqueue(schedule_id, version)
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "enabled": self.enabled,
            "weekdays": list(self.weekdays),
            "at": self.at.isoformat(timespec="minutes"),
            "next_due_at": self.next_due_at.isoformat() if self.next_due_at else None,
        }
