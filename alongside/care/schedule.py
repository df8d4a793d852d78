"""When an assigned questionnaire comes due, and what the client does with it.

An ``Assignment`` is asked once, or every ``every_weeks`` weeks from ``first_due_on``
until ``ends_on``. Each time is a stored ``Due``, planned one ahead: when the
assignment is made, the first time is planned; when a time opens (the ``open_due``
task), the next one is. Planning is deterministic: the days are
``first_due_on + k * every_weeks`` weeks, nothing else.

Times are the client's, in the client's time zone:

- a time **opens** at the client's reminder time on ``due_on`` (their
  ``ReminderSchedule.at`` if they set one, else 09:00), as a wall-clock time in their
  zone converted to UTC, so it stays 09:00 across a daylight-saving change (a wall time
  the change skips lands just after it, as reminders do);
- it **closes** at local midnight at the end of its last day: ``open_days`` days
  counting ``due_on`` as the first (open for 7 days from Monday: until the end of
  Sunday). A repeating assignment closes before its next time opens.

Open means: status ``open``, ``opens_at <= now < expires_at``, assignment not stopped.
Past its close a time is simply gone from the client's list; the ``close_due`` task
then stores it as ``lapsed`` for the therapist's record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from alongside.care.models import DECLINED, DONE, LAPSED, OPEN, Assignment, CareEvent, CareLink, Due
from alongside.lib.prepared import Prepared

__all__ = [
    "DEFAULT_OPENS_AT",
    "assignment_create",
    "assignment_stop",
    "close_times",
    "due_answered",
    "due_days",
    "due_decline",
    "due_start",
    "open_dues_for",
    "open_dues_for_client",
    "opening_time",
    "plan",
]

# When a client has no reminder time of their own, a questionnaire opens at 09:00.
DEFAULT_OPENS_AT = dt.time(9, 0)


def opening_time(client: Any) -> dt.time:
    """The client's own reminder time if they chose one, else ``DEFAULT_OPENS_AT``."""
    from alongside.reminders.models import ReminderSchedule

    schedule = ReminderSchedule.objects.filter(owner=client).first()
    return schedule.at if schedule is not None else DEFAULT_OPENS_AT


def _local(day: dt.date, at: dt.time, tz: dt.tzinfo) -> dt.datetime:
    # Round-trip through UTC so a wall time skipped by a clock change lands just after it.
    return dt.datetime.combine(day, at, tzinfo=tz).astimezone(dt.UTC)


def close_times(
    due_on: dt.date, *, open_days: int, at: dt.time, tz: dt.tzinfo
) -> tuple[dt.datetime, dt.datetime]:
    """``(opens_at, expires_at)`` in UTC for a time due on ``due_on`` in zone ``tz``."""
    opens_at = _local(due_on, at, tz)
    expires_at = _local(due_on + dt.timedelta(days=open_days), dt.time(0, 0), tz)
    return opens_at, expires_at


def due_days(assignment: Assignment, *, start: dt.date | None = None) -> Iterator[dt.date]:
    """Every day the assignment comes due, from ``start`` (a due day) or the first."""
    day = start or assignment.first_due_on
    if assignment.every_weeks is None:
        if day == assignment.first_due_on:
            yield day
        return
    step = dt.timedelta(weeks=assignment.every_weeks)
    while assignment.ends_on is None or day <= assignment.ends_on:
        yield day
        day += step


def plan(assignment: Assignment, *, now: dt.datetime | None = None) -> list[Due]:
    """Store each time that has come due by ``now`` and the next one after; return the
    new ones. Running it again adds nothing. Each new time queues its own tasks."""
    if assignment.is_stopped:
        return []
    now = now or timezone.now()
    client = assignment.care_link.client
    at, tz = opening_time(client), client.tz
    last = assignment.dues.order_by("-due_on").first()
    created: list[Due] = []
    for day in due_days(assignment, start=last.due_on if last else None):
        opens_at, expires_at = close_times(day, open_days=assignment.open_days, at=at, tz=tz)
        due, made = Due.objects.get_or_create(
            assignment=assignment,
            due_on=day,
            defaults={"opens_at": opens_at, "expires_at": expires_at},
        )
        if made:
            created.append(due)
            _queue(due)
        if due.opens_at > now:
            break
    return created


def _queue(due: Due) -> None:
    from alongside.care.tasks import close_due, open_due

    due_id, opens_at, expires_at = due.pk, due.opens_at, due.expires_at
    transaction.on_commit(lambda: open_due.using(run_after=opens_at).enqueue(due_id))
    transaction.on_commit(lambda: close_due.using(run_after=expires_at).enqueue(due_id))


