"""The cross-sectional APIM against nlme (R) and statsmodels."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from alongside.analytics import apim, pairwise_from_long
from alongside.analytics.apim import _Dyads, _profile

# R 4.2.2, nlme 3.1-162, on married_couples_pairwise.csv:
#   d <- read.csv("married_couples_pairwise.csv")
#   gls(Satisfaction_A ~ OtherPos_A + OtherPos_P, data = d,
#       correlation = corCompSymm(form = ~1 | CoupleID))
# summary(m)$tTable, coef(m$modelStruct$corStruct, unconstrained = FALSE), intervals(m)
NLME_INDISTINGUISHABLE = {
    # term: (Value, Std.Error)
    "intercept": (0.669754121598, 0.3224381435199),
    "actor": (0.400423148264, 0.0473141437864),
    "partner": (0.287970496749, 0.0473141437864),
}
NLME_RHO = 0.469341362628
NLME_RHO_INTERVAL = (0.33397496918, 0.585739110599)
NLME_SIGMA = 0.417365922755
NLME_SIGMA_INTERVAL = (0.381612469012, 0.456469134585)
NLME_LOGLIK = -148.359131474
NLME_ACTOR_INTERVAL = (0.3073044916589, 0.493541804870)

# d$Gender_A <- factor(d$Gender_A)
# gls(Satisfaction_A ~ Gender_A + Gender_A:OtherPos_A + Gender_A:OtherPos_P - 1, data = d,
#     correlation = corCompSymm(form = ~1 | CoupleID),
#     weights = varIdent(form = ~1 | Gender_A))
NLME_DISTINGUISHABLE = {
    # (term, role): (Value, Std.Error)
    ("intercept", "Husband"): (0.690458879952, 0.3429034228436),
    ("intercept", "Wife"): (0.611248457556, 0.4128194890501),
    ("actor", "Husband"): (0.424386632895, 0.0677156857574),
    ("actor", "Wife"): (0.377699959159, 0.0739221563720),
    ("partner", "Husband"): (0.261649769518, 0.0614025285053),
    ("partner", "Wife"): (0.321478178577, 0.0815225306392),
}
NLME_DISTINGUISHABLE_RHO = 0.475109231818
# sigma = 0.455478036156 is the Wife's (the first level in the data); varIdent gives the
# Husband's as 0.830637680485 times that.
NLME_SIGMA_WIFE = 0.455478036156
NLME_SIGMA_HUSBAND = 0.455478036156 * 0.830637680485
NLME_DISTINGUISHABLE_LOGLIK = -150.110799793

OPTIONS: dict[str, Any] = {
    "dyad": "CoupleID",
    "outcome": "Satisfaction_A",
    "actor": "OtherPos_A",
    "partner": "OtherPos_P",
}


def _row(result: pd.DataFrame, term: str, role: str | None = None) -> pd.Series:
    rows = result[result["term"] == term]
    if role is not None:
        rows = rows[rows["role"] == role]
    assert len(rows) == 1
    return rows.iloc[0]


def test_it_equals_nlme_for_indistinguishable_dyads(married: pd.DataFrame) -> None:
    result = apim(married, **OPTIONS)
    for term, (value, std_error) in NLME_INDISTINGUISHABLE.items():
        row = _row(result, term)
        assert row["estimate"] == pytest.approx(value, abs=5e-5)
        assert row["std_error"] == pytest.approx(std_error, abs=5e-5)
    assert _row(result, "rho")["estimate"] == pytest.approx(NLME_RHO, abs=5e-5)
    assert _row(result, "sigma")["estimate"] == pytest.approx(NLME_SIGMA, abs=5e-5)
    assert result.attrs["log_likelihood"] == pytest.approx(NLME_LOGLIK, abs=5e-5)
    actor = _row(result, "actor")
    assert (actor["ci_low"], actor["ci_high"]) == pytest.approx(NLME_ACTOR_INTERVAL, abs=5e-5)
    assert actor["df"] == 293


def test_its_intervals_for_rho_and_sigma_follow_nlme(married: pd.DataFrame) -> None:
    result = apim(married, **OPTIONS)
    rho = _row(result, "rho")
    sigma = _row(result, "sigma")
    assert (rho["ci_low"], rho["ci_high"]) == pytest.approx(NLME_RHO_INTERVAL, abs=1e-4)
    assert (sigma["ci_low"], sigma["ci_high"]) == pytest.approx(NLME_SIGMA_INTERVAL, abs=1e-4)


def test_it_equals_nlme_for_distinguishable_dyads(married: pd.DataFrame) -> None:
    result = apim(married, **OPTIONS, distinguish_by="Gender_A")
    for (term, role), (value, std_error) in NLME_DISTINGUISHABLE.items():
        row = _row(result, term, role)
        assert row["estimate"] == pytest.approx(value, abs=5e-5)
        assert row["std_error"] == pytest.approx(std_error, abs=5e-5)
    assert _row(result, "rho")["estimate"] == pytest.approx(NLME_DISTINGUISHABLE_RHO, abs=5e-5)
    assert _row(result, "sigma", "Wife")["estimate"] == pytest.approx(NLME_SIGMA_WIFE, abs=5e-5)
    assert _row(result, "sigma", "Husband")["estimate"] == pytest.approx(
        NLME_SIGMA_HUSBAND, abs=5e-5
    )
    assert result.attrs["log_likelihood"] == pytest.approx(NLME_DISTINGUISHABLE_LOGLIK, abs=5e-5)


def test_it_reports_k_as_partner_over_actor(married: pd.DataFrame) -> None:
    result = apim(married, **OPTIONS)
    k = _row(result, "k")
    actor, partner = _row(result, "actor")["estimate"], _row(result, "partner")["estimate"]
    assert k["estimate"] == pytest.approx(partner / actor)
    assert k["ci_low"] < k["estimate"] < k["ci_high"]
    assert k["std_error"] > 0


def test_it_matches_a_random_intercept_model_when_rho_is_positive(married: pd.DataFrame) -> None:
    # With rho >= 0 compound symmetry is a random intercept per dyad (statsmodels MixedLM).
    sm = pytest.importorskip("statsmodels.api")
    exog = np.column_stack([np.ones(len(married)), married["OtherPos_A"], married["OtherPos_P"]])
    fit = sm.MixedLM(married["Satisfaction_A"], exog, groups=married["CoupleID"]).fit(reml=True)
    result = apim(married, **OPTIONS)
    ours = [_row(result, t)["estimate"] for t in ("intercept", "actor", "partner")]
    np.testing.assert_allclose(ours, fit.fe_params, atol=1e-5)
    total = fit.cov_re.iloc[0, 0] + fit.scale
    assert _row(result, "rho")["estimate"] == pytest.approx(fit.cov_re.iloc[0, 0] / total, abs=1e-5)


def _simulated_pairs(rho: float, n_dyads: int = 300, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_dyads, 2))
    errors = rng.multivariate_normal([0, 0], [[1, rho], [rho, 1]], size=n_dyads)
    y = 1.0 + 0.5 * x + 0.2 * x[:, ::-1] + errors
    people = pd.DataFrame(
        {
            "dyad": np.repeat(np.arange(n_dyads), 2),
            "person": np.tile([1, 2], n_dyads),
            "x": x.ravel(),
            "y": y.ravel(),
        }
    )
    return pairwise_from_long(people, dyad="dyad", person="person", columns=["x", "y"])


def test_it_allows_a_negative_within_dyad_correlation() -> None:
    pairs = _simulated_pairs(rho=-0.5)
    result = apim(pairs, dyad="dyad", outcome="y_A", actor="x_A", partner="x_P")
    rho = _row(result, "rho")
    assert rho["estimate"] < -0.3
    assert rho["ci_low"] < -0.5 < rho["ci_high"]


def test_its_estimate_is_the_reml_optimum() -> None:
    pairs = _simulated_pairs(rho=-0.2, n_dyads=120, seed=3)
    result = apim(pairs, dyad="dyad", outcome="y_A", actor="x_A", partner="x_P")
    # Recompute the REML criterion with dense matrices around the estimate.
    y = pairs["y_A"].to_numpy()
    x = np.column_stack([np.ones(len(pairs)), pairs["x_A"], pairs["x_P"]])

    def criterion(rho: float) -> float:
        block = np.array([[1.0, rho], [rho, 1.0]])
        v0 = np.kron(np.eye(len(pairs) // 2), block)
        inverse = np.linalg.inv(v0)
        a = x.T @ inverse @ x
        beta = np.linalg.solve(a, x.T @ inverse @ y)
        r = y - x @ beta
        dof = len(y) - 3
        return float(
            dof * np.log(r @ inverse @ r / dof) + np.linalg.slogdet(v0)[1] + np.linalg.slogdet(a)[1]
        )

    best = _row(result, "rho")["estimate"]
    assert criterion(best) < criterion(best - 0.01)
    assert criterion(best) < criterion(best + 0.01)


def test_balanced_distinguishable_dyads_have_the_closed_form_solution() -> None:
    # With every dyad complete, the two-intercept model is a seemingly unrelated
    # regression with identical regressors: OLS per role, Sigma = E'E / (n - 3).
    pairs = _simulated_pairs(rho=0.4, seed=5)
    pairs["role"] = np.where(np.arange(len(pairs)) % 2 == 0, "first", "second")
    result = apim(
        pairs, dyad="dyad", outcome="y_A", actor="x_A", partner="x_P", distinguish_by="role"
    )
    residuals = []
    for role in ("first", "second"):
        part = pairs[pairs["role"] == role]
        x = np.column_stack([np.ones(len(part)), part["x_A"], part["x_P"]])
        beta, *_ = np.linalg.lstsq(x, part["y_A"].to_numpy(), rcond=None)
        residuals.append(part["y_A"].to_numpy() - x @ beta)
        ours = [_row(result, t, role)["estimate"] for t in ("intercept", "actor", "partner")]
        np.testing.assert_allclose(ours, beta, atol=1e-8)
    e = np.column_stack(residuals)
    sigma = e.T @ e / (len(e) - 3)
    assert _row(result, "rho")["estimate"] == pytest.approx(
        sigma[0, 1] / np.sqrt(sigma[0, 0] * sigma[1, 1]), abs=1e-6
    )
    assert _row(result, "sigma", "second")["estimate"] == pytest.approx(
        np.sqrt(sigma[1, 1]), abs=1e-6
    )


def test_it_uses_dyads_with_one_member_left() -> None:
    pairs = _simulated_pairs(rho=0.3, seed=8)
    pairs.loc[[0, 5, 9], "y_A"] = np.nan
    result = apim(pairs, dyad="dyad", outcome="y_A", actor="x_A", partner="x_P")
    assert result.attrs["n_obs"] == len(pairs) - 3
    assert result.attrs["n_dyads"] == len(pairs) // 2


def test_the_profiled_criterion_handles_lone_members_of_either_role() -> None:
    w = np.eye(3)
    dyads = _Dyads(
        w11=w,
        w22=w,
        w12=np.zeros((3, 3)),
        single=(w, 2 * w),
        n_complete=5,
        n_single=(1, 2),
        p=2,
    )
    value, beta, _, prss = _profile(dyads, 0.1, 0.2)
    assert np.isfinite(value) and prss > 0 and beta.shape == (2,)


def test_it_names_a_dyad_with_more_than_two_members(married: pd.DataFrame) -> None:
    crowded = pd.concat([married, married.iloc[[0]]], ignore_index=True)
    with pytest.raises(ValueError, match="dyad 3 has 3 rows"):
        apim(crowded, **OPTIONS)


def test_it_names_a_missing_column(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="missing column 'OtherPos_X'"):
        apim(married, **{**OPTIONS, "partner": "OtherPos_X"})


def test_it_names_a_non_numeric_column(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="column 'Gender_A' must be numeric"):
        apim(married, **{**OPTIONS, "actor": "Gender_A"})


def test_it_refuses_a_role_column_with_three_values(married: pd.DataFrame) -> None:
    changed = married.copy()
    changed["Gender_A"] = changed["Gender_A"].where(changed.index != 0, "Spouse")
    with pytest.raises(ValueError, match="'Gender_A' must have exactly two values"):
        apim(changed, **OPTIONS, distinguish_by="Gender_A")


def test_it_refuses_two_members_with_the_same_role(married: pd.DataFrame) -> None:
    changed = married.copy()
    changed["Gender_A"] = changed["Gender_A"].where(changed.index != 1, married["Gender_A"].iloc[0])
    with pytest.raises(ValueError, match="both members of dyad 3 have the same 'Gender_A'"):
        apim(changed, **OPTIONS, distinguish_by="Gender_A")


def test_it_refuses_data_that_are_not_pairwise(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="not in pairwise form"):
        apim(married, **{**OPTIONS, "partner": "SelfPos_P"})


def test_it_refuses_a_bad_confidence_level(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="ci must be between 0 and 1"):
        apim(married, **OPTIONS, ci=95)


def test_it_needs_several_complete_dyads() -> None:
    pairs = _simulated_pairs(rho=0.0, n_dyads=2)
    with pytest.raises(ValueError, match="only 2 dyads have both members"):
        apim(pairs, dyad="dyad", outcome="y_A", actor="x_A", partner="x_P")
