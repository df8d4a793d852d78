"""Data for the therapist's page tests: check-ins, finished questionnaires, test figures.

The reliable-change figures installed here are TEST FIGURES ONLY, made up and cited as
such: they exist so a test can see a verdict, never to describe a real instrument.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from alongside.assessments.models import COMPLETE, ReliableChangeFigures, Take
from alongside.assessments.spec import ReliableChangeParams, Source
from alongside.checkins.models import CheckIn


def checkin(owner: Any, days_ago: int, mood: int, **fields: Any) -> CheckIn:
    """A check-in ``days_ago`` days before the owner's today."""
    day = owner.local_today() - dt.timedelta(days=days_ago)
    return CheckIn.objects.create(owner=owner, day=day, mood=mood, **fields)


def finished_take(
    owner: Any,
    instrument_id: str,
    scores: dict[str, float],
    *,
    days_ago: int = 0,
    relationship: str = "",
) -> Take:
    """A completed take with these subscale scores, finished ``days_ago`` days ago."""
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Take.objects.create(
        owner=owner,
        instrument_id=instrument_id,
        relationship=relationship,
        status=COMPLETE,
        scores={key: {"value": value} for key, value in scores.items()},
        started_at=when,
        completed_at=when,
    )


def install_test_figures(instrument_id: str = "csi-4", subscale_id: str = "satisfaction") -> None:
    """TEST FIGURES ONLY (SD 5, reliability .9): a change of 7 on the CSI-4 is reliable."""
    ReliableChangeFigures.install(
        instrument_id,
        subscale_id,
        ReliableChangeParams(
            sd=5.0,
            reliability=0.9,
            reliability_kind="test-retest",
            sources=(Source("TEST FIGURES ONLY, made up for the care page tests."),),
        ),
        installed_by="tests",
    )


def experiment(
    owner: Any, *, done: bool = True, went_better: bool = True, days_ago: int = 1
) -> Any:
    """An ask planned and, when ``done``, looked back on ``days_ago`` days ago (through the
    model's own ``record_after``, so every after field is as the app stores it)."""
    from alongside.practice.models import RelianceExperiment

    found = RelianceExperiment.objects.create(
        owner=owner,
        belief="Asking will be a burden",
        belief_before=80,
        prediction="She will say no",
        prediction_likelihood=70,
        discomfort_expected=60,
    )
    if done:
        found.after_at = timezone.now() - dt.timedelta(days=days_ago)
        found.record_after(
            happened="She said yes" if went_better else "She said no",
            came_true="no" if went_better else "yes",
            discomfort_felt=30,
            learned="Small asks are welcome",
            belief_after=40,
        )
    return found
