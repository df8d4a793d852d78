"""How well a study's prompts are answered, for its researcher (never for a participant).

One computation, read by the researcher's compliance page and the API alike, so both show
the same numbers. It is worked out from the stored prompts on every call (nothing is
cached: the page is as fresh as the prompts) in a fixed number of queries, however many
participants and prompts the study has: the counts are grouped in the database, and only
the answered prompts' two instants come back, for the median latency.

Definitions (docs/research.md, "Compliance"): a prompt's status is
``Prompt.objects.with_status(now)``. The rate is answered ÷ (answered + missed +
expired): of the prompts that reached the participant and are settled, how many were
answered. Prompts never sent (paused, withdrawn, consent to renew) and prompts still
open or planned are left out of it; the first are counted on their own.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, replace
from typing import Any

from django.db.models import Count, F, Q

from alongside.research.models import Dyad, Participant, Prompt, Study

__all__ = [
    "DEFAULT_BELOW",
    "DyadRow",
    "ParticipantRow",
    "Report",
    "Tally",
    "study_compliance",
]

# The rate (in percent) under which a participant is flagged, unless the researcher
# chooses another.
DEFAULT_BELOW = 80

# The statuses counted; "open" and "planned" are not settled yet.
COUNTED = ("answered", "missed", "expired", "not_sent")


@dataclass(frozen=True)
class Tally:
    """Prompts by what became of them."""

    answered: int = 0
    missed: int = 0
    expired: int = 0
    not_sent: int = 0

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            answered=self.answered + other.answered,
            missed=self.missed + other.missed,
            expired=self.expired + other.expired,
            not_sent=self.not_sent + other.not_sent,
        )

    @property
    def sent_and_closed(self) -> int:
        """The rate's denominator: prompts that reached the participant and are settled."""
        return self.answered + self.missed + self.expired

    @property
    def rate(self) -> float | None:
        """answered ÷ ``sent_and_closed``, from 0 to 1; None before any prompt is settled."""
        if not self.sent_and_closed:
            return None
        return self.answered / self.sent_and_closed

    @property
    def percent(self) -> int | None:
        """The rate as a whole percentage, rounded down, as the pages show it (so 79.9%
        reads 79%, and is flagged below 80%)."""
        rate = self.rate
        return None if rate is None else int(rate * 100)

    def to_dict(self) -> dict[str, Any]:
        return {
            "answered": self.answered,
            "missed": self.missed,
            "expired": self.expired,
            "not_sent": self.not_sent,
            "sent_and_closed": self.sent_and_closed,
            "rate": self.rate,
        }


def _with(tally: Tally, status: str, n: int) -> Tally:
    return replace(tally, **{status: getattr(tally, status) + n})


def _median(latencies: list[dt.timedelta]) -> dt.timedelta | None:
    if not latencies:
        return None
    return dt.timedelta(seconds=statistics.median(lat.total_seconds() for lat in latencies))


def _minutes(latency: dt.timedelta | None) -> int | None:
    """A latency in whole minutes (rounded), as the page shows it."""
    return None if latency is None else round(latency.total_seconds() / 60)


def _below(tally: Tally, below: int) -> bool:
    # Nobody is flagged before a single prompt reached them and closed: no rate yet.
    rate = tally.rate
    return rate is not None and rate * 100 < below


@dataclass(frozen=True)
class ParticipantRow:
    code: str  # the study ID
    status: str  # the participant's: active, paused, withdrawn
    identity: str  # name and address, only when their consent says so; else ""
    dyad_code: str
    tally: Tally
    median_latency: dt.timedelta | None
    days: list[Tally]  # days[0] is day 1
    flagged: bool

    @property
    def median_minutes(self) -> int | None:
        return _minutes(self.median_latency)


@dataclass(frozen=True)
class DyadRow:
    code: str  # the dyad's study ID ("EVN-D01")
    members: tuple[str, str]  # the partners' study IDs
    tally: Tally  # both partners' prompts together
    median_latency: dt.timedelta | None

    @property
    def median_minutes(self) -> int | None:
        return _minutes(self.median_latency)


@dataclass(frozen=True)
class Report:
    study: Study
    now: dt.datetime
    below: int
    participants: list[ParticipantRow]
    dyads: list[DyadRow]
    total: Tally
    days: int  # the strip's length: the last day with a settled prompt
    median_latency: dt.timedelta | None = None
    flagged: int = 0

    @property
    def median_minutes(self) -> int | None:
        return _minutes(self.median_latency)


def study_compliance(study: Study, *, now: dt.datetime, below: int = DEFAULT_BELOW) -> Report:
    """Every participant's and every formed dyad's answering in ``study`` as of ``now``,
    with those whose rate is under ``below`` percent flagged."""
    if not 0 <= below <= 100:
        raise ValueError(f"below: {below} is not a percentage from 0 to 100")
    identity = set(
        study.consent_versions.filter(researcher_sees_identity=True).values_list(
            "number", flat=True
        )
    )
    participants = list(Participant.objects.filter(study=study).select_related("user"))
    dyads = list(Dyad.objects.filter(study=study, formed_at__isnull=False).order_by("study_code"))
    prompts = Prompt.objects.filter(participant__study=study).with_status(now)

    by_day: dict[int, dict[int, Tally]] = defaultdict(lambda: defaultdict(Tally))
    for participant_id, day, status, n in (
        # Q and F: the type checker does not know ``with_status``'s annotation by name.
        prompts.filter(Q(status__in=COUNTED))
        .values("participant_id", "day", state=F("status"))
        .annotate(n=Count("pk"))
        .values_list("participant_id", "day", "state", "n")
        .order_by()
    ):
        by_day[participant_id][day] = _with(by_day[participant_id][day], status, n)

    latencies: dict[int, list[dt.timedelta]] = defaultdict(list)
    for participant_id, sent_at, completed_at in (
        prompts.filter(Q(status="answered"), sent_at__isnull=False)
        .values_list("participant_id", "sent_at", "completed_at")
        .order_by()
    ):
        if sent_at is not None and completed_at is not None:
            latencies[participant_id].append(completed_at - sent_at)

    days = max((day for counts in by_day.values() for day in counts), default=0)
    dyad_of = {}
    for dyad in dyads:
        dyad_of[dyad.first_id] = dyad_of[dyad.second_id] = dyad.study_code

    rows = []
    tallies: dict[int, Tally] = {}
    for p in participants:
        counts = by_day.get(p.pk, {})
        tally = sum(counts.values(), Tally())
        tallies[p.pk] = tally
        rows.append(
            ParticipantRow(
                code=p.study_code,
                status=p.status,
                identity=p.identity_for_researcher(identity),
                dyad_code=dyad_of.get(p.pk, ""),
                tally=tally,
                median_latency=_median(latencies[p.pk]),
                days=[counts.get(day, Tally()) for day in range(1, days + 1)],
                flagged=_below(tally, below),
            )
        )
    codes = {p.pk: p.study_code for p in participants}
    dyad_rows = [
        DyadRow(
            code=d.study_code,
            members=(codes[d.first_id], codes[d.second_id] if d.second_id else ""),
            tally=tallies[d.first_id] + tallies.get(d.second_id or 0, Tally()),
            median_latency=_median(latencies[d.first_id] + latencies[d.second_id or 0]),
        )
        for d in dyads
    ]
    return Report(
        study=study,
        now=now,
        below=below,
        participants=rows,
        dyads=dyad_rows,
        total=sum(tallies.values(), Tally()),
        days=days,
        median_latency=_median([lat for one in latencies.values() for lat in one]),
        flagged=sum(1 for r in rows if r.flagged),
    )
