"""The full dyadic diary model (issue 15, point 3): residual structures and
role-specific random slopes of the lagged APIM, against nlme and lme4."""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from alongside.analytics import lagged_apim, simulate_diary
from alongside.analytics._lmm import MixedFit, fit_warnings
from alongside.analytics._series import couple_series
from alongside.analytics.cli import analyze
from alongside.analytics.lagged import (
    FIXED_TERMS,
    lagged_apim_moments,
    lagged_apim_paired_moments,
)

SADNESS: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Sad.", "b": "W_Sad."}
ANXIETY: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
SIMULATED: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}

# R 4.2.2, nlme 3.1-162, on couples_daily_diary.csv, sadness, stacked as in
# test_lagged.py plus a day column and sorted by couple, day and role:
#   long$role <- factor(long$role)
#   ctl <- lmeControl(opt = "optim", optimMethod = "BFGS", maxIter = 500,
#                     msMaxIter = 1000, tolerance = 1e-12, niterEM = 100, reltol = 1e-15)
#   f <- y ~ 0 + role + role:actor_lag + role:partner_lag
#   m0 <- lme(f, random = ~ 0 + role | couple, data = long, control = ctl)
#   m1 <- update(m0, weights = varIdent(form = ~1 | role))
#   m2 <- update(m1, correlation = corCompSymm(form = ~1 | couple/day))
#   fixef(m); sqrt(diag(m$varFix)); logLik(m); sqrt(diag(getVarCov(m))); m$sigma
#   coef(m$modelStruct$varStruct, unconstrained = FALSE)   # sigma_b / sigma_a
#   coef(m$modelStruct$corStruct, unconstrained = FALSE)   # residual_cor
#   anova(m0, m1, m2)       # L.Ratio 81.40845480 (m0 vs m1), 90.19155628 (m1 vs m2)
# (corSymm(form = ~ as.integer(role) | couple/day) gives the same logLik as corCompSymm:
# with two rows per couple and day the two structures are the same.)
NLME_LOGLIK = {"independent": -3771.060554, "by-role": -3730.356327,
               "by-role-correlated": -3685.260549}  # fmt: skip
NLME_BY_ROLE = [0.20049075410, 0.28354835205, 0.29518557275, 0.21607835353, -0.01002210435,
                0.02444269080]  # fmt: skip
NLME_BY_ROLE_SE = [0.03153383096, 0.03212024097, 0.01876800474, 0.01927091569,
                   0.01622816988, 0.02220665382]  # fmt: skip
# sd(intercept_a), sd(intercept_b), cor(intercept_a, intercept_b), sigma, sigma_ratio
NLME_BY_ROLE_RANDOM = [0.2638364411, 0.2615778251, 0.1897040118, 0.4302527728, 1.195862583]
NLME_CORRELATED = [0.198527581367, 0.281387908256, 0.293590894494, 0.214768599734,
                   -0.003567210517, 0.033841258186]  # fmt: skip
NLME_CORRELATED_SE = [0.03154904210, 0.03211078677, 0.01877948595, 0.01928354747,
                      0.01623473334, 0.02222837445]  # fmt: skip
# ... as above, then residual_cor
NLME_CORRELATED_RANDOM = [0.2639745784, 0.2614675782, 0.1489731507, 0.4302408103,
                          1.195869965, 0.1861100657]  # fmt: skip

# R 4.2.2, lme4 1.1-31, anxiety, stacked as in test_lagged.py:
#   ctl <- lmerControl(optimizer = "bobyqa", optCtrl = list(maxfun = 1e5, rhoend = 1e-12))
#   m <- lmer(y ~ 0 + role + role:actor_lag + role:partner_lag +
#             (0 + role + role:actor_lag + role:partner_lag || couple), data = long,
#             REML = TRUE, control = ctl)
#   fixef(m); sqrt(diag(vcov(m))); REMLcrit(m); print(VarCorr(m), digits = 10)
# "||" splits the term into (0 + role | couple) + (0 + role:actor_lag | couple) +
# (0 + role:partner_lag | couple): three pairs, each correlated within itself.
LME4_BY_ROLE = [0.26454378754, 0.40739837869, 0.23033877446, 0.17671937985, 0.04015749466,
                0.08334481322]  # fmt: skip
