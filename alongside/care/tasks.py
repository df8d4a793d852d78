"""Background work for assigned questionnaires: opening and closing each time, the one
reminder, and the alerts after a finished take.

Every task is safe to run twice or late: each reads the row it is about afresh (under a
row lock where it writes) and does nothing when it no longer applies. There is no
version counter: a ``Due`` never moves in time, and a removed or stopped one is simply
no longer there to act on.

Reminders: the client gets one e-mail when a time opens, unless they turned their
reminders off (``ReminderSchedule.enabled`` false): that switch is their "no e-mails
from Alongside" and is honoured here too. Someone who never set up reminders gets this
one e-mail; the questionnaire is on their home page either way.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.tasks import task
from django.utils import timezone, translation

from alongside.care.models import LAPSED, OPEN, CareLink, Due
from alongside.lib import mail


@task()
def open_due(due_id: int) -> str:
    """A time has opened: plan the next one, and send the client one gentle e-mail."""
    from alongside.care.schedule import plan
    from alongside.reminders.models import ReminderSchedule

    with transaction.atomic():
        due = (
            Due.objects.select_for_update()
            .select_related("assignment__care_link__client", "assignment__care_link__therapist")
            .filter(pk=due_id)
            .first()
        )
        if due is None or due.assignment.is_stopped:
            return "stale"
        plan(due.assignment)
        now = timezone.now()
        if due.reminded_at is not None:
            return "already reminded"
        if not due.is_open_at(now):
            return f"not open ({due.status})"
        client = due.assignment.care_link.client
        schedule = ReminderSchedule.objects.filter(owner=client).first()
        if schedule is not None and not schedule.enabled:
            return "quiet: reminders are off"
        with translation.override(client.messages_language):
            mail.send(
                "care_due",
                client.email,
                {
                    "name": client.display_name,
                    "asked_by": str(due.assignment.care_link.therapist),
                    "questionnaire": due.assignment.title,
                    "last_day": due.last_day(client.tz),
                },
                discreet=client.discreet,
            )
        due.reminded_at = now
        due.save(update_fields=["reminded_at"])
    return "sent"


@task()
def close_due(due_id: int) -> str:
    """A time has closed without an answer: store it as lapsed (and plan on, in case the
    opening task never ran)."""
    from alongside.care.schedule import plan

    with transaction.atomic():
        due = (
            Due.objects.select_for_update()
            .select_related("assignment__care_link__client")
            .filter(pk=due_id)
            .first()
        )
        if due is None:
            return "stale"
        if due.status == OPEN and due.expires_at <= timezone.now():
            due.status = LAPSED
            due.take = None  # an unfinished take stays the client's own business
            due.save(update_fields=["status", "take"])
        plan(due.assignment)
    return due.status


@task()
def raise_alerts(take_id: int) -> str:
    """Check a finished take against every alert rule, for each therapist who may see it."""
    from alongside.assessments.models import Take
    from alongside.care.alerts import evaluate

    take = Take.objects.filter(pk=take_id).select_related("owner").first()
    if take is None or not take.is_complete:
        return "stale"
    raised = evaluate(take)
    return f"{len(raised)} new alert(s)"


def take_saved(sender: Any, instance: Any, update_fields: Any = None, **kwargs: Any) -> None:
    """``post_save`` of an assessments ``Take`` (wired in ``CareConfig.ready``): a
    finished take answers its open times and is checked for alerts within a minute."""
    from alongside.assessments.models import COMPLETE
    from alongside.care.schedule import due_answered

    if instance.status != COMPLETE or instance.completed_at is None:
        return
    if update_fields is not None and "status" not in update_fields:
        return
    if not CareLink.objects.filter(client_id=instance.owner_id).exists():
        return
    due_answered(take=instance)
    take_id = instance.pk
    transaction.on_commit(lambda: raise_alerts.enqueue(take_id))
