"""The lagged APIM (stability and influence) against lme4 (R) and statsmodels."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from alongside.analytics import lagged_apim, simulate_diary
from alongside.analytics._lmm import _Deviance
from alongside.analytics._series import couple_series
from alongside.analytics.lagged import FIXED_TERMS, lagged_apim_moments

# R 4.2.2, lme4 1.1-31, on couples_daily_diary.csv, stacked in R itself:
#   d <- read.csv("couples_daily_diary.csv")
#   prev <- match(paste(d$ID, d$DIARYDAY - 1), paste(d$ID, d$DIARYDAY))
#   long <- rbind(
#     data.frame(couple = d$ID, role = "a", y = d$M_Anx., actor_lag = d$M_Anx.[prev],
#                partner_lag = d$W_Anx.[prev]),
#     data.frame(couple = d$ID, role = "b", y = d$W_Anx., actor_lag = d$W_Anx.[prev],
#                partner_lag = d$M_Anx.[prev]))
#   long <- long[complete.cases(long), ]                       # 5298 rows
#   ctl <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12))
#   m <- lmer(y ~ 0 + role + role:actor_lag + role:partner_lag + (0 + role | couple),
#             data = long, REML = TRUE, control = ctl)
#   fixef(m); sqrt(diag(vcov(m))); REMLcrit(m)
# Order: rolea, roleb, rolea:actor_lag, roleb:actor_lag, rolea:partner_lag, roleb:partner_lag
LME4_INTERCEPTS = [0.2758802832, 0.4101460245, 0.2799015172, 0.1960326988, 0.0317467278,
                   0.0766046183]  # fmt: skip
LME4_INTERCEPTS_SE = [0.0364338071, 0.0480070466, 0.0201356974, 0.0174373333, 0.0171818369,
                      0.0204104105]  # fmt: skip
LME4_INTERCEPTS_REML = 8431.49060482144
#   m2 <- lmer(y ~ 0 + role + role:actor_lag + role:partner_lag +
#              (0 + role + actor_lag + partner_lag | couple), data = long, REML = TRUE,
#              control = ctl)
LME4_SLOPES = [0.2676354200, 0.4073187344, 0.2439688166, 0.1683882607, 0.0386096266,
               0.0754549937]  # fmt: skip
LME4_SLOPES_SE = [0.0316814160, 0.0470280329, 0.0255612526, 0.0227639858, 0.0181775460,
                  0.0212839260]  # fmt: skip
LME4_SLOPES_REML = 8374.40278088516

DIARY: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
SIMULATED: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}


def _fixed(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["effect"] == "fixed"].set_index("term").loc[list(FIXED_TERMS)]


def test_it_equals_lme4_with_random_intercepts(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **DIARY)
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], LME4_INTERCEPTS, atol=1e-4)
    np.testing.assert_allclose(fixed["std_error"], LME4_INTERCEPTS_SE, atol=1e-5)
    assert -2 * result.attrs["log_likelihood"] == pytest.approx(LME4_INTERCEPTS_REML, abs=1e-4)
    assert result.attrs["n_obs"] == 5298
    assert result.attrs["n_couples"] == 80


def test_it_equals_lme4_with_random_slopes(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **DIARY, random_slopes=True)
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], LME4_SLOPES, atol=1e-4)
    np.testing.assert_allclose(fixed["std_error"], LME4_SLOPES_SE, atol=1e-5)
    assert -2 * result.attrs["log_likelihood"] == pytest.approx(LME4_SLOPES_REML, abs=1e-3)


def _stacked(data: pd.DataFrame) -> pd.DataFrame:
    """Two rows per couple and consecutive pair of days, built the slow, obvious way."""
    frames = []
    indexed = data.set_index(["dyad", "day"])
    previous = indexed.reindex(list(zip(data["dyad"], data["day"] - 1, strict=True)))
    for role, own, other in (("a", "a", "b"), ("b", "b", "a")):
        frames.append(
            pd.DataFrame(
                {
                    "couple": data["dyad"].to_numpy(),
                    "role": role,
                    "y": data[own].to_numpy(),
                    "actor_lag": previous[own].to_numpy(),
                    "partner_lag": previous[other].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True).dropna().reset_index(drop=True)


def _design(long: pd.DataFrame) -> np.ndarray:
    ra = (long["role"] == "a").to_numpy(float)
    rb = 1.0 - ra
    actor, partner = long["actor_lag"].to_numpy(), long["partner_lag"].to_numpy()
    return np.column_stack([ra, rb, ra * actor, rb * actor, ra * partner, rb * partner])


@pytest.mark.parametrize("reml", [True, False])
def test_it_equals_statsmodels_mixedlm(reml: bool) -> None:
    sm = pytest.importorskip("statsmodels.api")
    data = simulate_diary(
        n_couples=60, n_days=25, intercept_sd=0.6, inertia=(0.4, 0.2), random_state=12
    )
    long = _stacked(data)
    roles = np.column_stack([(long["role"] == "a"), (long["role"] == "b")]).astype(float)
    reference = sm.MixedLM(
        long["y"].to_numpy(), _design(long), groups=long["couple"].to_numpy(), exog_re=roles
    ).fit(reml=reml, method=["lbfgs"])
    result = lagged_apim(data, **SIMULATED, method="reml" if reml else "ml")
    np.testing.assert_allclose(_fixed(result)["estimate"], reference.fe_params, atol=1e-5)
    random = result[result["effect"] == "random"].set_index("term")["estimate"]
    assert random["sigma"] ** 2 == pytest.approx(reference.scale, rel=1e-4)
    assert random["sd(intercept_a)"] ** 2 == pytest.approx(reference.cov_re[0, 0], rel=1e-3)
    assert random["sd(intercept_b)"] ** 2 == pytest.approx(reference.cov_re[1, 1], rel=1e-3)
    assert result.attrs["log_likelihood"] == pytest.approx(reference.llf, abs=1e-3)


def test_random_slopes_equal_statsmodels_mixedlm() -> None:
    sm = pytest.importorskip("statsmodels.api")
    data = simulate_diary(
        n_couples=40, n_days=20, intercept_sd=0.6, slope_sd=0.15, inertia=(0.4, 0.2),
        random_state=3,
    )  # fmt: skip
    long = _stacked(data)
    z = np.column_stack(
        [long["role"] == "a", long["role"] == "b", long["actor_lag"], long["partner_lag"]]
    ).astype(float)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # statsmodels warns about its own convergence
        # MixedLM's default optimisers stop early on this model; conjugate gradients don't.
        reference = sm.MixedLM(
            long["y"].to_numpy(), _design(long), groups=long["couple"].to_numpy(), exog_re=z
        ).fit(reml=True, method=["cg"])
    result = lagged_apim(data, **SIMULATED, random_slopes=True)
    np.testing.assert_allclose(_fixed(result)["estimate"], reference.fe_params, atol=2e-4)
    assert result.attrs["log_likelihood"] >= reference.llf - 1e-6


def test_its_sufficient_statistics_equal_the_stacked_data() -> None:
    data = simulate_diary(n_couples=8, n_days=15, missing=0.1, random_state=1)
    # One partner alone misses some days: each partner's rows use their own days.
    data.loc[data.index % 7 == 3, "b"] = np.nan
    series = couple_series(data, **SIMULATED)
    moments = lagged_apim_moments(series, random_slopes=True)
    long = _stacked(data)
    x = _design(long)
    z = np.column_stack([x[:, 0], x[:, 1], long["actor_lag"], long["partner_lag"]])
    y = long["y"].to_numpy()
    np.testing.assert_allclose(moments.xtx, x.T @ x, atol=1e-9)
    np.testing.assert_allclose(moments.xty, x.T @ y, atol=1e-9)
    assert moments.yty == pytest.approx(y @ y)
    assert moments.n_obs == len(long)
    for g, (_, rows) in enumerate(long.groupby("couple")):
        index = rows.index.to_numpy()
        np.testing.assert_allclose(moments.ztz[g], z[index].T @ z[index], atol=1e-9)
        np.testing.assert_allclose(moments.ztx[g], z[index].T @ x[index], atol=1e-9)
        np.testing.assert_allclose(moments.zty[g], z[index].T @ y[index], atol=1e-9)


@pytest.mark.parametrize("reml", [True, False])
@pytest.mark.parametrize("random_slopes", [False, True])
def test_the_gradient_is_exact(reml: bool, random_slopes: bool) -> None:
    data = simulate_diary(n_couples=30, n_days=20, intercept_sd=0.5, random_state=3)
    moments = lagged_apim_moments(couple_series(data, **SIMULATED), random_slopes=random_slopes)
    deviance = _Deviance(moments, reml)
    theta = np.random.default_rng(1).uniform(-0.8, 0.8, len(deviance.rows))
    _, gradient = deviance(theta)
    numeric = optimize.approx_fprime(theta, lambda t: deviance(t)[0], 1e-7)
    np.testing.assert_allclose(gradient, numeric, rtol=1e-4, atol=1e-3)


def test_it_recovers_known_stability_and_influence() -> None:
    data = simulate_diary(
        n_couples=150,
        n_days=40,
        intercept=(1.0, 2.0),
        inertia=(0.4, 0.2),
        carryover=(0.15, 0.05),
        intercept_sd=0.4,
        random_state=7,
    )
    fixed = _fixed(lagged_apim(data, **SIMULATED))
    # Intercepts of the model are the couple-average intercepts of the simulation.
    truth = [1.0, 2.0, 0.4, 0.2, 0.15, 0.05]
    for (term, row), value in zip(fixed.iterrows(), truth, strict=True):
        assert abs(row["estimate"] - value) < 3.5 * row["std_error"], term


def test_it_reports_random_effects_and_the_model() -> None:
    data = simulate_diary(n_couples=20, n_days=20, intercept_sd=0.5, random_state=2)
    result = lagged_apim(data, **SIMULATED, random_slopes=True)
    random = result[result["effect"] == "random"]
    assert "sd(actor)" in set(random["term"])
    assert "cor(actor, partner)" in set(random["term"])
    assert random["std_error"].isna().all()
    assert result.attrs["formula"].endswith("(0 + role + actor_lag + partner_lag | couple)")
    assert result.attrs["converged"]


def test_it_refuses_an_unknown_method() -> None:
    data = simulate_diary(n_couples=5, n_days=10, random_state=2)
    with pytest.raises(ValueError, match="method must be one of 'reml', 'ml', not 'bayes'"):
        lagged_apim(data, **SIMULATED, method="bayes")


def test_it_needs_consecutive_days() -> None:
    data = simulate_diary(n_couples=5, n_days=10, random_state=2)
    data["day"] = data["day"] * 2
    with pytest.raises(ValueError, match="too few consecutive occasions"):
        lagged_apim(data, **SIMULATED)


def test_it_needs_scores_that_vary() -> None:
    data = simulate_diary(n_couples=5, n_days=10, random_state=2)
    data["b"] = 1.0
    with pytest.raises(ValueError, match=r"column 'b' has the same value \(1\) in every row"):
        lagged_apim(data, **SIMULATED)


def test_it_names_a_missing_column() -> None:
    data = simulate_diary(n_couples=5, n_days=10, random_state=2)
    with pytest.raises(ValueError, match="missing column 'DIARYDAY'"):
        lagged_apim(data, dyad="dyad", time="DIARYDAY", a="a", b="b")