LME4_BY_ROLE_SE = [0.02974899336, 0.04796804840, 0.03197546201, 0.02632214920,
                   0.02035994414, 0.02517161871]  # fmt: skip
LME4_BY_ROLE_REML = 8342.268338
LME4_BY_ROLE_RANDOM = {
    "sd(intercept_a)": 0.22642161594,
    "sd(intercept_b)": 0.40406689773,
    "sd(actor_a)": 0.18104226115,
    "sd(actor_b)": 0.15328393800,
    "sd(partner_b_to_a)": 0.08112679989,
    "sd(partner_a_to_b)": 0.09860274868,
    "cor(intercept_a, intercept_b)": 0.12922283,
    "cor(actor_a, actor_b)": -0.11641687,
    "cor(partner_b_to_a, partner_a_to_b)": -0.09815420,
    "sigma": 0.50343763828,
}


def _fixed(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["effect"] == "fixed"].set_index("term").loc[list(FIXED_TERMS)]


def _random(result: pd.DataFrame) -> pd.Series:
    return result[result["effect"] == "random"].set_index("term")["estimate"]


RANDOM_ROWS = ["sd(intercept_a)", "sd(intercept_b)", "cor(intercept_a, intercept_b)", "sigma"]


def test_role_specific_residual_sds_equal_nlme(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **SADNESS, residuals="by-role")
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], NLME_BY_ROLE, atol=1e-5)
    np.testing.assert_allclose(fixed["std_error"], NLME_BY_ROLE_SE, atol=1e-6)
    random = _random(result)
    np.testing.assert_allclose(
        random[[*RANDOM_ROWS, "sigma_ratio"]], NLME_BY_ROLE_RANDOM, atol=2e-5
    )
    assert random["sigma_b"] == pytest.approx(random["sigma"] * random["sigma_ratio"])
    assert "residual_cor" not in random.index
    assert result.attrs["log_likelihood"] == pytest.approx(NLME_LOGLIK["by-role"], abs=1e-5)


def test_the_same_day_residual_correlation_equals_nlme(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **SADNESS, residuals="by-role-correlated")
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], NLME_CORRELATED, atol=1e-5)
    np.testing.assert_allclose(fixed["std_error"], NLME_CORRELATED_SE, atol=1e-6)
    random = _random(result)
    np.testing.assert_allclose(
        random[[*RANDOM_ROWS, "sigma_ratio", "residual_cor"]], NLME_CORRELATED_RANDOM, atol=2e-5
    )
    assert result.attrs["log_likelihood"] == pytest.approx(
        NLME_LOGLIK["by-role-correlated"], abs=1e-5
    )
    assert "corCompSymm(form = ~1 | couple/day)" in result.attrs["residual_structure"]
    assert result.attrs["warnings"] == ()


def test_both_residual_structures_improve_the_fit_as_in_nlme(diary: pd.DataFrame) -> None:
    fits = {
        residuals: lagged_apim(diary, **SADNESS, residuals=residuals)
        for residuals in ("independent", "by-role", "by-role-correlated")
    }
    loglik = {name: fit.attrs["log_likelihood"] for name, fit in fits.items()}
    assert loglik["independent"] == pytest.approx(NLME_LOGLIK["independent"], abs=1e-5)
    # nlme's anova(m0, m1, m2): 81.40845480 and 90.19155628, 1 df each.
    assert 2 * (loglik["by-role"] - loglik["independent"]) == pytest.approx(81.40845, abs=1e-4)
    assert 2 * (loglik["by-role-correlated"] - loglik["by-role"]) == pytest.approx(
        90.19156, abs=1e-4
    )
    # The man's sadness yesterday predicts the woman's today by .026 with independent
    # residuals and by .034 once the same-day residual correlation is modelled.
    partner = {
        name: float(_fixed(fit)["estimate"].to_numpy()[FIXED_TERMS.index("partner_a_to_b")])
        for name, fit in fits.items()
    }
    assert round(partner["independent"], 3) == 0.026
    assert round(partner["by-role-correlated"], 3) == 0.034


