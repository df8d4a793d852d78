"""The lagged APIM's cross-variable lags, person-mean centring and AR(1) residuals
(issue 15, point 3), against nlme on the shared diary data."""

from __future__ import annotations

import warnings
from pathlib import Path
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
    design_paired_moments,
    design_series_moments,
    lagged_apim_paired_moments,
    lagged_design,
)

CONTENT: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Con.", "b": "W_Con."}
ANXIETY: dict[str, Any] = {"x_a": "M_Anx.", "x_b": "W_Anx."}
SIMULATED: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}

# R 4.2.2, nlme 3.1-162, couples_daily_diary.csv, contentment (Con.) with anxiety (Anx.)
# as X, stacked as in bench/r_models.R (two rows per couple and day with a previous day;
# x_actor_lag = own anxiety yesterday, x_partner_lag = the partner's):
#   ctl <- lmeControl(maxIter = 500, msMaxIter = 500, tolerance = 1e-10, msTol = 1e-12,
#                     niterEM = 100, returnObject = TRUE)
#   m1 <- lme(y ~ 0 + role + role:actor_lag + role:partner_lag + role:x_actor_lag +
#             role:x_partner_lag, random = list(couple = pdSymm(~ 0 + role)),
#             data = long, control = ctl)
#   fixef(m1); sqrt(diag(m1$varFix)); logLik(m1); VarCorr(m1); m1$sigma
CROSS_TERMS = ["intercept_a", "intercept_b", "actor_a", "actor_b", "partner_b_to_a",
               "partner_a_to_b", "cross_actor_a", "cross_actor_b", "cross_partner_b_to_a",
               "cross_partner_a_to_b"]  # fmt: skip
NLME_CROSS = [1.96281274129552, 1.93040902901934, 0.23340898802255, 0.24099014605190,
              0.00456788276686, -0.00137663398651, -0.05298182199730, -0.00935868235934,
              -0.02016900861122, -0.07731532308301]  # fmt: skip
NLME_CROSS_SE = [0.0954716586437, 0.0947325774597, 0.0228804574429, 0.0203081440619,
                 0.0203280222073, 0.0228469976613, 0.0307893529336, 0.0262609544947,
                 0.0262954927089, 0.0307473983472]  # fmt: skip
NLME_CROSS_LOGLIK = -5897.06850745
# sd(intercept_a), sd(intercept_b), sigma (VarCorr: StdDev 0.4613325, 0.4506921; Corr 0.448)
NLME_CROSS_RANDOM = [0.4613325, 0.4506921, 0.705221144899]

#   m3 <- lme(y ~ 0 + role + role:actor_lag + role:partner_lag,
#             random = list(couple = pdSymm(~ 0 + role)),
#             weights = varIdent(form = ~ 1 | role),
#             correlation = corAR1(form = ~ day | couple/role), data = long, control = ctl)
#   (skipped days: nlme turns corAR1 into corARMA(p = 1), correlation phi^|day - day'|)
#   fixef(m3); sqrt(diag(m3$varFix)); logLik(m3); VarCorr(m3); m3$sigma
#   coef(m3$modelStruct$varStruct, unconstrained = FALSE)   # sigma_ratio
#   coef(m3$modelStruct$corStruct, unconstrained = FALSE)   # Phi1: residual_ar1
NLME_AR1 = [1.5610857131578, 1.5160796265965, 0.3736949568136, 0.3784310111935,
            0.0095952621259, 0.0125212980230]  # fmt: skip
NLME_AR1_SE = [0.0684573287040, 0.0732351374956, 0.0185590439994, 0.0187291956399,
               0.0164322611130, 0.0210782424816]  # fmt: skip
NLME_AR1_LOGLIK = -5858.60241709
# sd(intercept_a), sd(intercept_b), sigma, sigma_ratio, residual_ar1
NLME_AR1_RANDOM = [0.3849166, 0.3698629, 0.660839074743, 1.15130803661, -0.140374163807]

