"""Property tests over every shipped instrument (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from alongside.assessments.scoring import place, score, score_relationships
from alongside.assessments.spec import InstrumentSpec, get_instrument, shipped_instruments

INSTRUMENT_IDS = sorted(shipped_instruments())


def full_answers(instrument: InstrumentSpec) -> st.SearchStrategy[dict[str, int]]:
    return st.fixed_dictionaries(
        {item.id: st.integers(item.scale.min, item.scale.max) for item in instrument.items}
    )


@st.composite
def instrument_and_answers(draw: st.DrawFn) -> tuple[InstrumentSpec, dict[str, int]]:
    instrument = get_instrument(draw(st.sampled_from(INSTRUMENT_IDS)))
    return instrument, draw(full_answers(instrument))


def mirror(instrument: InstrumentSpec, answers: dict[str, int]) -> dict[str, int]:
    return {
        key: instrument.item(key).scale.min + instrument.item(key).scale.max - value
        for key, value in answers.items()
    }


@settings(max_examples=300, deadline=None, database=None)
@given(instrument_and_answers())
def test_every_score_is_within_its_range(case: tuple[InstrumentSpec, dict[str, int]]) -> None:
    instrument, answers = case
    result = score(instrument, answers)
    for sub in instrument.subscales:
        value = result[sub.id].exact
        assert value is not None
        assert sub.range[0] <= value <= sub.range[1]
        if sub.interpretations:
            assert place(instrument, sub.id, value).interpretation is not None


@settings(max_examples=300, deadline=None, database=None)
@given(instrument_and_answers())
def test_mirroring_every_answer_mirrors_every_score(
    case: tuple[InstrumentSpec, dict[str, int]],
) -> None:
    instrument, answers = case
    before = score(instrument, answers)
    after = score(instrument, mirror(instrument, answers))
    for sub in instrument.subscales:
        low, high = sub.range
        original = before[sub.id].exact
        assert original is not None
        assert after[sub.id].exact == low + high - original


@settings(max_examples=200, deadline=None, database=None)
@given(instrument_and_answers(), st.data())
def test_flipping_a_reverse_key_and_mirroring_that_answer_leaves_scores_unchanged(
    case: tuple[InstrumentSpec, dict[str, int]], data: st.DataObject
) -> None:
    instrument, answers = case
    chosen = data.draw(st.sets(st.sampled_from([item.id for item in instrument.items]), min_size=1))
    flipped = replace(
        instrument,
        items=tuple(
            replace(item, reverse=not item.reverse) if item.id in chosen else item
            for item in instrument.items
        ),
    )
    moved = {
        key: (mirror(instrument, {key: value})[key] if key in chosen else value)
        for key, value in answers.items()
    }
    assert score(flipped, moved).values() == score(instrument, answers).values()


def keyed_extreme(instrument: InstrumentSpec, high: bool) -> dict[str, int]:
    """Each item at the answer that scores highest (or lowest) after keying."""
    out = {}
    for item in instrument.items:
        top = item.scale.max if high != item.reverse else item.scale.min
        out[item.id] = top
    return out


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_keyed_extremes_reach_the_ends_of_every_range(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    highest = score(instrument, keyed_extreme(instrument, high=True))
    lowest = score(instrument, keyed_extreme(instrument, high=False))
    for sub in instrument.subscales:
        assert highest[sub.id].exact == sub.range[1]
        assert lowest[sub.id].exact == sub.range[0]


# Answering every item at the scale maximum, then at the minimum. Expected values
# worked out by hand from each published key:
ALL_MAX_THEN_MIN: dict[str, dict[str, tuple[Fraction, Fraction]]] = {
    # Anxiety: 16 plain items at 7, items 9 and 11 reversed to 1: (16*7 + 2*1)/18 = 19/3;
    # at the minimum (16*1 + 2*7)/18 = 5/3. Avoidance: 6 plain at 7 and 12 reversed
    # to 1: (6*7 + 12*1)/18 = 3; at the minimum (6*1 + 12*7)/18 = 5.
    "ecr-r": {
        "anxiety": (Fraction(19, 3), Fraction(5, 3)),
        "avoidance": (Fraction(3), Fraction(5)),
    },
    # Avoidance: items 1-4 reversed to 1, items 5-6 at 7: (4 + 14)/6 = 3; at the
    # minimum (4*7 + 2*1)/6 = 5. Anxiety has no reversed item: 7, then 1.
    "ecr-rs": {"avoidance": (Fraction(3), Fraction(5)), "anxiety": (Fraction(7), Fraction(1))},
    # No reverse keys: 6 + 3*5 = 21, then 0.
    "csi-4": {"satisfaction": (Fraction(21), Fraction(0))},
    # 6 + 15*5 = 81, then 0.
    "csi-16": {"satisfaction": (Fraction(81), Fraction(0))},
    # No reverse keys: every mean is 7, then 1.
    "mspss": {
        name: (Fraction(7), Fraction(1))
        for name in ("significant_other", "family", "friends", "total")
    },
    # Each subscale has two plain items and one reversed: (7 + 7 + 1)/3 = 5, then
    # (1 + 1 + 7)/3 = 3.
    "need-satisfaction": {
        name: (Fraction(5), Fraction(3)) for name in ("autonomy", "competence", "relatedness")
    },
    # Items 4 and 7 reversed on 1-5: (5*5 + 2*1)/7 = 27/7, then (5*1 + 2*5)/7 = 15/7.
    "ras": {"satisfaction": (Fraction(27, 7), Fraction(15, 7))},
    # No reverse keys: 5, then 1, for every subscale.
    "alongside-safety-needs": {
        name: (Fraction(5), Fraction(1))
        for name in (
            "safety",
            "security",
            "trust",
            "reliability",
            "predictability",
            "nurturance",
            "guidance",
            "autonomy",
        )
    },
    "alongside-closeness": {"closeness": (Fraction(7), Fraction(1))},
}


@pytest.mark.parametrize("instrument_id", INSTRUMENT_IDS)
def test_all_items_at_the_maximum_then_the_minimum(instrument_id: str) -> None:
    instrument = get_instrument(instrument_id)
    expected = ALL_MAX_THEN_MIN[instrument_id]
    assert set(expected) == {sub.id for sub in instrument.subscales}
    at_max = score(instrument, {i.id: i.scale.max for i in instrument.items})
    at_min = score(instrument, {i.id: i.scale.min for i in instrument.items})
    for sub_id, (high, low) in expected.items():
        assert at_max[sub_id].exact == high, sub_id
        assert at_min[sub_id].exact == low, sub_id


@settings(max_examples=100, deadline=None, database=None)
@given(st.data())
def test_global_scores_lie_between_the_relationship_scores(data: st.DataObject) -> None:
    for instrument_id in ("ecr-rs", "need-satisfaction"):
        instrument = get_instrument(instrument_id)
        chosen = data.draw(st.sets(st.sampled_from(instrument.about.relationships), min_size=1))
        answers = {rel: data.draw(full_answers(instrument)) for rel in sorted(chosen)}
        result = score_relationships(instrument, answers)
        for sub_id in instrument.about.global_subscales:
            values = [
                value
                for r in result.by_relationship.values()
                if (value := r[sub_id].exact) is not None
            ]
            assert len(values) == len(chosen)
            overall = result.global_scores[sub_id].exact
            assert overall is not None
            assert min(values) <= overall <= max(values)
            assert overall == sum(values, Fraction(0)) / len(values)