def test_independent_residuals_are_todays_model(diary: pd.DataFrame) -> None:
    default = lagged_apim(diary, **ANXIETY)
    explicit = lagged_apim(diary, **ANXIETY, residuals="independent")
    pd.testing.assert_frame_equal(default, explicit)
    assert "sigma_ratio" not in set(default["term"])


def test_role_specific_random_slopes_equal_lme4(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **ANXIETY, random_slopes="by-role")
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], LME4_BY_ROLE, atol=1e-5)
    np.testing.assert_allclose(fixed["std_error"], LME4_BY_ROLE_SE, atol=1e-6)
    assert -2 * result.attrs["log_likelihood"] == pytest.approx(LME4_BY_ROLE_REML, abs=1e-5)
    random = _random(result)
    assert set(random.index) == set(LME4_BY_ROLE_RANDOM)  # no correlations across terms
    for term, value in LME4_BY_ROLE_RANDOM.items():
        assert random[term] == pytest.approx(value, abs=2e-5), term
    assert result.attrs["formula"].endswith(
        "(0 + role + role:actor_lag + role:partner_lag || couple)"
    )


def test_true_and_shared_random_slopes_are_the_same_model() -> None:
    data = simulate_diary(n_couples=60, n_days=30, intercept_sd=0.5, slope_sd=0.15, random_state=4)
    pd.testing.assert_frame_equal(
        lagged_apim(data, **SIMULATED, random_slopes=True),
        lagged_apim(data, **SIMULATED, random_slopes="shared"),
    )


def _uneven() -> pd.DataFrame:
    data = simulate_diary(n_couples=12, n_days=15, missing=0.05, random_state=2)
    data.loc[data.index % 9 == 4, "b"] = np.nan
    data.loc[data.index % 13 == 7, "a"] = np.nan
    return data


@pytest.mark.parametrize("random_slopes", [False, True, "by-role"])
def test_paired_moments_without_a_residual_structure_are_the_usual_ones(
    random_slopes: bool | str,
) -> None:
    # Partners who miss different days: some days have one partner's row only.
    series = couple_series(_uneven(), **SIMULATED)
    usual = lagged_apim_moments(series, random_slopes=random_slopes)
    paired, logdet = lagged_apim_paired_moments(series, random_slopes=random_slopes).weighted(
        1.0, 0.0
    )
    assert logdet == 0.0
    assert paired.n_obs == usual.n_obs
    for name in ("xtx", "xty", "ztx", "ztz", "zty"):
        np.testing.assert_allclose(getattr(paired, name), getattr(usual, name), atol=1e-9)
    assert paired.yty == pytest.approx(usual.yty)


