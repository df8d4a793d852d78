"""Fits that tell the truth about themselves (issue 15, point 6).

Each case that used to give numbers that look like results and are not is now refused
with a message, or flagged in ``attrs["warnings"]``; a clean fit has no warnings.
"""

from __future__ import annotations

import io
import json
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from alongside.analytics import (
    apim,
    lagged_apim,
    networks,
    networks_from_arrays,
    simulate_diary,
    synchrony,
)
from alongside.analytics._lmm import MixedFit, fit_warnings, singular_terms
from alongside.analytics.cli import analyze

# Any: unpacked into keyword options of several types, which mypy cannot follow.
DIARY: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}
PAIRS: dict[str, Any] = {
    "dyad": "couple",
    "outcome": "happy",
    "actor": "warmth_A",
    "partner": "warmth_P",
}


def _pairwise(n_dyads: int = 40, *, seed: int = 1, mirrored: bool = False) -> pd.DataFrame:
    """Pairwise APIM data; ``mirrored``: the members' residuals are e and -e exactly."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n_dyads, 2))
    e = rng.normal(size=(n_dyads, 2))
    if mirrored:
        e[:, 1] = -e[:, 0]
    rows = []
    for i in range(n_dyads):
        for me, them in ((0, 1), (1, 0)):
            happy = 1.0 + 0.5 * x[i, me] + 0.2 * x[i, them] + e[i, me]
            rows.append({"couple": i, "warmth_A": x[i, me], "warmth_P": x[i, them], "happy": happy})
    return pd.DataFrame(rows)


def _diary(n_days: int) -> pd.DataFrame:
    # The data of the R check below: 40 couples, their first n_days days.
    data = simulate_diary(n_couples=40, n_days=20, intercept_sd=0.5, random_state=3)
    return data[data["day"] < n_days].reset_index(drop=True)


def _quiet_lagged(data: pd.DataFrame, **options: Any) -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return lagged_apim(data, **DIARY, **options)


def _cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(analyze, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def diary_csv(tmp_path: Path) -> Path:
    path = tmp_path / "diary.csv"
    _diary(20).to_csv(path, index=False)
    return path


CLI_DIARY = ["--dyad", "dyad", "--time", "day", "--a", "a", "--b", "b"]


# A clean fit


def test_a_clean_fit_has_no_warnings() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)  # and issues none
        assert apim(_pairwise(), **PAIRS).attrs["warnings"] == ()
        # lme4 on these data: isSingular() is FALSE, theta's diagonal 0.5958, 0.3412.
        assert lagged_apim(_diary(20), **DIARY).attrs["warnings"] == ()
    assert networks(_diary(20), **DIARY).attrs["warnings"] == ()
    assert synchrony(_diary(20), **DIARY).attrs["warnings"] == ()


def test_a_clean_fit_on_the_command_line_prints_no_warning(diary_csv: Path) -> None:
    code, stdout, stderr = _cli("lagged-apim", "--data", str(diary_csv), *CLI_DIARY)
    assert code == 0, stderr
    assert stderr == ""
    table = pd.read_csv(io.StringIO(stdout), keep_default_na=False)
    assert list(table.columns)[:3] == ["term", "effect", "estimate"]
    assert set(table["warnings"]) == {""}


# Unidentified models


def test_one_pair_of_days_per_couple_is_refused_as_unidentified() -> None:
    # lme4 on the same data: "number of observations (=80) <= number of random effects
    # (=80) for term (0 + role | couple); the random-effects parameters and the residual
    # variance (or scale parameter) are probably unidentifiable".
    with pytest.raises(ValueError, match="not identified") as raised:
        lagged_apim(_diary(2), **DIARY)
    assert str(raised.value) == (
        "the model is not identified: 80 partner-days have a previous day, but there are "
        "80 random effects (2 per couple, 40 couples); each couple needs more than one "
        "pair of consecutive days on average"
    )


def test_random_slopes_on_two_pairs_per_couple_are_refused_as_unidentified() -> None:
    # lme4: "number of observations (=160) <= number of random effects (=160) for term
    # (0 + role + actor_lag + partner_lag | couple)".
    with pytest.raises(ValueError, match=r"160 random effects \(4 per couple, 40 couples\)"):
        lagged_apim(_diary(3), **DIARY, random_slopes=True)
    with pytest.raises(ValueError, match=r"\(or fit without random slopes\)"):
        lagged_apim(_diary(3), **DIARY, random_slopes=True)


# Singular (boundary) fits


def test_a_singular_lagged_fit_is_flagged_as_lme4_flags_it() -> None:
    # lme4 on the same data (first 3 days): "boundary (singular) fit", isSingular() TRUE,
    # theta's diagonal 0.2511, 0: the two partners' intercepts correlate +1.
    with pytest.warns(RuntimeWarning, match="boundary"):
        fit = lagged_apim(_diary(3), **DIARY)
    assert fit.attrs["converged"]  # converged, and still not to be trusted
    assert fit.attrs["warnings"] == (
        "boundary (singular) fit: cor(intercept_a, intercept_b) is +1.00; the data do not "
        "support this many random effects, so read the standard errors with caution",
    )


def test_a_random_slope_with_no_variance_is_flagged() -> None:
    # lme4 on the full 20 days with random slopes: isSingular() TRUE (theta's last
    # diagonal element 8.5e-05 < 1e-4); the simulation has no random slopes.
    fit = _quiet_lagged(_diary(20), random_slopes=True)
    (message,) = fit.attrs["warnings"]
    assert message.startswith("boundary (singular) fit: ")
    assert "(try without random slopes)" in message


def _fit_with_factor(lam: np.ndarray, *, converged: bool = True) -> MixedFit:
    return MixedFit(
        beta=np.zeros(6),
        vcov=np.eye(6),
        sigma=1.0,
        lam=lam,
        deviance=0.0,
        reml=True,
        converged=converged,
        iterations=2000,
    )


def test_singular_means_a_cholesky_diagonal_below_lme4s_tolerance() -> None:
    names = ("intercept_a", "intercept_b")
    # lme4::isSingular(tol = 1e-4): any diagonal element of the relative factor < 1e-4.
    assert singular_terms(_fit_with_factor(np.diag([0.5, 2e-4])), names) == []
    assert singular_terms(_fit_with_factor(np.diag([0.5, 5e-5])), names) == ["sd(intercept_b) is 0"]
    correlated = np.array([[0.5, 0.0], [-0.3, 5e-5]])
    assert singular_terms(_fit_with_factor(correlated), names) == [
        "cor(intercept_a, intercept_b) is -1.00"
    ]


def test_a_fit_that_did_not_converge_says_so() -> None:
    unfinished = _fit_with_factor(np.diag([0.5, 0.4]), converged=False)
    assert fit_warnings(unfinished, ("intercept_a", "intercept_b")) == [
        "the fit did not converge (after 2000 iterations): the estimates may not be the "
        "maximum of the likelihood"
    ]
    assert fit_warnings(_fit_with_factor(np.diag([0.5, 0.4])), ("a", "b")) == []


def test_an_apim_with_rho_at_its_bound_is_flagged() -> None:
    with pytest.warns(RuntimeWarning, match="boundary fit"):
        fit = apim(_pairwise(mirrored=True), **PAIRS)
    boundary, curvature = fit.attrs["warnings"]
    assert boundary.startswith("boundary fit: the within-dyad correlation rho is at its limit")
    assert "(-0.99999)" in boundary
    assert curvature == (
        "the likelihood is flat or not at a maximum around rho: the interval needs its "
        "curvature and is missing"
    )


def test_the_command_line_prints_a_singular_fit_and_keeps_it_with_the_numbers(
    tmp_path: Path,
) -> None:
    path = tmp_path / "short.csv"
    _diary(3).to_csv(path, index=False)
    code, stdout, stderr = _cli("lagged-apim", "--data", str(path), *CLI_DIARY)
    assert code == 0, stderr
    assert stderr.startswith("Warning: boundary (singular) fit: cor(intercept_a, intercept_b)")
    assert "RuntimeWarning" not in stderr  # once, without Python's file and line
    table = pd.read_csv(io.StringIO(stdout))
    assert table["warnings"].str.startswith("boundary (singular) fit").all()
    code, stdout, _ = _cli("lagged-apim", "--data", str(path), *CLI_DIARY, "--format", "json")
    records = json.loads(stdout)
    assert all(r["warnings"][0].startswith("boundary (singular) fit") for r in records)


# A constant outcome


def test_a_constant_outcome_is_refused() -> None:
    # Before: p = 0 for every term and rho = -0.99998.
    with pytest.raises(ValueError) as raised:
        apim(_pairwise().assign(happy=3.0), **PAIRS)
    assert str(raised.value) == (
        "column 'happy' has the same value (3) in every row used; a constant outcome has "
        "no variance to model"
    )
    with pytest.raises(ValueError, match="column 'a' has the same value"):
        lagged_apim(_diary(20).assign(a=2.0), **DIARY)


def test_an_outcome_the_predictors_reproduce_exactly_is_refused() -> None:
    data = _pairwise()
    data["happy"] = 2.0 * data["warmth_A"] - data["warmth_P"]
    with pytest.raises(ValueError, match="'happy' is an exact linear function of 'warmth_A'"):
        apim(data, **PAIRS)


def test_one_roles_constant_or_exactly_predicted_outcome_is_refused() -> None:
    # Before: sigma 0 and standard errors 0 for that role, p = 0, and no warning.
    data = _pairwise().assign(role=lambda d: np.where(d.index % 2 == 0, "carer", "patient"))
    carer = data["role"] == "carer"
    with pytest.raises(ValueError) as raised:
        apim(data.assign(happy=data["happy"].where(~carer, 3.0)), **PAIRS, distinguish_by="role")
    assert str(raised.value) == (
        "column 'happy' has the same value (3) in every row used with role = 'carer'; a "
        "constant outcome has no variance to model"
    )
    exact = data["happy"].where(~carer, 1.0 + data["warmth_A"] - 0.5 * data["warmth_P"])
    with pytest.raises(ValueError, match=r"exact linear function .* for role = 'carer'"):
        apim(data.assign(happy=exact), **PAIRS, distinguish_by="role")


def test_a_constant_partner_in_networks_is_not_estimated_and_counted() -> None:
    # Per couple, a partner who never changes is already a "not estimated" row with its
    # reason (the couple pages rely on it); the warning counts those couples.
    data = _diary(20)
    data.loc[data["dyad"] == 1, "a"] = 4.0
    result = networks(data, **DIARY)
    assert set(result.loc[result["dyad"] == 1, "reason"]) == {"partner a's scores do not vary"}
    assert result.attrs["warnings"] == (
        "1 of 40 couples were not estimated; their rows say why (status, reason)",
    )


# Infinite values


def test_infinite_values_are_refused_with_the_column_and_the_count() -> None:
    data = _pairwise()
    data.loc[[3, 7], "warmth_A"] = np.inf
    with pytest.raises(ValueError) as raised:
        apim(data, **PAIRS)
    assert str(raised.value) == (
        "column 'warmth_A' has 2 infinite values (the first in row 3: inf); leave the cell "
        "empty if it is missing"
    )
    diary = _diary(20)
    diary.loc[5, "b"] = -np.inf
    for analysis in (lagged_apim, networks, synchrony):
        with pytest.raises(
            ValueError, match=r"column 'b' has 1 infinite value \(the first in row 5"
        ):
            analysis(diary, **DIARY)


def test_infinite_values_in_arrays_are_refused() -> None:
    a = np.ones((2, 12))
    a[1, 4] = np.inf
    with pytest.raises(ValueError, match=r"a has 1 infinite value \(the first for couple 1 at"):
        networks_from_arrays(a, np.ones((2, 12)))


def test_an_inf_cell_in_a_csv_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "inf.csv"
    data = _diary(20).astype({"a": object})
    data.loc[9, "a"] = "inf"  # pandas reads this cell as infinity
    data.to_csv(path, index=False)
    code, _, stderr = _cli("networks", "--data", str(path), *CLI_DIARY)
    assert code == 1
    assert stderr.strip() == (
        "Error: column 'a' has 1 infinite value (the first in row 9: inf); leave the cell "
        "empty if it is missing"
    )


# Implausible codes outside a declared range


def test_a_value_outside_the_declared_range_is_refused_with_count_and_row() -> None:
    data = _pairwise()
    data["happy"] = data["happy"].clip(-3, 5)
    data.loc[[11, 12, 30], "happy"] = 99.0
    with pytest.raises(ValueError) as raised:
        apim(data, **PAIRS, ranges={"happy": (-5, 7)})
    assert str(raised.value) == (
        "column 'happy' has 3 values outside its declared range -5 to 7 (the first in row "
        "11: 99); recode codes such as 99 as empty cells"
    )
    assert apim(data.drop(index=[11, 12, 30]), **PAIRS, ranges={"happy": (-5, 7)}).shape[0] == 6


def test_a_declared_range_applies_to_the_diary_models() -> None:
    diary = _diary(20)
    diary.loc[17, "a"] = 99.0
    for analysis in (lagged_apim, networks, synchrony):
        with pytest.raises(ValueError, match=r"column 'a' has 1 value outside .* row 17: 99"):
            analysis(diary, **DIARY, ranges={"a": (-20, 20)})


def test_a_range_for_a_column_not_analysed_is_refused() -> None:
    with pytest.raises(ValueError, match="a range is declared for column 'mood'"):
        networks(_diary(20), **DIARY, ranges={"mood": (1, 7)})
    with pytest.raises(ValueError, match="must go from a lower to a higher number"):
        apim(_pairwise(), **PAIRS, ranges={"happy": (7, 1)})


def test_range_on_the_command_line(diary_csv: Path) -> None:
    data = pd.read_csv(diary_csv)
    data.loc[4, "b"] = 99.0
    data.to_csv(diary_csv, index=False)
    base = ["networks", "--data", str(diary_csv), *CLI_DIARY]
    code, _, stderr = _cli(*base, "--range=-20:20")  # every score column
    assert code == 1
    assert stderr.strip().startswith("Error: column 'b' has 1 value outside its declared range")
    code, _, stderr = _cli(*base, "--range=-20:20", "--range", "b=-20:100")  # b overridden
    assert code == 0, stderr
    code, _, stderr = _cli(*base, "--range", "a=-20:20")  # only a declared
    assert code == 0, stderr


def test_a_malformed_range_is_one_line_naming_the_option(diary_csv: Path) -> None:
    base = ["lagged-apim", "--data", str(diary_csv), *CLI_DIARY]
    for value, message in (
        ("0-100", "Error: --range 0-100: expected LOW:HIGH or COLUMN=LOW:HIGH"),
        ("a=9:1", "Error: --range a=9:1: the low end is above the high end"),
        ("mood=1:7", "Error: --range mood=1:7: 'mood' is not analysed here"),
    ):
        code, stdout, stderr = _cli(*base, "--range", value)
        assert code == 2
        assert stdout == ""
        assert len(stderr.strip().splitlines()) == 1
        assert stderr.startswith(message), stderr


def test_the_range_option_is_explained_in_help() -> None:
    for command in ("apim", "lagged-apim", "networks", "synchrony"):
        code, stdout, _ = _cli(command, "--help")
        assert code == 0
        assert "--range [COLUMN=]LOW:HIGH" in stdout
