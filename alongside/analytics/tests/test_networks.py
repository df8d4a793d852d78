"""Per-couple VAR(1) networks, synchrony and the pseudo-couple baseline."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from alongside.analytics import (
    networks,
    networks_from_arrays,
    pseudo_couple_baseline,
    simulate_diary,
    synchrony,
)
from alongside.analytics.networks import NETWORK_TERMS, _derangements

sm = pytest.importorskip("statsmodels.api")


def _statsmodels_networks(
    data: pd.DataFrame, *, dyad: str, time: str, a: str, b: str
) -> pd.DataFrame:
    """The reference: two OLS fits per couple, lags built by looking up day t - 1."""
    rows = []
    for label, couple in data.groupby(dyad):
        couple = couple.set_index(time)
        previous = couple.reindex(couple.index - 1)
        pairs = previous[a].notna().to_numpy() & previous[b].notna().to_numpy()
        pairs &= couple[a].notna().to_numpy() & couple[b].notna().to_numpy()
        if pairs.sum() < 10:
            continue
        x = sm.add_constant(
            np.column_stack([previous[a].to_numpy()[pairs], previous[b].to_numpy()[pairs]]),
            has_constant="add",
        )
        if np.linalg.matrix_rank(x) < 3:
            continue  # a partner's scores never change: we report "not estimated"
        fit_a = sm.OLS(couple[a].to_numpy()[pairs], x).fit()
        fit_b = sm.OLS(couple[b].to_numpy()[pairs], x).fit()
        values = {
            "intercept_a": (fit_a.params[0], fit_a.bse[0]),
            "intercept_b": (fit_b.params[0], fit_b.bse[0]),
            "inertia_a": (fit_a.params[1], fit_a.bse[1]),
            "inertia_b": (fit_b.params[2], fit_b.bse[2]),
            "carryover_b_to_a": (fit_a.params[2], fit_a.bse[2]),
            "carryover_a_to_b": (fit_b.params[1], fit_b.bse[1]),
            "synchrony": (np.corrcoef(fit_a.resid, fit_b.resid)[0, 1], np.nan),
        }
        for term, (estimate, std_error) in values.items():
            rows.append({"dyad": label, "term": term, "estimate": estimate, "std_error": std_error})
    return pd.DataFrame(rows)


def _compare(ours: pd.DataFrame, reference: pd.DataFrame) -> None:
    merged = reference.merge(ours.astype({"term": str}), on=["dyad", "term"], suffixes=("_ref", ""))
    assert len(merged) == len(reference)
    assert (merged["status"] == "estimated").all()
    np.testing.assert_allclose(merged["estimate"], merged["estimate_ref"], rtol=0, atol=1e-8)
    has_se = merged["std_error_ref"].notna()
    np.testing.assert_allclose(
        merged.loc[has_se, "std_error"], merged.loc[has_se, "std_error_ref"], rtol=0, atol=1e-8
    )


@pytest.mark.parametrize("emotion", ["Anx.", "Con."])
def test_it_equals_per_couple_ols_on_real_diaries(diary: pd.DataFrame, emotion: str) -> None:
    options: dict[str, Any] = {
        "dyad": "ID",
        "time": "DIARYDAY",
        "a": f"M_{emotion}",
        "b": f"W_{emotion}",
    }
    ours = networks(diary, **options)
    _compare(ours, _statsmodels_networks(diary, **options))


def test_it_equals_per_couple_ols_on_simulated_diaries_with_skipped_days() -> None:
    data = simulate_diary(n_couples=25, n_days=40, missing=0.15, random_state=11)
    data["a"] = data["a"] + 50.0  # far from zero: the sums must stay well conditioned
    options: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}
    ours = networks(data, **options)
    _compare(ours, _statsmodels_networks(data, **options))


def test_it_recovers_known_coefficients_within_their_standard_errors() -> None:
    truth = {
        "intercept_a": 1.0,
        "intercept_b": 0.5,
        "inertia_a": 0.4,
        "inertia_b": 0.2,
        "carryover_b_to_a": 0.15,
        "carryover_a_to_b": -0.1,
        "synchrony": 0.3,
    }
    data = simulate_diary(
        n_couples=1,
        n_days=4000,
        intercept=(1.0, 0.5),
        inertia=(0.4, 0.2),
        carryover=(0.15, -0.1),
        residual_correlation=0.3,
        random_state=2,
    )
    result = networks(data, dyad="dyad", time="day", a="a", b="b").set_index("term")
    for term, value in truth.items():
        row = result.loc[term]
        assert abs(row["estimate"] - value) < 3 * row["std_error"], term
        assert row["ci_low"] < value < row["ci_high"], term


def test_its_intervals_cover_the_truth_about_95_percent_of_the_time() -> None:
    data = simulate_diary(n_couples=600, n_days=60, inertia=(0.3, 0.3), random_state=4)
    result = networks(data, dyad="dyad", time="day", a="a", b="b")
    inertia = result[result["term"] == "inertia_a"]
    covered = ((inertia["ci_low"] < 0.3) & (inertia["ci_high"] > 0.3)).mean()
    assert 0.92 < covered < 0.98


def test_a_skipped_day_breaks_the_lag() -> None:
    data = pd.DataFrame(
        {
            "couple": 1,
            "day": [0, 1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
            "a": np.arange(14.0) % 3,
            "b": np.arange(14.0) % 4,
        }
    )
    result = networks(data, dyad="couple", time="day", a="a", b="b", min_pairs=6)
    # 14 rows, 13 neighbours, but 2 -> 4 is not consecutive.
    assert set(result["n_pairs"]) == {12}


def test_row_order_does_not_matter(diary: pd.DataFrame) -> None:
    options: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Sad.", "b": "W_Sad."}
    shuffled = diary.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(networks(diary, **options), networks(shuffled, **options))


def test_dates_count_as_consecutive_days() -> None:
    data = simulate_diary(n_couples=3, n_days=20, missing=0.1, random_state=9)
    by_number = networks(data, dyad="dyad", time="day", a="a", b="b")
    data["date"] = pd.Timestamp("2025-03-01") + pd.to_timedelta(data["day"], unit="D")
    by_date = networks(data, dyad="dyad", time="date", a="a", b="b")
    pd.testing.assert_frame_equal(by_number, by_date)


def test_couples_with_too_little_data_are_not_estimated() -> None:
    data = simulate_diary(n_couples=2, n_days=30, random_state=3)
    data = data[(data["dyad"] == 1) | (data["day"] < 6)]
    result = networks(data, dyad="dyad", time="day", a="a", b="b")
    second = result[result["dyad"] == 2]
    assert (second["status"] == "not estimated").all()
    assert second["estimate"].isna().all()
    assert second["reason"].iloc[0] == "5 consecutive pairs; at least 10 needed"
    assert (result.loc[result["dyad"] == 1, "status"] == "estimated").all()


def test_a_partner_whose_scores_never_change_is_not_estimated(diary: pd.DataFrame) -> None:
    result = networks(diary, dyad="ID", time="DIARYDAY", a="M_Anx.", b="W_Anx.")
    flat = result[result["reason"] == "partner a's scores do not vary"]
    assert set(flat["dyad"]) == {229, 266}
    assert flat["estimate"].isna().all()


def test_the_array_form_gives_the_same_results() -> None:
    data = simulate_diary(n_couples=5, n_days=25, random_state=6)
    grid_a = data.pivot(index="dyad", columns="day", values="a").to_numpy()
    grid_b = data.pivot(index="dyad", columns="day", values="b").to_numpy()
    from_frame = networks(data, dyad="dyad", time="day", a="a", b="b")
    from_arrays = networks_from_arrays(grid_a, grid_b, dyads=np.arange(1, 6))
    pd.testing.assert_frame_equal(from_frame, from_arrays)
    single = networks_from_arrays(grid_a.astype(np.float32), grid_b.astype(np.float32))
    np.testing.assert_allclose(single["estimate"], from_arrays["estimate"], atol=1e-5)


def test_it_returns_stable_columns_and_terms() -> None:
    data = simulate_diary(n_couples=2, n_days=20, random_state=1)
    result = networks(data, dyad="dyad", time="day", a="a", b="b")
    assert list(result.columns) == [
        "dyad",
        "term",
        "estimate",
        "std_error",
        "statistic",
        "df",
        "p_value",
        "ci_low",
        "ci_high",
        "n_pairs",
        "status",
        "reason",
    ]
    assert list(result["term"][:7]) == list(NETWORK_TERMS)


def test_synchrony_has_the_plain_and_the_residual_correlation() -> None:
    data = simulate_diary(n_couples=4, n_days=50, residual_correlation=0.5, random_state=8)
    result = synchrony(data, dyad="dyad", time="day", a="a", b="b")
    nets = networks(data, dyad="dyad", time="day", a="a", b="b")
    for label, couple in data.groupby("dyad"):
        rows = result[result["dyad"] == label].set_index("term")
        plain = np.corrcoef(couple["a"], couple["b"])[0, 1]
        assert rows.loc["concurrent_correlation", "estimate"] == pytest.approx(plain, abs=1e-12)
        assert rows.loc["concurrent_correlation", "n_pairs"] == len(couple)
        residual = nets[(nets["dyad"] == label) & (nets["term"] == "synchrony")]
        assert rows.loc["synchrony", "estimate"] == pytest.approx(residual["estimate"].iloc[0])


def test_the_pseudo_couple_baseline_is_reproducible() -> None:
    data = simulate_diary(n_couples=12, n_days=30, random_state=5)
    options: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b", "samples": 15}
    first = pseudo_couple_baseline(data, **options, random_state=3)
    again = pseudo_couple_baseline(data, **options, random_state=3)
    other = pseudo_couple_baseline(data, **options, random_state=4)
    pd.testing.assert_frame_equal(first, again)
    assert not first["mean"].equals(other["mean"])
    assert (first["n_pseudo_couples"] == 12 * 15).all()
    assert list(first.columns) == [
        "term",
        "n_pseudo_couples",
        "mean",
        "sd",
        "q025",
        "median",
        "q975",
    ]


def test_pseudo_couples_never_pair_partners_with_each_other() -> None:
    partners = _derangements(np.random.default_rng(0), 5, 300)
    assert partners.shape == (300, 5)
    assert not np.any(partners == np.arange(5))
    assert all(sorted(row) == list(range(5)) for row in partners)


def test_real_synchrony_stands_out_from_pseudo_couples() -> None:
    # Half the couples share their daily ups and downs, half do not: only the first half
    # should rank high among pseudo couples, whose synchrony is about zero.
    together = simulate_diary(n_couples=20, n_days=60, residual_correlation=0.7, random_state=1)
    apart = simulate_diary(n_couples=20, n_days=60, residual_correlation=0.0, random_state=2)
    apart["dyad"] += 100
    data = pd.concat([together, apart], ignore_index=True)
    result = synchrony(
        data, dyad="dyad", time="day", a="a", b="b", pseudo_couples=30, random_state=0
    )
    residual = result[result["term"] == "synchrony"]
    assert residual["percentile"].between(0, 100).all()
    assert (residual.loc[residual["dyad"] < 100, "percentile"] > 90).all()
    assert residual.loc[residual["dyad"] >= 100, "percentile"].median() < 90
    assert abs(residual["baseline_mean"].iloc[0]) < 0.1


def test_networks_can_add_the_baseline_columns() -> None:
    data = simulate_diary(n_couples=6, n_days=30, random_state=5)
    result = networks(data, dyad="dyad", time="day", a="a", b="b", pseudo_couples=5, random_state=1)
    assert {"baseline_mean", "baseline_sd", "percentile"} <= set(result.columns)


def test_it_names_a_duplicated_occasion() -> None:
    data = simulate_diary(n_couples=2, n_days=12, random_state=1)
    data = pd.concat([data, data.iloc[[15]]], ignore_index=True)
    with pytest.raises(ValueError, match="dyad 2 has more than one row for day = 3"):
        networks(data, dyad="dyad", time="day", a="a", b="b")


def test_it_names_a_missing_column() -> None:
    data = simulate_diary(n_couples=2, n_days=12, random_state=1)
    with pytest.raises(ValueError, match=r"missing column 'W_Anx\.'"):
        networks(data, dyad="dyad", time="day", a="a", b="W_Anx.")


def test_it_names_a_non_numeric_value() -> None:
    data = simulate_diary(n_couples=2, n_days=12, random_state=1)
    data["b"] = data["b"].astype(object)
    data.loc[4, "b"] = "calm"
    with pytest.raises(ValueError, match="column 'b' must be numeric, but row 4 holds 'calm'"):
        networks(data, dyad="dyad", time="day", a="a", b="b")


def test_it_refuses_fractional_occasions() -> None:
    data = simulate_diary(n_couples=2, n_days=12, random_state=1)
    data["day"] = data["day"] / 2
    with pytest.raises(ValueError, match="column 'day' must hold whole occasion numbers"):
        networks(data, dyad="dyad", time="day", a="a", b="b")


def test_it_refuses_too_small_a_minimum() -> None:
    data = simulate_diary(n_couples=2, n_days=12, random_state=1)
    with pytest.raises(ValueError, match="min_pairs must be at least 6"):
        networks(data, dyad="dyad", time="day", a="a", b="b", min_pairs=3)


def test_it_refuses_arrays_of_different_shapes() -> None:
    with pytest.raises(ValueError, match="a and b must have the same shape"):
        networks_from_arrays(np.zeros((2, 10)), np.zeros((3, 10)))


def test_pseudo_couples_need_two_couples() -> None:
    data = simulate_diary(n_couples=1, n_days=20, random_state=1)
    with pytest.raises(ValueError, match="at least two couples"):
        pseudo_couple_baseline(data, dyad="dyad", time="day", a="a", b="b")


def test_every_term_is_reported_for_every_couple() -> None:
    data = simulate_diary(n_couples=3, n_days=15, random_state=1)
    result = networks(data, dyad="dyad", time="day", a="a", b="b")
    assert result.groupby("dyad").size().eq(len(NETWORK_TERMS)).all()
