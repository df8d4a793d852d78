"""Exact scoring: answers in, subscale scores out.

Scores are computed with ``fractions.Fraction`` so a mean of whole numbers is exact
(``SubscaleScore.exact``); ``SubscaleScore.value`` is the same number as a float.

Rules, all read from the instrument spec:

- an answer must be a whole number on the item's scale; anything else is refused
  with an ``AnswerError`` naming the item;
- reverse-keyed items count as ``min + max - answer``;
- ``mean`` averages the (keyed) answered items, ``sum`` adds them;
- a subscale is scored when at least ``missing.min_answered`` of its items are
  answered, otherwise it has no score (``exact is None``); a ``sum`` with some
  items unanswered is prorated (mean of answered items x number of items);
- by default every *required* item must be answered (``allow_missing=False``), so an
  incomplete form is refused with the missing items named; pass
  ``allow_missing=True`` to apply the missing-answer rule instead (for example when
  scoring research data that already exists).

Reliable change follows Jacobson & Truax (1991):
``SE = SD * sqrt(1 - r)``, ``S_diff = sqrt(2 * SE**2)``, ``RCI = (x2 - x1) / S_diff``;
``|RCI| > 1.96`` is reliable. Whether a reliable rise is an improvement depends on the
subscale's ``direction``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Literal

from alongside.assessments.spec import (
    AnswerError,
    AssessmentError,
    Cutoff,
    Direction,
    InstrumentSpec,
    ReliableChangeUnavailable,
    Subscale,
    load_messages,
)

__all__ = [
    "RCI_THRESHOLD",
    "NormComparison",
    "Placement",
    "RelationshipScores",
    "ReliableChange",
    "ScoreResult",
    "SubscaleScore",
    "Verdict",
    "check_answers",
    "jacobson_truax",
    "missing_required",
    "place",
    "reliable_change",
    "score",
    "score_relationships",
    "verdict_label",
]

RCI_THRESHOLD = 1.96

Answer = int | None
Verdict = Literal[
    "reliable_improvement",
    "no_reliable_change",
    "reliable_deterioration",
    "reliable_increase",
    "reliable_decrease",
]


@dataclass(frozen=True)
class SubscaleScore:
    subscale_id: str
    exact: Fraction | None
    answered: int
    n_items: int

    @property
    def value(self) -> float | None:
        return None if self.exact is None else float(self.exact)

    @property
    def scored(self) -> bool:
        return self.exact is not None


@dataclass(frozen=True)
class ScoreResult:
    instrument_id: str
    subscales: Mapping[str, SubscaleScore]
    answers: Mapping[str, int]

    def __getitem__(self, subscale_id: str) -> SubscaleScore:
        try:
            return self.subscales[subscale_id]
        except KeyError:
            raise AssessmentError(
                f"no subscale {subscale_id!r} in {self.instrument_id}",
                field=f"subscales[{subscale_id}]",
            ) from None

    def values(self) -> dict[str, float | None]:
        return {key: sub.value for key, sub in self.subscales.items()}


@dataclass(frozen=True)
class RelationshipScores:
    """Scores for each relationship, and the global score across relationships."""

    instrument_id: str
    by_relationship: Mapping[str, ScoreResult]
    global_scores: Mapping[str, SubscaleScore]


@dataclass(frozen=True)
class NormComparison:
    sample: str
    mean: float
    sd: float
    z: float
    percentile: float
    citation: str


@dataclass(frozen=True)
class Placement:
    subscale_id: str
    value: float
    range: tuple[float, float]
    cutoffs_met: tuple[Cutoff, ...]
    norms: tuple[NormComparison, ...]
    interpretation: str | None


@dataclass(frozen=True)
class ReliableChange:
    before: float
    after: float
    difference: float
    sd: float
    reliability: float
    standard_error: float
    s_diff: float
    rci: float
    reliable: bool
    verdict: Verdict


def _clean_answer(spec: InstrumentSpec, item_id: str, value: object) -> int | None:
    item = spec.item(item_id)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise AnswerError(
                f"must be a whole number from {item.scale.min} to {item.scale.max}, not {value!r}",
                item_ids=[item_id],
            )
    if not item.scale.contains(value):
        raise AnswerError(
            f"{value} is outside the scale {item.scale.min} to {item.scale.max}",
            item_ids=[item_id],
        )
    return value


def check_answers(
    spec: InstrumentSpec, answers: Mapping[str, object], *, partial: bool = False
) -> dict[str, int]:
    """The given answers, checked: unknown items and values off the scale are refused.

    With ``partial=True`` unanswered required items are allowed (for saving progress);
    otherwise they are refused, all named in one ``AnswerError``.
    """
    known = {item.id for item in spec.items}
    unknown = [key for key in answers if key not in known]
    if unknown:
        raise AnswerError(f"not items of {spec.id}", item_ids=unknown)
    cleaned: dict[str, int] = {}
    for item in spec.items:
        value = _clean_answer(spec, item.id, answers.get(item.id))
        if value is not None:
            cleaned[item.id] = value
    if not partial:
        missing = missing_required(spec, cleaned)
        if missing:
            raise AnswerError("no answer given", item_ids=missing)
    return cleaned


def missing_required(spec: InstrumentSpec, answers: Mapping[str, object]) -> tuple[str, ...]:
    """Required items with no answer, in item order."""
    return tuple(item.id for item in spec.items if item.required and answers.get(item.id) is None)


def _score_subscale(
    spec: InstrumentSpec, subscale: Subscale, answers: Mapping[str, int]
) -> SubscaleScore:
    keyed = [
        spec.item(item_id).keyed(answers[item_id])
        for item_id in subscale.items
        if item_id in answers
    ]
    n_items = len(subscale.items)
    answered = len(keyed)
    if answered < subscale.min_answered or answered == 0:
        return SubscaleScore(subscale.id, None, answered, n_items)
    total = Fraction(sum(keyed))
    if subscale.method == "mean":
        exact = total / answered
    elif answered == n_items:
        exact = total
    else:
        exact = total / answered * n_items
    return SubscaleScore(subscale.id, exact, answered, n_items)


def score(
    spec: InstrumentSpec, answers: Mapping[str, object], *, allow_missing: bool = False
) -> ScoreResult:
    """Score one completed form. See the module docstring for the rules."""
    cleaned = check_answers(spec, answers, partial=allow_missing)
    subscales = {sub.id: _score_subscale(spec, sub, cleaned) for sub in spec.subscales}
    return ScoreResult(instrument_id=spec.id, subscales=subscales, answers=cleaned)


def score_relationships(
    spec: InstrumentSpec,
    answers_by_relationship: Mapping[str, Mapping[str, object]],
    *,
    allow_missing: bool = False,
) -> RelationshipScores:
    """Score an instrument answered once per relationship (ECR-RS: mother, father,
    partner, best friend) and the global score: for each global subscale, the mean of
    the relationship scores that exist (each relationship weighs the same)."""
    if spec.about.kind != "relationship":
        raise AssessmentError(
            f"{spec.id} is about {spec.about.kind}, not a relationship", field="about.kind"
        )
    unknown = [rel for rel in answers_by_relationship if rel not in spec.about.relationships]
    if unknown:
        raise AssessmentError(
            f"{', '.join(map(repr, unknown))} is not one of {', '.join(spec.about.relationships)}",
            field="relationship",
        )
    by_relationship: dict[str, ScoreResult] = {}
    for rel in spec.about.relationships:
        if rel not in answers_by_relationship:
            continue
        try:
            by_relationship[rel] = score(
                spec, answers_by_relationship[rel], allow_missing=allow_missing
            )
        except AnswerError as exc:
            raise AnswerError(f"{rel}: {exc.detail}", item_ids=exc.item_ids) from exc
    global_scores: dict[str, SubscaleScore] = {}
    for sub_id in spec.about.global_subscales:
        values = [
            result.subscales[sub_id].exact
            for result in by_relationship.values()
            if result.subscales[sub_id].exact is not None
        ]
        exact: Fraction | None = None
        if len(values) >= spec.about.min_relationships and values:
            exact = sum((v for v in values if v is not None), Fraction(0)) / len(values)
        global_scores[sub_id] = SubscaleScore(
            sub_id, exact, answered=len(values), n_items=len(spec.about.relationships)
        )
    return RelationshipScores(spec.id, by_relationship, global_scores)


def _normal_cdf(z: float) -> float:
    return 0.5 * (1.0 + math.erf(z / math.sqrt(2.0)))


def place(spec: InstrumentSpec, subscale_id: str, value: float | Fraction) -> Placement:
    """Where a score falls: which published cut-offs it meets, its z-score and normal
    percentile against each reference sample, and the project's interpretation."""
    subscale = spec.subscale(subscale_id)
    low, high = subscale.range
    if not low <= value <= high:
        raise AssessmentError(
            f"{float(value)} is outside the score range {float(low)} to {float(high)}",
            field=f"subscales[{subscale_id}]",
        )
    norms = tuple(
        NormComparison(
            sample=norm.sample,
            mean=norm.mean,
            sd=norm.sd,
            z=(z := (float(value) - norm.mean) / norm.sd),
            percentile=100.0 * _normal_cdf(z),
            citation=norm.source.citation,
        )
        for norm in subscale.norms
    )
    return Placement(
        subscale_id=subscale_id,
        value=float(value),
        range=(float(low), float(high)),
        cutoffs_met=tuple(c for c in subscale.cutoffs if c.applies(value)),
        norms=norms,
        interpretation=subscale.interpretation_for(value),
    )


