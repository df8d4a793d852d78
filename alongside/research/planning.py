"""Storing the schedule engine's plan: every prompt of a participant, planned ahead.

A participant's prompts are planned when they can first be prompted (on joining; in a
couple study prompted together, when the dyad forms: both partners at once) for the rest
of the study, and stored as ``Prompt`` rows. Re-planning (a new time zone or waking
hours, a changed schedule) keeps every prompt up to now and every prompt already sent
or being sent, and plans the rest afresh from now, as the engine's ``move`` does: the
first new prompt keeps the gap after the last kept one. The engine is deterministic, so
the same study, participant and seed give the same plan.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from alongside.research import schedule as engine
from alongside.research.models import Dyad, Participant, Prompt, Study

__all__ = ["engine_person", "plan_participant", "replan_study"]


def engine_person(
    participant: Participant, joined: dt.datetime | None = None
) -> engine.Participant:
    waking = None
    if participant.wakes_at and participant.sleeps_at:
        waking = (participant.wakes_at, participant.sleeps_at)
    return engine.Participant(participant.study_code, participant.time_zone, waking, joined)


def _who(participant: Participant) -> tuple[list[Participant], Dyad | None]:
    """Who is planned together with ``participant``: themselves, or their formed dyad."""
    study = participant.study
    if not study.prompts_together:
        return [participant], None
    dyad = participant.dyad()
    if dyad is None or not dyad.is_formed or dyad.second is None:
        return [], None  # a couple prompted together waits for the partner
    return [dyad.first, dyad.second], dyad


def _resume(members: Sequence[Participant], now: dt.datetime, gap: int) -> dt.datetime:
    last = Prompt.objects.filter(participant__in=members).aggregate(last=Max("scheduled_at"))
    if last["last"] is None or not gap:
        return now
    return max(now, last["last"] + dt.timedelta(minutes=gap - 1))


def plan_participant(participant: Participant, *, now: dt.datetime | None = None) -> int:
    """Plan (or re-plan from ``now``) the prompts of ``participant`` — of both partners,
    in a couple study prompted together. Returns how many prompts were stored. Raises
    ``schedule.ScheduleError`` (naming ``tz``, ``waking`` or ``tz_b``) when the plan
    cannot be made; nothing is changed then."""
    now = now or timezone.now()
    study: Study = participant.study
    members, dyad = _who(participant)
    members = [m for m in members if m.status != "withdrawn"]
    if not members or (dyad is not None and len(members) < 2):
        return 0
    spec = study.schedule_spec()
    with transaction.atomic():
        # Row locks on the people planned: two re-plans at once would plan twice.
        list(Participant.objects.select_for_update().filter(pk__in=[m.pk for m in members]))
        open_future = Prompt.objects.filter(
            participant__in=members,
            scheduled_at__gt=now,
            sent_at__isnull=True,
            claimed_at__isnull=True,
        )
        open_future.delete()
        joined = _resume(members, now, spec.min_gap)
        people: list[engine.Participant | engine.Dyad]
        if dyad is not None:
            a, b = (engine_person(m, joined) for m in members)
            people = [engine.Dyad(dyad.study_code or f"dyad-{dyad.pk}", a, b)]
        else:
            people = [engine_person(members[0], joined)]
        days = (study.ends_on - study.starts_on).days + 1
        result = engine.plan(
            spec, people, start=study.starts_on, days=days, seed=study.seed, now=None
        )
        by_code = {m.study_code: m for m in members}
        rows = [
            Prompt(
                participant=by_code[p.participant],
                dyad=dyad,
                day=p.day,
                window=p.window,
                number=p.number,
                scheduled_at=p.scheduled,
                local_time=p.local.isoformat(timespec="minutes"),
                expires_at=p.expires,
                reminders_at=[r.isoformat() for r in p.reminders],
            )
            for p in result.prompts()
        ]
        Prompt.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def check_plannable(participant: Participant, **changes: Any) -> None:
    """Would ``participant`` with ``changes`` (``time_zone``, ``wakes_at``, ``sleeps_at``)
    still plan? Raises ``schedule.ScheduleError`` naming what is wrong."""
    changed = replace(engine_person(participant), id="check")
    if "time_zone" in changes:
        changed = replace(changed, tz=changes["time_zone"])
    wake = changes.get("wakes_at", participant.wakes_at)
    sleep = changes.get("sleeps_at", participant.sleeps_at)
    changed = replace(changed, waking=(wake, sleep) if wake and sleep else None)
    study = participant.study
    engine.plan(study.schedule_spec(), [changed], start=study.starts_on, days=1, seed=0, now=None)


def replan_study(study: Study, *, now: dt.datetime | None = None) -> int:
    """The study's schedule or dates changed: re-plan everyone still taking part."""
    now = now or timezone.now()
    planned = 0
    seen: set[int] = set()
    active = study.participants.exclude(status="withdrawn").select_related("study")
    for participant in active:
        if participant.pk in seen:
            continue
        members, _dyad = _who(participant)
        seen.update(m.pk for m in members)
        try:
            planned += plan_participant(participant, now=now)
        except engine.ScheduleError:
            # Their own waking hours no longer fit the new windows: their later prompts
            # are gone (they are not prompted outside their hours), and their page asks
            # them to look at their hours again.
            Prompt.objects.filter(
                Q(participant__in=members or [participant]),
                scheduled_at__gt=now,
                sent_at__isnull=True,
                claimed_at__isnull=True,
            ).delete()
    return planned