# The same data, person-mean centring: each lag minus that partner's mean over the
# diary (ave(d[[col]], d$ID)), the means as predictors actor_mean, partner_mean:
#   m2 <- lme(y ~ 0 + role + role:actor_lag + role:partner_lag + role:actor_mean +
#             role:partner_mean, random = list(couple = pdSymm(~ 0 + role +
#             actor_lag + partner_lag)), data = long, control = ctl)
#   fixef(m2); sqrt(diag(m2$varFix)); logLik(m2)    # -5611.95833139
# With this ctl nlme's nlminb stops early (it ignores msTol); bench/r_models.R now runs it
# to its optimum (tighter nlminb, then BFGS restarts): -5611.958327802, ours
# -5611.958327778. The constants below are the early stop, within 1e-6 of either.
# (a singular fit: the partners' means absorb the couples' levels; lme4's lmer stops at
# a REML criterion 0.012 higher than nlme's and ours.)
NLME_CENTRED = [-0.025103668208564, -0.020181449288980, 0.197436430169839,
                0.200787907225832, 0.016581005389990, 0.029001504980172, 1.009652262202808,
                1.007280148216672, 0.000265328100549, 0.001701693699797]  # fmt: skip
NLME_CENTRED_SE = [0.0654932007321, 0.0654968835719, 0.0227246306122, 0.0203151049137,
                   0.0191933494679, 0.0217376182701, 0.0242065492769, 0.0245938132732,
                   0.0245926223304, 0.0242085931581]  # fmt: skip
NLME_CENTRED_LOGLIK = -5611.95833139


def _fixed(result: pd.DataFrame) -> pd.DataFrame:
    return result[result["effect"] == "fixed"].set_index("term")


def _random(result: pd.DataFrame) -> pd.Series:
    return result[result["effect"] == "random"].set_index("term")["estimate"]


def test_partners_anxiety_yesterday_predicts_contentment_today_as_in_nlme(
    diary: pd.DataFrame,
) -> None:
    result = lagged_apim(diary, **CONTENT, **ANXIETY)
    fixed = _fixed(result)
    assert list(fixed.index) == CROSS_TERMS
    np.testing.assert_allclose(fixed["estimate"], NLME_CROSS, atol=1e-6)
    np.testing.assert_allclose(fixed["std_error"], NLME_CROSS_SE, atol=1e-7)
    random = _random(result)
    np.testing.assert_allclose(
        random[["sd(intercept_a)", "sd(intercept_b)", "sigma"]], NLME_CROSS_RANDOM, atol=1e-6
    )
    assert result.attrs["log_likelihood"] == pytest.approx(NLME_CROSS_LOGLIK, abs=1e-5)
    assert "role:x_actor_lag + role:x_partner_lag" in result.attrs["formula"]
    # The man's anxiety yesterday lowers the woman's contentment today.
    assert fixed["estimate"].to_numpy()[CROSS_TERMS.index("cross_partner_a_to_b")] < 0
    assert result.attrs["warnings"] == ()


def test_ar1_residuals_with_role_specific_sds_equal_nlme(diary: pd.DataFrame) -> None:
    result = lagged_apim(diary, **CONTENT, residuals="by-role", ar1=True)
    fixed = _fixed(result)
    np.testing.assert_allclose(fixed["estimate"], NLME_AR1, atol=5e-5)
    np.testing.assert_allclose(fixed["std_error"], NLME_AR1_SE, atol=5e-6)
    random = _random(result)
    np.testing.assert_allclose(
        random[["sd(intercept_a)", "sd(intercept_b)", "sigma", "sigma_ratio", "residual_ar1"]],
        NLME_AR1_RANDOM,
        atol=5e-5,
    )
    # nlme stops a little short of the maximum: ours is as high or higher.
    assert result.attrs["log_likelihood"] == pytest.approx(NLME_AR1_LOGLIK, abs=1e-5)
    assert result.attrs["log_likelihood"] >= NLME_AR1_LOGLIK - 1e-7
    assert result.attrs["residual_structure"] == (
        "weights = varIdent(form = ~1 | role), correlation = corAR1(form = ~ day | couple/role)"
    )


