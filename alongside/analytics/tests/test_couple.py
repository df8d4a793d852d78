"""What a couple page may claim: checked by simulation against what is really there."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from alongside.analytics import couple_links, networks_from_arrays, same_day_link, scale_share
from alongside.analytics.couple import _week_shifts

NOMINAL = 0.05
SIMULATIONS = 1000


def _moods(
    rng: np.random.Generator, phi: float, sims: int, days: int, link: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Two AR(1) moods per couple whose same-day innovations correlate ``link``."""
    shocks = rng.normal(size=(2, sims, days))
    shocks[1] = link * shocks[0] + np.sqrt(1 - link**2) * shocks[1]
    moods = np.empty_like(shocks)
    moods[:, :, 0] = shocks[:, :, 0] / np.sqrt(1 - phi**2)
    for t in range(1, days):
        moods[:, :, t] = phi * moods[:, :, t - 1] + shocks[:, :, t]
    return moods[0], moods[1]


def _allowed(sims: int) -> float:
    """The nominal rate plus two Monte Carlo standard errors."""
    return NOMINAL + 2 * np.sqrt(NOMINAL * (1 - NOMINAL) / sims)


def test_independent_partners_whose_moods_carry_over_rarely_get_a_clear_link() -> None:
    rng = np.random.default_rng(15)
    rates: dict[tuple[float, int | str], float] = {}
    for phi in (0.0, 0.3, 0.6, 0.8):
        for days in (30, 60, 90):
            a, b = _moods(rng, phi, SIMULATIONS, days)
            rates[phi, days] = float(same_day_link(a, b)["clear"].mean())
    # Real pages have gaps: a day one of them did not rate or did not share.
    a, b = _moods(rng, 0.8, SIMULATIONS, 90)
    a[rng.random(a.shape) < 0.2] = np.nan
    b[rng.random(b.shape) < 0.2] = np.nan
    rates[0.8, "90 with a fifth of the days missing"] = float(same_day_link(a, b)["clear"].mean())
    report = ", ".join(f"phi={p} n={n}: {r:.3f}" for (p, n), r in rates.items())
    worst = max(rates.values())
    assert worst <= _allowed(SIMULATIONS), f"false clear same-day links: {report}"
    # The plain Fisher-z interval on n days, as the page had it, for comparison.
    a, b = _moods(rng, 0.8, SIMULATIONS, 90)
    r = same_day_link(a, b)["estimate"].to_numpy()
    naive = float((np.abs(np.arctanh(r)) * np.sqrt(90 - 3) > stats.norm.ppf(0.975)).mean())
    assert naive > 0.2, f"the naive interval should over-claim here, gave {naive:.3f}"


def test_the_whole_page_rarely_claims_anything_for_independent_partners() -> None:
    rng = np.random.default_rng(16)
    rates = {}
    for phi in (0.0, 0.6, 0.8, 0.9):
        for days in (30, 60, 90):
            a, b = _moods(rng, phi, SIMULATIONS, days)
            links = couple_links(a, b)
            rates[phi, days] = float(links.groupby("couple")["clear"].any().mean())
    report = ", ".join(f"phi={p} n={n}: {r:.3f}" for (p, n), r in rates.items())
    assert max(rates.values()) <= _allowed(SIMULATIONS), f"page-wide false claims: {report}"


def _opposite(days: int = 90) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(8)
    shared = rng.normal(size=days)
    return shared + 0.45 * rng.normal(size=days), -shared + 0.45 * rng.normal(size=days)


def test_a_clear_negative_link_reads_as_a_clear_negative_link() -> None:
    a, b = _opposite()
    row = same_day_link(a, b).iloc[0]
    # The case from issue 15: r about -0.88, interval well below zero.
    assert -0.92 < row["estimate"] < -0.82
    assert row["ci_high"] < 0
    assert row["direction"] == "negative" and row["clear"]
    page = couple_links(a, b)
    assert page.loc[page["term"] == "same_day", "direction"].item() == "negative"


def test_a_real_link_is_found_most_of_the_time() -> None:
    rng = np.random.default_rng(17)
    a, b = _moods(rng, 0.3, SIMULATIONS, 60, link=0.5)
    links = couple_links(a, b)
    found = links[links["term"] == "same_day"]
    power = float((found["direction"] == "positive").mean())
    assert power >= 0.8, f"a true link of 0.5 over 60 days was found in {power:.3f}"


