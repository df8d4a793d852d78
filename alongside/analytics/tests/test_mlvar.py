"""The multilevel VAR networks (mlvar) against lme4 (R), by simulation, and its refusals."""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from alongside.analytics import mlvar
from alongside.analytics.cli import analyze

# R 4.2.2, lme4 1.1-31, on couples_daily_diary.csv with nodes M_Anx., W_Anx.:
#   Rscript bench/r_models.R mlvar diary.csv out.csv dyad=ID time=DIARYDAY \
#       nodes=M_Anx.,W_Anx.
# i.e. per node j, lmer(n_j ~ 1 + l1 + l2 + m_other + (1 + l1 + l2 || couple),
# REML = TRUE, bobyqa rhoend = 1e-12) on the 2649 consecutive days, the networks
# computed from fixef, VarCorr, sigma and residuals as mlvar documents.
# (network, from, to): (estimate, standard error or NaN)
LME4 = {
    ("intercept", "M_Anx.", "M_Anx."): (0.276707473, 0.06847457598),
    ("intercept_sd", "M_Anx.", "M_Anx."): (0.4081666177, np.nan),
    ("residual_sd", "M_Anx.", "M_Anx."): (0.4532139521, np.nan),
    ("temporal", "M_Anx.", "M_Anx."): (0.1898327086, 0.03023077224),
    ("temporal_sd", "M_Anx.", "M_Anx."): (0.1754095337, np.nan),
    ("temporal", "W_Anx.", "M_Anx."): (0.04201794074, 0.01929382952),
    ("temporal_sd", "W_Anx.", "M_Anx."): (0.08019746085, np.nan),
    ("between_effect", "W_Anx.", "M_Anx."): (0.24055481, 0.08983722507),
    ("intercept", "W_Anx.", "W_Anx."): (0.4020718972, 0.07929308813),
    ("intercept_sd", "W_Anx.", "W_Anx."): (0.4974812068, np.nan),
    ("residual_sd", "W_Anx.", "W_Anx."): (0.548065189, np.nan),
    ("temporal", "M_Anx.", "W_Anx."): (0.07876816627, 0.02468550477),
    ("temporal_sd", "M_Anx.", "W_Anx."): (0.06527474647, np.nan),
    ("temporal", "W_Anx.", "W_Anx."): (0.1575986595, 0.02749250544),
    ("temporal_sd", "W_Anx.", "W_Anx."): (0.1521605606, np.nan),
    ("between_effect", "M_Anx.", "W_Anx."): (0.3583454333, 0.1322733989),
    ("contemporaneous", "M_Anx.", "W_Anx."): (0.113388411, np.nan),
    ("between", "M_Anx.", "W_Anx."): (0.2936015748, np.nan),
}

# Known network of three nodes for the simulation: B[j, k] is the effect of node k at
# t - 1 on node j at t.
TRUE_TEMPORAL = np.array([[0.4, 0.2, 0.0], [0.0, 0.3, -0.2], [0.15, 0.0, 0.25]])
TRUE_CONTEMPORANEOUS = 0.4  # partial correlation of nodes x and y; the others 0


def simulate(
    n_couples: int = 60, n_days: int = 80, slope_sd: float = 0.05, seed: int = 11
) -> pd.DataFrame:
    """Couples following a VAR(1) with random intercepts and slopes around TRUE_TEMPORAL."""
    rng = np.random.default_rng(seed)
    precision = np.eye(3)
    precision[0, 1] = precision[1, 0] = -TRUE_CONTEMPORANEOUS
    residual_cov = np.linalg.inv(precision)
    rows = []
    for couple in range(n_couples):
        means = rng.normal(2.0, 0.6, size=3)
        slopes = TRUE_TEMPORAL + rng.normal(0.0, slope_sd, size=(3, 3))
        y = means.copy()
        errors = rng.multivariate_normal(np.zeros(3), residual_cov, size=n_days + 20)
        for day in range(-20, n_days):  # 20 days of burn-in
            y = means + slopes @ (y - means) + errors[day + 20]
            if day >= 0:
                rows.append((couple, day, *y))
    return pd.DataFrame(rows, columns=["couple", "day", "x", "y", "z"])


