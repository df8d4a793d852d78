"""A study definition to start from, and the steps of taking part, for the tests."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from alongside.research import services
from alongside.research.models import Participant, Prompt, Study


def definition(**changes: Any) -> dict[str, Any]:
    """A valid study file's data (a couple study starting next week); ``changes`` replace
    top-level fields."""
    today = dt.date.today()
    data: dict[str, Any] = {
        "title": "Evenings together",
        "description": "How close couples feel across an evening.",
        "code": "EVENINGS",
        "id_prefix": "EVN",
        "couple": True,
        "starts_on": today + dt.timedelta(days=7),
        "ends_on": today + dt.timedelta(days=21),
        "consent": {
            "information_sheet": "We ask three short questions each evening for two weeks.",
            "text": "I agree to take part. I can leave at any time.",
            "researcher_sees_identity": False,
            "on_withdrawal": "ask",
        },
        "items": [
            {
                "id": "close",
                "type": "slider",
                "text": "How close do you feel right now?",
                "low_label": "Not at all",
                "high_label": "Very",
            },
            {"id": "calm", "type": "scale", "text": "How calm are you?"},
            {"id": "where", "type": "choice", "text": "Where are you?", "options": ["Home", "Out"]},
            {"id": "note", "type": "text", "text": "Anything else?", "max_length": 140},
            {"id": "closeness", "type": "instrument", "instrument": "alongside-closeness"},
        ],
        "schedule": {
            "kind": "random",
            "windows": ["18:00-20:00", "20:00-22:00"],
            "per_window": 2,
            "min_gap": 45,
            "every_days": 1,
            "expiry": 30,
            "reminders": 1,
        },
    }
    data.update(copy.deepcopy(changes))
    return data


def make_study(researcher: Any, **changes: Any) -> Study:
    return services.study_create(researcher=researcher, data=definition(**changes))


def enrol(user: Any, study: Study) -> Participant:
    version = study.current_consent()
    assert version is not None
    return services.participant_join(study=study, user=user, version=version.number)


def plan_prompt(participant: Participant, at: dt.datetime, **fields: Any) -> Prompt:
    """A planned prompt at ``at`` (open for an hour), as the schedule engine stores one."""
    return Prompt.objects.create(
        participant=participant,
        day=fields.pop("day", 1),
        window=1,
        number=1,
        scheduled_at=at,
        local_time=at.isoformat(),
        expires_at=at + dt.timedelta(hours=1),
        **fields,
    )


def prompt_became(
    participant: Participant, status: str, *, now: dt.datetime, day: int, hours_ago: float
) -> Prompt:
    """A prompt scheduled ``hours_ago`` before ``now`` (open for an hour) that became
    ``status`` (as ``Prompt.status_at(now)`` says, once it is closed): sent as planned,
    opened 5 minutes later, and an answered one finished 10 minutes after sending."""
    at = now - dt.timedelta(hours=hours_ago)
    fields: dict[str, Any] = {"day": day}
    if status != "not_sent":
        fields["sent_at"] = at
    if status in ("answered", "expired"):
        fields["opened_at"] = at + dt.timedelta(minutes=5)
    if status == "answered":
        fields["completed_at"] = at + dt.timedelta(minutes=10)
    made = plan_prompt(participant, at, **fields)
    assert made.status_at(now) == status, (status, hours_ago)
    return made
