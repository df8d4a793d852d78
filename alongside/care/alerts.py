"""Alerts for a therapist, checked on each finished take. The rule is written on the alert.

Who may get one: for the take's owner (the client), each of their therapists with whom
they share "assessments" at the moment the check runs (``access.visible``). Nobody is
viewing while the task runs, so the takes are read directly, and only then; an alert
for a therapist who could not open those results is never made. The couple rules also
need the partner (a circle ``partner`` link) to be a client of the same therapist, both
to have chosen ``couple_view`` for that therapist, and both to share "assessments" with
them. Nothing here ever reaches the partner: no notice, no e-mail, no count.

The rules, per subscale (``evidence["rule"]`` says each in one sentence, with its numbers):

``deterioration``
    Jacobson & Truax (1991) reliable change from the client's first completed take of the
    questionnaire (same relationship), the baseline, to the finished take:
    ``RCI = (after - before) / S_diff`` with ``S_diff = SD * sqrt(2 * (1 - r))``, the SD and
    reliability ``r`` being the deployment's cited ``ReliableChangeFigures``. Fires when
    ``|RCI| > 1.96`` in the subscale's worse direction (never for a neutral subscale, nor
    where no figures are installed).
``partner_deterioration``
    The same change, raised on the *partner's* care link (the therapist's couple view of
    the partner), pointing at the client's take.
``divergence``
    For a questionnaire about the partner (``about: partner``) or answered about the
    relationship ``partner``: the finished take and the partner's latest completed take
    of the same questionnaire and relationship (completed no later than it) differ by
    more than the reliable-change threshold, ``|x_client - x_partner| > 1.96 * S_diff``.
    Raised on the client's care link.
``off_track``
    Where ``ResponseBand`` rows exist for the subscale: the baseline score falls in a
    band's baseline range (``baseline_min <= score < baseline_max``; the highest range
    also includes its maximum), ``W`` is the whole weeks from the baseline to the
    finished take, the band used is the one of that range with the largest ``week <= W``,
    and the finished take scores beyond its ``boundary`` in the worse direction
    (``>`` when lower is better, ``<`` when higher is better).

Every ``evidence`` holds ``rule``, ``before``, ``after``, ``threshold`` and ``citation``
(the figures' or the band's source), plus ``rci`` for the reliable-change rules. One
alert per rule, take and subscale (the model's unique constraint, with get_or_create),
however often the check runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from alongside.assessments.models import Take, instrument
from alongside.assessments.scoring import RCI_THRESHOLD, ReliableChange, reliable_change
from alongside.assessments.spec import AssessmentError, InstrumentSpec, Subscale
from alongside.care.models import Alert, CareLink, ResponseBand
from alongside.circle import access
from alongside.circle.models import Link

__all__ = ["evaluate", "in_baseline_range", "off_track_band", "partners_of"]


def evaluate(take: Take) -> list[Alert]:
    """Check a finished ``take`` against every rule; return the alerts newly raised."""
    if not take.is_complete:
        return []
    try:
        spec = instrument(take.instrument_id)
    except AssessmentError:
        return []
    client = take.owner
    baseline = (
        Take.objects.filter(owner=client).series(take.instrument_id, take.relationship).first()
    )
    changes = _deteriorations(spec, baseline, take)
    raised: list[Alert] = []
    for care in CareLink.objects.of_client(client).select_related("therapist", "client"):
        if not access.visible(client, care.therapist, "assessments"):
            continue
        for subscale_id, change in changes.items():
            evidence = _change_evidence(spec, subscale_id, change, baseline, take, partner=False)
            raised += _raise(care, "deterioration", take, subscale_id, evidence)
        raised += _off_track(care, spec, baseline, take)
        if care.couple_view:
            raised += _couple(care, spec, take, changes, baseline)
    return raised


def _order(take: Take) -> tuple[dt.datetime, int]:
    return (take.completed_at or take.started_at, take.pk)


def partners_of(person: Any) -> list[Any]:
    """The people ``person`` is linked to as partners in the circle."""
    return [link.other(person) for link in Link.for_user(person).filter(kind="partner")]


# ------------------------------------------------------------------ reliable change


def _deteriorations(
    spec: InstrumentSpec, baseline: Take | None, take: Take
) -> dict[str, ReliableChange]:
    if baseline is None or baseline.pk == take.pk:
        return {}
    before, after = baseline.values(spec), take.values(spec)
    found: dict[str, ReliableChange] = {}
    for subscale in spec.subscales:
        change = _change(spec, subscale, before.get(subscale.id), after.get(subscale.id))
        if change is not None and change.verdict == "reliable_deterioration":
            found[subscale.id] = change
    return found


def _change(
    spec: InstrumentSpec, subscale: Subscale, before: float | None, after: float | None
) -> ReliableChange | None:
    if before is None or after is None or subscale.reliable_change is None:
        return None
    try:
        return reliable_change(spec, subscale.id, before, after)
    except AssessmentError:  # no figures, or a stored score outside the range
        return None


def _threshold(change: ReliableChange) -> float:
    return RCI_THRESHOLD * change.s_diff


def _citation(subscale: Subscale) -> str:
    params = subscale.reliable_change
    return "; ".join(s.citation for s in params.sources) if params else ""


def _n(value: float) -> str:
    """A score as people read it: 3, 2.5, 4.33."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _change_evidence(
    spec: InstrumentSpec,
    subscale_id: str,
    change: ReliableChange,
    baseline: Take | None,
    take: Take,
    *,
    partner: bool,
) -> dict[str, Any]:
    subscale = spec.subscale(subscale_id)
    values = {
        "subscale": _(subscale.label),
        "before": _n(change.before),
        "after": _n(change.after),
        "difference": _n(abs(change.difference)),
        "threshold": _n(_threshold(change)),
    }
    if partner:
        rule = _(
            "Their partner's %(subscale)s reliably worsened: from their partner's first "
            "completed answers (%(before)s) to the latest (%(after)s) is a change of "
            "%(difference)s points in the worse direction, more than the reliable-change "
            "threshold of %(threshold)s points (1.96 times S_diff, Jacobson & Truax 1991)."
        )
    else:
        rule = _(
            "%(subscale)s reliably worsened: from the first completed answers (%(before)s) "
            "to these (%(after)s) is a change of %(difference)s points in the worse "
            "direction, more than the reliable-change threshold of %(threshold)s points "
            "(1.96 times S_diff, Jacobson & Truax 1991), so it is unlikely to be measurement "
            "error alone."
        )
    return {
        "rule": rule % values,
        "before": change.before,
        "after": change.after,
        "threshold": _threshold(change),
        "citation": _citation(subscale),
        "rci": change.rci,
        "rci_threshold": RCI_THRESHOLD,
        "s_diff": change.s_diff,
        "sd": change.sd,
        "reliability": change.reliability,
        "direction": subscale.direction,
        "baseline_take": baseline.pk if baseline else None,
        "baseline_at": _when(baseline),
        "after_at": _when(take),
    }