def test_the_whitened_likelihood_equals_the_dense_one() -> None:
    """The per-couple deviance from the whitened moments equals -2 log L computed with
    the full covariance matrix of one couple's stacked rows, days with one partner
    included."""
    series = couple_series(_uneven(), **SIMULATED)
    paired = lagged_apim_paired_moments(series, random_slopes=False)
    ratio, rho = 1.3, 0.4
    moments, logdet = paired.weighted(ratio, rho)
    # Dense: V = Z G Z' + R for every couple, from the stacked rows.
    from alongside.analytics._lmm import _Deviance

    theta = np.array([0.7, 0.2, 0.5])
    deviance = _Deviance(moments, reml=False)
    parts = deviance.solve(theta)
    sigma2 = parts.prss / deviance.dof
    ours = deviance.value(parts) + logdet
    data = _uneven().set_index(["dyad", "day"])
    total = 0.0
    lam = parts.lam
    g = lam @ lam.T
    for couple in data.index.get_level_values(0).unique():
        days = data.loc[couple]
        rows, roles, day_of = [], [], []
        for day in days.index:
            if day - 1 not in days.index:
                continue
            before, now = days.loc[day - 1], days.loc[day]
            if np.isnan(before["a"]) or np.isnan(before["b"]):
                continue
            for role, own, other in ((0, "a", "b"), (1, "b", "a")):
                if np.isnan(now[own]):
                    continue
                x = np.zeros(6)
                x[role], x[2 + role], x[4 + role] = 1.0, before[own], before[other]
                rows.append((x, now[own]))
                roles.append(role)
                day_of.append(day)
        if not rows:
            continue
        x = np.array([r[0] for r in rows])
        y = np.array([r[1] for r in rows])
        z = x[:, :2]
        sd = np.where(np.array(roles) == 1, ratio, 1.0)
        same_day = np.equal.outer(day_of, day_of)
        r = np.where(same_day, rho, 0.0) * np.outer(sd, sd)
        np.fill_diagonal(r, sd**2)
        v = sigma2 * (z @ g @ z.T + r)
        e = y - x @ parts.beta
        total += np.linalg.slogdet(2 * np.pi * v)[1] + e @ np.linalg.solve(v, e)
    assert ours == pytest.approx(total, rel=1e-10)


def test_a_residual_correlation_at_its_limit_is_a_boundary_fit() -> None:
    fit = MixedFit(
        beta=np.zeros(6), vcov=np.eye(6), sigma=1.0, lam=np.eye(2), deviance=0.0, reml=True,
        converged=True, iterations=5, sigma_ratio=1.0, residual_cor=0.99995,
    )  # fmt: skip
    (message,) = fit_warnings(fit, ["intercept_a", "intercept_b"])
    assert message.startswith("boundary fit: the same-day residual correlation is at its limit")


def test_it_refuses_an_unknown_residual_structure() -> None:
    data = simulate_diary(n_couples=5, n_days=10, random_state=2)
    with pytest.raises(ValueError, match="residuals must be one of 'independent', 'by-role'"):
        lagged_apim(data, **SIMULATED, residuals="ar1")
    with pytest.raises(ValueError, match="random_slopes must be one of 'shared', 'by-role'"):
        lagged_apim(data, **SIMULATED, random_slopes="per-person")


def test_the_command_line_takes_residuals_and_random_slopes(tmp_path: Any) -> None:
    path = tmp_path / "diary.csv"
    simulate_diary(n_couples=30, n_days=20, intercept_sd=0.5, random_state=4).to_csv(
        path, index=False
    )
    common = ["lagged-apim", "--data", str(path), "--dyad", "dyad", "--time", "day"]
    common += ["--a", "a", "--b", "b"]
    runner = CliRunner()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        correlated = runner.invoke(analyze, [*common, "--residuals", "by-role-correlated"])
        bare = runner.invoke(analyze, [*common, "--random-slopes"])
        shared = runner.invoke(analyze, [*common, "--random-slopes", "shared"])
        by_role = runner.invoke(analyze, [*common, "--random-slopes", "by-role"])
    assert correlated.exit_code == 0, correlated.output
    assert "residual_cor" in correlated.stdout and "sigma_ratio" in correlated.stdout
    assert bare.exit_code == 0, bare.output
    assert bare.stdout == shared.stdout  # a bare --random-slopes means shared
    assert "sd(actor_b)" in by_role.stdout
    help_text = runner.invoke(analyze, ["lagged-apim", "--help"]).output
    assert "by-role-correlated" in help_text and "--random-slopes" in help_text