def _verdict(rci: float, direction: Direction, threshold: float) -> Verdict:
    if abs(rci) <= threshold:
        return "no_reliable_change"
    rose = rci > 0
    if direction == "neutral":
        return "reliable_increase" if rose else "reliable_decrease"
    better = rose if direction == "higher_is_better" else not rose
    return "reliable_improvement" if better else "reliable_deterioration"


def jacobson_truax(
    before: float | Fraction,
    after: float | Fraction,
    *,
    sd: float,
    reliability: float,
    direction: Direction = "neutral",
    threshold: float = RCI_THRESHOLD,
) -> ReliableChange:
    """The Jacobson-Truax (1991) reliable change index between two scores.

    ``SE = sd * sqrt(1 - reliability)``; ``S_diff = sqrt(2 * SE**2)``;
    ``RCI = (after - before) / S_diff``; reliable when ``|RCI| > threshold``.
    """
    if sd <= 0:
        raise AssessmentError("must be greater than 0", field="sd")
    if not 0 < reliability < 1:
        raise AssessmentError("must be between 0 and 1 (exclusive)", field="reliability")
    standard_error = sd * math.sqrt(1.0 - reliability)
    s_diff = math.sqrt(2.0 * standard_error**2)
    difference = float(after) - float(before)
    rci = difference / s_diff
    verdict = _verdict(rci, direction, threshold)
    return ReliableChange(
        before=float(before),
        after=float(after),
        difference=difference,
        sd=sd,
        reliability=reliability,
        standard_error=standard_error,
        s_diff=s_diff,
        rci=rci,
        reliable=verdict != "no_reliable_change",
        verdict=verdict,
    )