def test_person_mean_centring_separates_within_from_between_couple_effects(
    diary: pd.DataFrame,
) -> None:
    with pytest.warns(RuntimeWarning, match="boundary"):
        result = lagged_apim(diary, **CONTENT, centre="within", random_slopes="shared")
    fixed = _fixed(result)
    assert list(fixed.index[6:]) == [
        "between_actor_a",
        "between_actor_b",
        "between_partner_b_to_a",
        "between_partner_a_to_b",
    ]
    np.testing.assert_allclose(fixed["estimate"], NLME_CENTRED, atol=5e-6)
    np.testing.assert_allclose(fixed["std_error"], NLME_CENTRED_SE, atol=5e-6)
    assert result.attrs["log_likelihood"] >= NLME_CENTRED_LOGLIK - 1e-5
    # Flagged as singular, as it is.
    assert result.attrs["warnings"][0].startswith("boundary (singular) fit")


def test_the_default_model_is_unchanged_by_the_new_options(diary: pd.DataFrame) -> None:
    options: dict[str, Any] = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
    default = lagged_apim(diary, **options)
    explicit = lagged_apim(diary, **options, centre="none", ar1=False, x_a=None, x_b=None)
    pd.testing.assert_frame_equal(default, explicit, check_exact=True)
    assert "residual_ar1" not in set(default["term"])


def _uneven() -> pd.DataFrame:
    data = simulate_diary(n_couples=12, n_days=15, missing=0.05, random_state=2)
    data.loc[data.index % 9 == 4, "b"] = np.nan
    data.loc[data.index % 13 == 7, "a"] = np.nan
    return data


@pytest.mark.parametrize("random_slopes", [False, True, "by-role"])
def test_the_general_design_has_the_usual_moments(random_slopes: bool | str) -> None:
    data = _uneven()
    usual = lagged_apim_paired_moments(
        couple_series(data, **SIMULATED), random_slopes=random_slopes
    )
    design = lagged_design(
        couple_series(data, **SIMULATED, align="time"), None, centre="none",
        random_slopes=random_slopes,
    )  # fmt: skip
    general = design_paired_moments(design)
    for name in ("both_aa", "both_bb", "both_ab", "only_a", "only_b"):
        np.testing.assert_allclose(getattr(general, name), getattr(usual, name), atol=1e-9)
    assert (general.n_both, general.n_only_b, general.n_obs) == (
        usual.n_both,
        usual.n_only_b,
        usual.n_obs,
    )


def test_the_ar1_likelihood_equals_the_dense_one_across_skipped_days() -> None:
    """The whitened AR(1) deviance equals -2 log L from the full covariance of each
    couple's stacked rows, with phi^|day - day'| across skipped days."""
    from alongside.analytics._lmm import _Deviance

    data = _uneven()
    series = couple_series(data, **SIMULATED, align="time")
    design = lagged_design(series, None, centre="none", random_slopes=False)
    ratio, phi = 1.3, -0.45
    moments, logdet = design_series_moments(design).weighted(ratio, phi)
    deviance = _Deviance(moments, reml=False)
    parts = deviance.solve(np.array([0.7, 0.2, 0.5]))
    sigma2 = parts.prss / deviance.dof
    g = parts.lam @ parts.lam.T
    total = 0.0
    p = design.p
    for couple in range(series.n_couples):
        rows, roles, days = [], [], []
        for role in (0, 1):
            for day in np.flatnonzero(design.valid[role, couple]):
                rows.append(design.rows[role, couple, day])
                roles.append(role)
                days.append(day)
        if not rows:
            continue
        v = np.array(rows)
        x, z, y = v[:, :p], v[:, p : p + 2], v[:, -1]
        sd = np.where(np.array(roles) == 1, ratio, 1.0)
        same_role = np.equal.outer(roles, roles)
        r = np.where(same_role, phi ** np.abs(np.subtract.outer(days, days)), 0.0)
        cov = sigma2 * (z @ g @ z.T + r * np.outer(sd, sd))
        e = y - x @ parts.beta
        total += np.linalg.slogdet(2 * np.pi * cov)[1] + e @ np.linalg.solve(cov, e)
    assert deviance.value(parts) + logdet == pytest.approx(total, rel=1e-10)