def _when(take: Take | None) -> str | None:
    return take.completed_at.isoformat() if take and take.completed_at else None


# ---------------------------------------------------------------------------- couple


def _about_the_partner(spec: InstrumentSpec, take: Take) -> bool:
    return spec.about.kind == "partner" or take.relationship == "partner"


def _couple(
    care: CareLink,
    spec: InstrumentSpec,
    take: Take,
    changes: dict[str, ReliableChange],
    baseline: Take | None,
) -> list[Alert]:
    client, therapist = care.client, care.therapist
    raised: list[Alert] = []
    for partner in partners_of(client):
        partner_care = CareLink.objects.filter(
            therapist=therapist, client=partner, couple_view=True
        ).first()
        if partner_care is None or not access.visible(partner, therapist, "assessments"):
            continue
        for subscale_id, change in changes.items():
            evidence = _change_evidence(spec, subscale_id, change, baseline, take, partner=True)
            raised += _raise(partner_care, "partner_deterioration", take, subscale_id, evidence)
        if _about_the_partner(spec, take):
            raised += _divergence(care, spec, take, partner)
    return raised


def _divergence(care: CareLink, spec: InstrumentSpec, take: Take, partner: Any) -> list[Alert]:
    theirs = (
        Take.objects.filter(owner=partner, completed_at__lte=_order(take)[0])
        .series(take.instrument_id, take.relationship)
        .last()
    )
    if theirs is None:
        return []
    mine, other = take.values(spec), theirs.values(spec)
    raised: list[Alert] = []
    for subscale in spec.subscales:
        # The reliable-change figures give the threshold; the two scores are the ends.
        change = _change(spec, subscale, other.get(subscale.id), mine.get(subscale.id))
        if change is None or abs(change.difference) <= _threshold(change):
            continue
        values = {
            "subscale": _(subscale.label),
            "gap": _n(abs(change.difference)),
            "after": _n(change.after),
            "before": _n(change.before),
            "threshold": _n(_threshold(change)),
        }
        rule = _(
            "The partners' latest %(subscale)s scores differ by %(gap)s points (%(after)s on "
            "these answers, %(before)s on the partner's latest), more than the "
            "reliable-change threshold of %(threshold)s points (1.96 times S_diff, Jacobson & "
            "Truax 1991), so the gap is unlikely to be measurement error alone."
        )
        evidence = {
            "rule": rule % values,
            "before": change.before,
            "after": change.after,
            "threshold": _threshold(change),
            "citation": _citation(subscale),
            "rci": change.rci,
            "rci_threshold": RCI_THRESHOLD,
            "s_diff": change.s_diff,
            "partner_take": theirs.pk,
            "partner_at": _when(theirs),
            "after_at": _when(take),
        }
        raised += _raise(care, "divergence", take, subscale.id, evidence)
    return raised


