"""The research part of the demo: Dr Rhea Okafor and her couple study "Evenings together".

Ten couples joined, paired and have been prompted twice each evening for two weeks, with
a week still to go. Everything up to pairing goes through the real services (the role,
the study from its definition, joining, pair codes), and the prompts are the schedule
engine's own plan, stored by ``planning.plan_participant``; only what the participants
did with their past prompts is generated here. The answers come from a small model
with the features the analytics look for: partners' closeness moves together (a shared
evening-to-evening mood of the couple), feelings carry over from one evening to the
next, and calm follows closeness. Most people answer about nine prompts in ten; in two
couples one partner answers far fewer, so the compliance figures have someone to flag.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
from django.utils import timezone

from alongside.accounts.models import User
from alongside.research import planning, services
from alongside.research.answers import check_answers
from alongside.research.models import Answer, Consent, Dyad, Participant, Prompt, Study

CODE = "EVENINGS"
DAYS_PAST = 14  # evenings already prompted
DAYS_LEFT = 6  # evenings still to come after today
STUDY_SEED = 20260  # the engine's seed, fixed so every demo plans the same evenings

# Twenty people as ten couples; two couples live in Berlin, the rest in London.
COUPLES = [
    (("Ada", "Omar"), "Europe/London"),
    (("Lena", "Tom"), "Europe/London"),
    (("Priya", "Jonas"), "Europe/Berlin"),
    (("Grace", "Noah"), "Europe/London"),
    (("Maya", "Leo"), "Europe/London"),
    (("Sofia", "Ibrahim"), "Europe/London"),
    (("Hana", "Felix"), "Europe/Berlin"),
    (("Zoe", "Daniel"), "Europe/London"),
    (("Iris", "Kwame"), "Europe/London"),
    (("Nora", "Elias"), "Europe/London"),
]
# (couple index, partner index) -> how likely they answer a prompt; everyone else 0.9.
LOW_COMPLIANCE = {(3, 1): 0.55, (8, 0): 0.6}
PLACES = ["Home", "Out", "Somewhere else"]
NOTES = [
    "Cooked together.",
    "Long day, quiet evening.",
    "Watched a film on the sofa.",
    "A small argument about the dishes, sorted now.",
    "Walked after dinner.",
    "They were out with friends.",
    "Talked about the weekend.",
]


def definition(today: dt.date) -> dict[str, Any]:
    """The study file's data, starting ``today`` (a study cannot be created in the past)."""
    return {
        "title": "Evenings together",
        "description": "How close and calm partners feel across their evenings.",
        "code": CODE,
        "id_prefix": "EVN",
        "couple": True,
        "starts_on": today,
        "ends_on": today + dt.timedelta(days=DAYS_LEFT),
        "consent": {
            "information_sheet": (
                "For three weeks we ask four short questions twice each evening, to you and "
                "your partner at the same moment. Each prompt stays open for 30 minutes."
            ),
            "text": "I agree to take part. I can pause or leave at any time.",
            "researcher_sees_identity": False,
            "on_withdrawal": "ask",
        },
        "items": [
            {
                "id": "close",
                "type": "slider",
                "text": "How close do you feel to your partner right now?",
                "low_label": "Not at all",
                "high_label": "Very close",
            },
            {
                "id": "calm",
                "type": "scale",
                "text": "How calm are you?",
                "low_label": "Not calm",
                "high_label": "Very calm",
            },
            {"id": "where", "type": "choice", "text": "Where are you?", "options": PLACES},
            {"id": "note", "type": "text", "text": "Anything else?", "max_length": 140},
        ],
        "schedule": {
            "kind": "random",
            "windows": ["18:00-20:00", "20:00-22:00"],
            "per_window": 1,
            "min_gap": 45,
            "every_days": 1,
            "expiry": 30,
            "reminders": 1,
        },
    }


def seed_research(*, researcher: User, make_person: Any, seed: int = 11) -> Study:
    services.researcher_grant(user=researcher, by="demo")
    today = timezone.localdate()
    study = services.study_create(researcher=researcher, data=definition(today), today=today)
    # A study cannot be created with a first day in the past, but the demo wants two weeks
    # of evenings behind it: move the dates back before anyone joins, so what follows
    # (joining, pairing, planning) sees the study as it stands.
    starts_on = today - dt.timedelta(days=DAYS_PAST)
    Study.objects.filter(pk=study.pk).update(starts_on=starts_on, seed=STUDY_SEED)
    study.refresh_from_db()
    dyads = [
        _couple(study, index, names, tz, make_person) for index, (names, tz) in enumerate(COUPLES)
    ]
    start = dt.datetime.combine(starts_on, dt.time(0), tzinfo=dt.UTC)
    _backdate(study, dyads, start)
    for dyad in dyads:
        # Pairing planned from now on; plan again from the study's first day, so the past
        # evenings have the prompts the engine gives them.
        planning.plan_participant(dyad.first, now=start)
    _simulate(study, dyads, now=timezone.now(), rng=np.random.default_rng(seed))
    return study


