"""Validate alongside.analytics against R: nlme (APIM), lme4 (lagged APIM), lm (networks).

Fits the same models in Python and in R, on the real data in ../shared/data (when
present) and on simulated data, and prints the largest absolute differences in
estimates and standard errors. Installs nothing: without Rscript, lme4 and nlme it
says why and exits 0.

lme4 is run with a tight BOBYQA tolerance (rhoend = 1e-12) so that what is compared
is the models, not where lme4's default optimiser happens to stop; the benchmark
(bench/lagged_apim_bench.py) uses lme4's defaults.

Usage::

    .venv/bin/python bench/validate_r.py
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _r import DATA, r_fit, r_missing

from alongside.analytics import (
    apim,
    lagged_apim,
    networks,
    pairwise_from_long,
    simulate_diary,
)
from alongside.analytics.lagged import FIXED_TERMS

LME4_NAMES = [
    "rolea",
    "roleb",
    "rolea:actor_lag",
    "roleb:actor_lag",
    "rolea:partner_lag",
    "roleb:partner_lag",
]
ROWS: list[dict[str, object]] = []


def record(data: str, model: str, ours: pd.DataFrame, theirs: pd.DataFrame, note: str = "") -> None:
    """Compare two tables indexed alike with estimate and std_error columns."""
    theirs = theirs[["estimate", "std_error"]]
    joined = pd.merge(
        ours[["estimate", "std_error"]],
        theirs,
        left_index=True,
        right_index=True,
        suffixes=("", "_r"),
    )
    if len(joined) != len(theirs):
        note = f"{note} (matched {len(joined)} of {len(theirs)} terms)".strip()
    estimate = float(np.nanmax((joined["estimate"] - joined["estimate_r"]).abs().to_numpy()))
    gaps = (joined["std_error"] - joined["std_error_r"]).abs().to_numpy()
    se = float(np.nanmax(gaps)) if np.isfinite(gaps).any() else 0.0
    ROWS.append(
        {
            "data": data,
            "model": model,
            "terms": len(joined),
            "max |d estimate|": estimate,
            "max |d std error|": se,
            "note": note,
        }
    )
    print(f"  {data:<28} {model:<34} {len(joined):>5} {estimate:>11.2e} {se:>11.2e}  {note}")


def compare_apim(
    data_name: str, pairs: pd.DataFrame, options: dict[str, Any], role: str | None
) -> None:
    ours = apim(pairs, **options, distinguish_by=role)
    r_options = {"dyad": options["dyad"], "outcome": options["outcome"],
                 "actor": options["actor"], "partner": options["partner"]}  # fmt: skip
    if role:
        r_options["distinguish"] = role
    theirs = r_fit("apim", pairs, **r_options)
    if role:
        levels = sorted(pairs[role].astype(str).str.strip().unique())
        names = [f"role{lv}" for lv in levels]
        names += [f"role{lv}:xa" for lv in levels] + [f"role{lv}:xp" for lv in levels]
        keys = [(t, lv) for t in ("intercept", "actor", "partner") for lv in levels]
        table = ours.set_index(["term", "role"])[["estimate", "std_error"]]
        ours_rows = table.loc[pd.MultiIndex.from_tuples(keys)]
        ours_rows.index = names
    else:
        ours_rows = ours.set_index("term")[["estimate", "std_error"]]
        ours_rows = ours_rows.loc[["intercept", "actor", "partner"]]
        ours_rows.index = ["(Intercept)", "xa", "xp"]
    rho = ours.loc[ours["term"] == "rho", ["estimate"]].assign(std_error=np.nan)
    rho.index = ["rho"]
    model = "APIM distinguishable (nlme gls)" if role else "APIM (nlme gls)"
    record(data_name, model, pd.concat([ours_rows, rho]), theirs.set_index("term"))


def compare_lagged(
    data_name: str, diary: pd.DataFrame, options: dict[str, Any], slopes: bool, method: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # compared below, not printed
        ours = lagged_apim(diary, **options, random_slopes=slopes, method=method)
    fixed = ours[ours["effect"] == "fixed"].set_index("term").loc[list(FIXED_TERMS)]
    fixed = fixed[["estimate", "std_error"]]
    fixed.index = LME4_NAMES
    theirs = r_fit(
        "lagged", diary, **options, slopes="yes" if slopes else "no", method=method, tight="yes"
    ).set_index("term")
    warning = str(theirs["warning"].iloc[0]) if theirs["warning"].notna().any() else ""
    deviance = -2 * ours.attrs["log_likelihood"] - float(theirs["criterion"].iloc[0])
    note = f"criterion ours - lme4 = {deviance:+.1e}"
    ours_singular = any(w.startswith("boundary (singular)") for w in ours.attrs["warnings"])
    theirs_singular = bool(theirs["singular"].iloc[0])
    if ours_singular == theirs_singular:
        note += f"; singular: {'both' if ours_singular else 'neither'}"
    else:
        note += f"; SINGULAR DIFFERS: ours {ours_singular}, lme4 {theirs_singular}"
    if warning:
        note += f"; lme4 warned: {warning[:60]}"
    random = "slopes" if slopes else "intercepts"
    record(data_name, f"lagged APIM {random} {method.upper()} (lme4)", fixed, theirs, note)


def compare_networks(data_name: str, diary: pd.DataFrame, options: dict[str, Any]) -> None:
    ours = networks(
        diary, dyad=options["dyad"], time=options["time"], a=options["a"], b=options["b"]
    ).astype({"term": str})
    ours = ours[ours["status"] == "estimated"].set_index(["dyad", "term"])
    theirs = r_fit("networks", diary, **options).set_index(["dyad", "term"])
    record(data_name, "networks VAR(1) (lm per couple)", ours[["estimate", "std_error"]], theirs)


def simulated_pairs(n_dyads: int, rho: float, seed: int) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(3.0, 1.0, size=(n_dyads, 2))
    errors = rng.multivariate_normal([0, 0], [[1.0, rho * 1.5], [rho * 1.5, 2.25]], size=n_dyads)
    y = np.column_stack([0.5 + 0.4 * x[:, 0] + 0.2 * x[:, 1], 1.0 + 0.3 * x[:, 1] + 0.1 * x[:, 0]])
    y = y + errors
    people = pd.DataFrame(
        {
            "dyad": np.repeat(np.arange(n_dyads), 2),
            "person": np.tile([1, 2], n_dyads),
            "role": np.tile(["first", "second"], n_dyads),
            "x": x.ravel(),
            "y": y.ravel(),
        }
    )
    pairs = pairwise_from_long(people, dyad="dyad", person="person", columns=["x", "y", "role"])
    pairs.loc[rng.choice(len(pairs), 12, replace=False), "y_A"] = np.nan  # some lone members
    return pairs.dropna(subset=["y_A"])


def main() -> None:
    why = r_missing()
    if why:
        print(f"validate_r: skipped: {why}")
        return
    print(f"  {'data':<28} {'model':<34} {'terms':>5} {'max |d est|':>11} {'max |d se|':>11}")
    diary_path = DATA / "couples_daily_diary.csv"
    married_path = DATA / "married_couples_pairwise.csv"
    if married_path.exists():
        married = pd.read_csv(married_path)
        options = {"dyad": "CoupleID", "outcome": "Satisfaction_A", "actor": "OtherPos_A",
                   "partner": "OtherPos_P"}  # fmt: skip
        compare_apim("married_couples_pairwise", married, options, None)
        compare_apim("married_couples_pairwise", married, options, "Gender_A")
        tension = {**options, "actor": "Tension_A", "partner": "Tension_P"}
        compare_apim("married (Tension)", married, tension, None)
        compare_apim("married (Tension)", married, tension, "Gender_A")
    else:
        print(f"  (no real data in {DATA.resolve()}: real-data comparisons skipped)")
    if diary_path.exists():
        diary = pd.read_csv(diary_path)
        for emotion in ("Anx.", "Sad.", "Vig.", "Con."):
            options = {"dyad": "ID", "time": "DIARYDAY", "a": f"M_{emotion}", "b": f"W_{emotion}"}
            name = f"couples_daily_diary {emotion}"
            compare_networks(name, diary, options)
            compare_lagged(name, diary, options, slopes=False, method="reml")
            compare_lagged(name, diary, options, slopes=True, method="reml")
        options = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
        compare_lagged("couples_daily_diary Anx.", diary, options, slopes=False, method="ml")
        compare_lagged("couples_daily_diary Anx.", diary, options, slopes=True, method="ml")

    pairs = simulated_pairs(250, rho=-0.45, seed=1)
    options = {"dyad": "dyad", "outcome": "y_A", "actor": "x_A", "partner": "x_P"}
    compare_apim("simulated, rho < 0", pairs, options, None)
    compare_apim("simulated, rho < 0", pairs, options, "role_A")
    simulated = simulate_diary(
        n_couples=150, n_days=40, intercept=(2.0, 1.0), inertia=(0.4, 0.2), carryover=(0.1, 0.2),
        intercept_sd=0.5, slope_sd=0.1, missing=0.05, random_state=3,
    )  # fmt: skip
    options = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}
    compare_networks("simulated diary", simulated, options)
    compare_lagged("simulated diary", simulated, options, slopes=False, method="reml")
    compare_lagged("simulated diary", simulated, options, slopes=True, method="reml")
    compare_lagged("simulated diary", simulated, options, slopes=True, method="ml")
    # Three days per couple: lme4 calls the intercepts-only fit singular (isSingular).
    short = simulated[simulated["day"] < 3]
    compare_lagged("simulated diary, 3 days", short, options, slopes=False, method="reml")

    table = pd.DataFrame(ROWS)
    print()
    for model, rows in table.groupby("model", sort=False):
        print(
            f"largest difference, {model}: estimates {rows['max |d estimate|'].max():.1e}, "
            f"standard errors {rows['max |d std error|'].max():.1e}"
        )


if __name__ == "__main__":
    main()