# ------------------------------------------------------------------------- off track


def in_baseline_range(band: ResponseBand, score: float, *, top: float) -> bool:
    """``baseline_min <= score < baseline_max``; the highest range (``top``) includes it."""
    if band.baseline_min <= score < band.baseline_max:
        return True
    return band.baseline_max == top and score == top


def off_track_band(
    bands: Iterable[ResponseBand], baseline: float, weeks: int
) -> ResponseBand | None:
    """The band that applies: the baseline's range, the largest ``week <= weeks``."""
    bands = list(bands)
    if not bands:
        return None
    top = max(b.baseline_max for b in bands)
    fitting = [b for b in bands if in_baseline_range(b, baseline, top=top) and b.week <= weeks]
    return max(fitting, key=lambda b: b.week, default=None)


def _off_track(
    care: CareLink, spec: InstrumentSpec, baseline: Take | None, take: Take
) -> list[Alert]:
    if baseline is None or baseline.pk == take.pk:
        return []
    weeks = (_order(take)[0] - _order(baseline)[0]).days // 7
    before, after = baseline.values(spec), take.values(spec)
    raised: list[Alert] = []
    for subscale in spec.subscales:
        if subscale.direction == "neutral":
            continue
        start, now = before.get(subscale.id), after.get(subscale.id)
        if start is None or now is None:
            continue
        band = off_track_band(
            ResponseBand.objects.filter(instrument_id=spec.id, subscale_id=subscale.id),
            start,
            weeks,
        )
        if band is None:
            continue
        worse = (
            now > band.boundary
            if subscale.direction == "lower_is_better"
            else (now < band.boundary)
        )
        if not worse:
            continue
        values = {
            "subscale": _(subscale.label),
            "low": _n(band.baseline_min),
            "high": _n(band.baseline_max),
            "before": _n(start),
            "band_week": band.week,
            "boundary": _n(band.boundary),
            "week": weeks,
            "after": _n(now),
            "side": _("above") if subscale.direction == "lower_is_better" else _("below"),
        }
        rule = _(
            "Not on the expected track: for people whose first %(subscale)s score was from "
            "%(low)s to %(high)s (here %(before)s), a score %(side)s %(boundary)s at week "
            "%(band_week)s or later is off the expected response; these answers, at week "
            "%(week)s, score %(after)s."
        )
        evidence = {
            "rule": rule % values,
            "before": start,
            "after": now,
            "threshold": band.boundary,
            "citation": band.citation,
            "week": weeks,
            "band_week": band.week,
            "baseline_range": [band.baseline_min, band.baseline_max],
            "direction": subscale.direction,
            "baseline_take": baseline.pk,
            "baseline_at": _when(baseline),
            "after_at": _when(take),
        }
        raised += _raise(care, "off_track", take, subscale.id, evidence)
    return raised


def _raise(
    care: CareLink, kind: str, take: Take, subscale_id: str, evidence: dict[str, Any]
) -> list[Alert]:
    alert, created = Alert.objects.get_or_create(
        care_link=care,
        kind=kind,
        take=take,
        subscale_id=subscale_id,
        defaults={"instrument_id": take.instrument_id, "evidence": evidence},
    )
    return [alert] if created else []