def test_the_chance_band_and_the_interval_share_their_level() -> None:
    a, b = _opposite(60)
    row = same_day_link(a, b, level=0.9).iloc[0]
    assert row["level"] == 0.9
    z = stats.norm.ppf(0.95) / np.sqrt(row["n_eff"] - 3)
    assert row["ci_high"] == pytest.approx(np.tanh(np.arctanh(row["estimate"]) + z))
    shifted = []
    for by in _week_shifts(60, 14):
        pair = (a[by:], b[:-by]) if by > 0 else (a[:by], b[-by:])
        shifted.append(stats.pearsonr(*pair).statistic)
    assert row["baseline_low"] == pytest.approx(np.quantile(shifted, 0.05))
    assert row["baseline_high"] == pytest.approx(np.quantile(shifted, 0.95))
    page = couple_links(a, b, alpha=0.05)
    assert page["level"].tolist() == pytest.approx([1 - 0.05 / 3] * 3)


def test_the_baseline_shifts_only_by_whole_weeks() -> None:
    shifts = _week_shifts(90, 14)
    assert len(shifts) and (shifts % 7 == 0).all() and (shifts != 0).all()
    assert shifts.max() <= 90 - 14
    assert sorted(shifts) == sorted(-shifts)


def test_a_weekly_rhythm_both_share_is_not_taken_for_moving_together() -> None:
    rng = np.random.default_rng(5)
    days = 84
    week = np.tile([0.0, -0.5, 0.0, 0.0, 0.5, 2.5, 2.5], days // 7)
    a, b = week + rng.normal(size=days), week + rng.normal(size=days)
    row = same_day_link(a, b).iloc[0]
    assert row["excludes_zero"], "the weekend lifts both, so r is clearly above 0"
    assert not row["beyond_baseline"] and not row["clear"]
    assert row["baseline_low"] > 0.2


def test_it_uses_only_the_days_both_rated() -> None:
    rng = np.random.default_rng(9)
    a, b = rng.normal(size=40), rng.normal(size=40)
    a[[3, 10, 11]] = np.nan
    b[[20, 21]] = np.nan
    row = same_day_link(a, b).iloc[0]
    both = ~np.isnan(a) & ~np.isnan(b)
    assert row["n"] == 35
    assert row["estimate"] == pytest.approx(stats.pearsonr(a[both], b[both]).statistic)


def test_it_says_when_there_is_not_enough_or_nothing_moves() -> None:
    few = same_day_link(np.arange(10.0), np.arange(10.0)).iloc[0]
    assert few["status"] == "not enough" and not few["clear"]
    flat = same_day_link(np.full(30, 5.0), np.arange(30.0)).iloc[0]
    assert flat["status"] == "no variation" and np.isnan(flat["estimate"])
    with pytest.raises(ValueError, match="same shape"):
        same_day_link(np.zeros(30), np.zeros(31))
    with pytest.raises(ValueError, match="infinite"):
        same_day_link(np.r_[np.inf, np.zeros(29)], np.zeros(30))


def test_carry_over_is_the_var1_cross_lag_with_a_wider_interval() -> None:
    rng = np.random.default_rng(10)
    a, b = _moods(rng, 0.4, 3, 60)
    links = couple_links(a, b)
    net = networks_from_arrays(a, b, min_pairs=21, ci=1 - 0.05 / 3)
    for term in ("carryover_a_to_b", "carryover_b_to_a"):
        ours = links[links["term"] == term]
        theirs = net[net["term"] == term]
        np.testing.assert_allclose(ours["estimate"], theirs["estimate"])
        assert (ours["ci_low"].to_numpy() <= theirs["ci_low"].to_numpy()).all()
        assert (ours["ci_high"].to_numpy() >= theirs["ci_high"].to_numpy()).all()


def test_a_real_carry_over_is_found_often() -> None:
    rng = np.random.default_rng(18)
    a, _ = _moods(rng, 0.4, SIMULATIONS, 90)
    b = np.zeros_like(a)
    shocks = rng.normal(size=a.shape)
    for t in range(1, a.shape[1]):
        b[:, t] = 0.4 * b[:, t - 1] + 0.4 * a[:, t - 1] + shocks[:, t]
    links = couple_links(a, b)
    found = links[links["term"] == "carryover_a_to_b"]
    power = float((found["direction"] == "positive").mean())
    assert power >= 0.7, f"a carry-over of 0.4 over 90 days was found in {power:.3f}"


def test_a_share_of_the_scale_says_not_enough_before_it_guesses() -> None:
    few = scale_share([3, 4, 3], low=0, high=4).iloc[0]
    assert few["status"] == "not enough" and np.isnan(few["share"])
    enough = scale_share([3, 4, 3, 2, 3, 4, 3, np.nan], low=0, high=4).iloc[0]
    assert enough["n"] == 7 and enough["share"] == pytest.approx(100 * 22 / 7 / 4)
    assert 0 <= enough["ci_low"] < enough["share"] < enough["ci_high"] <= 100