def test_an_ar1_at_its_limit_is_a_boundary_fit() -> None:
    fit = MixedFit(
        beta=np.zeros(6), vcov=np.eye(6), sigma=1.0, lam=np.eye(2), deviance=0.0, reml=True,
        converged=True, iterations=5, residual_ar1=-0.99996,
    )  # fmt: skip
    (message,) = fit_warnings(fit, ["intercept_a", "intercept_b"])
    assert message.startswith("boundary fit: the day-to-day residual autocorrelation")


def test_it_refuses_half_a_cross_lag_and_ar1_with_correlated_residuals() -> None:
    data = simulate_diary(n_couples=10, n_days=10, random_state=2).assign(x=1.0, y=1.0)
    with pytest.raises(ValueError, match="cross-lags need X for both partners: x_a is given"):
        lagged_apim(data, **SIMULATED, x_a="x")
    with pytest.raises(ValueError, match="must be another column than the scores"):
        lagged_apim(data, **SIMULATED, x_a="b", x_b="a")
    with pytest.raises(ValueError, match="ar1 cannot be combined with residuals='by-role-corr"):
        lagged_apim(data, **SIMULATED, ar1=True, residuals="by-role-correlated")
    with pytest.raises(ValueError, match="centre must be one of 'none', 'within'"):
        lagged_apim(data, **SIMULATED, centre="grand")
    with pytest.raises(ValueError, match="missing column 'stress'"):
        lagged_apim(data, **SIMULATED, x_a="stress", x_b="x")
    with pytest.raises(ValueError, match="do not vary enough"):  # a constant X
        lagged_apim(data, **SIMULATED, x_a="x", x_b="y")


def _cli(path: Path, *extra: str) -> Any:
    common = ["lagged-apim", "--data", str(path), "--dyad", "dyad", "--time", "day"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return CliRunner().invoke(analyze, [*common, "--a", "a", "--b", "b", *extra])


def test_the_command_line_fits_cross_lags_centring_and_ar1(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    data = simulate_diary(n_couples=30, n_days=20, intercept_sd=0.5, random_state=4)
    rng = np.random.default_rng(1)
    data.assign(xa=rng.normal(size=len(data)), xb=rng.normal(size=len(data))).to_csv(
        path, index=False
    )
    result = _cli(path, "--x-a", "xa", "--x-b", "xb", "--centre", "within", "--ar1")
    assert result.exit_code == 0, result.output
    for term in ("cross_partner_b_to_a", "between_actor_a", "between_cross_partner_a_to_b",
                 "residual_ar1"):  # fmt: skip
        assert term in result.stdout


def test_the_command_line_names_the_flags_it_cannot_combine(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    simulate_diary(n_couples=10, n_days=10, random_state=2).to_csv(path, index=False)
    both = _cli(path, "--ar1", "--residuals", "by-role-correlated")
    assert both.exit_code == 2
    assert "--ar1 cannot be combined with --residuals by-role-correlated" in both.output
    assert isinstance(both.exception, SystemExit)  # a message, not a traceback
    half = _cli(path, "--x-b", "a_stress")
    assert half.exit_code == 2
    assert "--x-b needs --x-a" in half.output
    missing = _cli(path, "--x-a", "stress_a", "--x-b", "stress_b")
    assert missing.exit_code == 1
    assert "missing columns 'stress_a', 'stress_b'" in missing.output
    assert isinstance(missing.exception, SystemExit)
    help_text = CliRunner().invoke(analyze, ["lagged-apim", "--help"]).output
    assert "--x-a" in help_text and "--centre" in help_text and "--ar1" in help_text


def test_a_no_answer_code_in_the_cross_lagged_variable_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    data = simulate_diary(n_couples=10, n_days=10, random_state=2)
    data = data.assign(xa=0.5, xb=0.5)
    data.loc[7, "xb"] = 99.0
    data.to_csv(path, index=False)
    result = _cli(path, "--x-a", "xa", "--x-b", "xb", "--range", "xb=0:1")
    assert result.exit_code == 1
    assert "xb" in result.output and "99" in result.output
    assert isinstance(result.exception, SystemExit)
    with pytest.raises(ValueError, match="does not use"):
        lagged_apim(data, **SIMULATED, x_a="xa", x_b="xb", ranges={"stress": (0, 1)})