def _open(queryset: QuerySet[Due], now: dt.datetime | None) -> QuerySet[Due]:
    now = now or timezone.now()
    return (
        queryset.filter(
            status=OPEN,
            opens_at__lte=now,
            expires_at__gt=now,
            assignment__stopped_at__isnull=True,
        )
        .select_related("assignment__care_link__therapist", "assignment__care_link__client")
        .order_by("expires_at", "pk")
    )


def open_dues_for(care: CareLink, *, now: dt.datetime | None = None) -> QuerySet[Due]:
    """What this therapist asked of this client that is open now (soonest to close first)."""
    return _open(Due.objects.filter(assignment__care_link=care), now)


def open_dues_for_client(user: Any, *, now: dt.datetime | None = None) -> list[Due]:
    """Every questionnaire any of the client's therapists asked for that is open now."""
    return _OPEN_FOR_CLIENT(client=user.pk, now=now or timezone.now())


# On every home page: compiled once (alongside.lib.prepared).
_OPEN_FOR_CLIENT = Prepared(
    lambda client, now: _open(Due.objects.filter(assignment__care_link__client_id=client), now),
    client=int,
    now=dt.datetime,
)


# ------------------------------------------------------------------------- operations


@transaction.atomic
def assignment_create(
    *,
    care: CareLink,
    instrument_id: str,
    relationship: str = "",
    first_due_on: dt.date,
    every_weeks: int | None,
    open_days: int,
    ends_on: dt.date | None,
) -> Assignment:
    """The therapist asks; the first time is planned now (and its tasks queued)."""
    assignment = Assignment.objects.create(
        care_link=care,
        instrument_id=instrument_id,
        relationship=relationship,
        first_due_on=first_due_on,
        every_weeks=every_weeks,
        open_days=open_days,
        ends_on=ends_on,
    )
    plan(assignment)
    CareEvent.objects.create(
        therapist=care.therapist,
        care_link=care,
        action="assigned",
        detail={
            "assignment": assignment.pk,
            "instrument": instrument_id,
            "relationship": relationship,
            "first_due_on": first_due_on.isoformat(),
            "every_weeks": every_weeks,
            "open_days": open_days,
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
    )
    return assignment


@transaction.atomic
def assignment_stop(*, assignment: Assignment) -> None:
    """No new times. Planned ones that have not opened go; an open one closes now
    (stored as lapsed); what was answered or declined stays as it was."""
    if assignment.is_stopped:
        return
    now = timezone.now()
    assignment.stopped_at = now
    assignment.save(update_fields=["stopped_at"])
    assignment.dues.filter(status=OPEN, opens_at__gt=now).delete()
    assignment.dues.filter(status=OPEN).update(status=LAPSED, take=None)
    care = assignment.care_link
    CareEvent.objects.create(
        therapist=care.therapist,
        care_link=care,
        action="assignment_stopped",
        detail={"assignment": assignment.pk, "instrument": assignment.instrument_id},
    )


def due_decline(*, due: Due) -> bool:
    """The client would rather not answer. No reason is asked or kept."""
    return bool(Due.objects.filter(pk=due.pk, status=OPEN).update(status=DECLINED, take=None))


def due_start(*, due: Due) -> Any:
    """Begin (or carry on with) the take that answers ``due``, and remember it on the due.

    Only a done time keeps its take: one declined or closed lets go of it, so an
    unfinished take is never tied to what the therapist sees.

    Raises ``AssessmentError`` when the questionnaire cannot be answered now (its
    wording was removed, for instance)."""
    from alongside.assessments.models import Take, instrument

    assignment = due.assignment
    spec = instrument(assignment.instrument_id)
    take = Take.begin(
        owner=assignment.care_link.client, spec=spec, relationship=assignment.relationship
    )
    Due.objects.filter(pk=due.pk, status=OPEN).update(take=take)
    return take


def due_answered(*, take: Any) -> list[Due]:
    """A finished take answers every open time of the same questionnaire (and
    relationship) that the client's therapists asked for: each is marked done and
    linked to it. One conditional UPDATE, so a time is answered once."""
    moment = take.completed_at or timezone.now()
    matching = Due.objects.filter(
        status=OPEN,
        assignment__care_link__client_id=take.owner_id,
        assignment__instrument_id=take.instrument_id,
        assignment__relationship=take.relationship,
        assignment__stopped_at__isnull=True,
        opens_at__lte=moment,
        expires_at__gt=moment,
    )
    ids = list(matching.values_list("pk", flat=True))
    if not ids:
        return []
    Due.objects.filter(pk__in=ids, status=OPEN).update(status=DONE, take=take, answered_at=moment)
    return list(Due.objects.filter(pk__in=ids, status=DONE, take=take))
