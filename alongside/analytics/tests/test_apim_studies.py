"""The APIM for real studies: covariates and moderators, the tests of non-independence
and distinguishability, bootstrap intervals for k, and power by simulation."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from alongside.analytics import apim, apim_power, apim_tests
from alongside.analytics.cli import analyze

OPTIONS: dict[str, Any] = {
    "dyad": "CoupleID",
    "outcome": "Satisfaction_A",
    "actor": "OtherPos_A",
    "partner": "OtherPos_P",
}

# R 4.2.2, nlme 3.1-162, on married_couples_pairwise.csv (bench/r_models.R, task apim):
#   gls(Satisfaction_A ~ OtherPos_A + OtherPos_P + Yearsmar + SimHob_A
#       + OtherPos_A:SimHob_A + OtherPos_P:SimHob_A, data = d,
#       correlation = corCompSymm(form = ~1 | CoupleID))
# summary(m)$tTable; coef(m$modelStruct$corStruct, unconstrained = FALSE); m$sigma
NLME_MODERATED = {
    # term: (Value, Std.Error)
    "intercept": (0.730170610244409, 0.318667969233654),
    "actor": (0.390076103625772, 0.0473239182884091),
    "partner": (0.284024654185166, 0.0471619780763151),
    "Yearsmar": (-0.00485938934268799, 0.00374865676099497),
    "SimHob_A": (0.732407134021358, 0.426303834284099),
    "actor:SimHob_A": (-0.0822232222530777, 0.068313693312397),
    "partner:SimHob_A": (-0.0642575696858072, 0.0748841852789875),
}
NLME_MODERATED_RHO = 0.426653515011225
NLME_MODERATED_SIGMA = 0.405942763190635
NLME_MODERATED_MINUS_2_LOGLIK = 304.566716913131

# The same terms per role (Gender_A), with weights = varIdent(form = ~1 | Gender_A):
#   gls(Satisfaction_A ~ Gender_A + Gender_A:OtherPos_A + Gender_A:OtherPos_P
#       + Gender_A:Yearsmar + Gender_A:SimHob_A + Gender_A:OtherPos_A:SimHob_A
#       + Gender_A:OtherPos_P:SimHob_A - 1, ...)
NLME_MODERATED_BY_ROLE = {
    ("intercept", "Husband"): (0.80180237286514, 0.35881247825757),
    ("intercept", "Wife"): (0.52687341022062, 0.42817222543483),
    ("actor", "Husband"): (0.410723888361201, 0.0692867882876833),
    ("actor", "Wife"): (0.352830776947995, 0.0749349796280085),
    ("partner", "Husband"): (0.251483428038627, 0.0613795986396372),
    ("partner", "Wife"): (0.359109106638354, 0.0825179663408988),
    ("Yearsmar", "Husband"): (-0.00594215593844858, 0.00407768342587579),
    ("Yearsmar", "Wife"): (-0.00337294483755824, 0.00479556892785012),
    ("SimHob_A", "Husband"): (0.635324410853828, 0.509742204475858),
    ("SimHob_A", "Wife"): (1.40876615376603, 0.689728962063342),
    ("actor:SimHob_A", "Husband"): (-0.101123075518565, 0.0850568926958853),
    ("actor:SimHob_A", "Wife"): (-0.0905486812904915, 0.118429570307419),
    ("partner:SimHob_A", "Husband"): (-0.0321758232819023, 0.0896257319316137),
    ("partner:SimHob_A", "Wife"): (-0.190522326232619, 0.13329745535053),
}
NLME_MODERATED_BY_ROLE_RHO = 0.440128153989298
NLME_MODERATED_BY_ROLE_SIGMA_WIFE = 0.437255160836229

# bench/r_models.R, task apim_tests (R 4.2.2, nlme 3.1-162), Satisfaction from OtherPos:
#   anova(gls(..., method = "ML"), gls(two-intercept, varIdent(~1 | Gender_A), "ML"))
#   anova(gls(..., correlation = NULL), gls(..., corCompSymm(~1 | CoupleID)))  (REML)
NLME_DISTINGUISHABILITY = (7.27705278004601, 4, 0.121951767280059)  # L.Ratio, df, p
NLME_NONINDEPENDENCE = (36.4919431735746, 1, 1.53298594480634e-09)
NLME_NONINDEPENDENCE_BY_ROLE = (37.0958169978708, 1, 1.1246472105289e-09)


def _row(result: pd.DataFrame, term: str, role: str | None = None) -> pd.Series:
    rows = result[result["term"] == term]
    if role is not None:
        rows = rows[rows["role"] == role]
    assert len(rows) == 1
    return rows.iloc[0]


def test_covariates_and_a_moderator_equal_nlme(married: pd.DataFrame) -> None:
    fit = apim(married, **OPTIONS, covariates=["Yearsmar"], moderator="SimHob_A")
    for term, (value, se) in NLME_MODERATED.items():
        row = _row(fit, term)
        assert row["estimate"] == pytest.approx(value, abs=1e-6)
        assert row["std_error"] == pytest.approx(se, abs=1e-6)
    assert _row(fit, "rho")["estimate"] == pytest.approx(NLME_MODERATED_RHO, abs=1e-6)
    assert _row(fit, "sigma")["estimate"] == pytest.approx(NLME_MODERATED_SIGMA, abs=1e-6)
    assert -2 * fit.attrs["log_likelihood"] == pytest.approx(
        NLME_MODERATED_MINUS_2_LOGLIK, abs=1e-5
    )


def test_covariates_and_a_moderator_per_role_equal_nlme(married: pd.DataFrame) -> None:
    fit = apim(
        married, **OPTIONS, distinguish_by="Gender_A", covariates=["Yearsmar"], moderator="SimHob_A"
    )
    for (term, role), (value, se) in NLME_MODERATED_BY_ROLE.items():
        row = _row(fit, term, role)
        assert row["estimate"] == pytest.approx(value, abs=1e-6)
        assert row["std_error"] == pytest.approx(se, abs=1e-6)
    assert _row(fit, "rho")["estimate"] == pytest.approx(NLME_MODERATED_BY_ROLE_RHO, abs=1e-6)
    sigma = _row(fit, "sigma", "Wife")["estimate"]
    assert sigma == pytest.approx(NLME_MODERATED_BY_ROLE_SIGMA_WIFE, abs=1e-6)


def test_the_tests_of_distinguishability_and_non_independence_equal_nlme(
    married: pd.DataFrame,
) -> None:
    tests = apim_tests(married, **OPTIONS, distinguish_by="Gender_A").set_index("test")
    for name, expected in (
        ("distinguishability", NLME_DISTINGUISHABILITY),
        ("nonindependence", NLME_NONINDEPENDENCE_BY_ROLE),
    ):
        statistic, df, p = expected
        assert tests.loc[name, "statistic"] == pytest.approx(statistic, abs=1e-5)
        assert tests.loc[name, "df"] == df
        assert tests.loc[name, "p_value"] == pytest.approx(p, rel=1e-4)
    alone = apim_tests(married, **OPTIONS).set_index("test")
    assert list(alone.index) == ["nonindependence"]
    assert alone.loc["nonindependence", "statistic"] == pytest.approx(
        NLME_NONINDEPENDENCE[0], abs=1e-5
    )
    # The partial intraclass correlation is the model's rho.
    assert alone.loc["nonindependence", "estimate"] == pytest.approx(0.469341362628, abs=1e-6)


def test_the_bootstrap_interval_for_k_is_seedable_and_reports_its_resamples(
    married: pd.DataFrame,
) -> None:
    first = apim(married, **OPTIONS, bootstrap=300, random_state=7)
    again = apim(married, **OPTIONS, bootstrap=300, random_state=7)
    k = _row(first, "k")
    assert k["interval"] == "percentile bootstrap (300 resamples of dyads)"
    assert first.attrs["bootstrap_resamples"] == 300
    assert (k["ci_low"], k["ci_high"]) == (_row(again, "k")["ci_low"], _row(again, "k")["ci_high"])
    # The point estimate is the full-sample ratio; the interval brackets it.
    assert k["estimate"] == pytest.approx(0.287970496749 / 0.400423148264, abs=1e-8)
    assert k["ci_low"] < k["estimate"] < k["ci_high"]
    assert _row(apim(married, **OPTIONS), "k")["interval"] == "delta method"


def test_the_bootstrap_needs_enough_resamples(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="at least 200"):
        apim(married, **OPTIONS, bootstrap=20)


def test_a_covariate_used_twice_is_named(married: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="'OtherPos_A' is used"):
        apim(married, **OPTIONS, covariates=["OtherPos_A"])


def test_power_is_reproducible_and_its_type_i_error_is_near_alpha() -> None:
    settings: dict[str, Any] = {"dyads": (40,), "simulations": 400, "random_state": 11}
    first = apim_power(**settings)
    assert first.equals(apim_power(**settings))
    assert list(first.columns) == [
        "dyads", "effect", "value", "power", "power_mc_se", "type_i_error"
    ]  # fmt: skip
    # 400 null studies: the Monte Carlo SE of a 5% rate is 1.1 points.
    assert np.all(np.abs(first["type_i_error"] - 0.05) < 0.035)
    actor = first[first["effect"] == "actor"].iloc[0]
    assert 0.6 < actor["power"] < 0.95  # actor 0.3 with 40 dyads (80 people)


def test_power_rises_with_the_number_of_dyads() -> None:
    result = apim_power(dyads=(20, 80), simulations=150, random_state=3)
    actor = result[result["effect"] == "actor"]["power"].to_numpy()
    assert actor[1] > actor[0]


def test_the_command_line_runs_the_new_analyses(married_path: Path) -> None:
    runner = CliRunner()
    base = ["--data", str(married_path), "--dyad", "CoupleID", "--outcome", "Satisfaction_A",
            "--actor", "OtherPos_A", "--partner", "OtherPos_P"]  # fmt: skip
    tests = runner.invoke(analyze, ["apim-tests", *base, "--distinguish-by", "Gender_A"])
    assert tests.exit_code == 0, tests.output
    assert "distinguishability" in tests.output
    moderated = runner.invoke(
        analyze, ["apim", *base, "--covariate", "Yearsmar", "--moderator", "SimHob_A"]
    )
    assert moderated.exit_code == 0
    assert "actor:SimHob_A" in moderated.output
    missing = runner.invoke(analyze, ["apim", *base, "--moderator", "Nope"])
    assert missing.exit_code == 1
    assert "missing column 'Nope'" in missing.output
    few = runner.invoke(analyze, ["apim", *base, "--bootstrap", "5"])
    assert few.exit_code == 2
    assert "--bootstrap" in few.output
    power = runner.invoke(analyze, ["apim-power", "--dyads", "25,x"])
    assert power.exit_code == 2
    assert "--dyads" in power.output
    power = runner.invoke(analyze, ["apim-power", "--dyads", "20", "--simulations", "20"])
    assert power.exit_code == 0
    assert power.output.startswith("dyads,effect,value,power,power_mc_se,type_i_error")