def _couple(study: Study, index: int, names: tuple[str, str], tz: str, make_person: Any) -> Dyad:
    version = study.current_consent()
    assert version is not None  # every study is created with its first version
    first, second = (
        services.participant_join(
            study=study,
            user=make_person(f"p{2 * index + n + 1:02d}@demo.alongside", name, tz),
            version=version.number,
        )
        for n, name in enumerate(names)
    )
    pair = services.dyad_start(participant=first)
    return services.dyad_join(participant=second, raw_code=pair.code)


def _backdate(study: Study, dyads: list[Dyad], start: dt.datetime) -> None:
    """Joining and pairing happened in the days before the first evening, as they would."""
    study.consent_versions.update(published_at=start - dt.timedelta(days=5))
    participants: list[Participant] = []
    consents: list[Consent] = []
    for index, dyad in enumerate(dyads):
        assert dyad.second is not None  # every demo dyad is formed
        joined = start - dt.timedelta(days=3) + dt.timedelta(hours=5 * index)
        dyad.created_at = joined
        dyad.formed_at = joined + dt.timedelta(hours=2)
        for person, at in ((dyad.first, joined), (dyad.second, dyad.formed_at)):
            person.joined_at = at
            participants.append(person)
            consents += [Consent(pk=c.pk, accepted_at=at) for c in person.consents.all()]
    Dyad.objects.bulk_update(dyads, ["created_at", "formed_at"])
    Participant.objects.bulk_update(participants, ["joined_at"])
    Consent.objects.bulk_update(consents, ["accepted_at"])


def _evenings(days: int, rng: np.random.Generator) -> np.ndarray:
    """Each evening's feeling of one couple, shape (days, 2): a shared part that carries
    over from evening to evening (AR(1), 0.6) plus each partner's own (AR(1), 0.35)."""
    shared = rng.normal(0, 1, size=days)
    own = rng.normal(0, 0.9, size=(days, 2))
    for t in range(1, days):
        shared[t] += 0.6 * shared[t - 1]
        own[t] += 0.35 * own[t - 1]
    return shared[:, None] + own


def _simulate(
    study: Study, dyads: list[Dyad], *, now: dt.datetime, rng: np.random.Generator
) -> None:
    """What each participant did with each prompt that closed before ``now``: answered,
    missed (sent, never opened) or expired (opened, not finished)."""
    days = (study.ends_on - study.starts_on).days + 1
    closed = Prompt.objects.filter(participant__study=study, expires_at__lte=now)
    by_person: dict[int, list[Prompt]] = {}
    for prompt in closed.order_by("scheduled_at"):
        by_person.setdefault(prompt.participant_id, []).append(prompt)
    answers: list[Answer] = []
    changed: list[Prompt] = []
    for index, dyad in enumerate(dyads):
        feeling = _evenings(days, rng)
        level = rng.normal(62, 9)  # how close this couple feels on an ordinary evening
        assert dyad.second is not None
        for who, person in enumerate((dyad.first, dyad.second)):
            answering = LOW_COMPLIANCE.get((index, who), 0.9)
            for prompt in by_person.get(person.pk, []):
                state = feeling[prompt.day - 1, who]
                changed.append(prompt)
                answers += _respond(prompt, study, state, level, answering, rng)
    Prompt.objects.bulk_update(
        changed,
        ["sent_at", "opened_at", "completed_at", "expired_at", "reminders_sent"],
        batch_size=500,
    )
    Answer.objects.bulk_create(answers, batch_size=500)


def _respond(
    prompt: Prompt,
    study: Study,
    state: float,
    level: float,
    answering: float,
    rng: np.random.Generator,
) -> list[Answer]:
    prompt.sent_at = prompt.scheduled_at + dt.timedelta(seconds=int(rng.integers(2, 30)))
    roll = rng.random()
    if roll >= answering:
        # Of the prompts not answered, about a third were opened and left unfinished.
        if rng.random() < 0.35:
            prompt.opened_at = prompt.sent_at + dt.timedelta(minutes=float(rng.uniform(1, 25)))
        prompt.expired_at = prompt.expires_at
        prompt.reminders_sent = _reminders_before(prompt, prompt.expires_at)
        return []
    delay = min(float(rng.exponential(5)), 22)  # minutes until they looked
    prompt.opened_at = prompt.sent_at + dt.timedelta(minutes=delay)
    prompt.completed_at = prompt.opened_at + dt.timedelta(seconds=int(rng.integers(30, 150)))
    prompt.reminders_sent = _reminders_before(prompt, prompt.completed_at)
    close = level + 9 * state + rng.normal(0, 5)
    calm = 4.3 + 0.05 * (close - level) + rng.normal(0, 0.8)
    raw = {
        "close": int(np.clip(round(close), 0, 100)),
        "calm": int(np.clip(round(calm), 1, 7)),
        "where": PLACES[int(rng.choice(3, p=[0.72, 0.18, 0.10]))],
        "note": NOTES[int(rng.integers(len(NOTES)))] if rng.random() < 0.12 else "",
    }
    # The same check a real answer passes, so the demo stores only what the page would.
    cleaned = check_answers(study.items, raw)
    return [
        Answer(prompt=prompt, item_id=key, value=value, answered_at=prompt.completed_at)
        for key, value in cleaned.items()
    ]


def _reminders_before(prompt: Prompt, until: dt.datetime) -> int:
    return sum(dt.datetime.fromisoformat(at) < until for at in prompt.reminders_at)
