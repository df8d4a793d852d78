"""What the result, history and shared pages show, built from the scoring core.

Plain functions from a spec and takes to small dataclasses the templates read: the
subscale rows (score, where it falls, published cut-offs and norms, the project's own
interpretation), the attachment picture, scores over time, and the Jacobson-Truax
comparison between two takes. Texts from instrument files go through ``gettext`` so a
deployment can translate them like any other string.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from alongside.assessments.models import Take, is_attachment
from alongside.assessments.scoring import (
    ScoreResult,
    SubscaleScore,
    place,
    reliable_change,
    score_relationships,
    verdict_label,
)
from alongside.assessments.spec import InstrumentSpec, ReliableChangeUnavailable, Subscale
from alongside.lib.charts import Chart, plane_chart, timeline_chart


def number(value: float | None) -> str:
    """A score as people read it: up to two decimals, no trailing zeros."""
    if value is None:
        return "\u2013"  # an en dash: no score
    return f"{value:.2f}".rstrip("0").rstrip(".")


def when(moment: dt.datetime | None, tz: Any, fmt: str = "j M Y") -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment, tz), fmt)


@dataclass(frozen=True)
class NormRow:
    sample: str
    mean: str
    sd: str
    percentile: int
    citation: str


@dataclass(frozen=True)
class SubscaleRow:
    id: str
    label: str
    description: str
    value: float | None
    shown: str
    low: str
    high: str
    position: int  # 0-100, where the score sits in its range
    interpretation: str
    cutoffs: tuple[tuple[str, str], ...]  # (meaning, citation) of each cut-off met
    norms: tuple[NormRow, ...]
    answered: int
    items: int


def _row(
    subscale: Subscale, spec: InstrumentSpec, scored: SubscaleScore, *, interpret: bool = True
) -> SubscaleRow:
    low, high = float(subscale.range[0]), float(subscale.range[1])
    value = scored.value
    interpretation = ""
    cutoffs: tuple[tuple[str, str], ...] = ()
    norms: tuple[NormRow, ...] = ()
    position = 0
    if scored.exact is not None:
        placement = place(spec, subscale.id, scored.exact)
        if interpret and placement.interpretation:
            interpretation = _(placement.interpretation)
        cutoffs = tuple((_(c.meaning), c.source.citation) for c in placement.cutoffs_met)
        norms = tuple(
            NormRow(
                sample=n.sample,
                mean=number(n.mean),
                sd=number(n.sd),
                percentile=round(n.percentile),
                citation=n.citation,
            )
            for n in placement.norms
        )
        position = round(100 * (float(scored.exact) - low) / (high - low))
    return SubscaleRow(
        id=subscale.id,
        label=_(subscale.label),
        description=_(subscale.description) if subscale.description else "",
        value=value,
        shown=number(value),
        low=number(low),
        high=number(high),
        position=position,
        interpretation=interpretation,
        cutoffs=cutoffs,
        norms=norms,
        answered=scored.answered,
        items=scored.n_items,
    )


def subscale_rows(spec: InstrumentSpec, result: ScoreResult) -> list[SubscaleRow]:
    return [_row(sub, spec, result[sub.id]) for sub in spec.subscales]


@dataclass(frozen=True)
class Across:
    """Global scores across the relationships a person has answered (ECR-RS)."""

    count: int
    labels: list[str]
    rows: list[SubscaleRow]


def across_relationships(spec: InstrumentSpec, owner: Any) -> Across | None:
    """The global subscales from the latest take for each relationship, when there are
    at least two relationships (with one, the global score is that relationship's)."""
    if not spec.about.global_subscales:
        return None
    latest: dict[str, Take] = {}
    for take in (
        Take.objects.filter(owner=owner, instrument_id=spec.id).complete().order_by("completed_at")
    ):
        if take.relationship in spec.about.relationships:
            latest[take.relationship] = take
    if len(latest) < 2:
        return None
    scores = score_relationships(
        spec, {rel: take.answers for rel, take in latest.items()}, allow_missing=True
    )
    # The interpretation bands speak of "this person": they stay with each relationship.
    rows = [
        _row(spec.subscale(sub_id), spec, scored, interpret=False)
        for sub_id, scored in scores.global_scores.items()
    ]
    labels = [
        _(spec.about.relationship_labels[rel]) for rel in spec.about.relationships if rel in latest
    ]
    return Across(count=len(latest), labels=labels, rows=rows)


# ------------------------------------------------------------------------ pictures


def attachment_picture(
    spec: InstrumentSpec, takes: Sequence[Take], *, tz: Any, whose: str = ""
) -> Chart | None:
    """Anxiety against avoidance, one dot per take, oldest first, joined in order."""
    if not is_attachment(spec):
        return None
    points = []
    for take in takes:
        values = take.values(spec)
        x, y = values.get("avoidance"), values.get("anxiety")
        if x is not None and y is not None:
            points.append((when(take.completed_at, tz), x, y))
    if not points:
        return None
    avoidance = spec.subscale("avoidance")
    low, high = float(avoidance.range[0]), float(avoidance.range[1])
    label, x, y = points[-1]
    summary = _(
        "On %(day)s: avoidance %(x)s and anxiety %(y)s, on a scale from %(low)s to %(high)s."
    ) % {"day": label, "x": number(x), "y": number(y), "low": number(low), "high": number(high)}
    if len(points) > 1:
        first_label, fx, fy = points[0]
        summary += " " + _(
            "The first of %(n)d times, on %(first)s: avoidance %(fx)s and anxiety %(fy)s."
        ) % {"first": first_label, "n": len(points), "fx": number(fx), "fy": number(fy)}
    svg = plane_chart(
        points,
        low=low,
        high=high,
        x_label=_("Avoidance: keeping distance →"),
        y_label=_("Anxiety: worry about the bond →"),
        corner_labels=(
            _("at ease, settled"),
            _("at ease, often worried"),
            _("keeps distance, settled"),
            _("keeps distance, worried"),
        ),
        title=whose or _("Anxiety and avoidance over time"),
        desc=summary,
    )
    return Chart(svg=svg, summary=summary)


@dataclass(frozen=True)
class ScoreChart:
    label: str
    chart: Chart


def score_charts(spec: InstrumentSpec, takes: Sequence[Take], *, tz: Any) -> list[ScoreChart]:
    """One small chart per subscale: its score on each take, oldest first."""
    charts = []
    for sub in spec.subscales:
        points: list[tuple[str, float | None]] = [
            (when(take.completed_at, tz, "j M"), take.values(spec).get(sub.id)) for take in takes
        ]
        values = [v for _label, v in points if v is not None]
        if not values:
            continue
        label = _(sub.label)
        summary = ngettext(
            "%(label)s: %(last)s, answered once.",
            "%(label)s: from %(first)s the first time to %(last)s the latest, over %(n)d times.",
            len(values),
        ) % {
            "label": label,
            "first": number(values[0]),
            "last": number(values[-1]),
            "n": len(values),
        }
        svg = timeline_chart(
            points,
            low=float(sub.range[0]),
            high=float(sub.range[1]),
            title=_("%(label)s over time") % {"label": label},
            desc=summary,
        )
        charts.append(ScoreChart(label=label, chart=Chart(svg=svg, summary=summary)))
    return charts


# ----------------------------------------------------------------- reliable change


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str
    difference: str
    rci: str
    verdict: str  # the plain-language verdict, or "" when figures are missing
    verdict_key: str
    available: bool


@dataclass(frozen=True)
class Comparison:
    before: Take
    after: Take
    before_label: str
    after_label: str
    changes: list[Change]
    missing: list[str]  # subscale ids without reliable-change figures
    missing_labels: list[str]
    reflection: bool
    commands: list[str]  # how a deployment adds the figures


def compare(spec: InstrumentSpec, before: Take, after: Take, *, tz: Any) -> Comparison:
    """Jacobson-Truax reliable change for every subscale between two takes."""
    if (after.completed_at or after.started_at, after.pk) < (
        before.completed_at or before.started_at,
        before.pk,
    ):
        before, after = after, before
    old, new = before.values(spec), after.values(spec)
    changes, missing = [], []
    for sub in spec.subscales:
        b, a = old.get(sub.id), new.get(sub.id)
        if b is None or a is None:
            continue
        try:
            change = reliable_change(spec, sub.id, b, a)
        except ReliableChangeUnavailable:
            missing.append(sub.id)
            changes.append(
                Change(_(sub.label), number(b), number(a), _signed(a - b), "", "", "", False)
            )
            continue
        changes.append(
            Change(
                label=_(sub.label),
                before=number(b),
                after=number(a),
                difference=_signed(a - b),
                rci=_signed(change.rci),
                verdict=_(verdict_label(change.verdict)),
                verdict_key=change.verdict,
                available=True,
            )
        )
    commands = [
        f"alongside instruments set-reliable-change {spec.id} {sub_id} --sd SD "
        '--reliability R --reliability-kind test-retest --citation "SOURCE"'
        for sub_id in missing
    ]
    fmt = "j M Y"
    if when(before.completed_at, tz) == when(after.completed_at, tz):
        fmt = "j M Y, H:i"  # the same day: tell the two apart by the time
    return Comparison(
        before=before,
        after=after,
        before_label=when(before.completed_at, tz, fmt),
        after_label=when(after.completed_at, tz, fmt),
        changes=changes,
        missing=missing,
        missing_labels=[_(spec.subscale(s).label) for s in missing],
        reflection=spec.kind == "reflection",
        commands=commands,
    )


def _signed(value: float) -> str:
    text = number(abs(value))
    if text == "0":
        return "0"
    return ("+" if value > 0 else "\u2212") + text  # a true minus sign
