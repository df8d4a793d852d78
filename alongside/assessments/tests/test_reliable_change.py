"""Jacobson-Truax reliable change with hand-computed numbers."""

from __future__ import annotations

import math

import pytest

from alongside.assessments.scoring import (
    jacobson_truax,
    reliable_change,
    verdict_label,
)
from alongside.assessments.spec import (
    AssessmentError,
    ReliableChangeParams,
    ReliableChangeUnavailable,
    Source,
    get_instrument,
    with_reliable_change,
)


def test_a_drop_on_a_lower_is_better_scale_is_a_reliable_improvement() -> None:
    # SD 1.0, r .75: SE = 1.0 * sqrt(.25) = 0.5; S_diff = sqrt(2 * 0.25) = 0.70711
    # RCI = (3.0 - 4.5) / 0.70711 = -2.1213 -> |RCI| > 1.96, reliable, and lower is better
    change = jacobson_truax(4.5, 3.0, sd=1.0, reliability=0.75, direction="lower_is_better")
    assert change.standard_error == pytest.approx(0.5)
    assert change.s_diff == pytest.approx(0.70711, abs=1e-5)
    assert change.rci == pytest.approx(-2.12132, abs=1e-5)
    assert change.reliable
    assert change.verdict == "reliable_improvement"


def test_a_small_rise_is_no_reliable_change() -> None:
    # SD 10, r .90: SE = 10 * sqrt(.10) = 3.16228; S_diff = sqrt(2 * 10) = 4.47214
    # RCI = (58 - 50) / 4.47214 = 1.78885 -> not beyond 1.96
    change = jacobson_truax(50, 58, sd=10, reliability=0.90, direction="higher_is_better")
    assert change.standard_error == pytest.approx(3.16228, abs=1e-5)
    assert change.s_diff == pytest.approx(4.47214, abs=1e-5)
    assert change.rci == pytest.approx(1.78885, abs=1e-5)
    assert not change.reliable
    assert change.verdict == "no_reliable_change"


def test_a_larger_rise_on_a_higher_is_better_scale_is_a_reliable_improvement() -> None:
    # Same SD and r: RCI = (59 - 50) / 4.47214 = 2.01246 -> reliable improvement
    change = jacobson_truax(50, 59, sd=10, reliability=0.90, direction="higher_is_better")
    assert change.rci == pytest.approx(2.01246, abs=1e-5)
    assert change.verdict == "reliable_improvement"
    # ... and the same fall is a reliable deterioration
    assert jacobson_truax(
        59, 50, sd=10, reliability=0.90, direction="higher_is_better"
    ).verdict == ("reliable_deterioration")


def test_a_rise_on_a_lower_is_better_scale_is_a_reliable_deterioration() -> None:
    change = jacobson_truax(3.0, 4.5, sd=1.0, reliability=0.75, direction="lower_is_better")
    assert change.verdict == "reliable_deterioration"


def test_neutral_scales_only_say_which_way_it_moved() -> None:
    assert jacobson_truax(2, 6, sd=1, reliability=0.8).verdict == "reliable_increase"
    assert jacobson_truax(6, 2, sd=1, reliability=0.8).verdict == "reliable_decrease"


def test_the_threshold_is_strictly_greater_than_1_96() -> None:
    # SD 1, r .5: SE = sqrt(.5); S_diff = sqrt(2 * .5) = 1, so RCI equals the difference.
    assert math.isclose(jacobson_truax(0, 1, sd=1, reliability=0.5).s_diff, 1.0)
    assert jacobson_truax(0, 1.95, sd=1, reliability=0.5).verdict == "no_reliable_change"
    assert jacobson_truax(0, 1.97, sd=1, reliability=0.5).verdict == "reliable_increase"


def test_impossible_parameters_are_refused_with_the_field_named() -> None:
    with pytest.raises(AssessmentError) as caught:
        jacobson_truax(1, 2, sd=0, reliability=0.8)
    assert caught.value.field == "sd"
    with pytest.raises(AssessmentError) as caught:
        jacobson_truax(1, 2, sd=1, reliability=1.0)
    assert caught.value.field == "reliability"


def test_shipped_keys_without_verified_figures_say_reliable_change_is_unavailable() -> None:
    with pytest.raises(ReliableChangeUnavailable) as caught:
        reliable_change(get_instrument("ecr-rs"), "avoidance", 4.0, 3.0)
    assert caught.value.field == "subscales[avoidance].reliable_change"


def test_reliable_change_uses_the_figures_in_the_spec_and_its_direction() -> None:
    ecr_rs = with_reliable_change(
        get_instrument("ecr-rs"),
        "avoidance",
        ReliableChangeParams(
            sd=1.2, reliability=0.65, reliability_kind="test-retest", sources=(Source("Test."),)
        ),
    )
    # SE = 1.2 * sqrt(.35) = 0.70993; S_diff = sqrt(2) * 0.70993 = 1.00399
    # RCI = (3.0 - 5.0) / 1.00399 = -1.99205 -> reliable; avoidance: lower is better
    change = reliable_change(ecr_rs, "avoidance", 5.0, 3.0)
    assert change.s_diff == pytest.approx(1.00399, abs=1e-5)
    assert change.rci == pytest.approx(-1.99205, abs=1e-5)
    assert change.verdict == "reliable_improvement"
    with pytest.raises(AssessmentError) as caught:
        reliable_change(ecr_rs, "avoidance", 0.5, 3.0)
    assert caught.value.field == "before"


def test_every_verdict_has_a_plain_label() -> None:
    assert verdict_label("reliable_improvement") == "Reliable improvement"
    assert verdict_label("no_reliable_change") == "No reliable change"
    assert verdict_label("reliable_deterioration") == "Reliable deterioration"
    assert verdict_label("reliable_increase") == "Reliable increase"
    assert verdict_label("reliable_decrease") == "Reliable decrease"