def _cells(nets: pd.DataFrame, column: str = "estimate") -> dict[tuple[str, str, str], float]:
    """One column of the result by (network, from, to)."""
    keys = zip(nets["network"], nets["from"], nets["to"], strict=True)
    return dict(zip(keys, nets[column].astype(float).tolist(), strict=True))


def _quiet(*args: object, **kwargs: object) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return mlvar(*args, **kwargs)  # type: ignore[arg-type]


def test_it_equals_lme4_on_the_couples_diary(diary: pd.DataFrame) -> None:
    nets = mlvar(diary, dyad="ID", time="DIARYDAY", nodes=["M_Anx.", "W_Anx."])
    estimates, errors = _cells(nets), _cells(nets, "std_error")
    assert len(nets) == len(LME4)
    for key, (estimate, std_error) in LME4.items():
        assert estimates[key] == pytest.approx(estimate, abs=1e-6), key
        if np.isfinite(std_error):
            assert errors[key] == pytest.approx(std_error, abs=1e-6), key
        else:
            assert np.isnan(errors[key]), key
    assert nets.attrs["n_obs"] == 2649
    assert nets.attrs["n_couples"] == 80
    assert nets.attrs["warnings"] == ()
    assert set(nets["warnings"]) == {""}


def test_it_flags_the_singular_fit_lme4_flags(diary: pd.DataFrame) -> None:
    # The same R call with nodes=M_Anx.,W_Anx.,M_Sad.,W_Sad.: isSingular(m, tol = 1e-4)
    # is TRUE for W_Sad.'s model only (the random slope of M_Anx.'s lag has SD 0).
    with pytest.warns(RuntimeWarning, match="W_Sad"):
        nets = mlvar(
            diary, dyad="ID", time="DIARYDAY", nodes=["M_Anx.", "W_Anx.", "M_Sad.", "W_Sad."]
        )
    (message,) = nets.attrs["warnings"]
    assert "model for 'W_Sad.': boundary (singular) fit: sd(M_Anx. lag) is 0" in message
    flagged = nets[nets["warnings"] != ""]
    assert set(flagged.loc[flagged["network"] == "temporal", "to"]) == {"W_Sad."}
    clean = nets[(nets["network"] == "temporal") & (nets["to"] == "M_Anx.")]
    assert set(clean["warnings"]) == {""}
    assert _cells(nets)[("temporal_sd", "M_Anx.", "W_Sad.")] < 1e-4


def test_it_recovers_a_known_temporal_network() -> None:
    data = simulate()
    # A true slope SD of 0.05 is small enough for some fits to end on the boundary (SD 0).
    nets = _quiet(data, dyad="couple", time="day", nodes=["x", "y", "z"])
    estimates, p_values = _cells(nets), _cells(nets, "p_value")
    names = ["x", "y", "z"]
    for j, to in enumerate(names):
        for k, source in enumerate(names):
            estimate = estimates[("temporal", source, to)]
            truth = TRUE_TEMPORAL[j, k]
            # Within-couple centring biases an autoregression by about -(1 + phi) / T
            # (Nickell, 1981): 0.02 at 80 days; the rest is sampling error.
            assert abs(estimate - truth) < 0.05, (source, to, estimate)
            if truth != 0:
                assert p_values[("temporal", source, to)] < 1e-3
                assert np.sign(estimate) == np.sign(truth)
    assert estimates[("contemporaneous", "x", "y")] == pytest.approx(0.4, abs=0.05)
    assert abs(estimates[("contemporaneous", "x", "z")]) < 0.05
    assert abs(estimates[("contemporaneous", "y", "z")]) < 0.05
    spread = nets.loc[nets["network"] == "temporal_sd", "estimate"]
    assert spread.median() == pytest.approx(0.05, abs=0.03)


def test_a_skipped_day_breaks_the_lag() -> None:
    data = simulate(n_couples=10, n_days=20)
    full = _quiet(data, dyad="couple", time="day", nodes=["x", "y"])
    gap = _quiet(data[~((data["couple"] == 3) & (data["day"] == 9))], dyad="couple",
                 time="day", nodes=["x", "y"])  # fmt: skip
    # Day 9 loses its own pair (8, 9), and day 10 its pair (9, 10).
    assert full.attrs["n_obs"] == 10 * 19
    assert gap.attrs["n_obs"] == 10 * 19 - 2