def reliable_change(
    spec: InstrumentSpec,
    subscale_id: str,
    before: float | Fraction,
    after: float | Fraction,
) -> ReliableChange:
    """Reliable change for one subscale using the SD and reliability in the spec.

    Raises ``ReliableChangeUnavailable`` when the spec has no verified figures for the
    subscale (see ``spec.with_reliable_change`` for deployments that hold their own).
    """
    subscale = spec.subscale(subscale_id)
    params = subscale.reliable_change
    if params is None:
        raise ReliableChangeUnavailable(
            f"{spec.short_title} has no published SD and reliability recorded for "
            f"{subscale.label}, so reliable change cannot be computed",
            field=f"subscales[{subscale_id}].reliable_change",
        )
    low, high = subscale.range
    for name, value in (("before", before), ("after", after)):
        if not low <= value <= high:
            raise AssessmentError(
                f"{float(value)} is outside the score range {float(low)} to {float(high)}",
                field=name,
            )
    return jacobson_truax(
        before,
        after,
        sd=params.sd,
        reliability=params.reliability,
        direction=subscale.direction,
    )


def verdict_label(verdict: Verdict) -> str:
    """The plain-language label for a verdict (from ``instruments/_messages.yaml``)."""
    labels = load_messages()["verdicts"]
    return str(labels[verdict])