def test_it_refuses_too_few_couples() -> None:
    data = simulate(n_couples=3, n_days=20)
    with pytest.raises(ValueError, match=r"too few couples: 3 .* at least 4"):
        mlvar(data, dyad="couple", time="day", nodes=["x", "y"])


def test_it_refuses_too_few_days_for_the_random_effects() -> None:
    data = simulate(n_couples=20, n_days=3)  # two pairs per couple, three random effects
    with pytest.raises(ValueError, match=r"too few consecutive occasions: 40 .* 60 random"):
        mlvar(data, dyad="couple", time="day", nodes=["x", "y"])


def test_it_refuses_a_constant_node() -> None:
    data = simulate(n_couples=10, n_days=20).assign(y=3.0)
    with pytest.raises(ValueError, match=r"column .y. has the same value \(3\) in every row"):
        mlvar(data, dyad="couple", time="day", nodes=["x", "y"])


def test_it_refuses_a_node_that_never_varies_within_a_couple() -> None:
    data = simulate(n_couples=10, n_days=20)
    data["y"] = data["couple"] * 0.5
    with pytest.raises(ValueError, match="column 'y' never varies within a couple"):
        mlvar(data, dyad="couple", time="day", nodes=["x", "y"])


def test_it_refuses_a_single_node_and_a_repeated_one() -> None:
    data = simulate(n_couples=10, n_days=20)
    with pytest.raises(ValueError, match="at least two nodes, not 1"):
        mlvar(data, dyad="couple", time="day", nodes=["x"])
    with pytest.raises(ValueError, match="used for two different roles"):
        mlvar(data, dyad="couple", time="day", nodes=["x", "x"])


def test_the_command_line_prints_the_networks_and_says_what_is_wrong(tmp_path: Path) -> None:
    path = tmp_path / "diary.csv"
    simulate(n_couples=12, n_days=30).to_csv(path, index=False)
    common = ["mlvar", "--data", str(path), "--dyad", "couple", "--time", "day"]
    result = CliRunner().invoke(analyze, [*common, "--node", "x", "--node", "y"])
    assert result.exit_code == 0, result.output
    table = pd.read_csv(io.StringIO(result.stdout))
    assert list(table.columns[:4]) == ["network", "from", "to", "estimate"]
    assert set(table["network"]) >= {"temporal", "temporal_sd", "contemporaneous", "between"}
    assert "warnings" in table.columns
    result = CliRunner().invoke(
        analyze, [*common, "--node", "x", "--node", "y", "--format", "json"]
    )
    records = json.loads(result.stdout)
    assert all(isinstance(r["warnings"], list) for r in records)
    path.write_text(simulate(n_couples=12, n_days=30).assign(y=1.0).to_csv(index=False))
    result = CliRunner().invoke(analyze, [*common, "--node", "x", "--node", "y"])
    assert result.exit_code == 1
    assert "Error: column 'y' has the same value (1) in every row used" in result.output
    assert "Traceback" not in result.output
    result = CliRunner().invoke(
        analyze, [*common, "--node", "x", "--node", "y", "--range", "x=0:1"]
    )
    assert result.exit_code == 1
    assert "Error: column 'x' has" in result.output
    assert "outside its declared range 0 to 1" in result.output
    assert "Traceback" not in result.output


def test_the_command_line_puts_each_fits_warning_on_its_own_rows(diary_path: Path) -> None:
    nodes = ["--node", "M_Anx.", "--node", "W_Anx.", "--node", "M_Sad.", "--node", "W_Sad."]
    result = CliRunner().invoke(
        analyze,
        ["mlvar", "--data", str(diary_path), "--dyad", "ID", "--time", "DIARYDAY", *nodes,
         "--format", "json"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Warning: model for 'W_Sad.': boundary (singular) fit" in result.stderr
    records = json.loads(result.stdout)
    flagged = {(r["network"], r["from"], r["to"]) for r in records if r["warnings"]}
    assert ("temporal", "M_Anx.", "W_Sad.") in flagged
    assert ("temporal", "M_Anx.", "M_Anx.") not in flagged
    assert ("contemporaneous", "M_Sad.", "W_Sad.") in flagged  # W_Sad.'s residuals
    (message,) = next(r["warnings"] for r in records if r["to"] == "W_Sad.")
    assert message.startswith("model for 'W_Sad.': boundary (singular) fit: sd(M_Anx. lag) is 0")
