"""Validate alongside.analytics against R: nlme (APIM), lme4 (lagged APIM, mlvar), lm
(networks).

The lagged APIM's residual structures (role-specific residual SDs, the partners' same-day
residual correlation) are checked against nlme's lme, which fits them; its random-effect
structures against lme4 (and nlme).

Fits the same models in Python and in R, on the real data in ../shared/data (when
present) and on simulated data, and prints the largest absolute differences in
estimates and standard errors. Installs nothing: without Rscript, lme4 and nlme it
says why and exits 0.

lme4 is run with a tight BOBYQA tolerance (rhoend = 1e-12) so that what is compared
is the models, not where lme4's default optimiser happens to stop; the benchmark
(bench/lagged_apim_bench.py) uses lme4's defaults.

nlme is run with nlminb's own tolerance tightened and restarted from its own solution
(bench/r_models.R, task lagged_nlme) for the same reason. Every lagged comparison also
prints both log-likelihoods (REML or ML, as fitted), ours and R's, so that where the
estimates differ a reader sees which fit is the better one; a summary line names every
comparison outside issue 15's limit of 1e-4.

Usage::

    .venv/bin/python bench/validate_r.py                # everything
    .venv/bin/python bench/validate_r.py --only lagged  # one family: apim, lagged,
                                                        # networks or mlvar
"""

from __future__ import annotations

import argparse
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
    apim_tests,
    lagged_apim,
    mlvar,
    networks,
    pairwise_from_long,
    simulate_diary,
)
from alongside.analytics.lagged import lagged_predictors

LME4_NAMES = [
    "rolea",
    "roleb",
    "rolea:actor_lag",
    "roleb:actor_lag",
    "rolea:partner_lag",
    "roleb:partner_lag",
]
ROWS: list[dict[str, object]] = []
LIKELIHOOD_RATIOS: list[tuple[str, float, float]] = []
TESTS: list[tuple[str, str, float, int, float, float, int]] = []
MLVAR_FIXED = ("temporal", "between_effect", "intercept")
MLVAR_COMPONENTS = ("temporal_sd", "intercept_sd", "residual_sd")
MLVAR_DERIVED = ("contemporaneous", "between")
MLVAR_GAPS: list[float] = []
LIMIT = 1e-4  # issue 15: fixed effects and variance components within 1e-4 of R
FAMILIES = ("apim", "lagged", "networks", "mlvar")


def record(
    data: str,
    model: str,
    ours: pd.DataFrame,
    theirs: pd.DataFrame,
    note: str = "",
    likelihoods: tuple[float, float, str] | None = None,
    why: str = "",
) -> None:
    """Compare two tables indexed alike with estimate and std_error columns.

    Rows that R gives no standard error (variance components: SDs and correlations of
    random effects, sigma, rho) are compared separately from the fixed effects.
    ``likelihoods`` (ours, R's, R's package) are printed on a line of their own, with
    ``why`` when ours is the higher one.
    """
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
    component = joined["std_error_r"].isna().to_numpy()
    gap = (joined["estimate"] - joined["estimate_r"]).abs().to_numpy()
    estimate = float(np.nanmax(gap[~component])) if (~component).any() else 0.0
    components = float(np.nanmax(gap[component])) if component.any() else np.nan
    gaps = (joined["std_error"] - joined["std_error_r"]).abs().to_numpy()
    se = float(np.nanmax(gaps)) if np.isfinite(gaps).any() else 0.0
    ROWS.append(
        {
            "data": data,
            "model": model,
            "terms": len(joined),
            "max |d estimate|": estimate,
            "max |d std error|": se,
            "max |d variance component|": components,
            "note": note,
            "likelihoods": likelihoods,
        }
    )
    print(
        f"  {data:<28} {model:<44} {len(joined):>5} {estimate:>11.2e} {se:>11.2e} "
        f"{components:>11.2e}  {note}"
    )
    if likelihoods is not None:
        line = likelihood_line(*likelihoods)
        if why and likelihoods[0] - likelihoods[1] > 1e-8:
            line += f"; {why}"
        print(f"  {'':<28} {line}")


def likelihood_line(ours: float, theirs: float, package: str) -> str:
    """Both log-likelihoods and which is higher (equal within 1e-8)."""
    gap = ours - theirs
    verdict = (
        "equal within 1e-8"
        if abs(gap) <= 1e-8
        else f"ours higher by {gap:.1e}"
        if gap > 0
        else f"{package}'s higher by {-gap:.1e} (ours falls short)"
    )
    return f"logLik ours {ours:.9f}, {package} {theirs:.9f}: {verdict}"


def compare_apim(
    data_name: str,
    pairs: pd.DataFrame,
    options: dict[str, Any],
    role: str | None,
    covariates: tuple[str, ...] = (),
    moderator: str | None = None,
    method: str = "reml",
) -> None:
    ours = apim(
        pairs,
        **options,
        distinguish_by=role,
        covariates=covariates,
        moderator=moderator,
        method=method,
    )
    r_options = {"dyad": options["dyad"], "outcome": options["outcome"],
                 "actor": options["actor"], "partner": options["partner"],
                 "method": method}  # fmt: skip
    if covariates:
        r_options["covariates"] = ",".join(covariates)
    if moderator:
        r_options["moderator"] = moderator
    if role:
        r_options["distinguish"] = role
    theirs = r_fit("apim", pairs, **r_options)
    # Our term names and R's (bench/r_models.R renames the covariates c1, c2, ... and
    # the moderator m).
    terms = {"intercept": "", "actor": "xa", "partner": "xp"}
    terms.update({c: f"c{i + 1}" for i, c in enumerate(covariates)})
    if moderator:
        terms.update({moderator: "m", f"actor:{moderator}": "xa:m", f"partner:{moderator}": "xp:m"})
    if role:
        levels = sorted(pairs[role].astype(str).str.strip().unique())
        keys = [(t, lv) for t in terms for lv in levels]
        names = [f"role{lv}" + (f":{terms[t]}" if terms[t] else "") for t, lv in keys]
        table = ours.set_index(["term", "role"])[["estimate", "std_error"]]
        ours_rows = table.loc[pd.MultiIndex.from_tuples(keys)]
        ours_rows.index = names
        sigmas = ours[ours["term"] == "sigma"].set_index("role")[["estimate"]]
        sigmas.index = [f"sigma_{lv}" for lv in sigmas.index]
    else:
        ours_rows = ours.set_index("term")[["estimate", "std_error"]].loc[list(terms)]
        ours_rows.index = [terms[t] or "(Intercept)" for t in terms]
        sigmas = ours.loc[ours["term"] == "sigma", ["estimate"]]
        sigmas.index = ["sigma"]
    rho = ours.loc[ours["term"] == "rho", ["estimate"]]
    rho.index = ["rho"]
    components = pd.concat([rho, sigmas]).assign(std_error=np.nan)
    extra = ""
    if covariates or moderator:
        extra = " + " + ", ".join([*covariates, *([f"moderator {moderator}"] if moderator else [])])
    kind = "APIM distinguishable" if role else "APIM"
    model = f"{kind}{extra} {method.upper()} (nlme gls)"
    deviance = -2 * ours.attrs["log_likelihood"] - float(theirs["criterion"].iloc[0])
    record(
        data_name,
        model,
        pd.concat([ours_rows, components]),
        theirs.set_index("term"),
        f"-2 logLik ours - nlme = {deviance:+.1e}",
    )


def compare_apim_tests(
    data_name: str, pairs: pd.DataFrame, options: dict[str, Any], role: str
) -> None:
    """The likelihood-ratio tests of non-independence and distinguishability vs nlme."""
    ours = apim_tests(pairs, **options, distinguish_by=role).set_index("test")
    theirs = r_fit("apim_tests", pairs, **options, distinguish=role).set_index("term")
    ind = apim_tests(pairs, **options).set_index("test")
    pairs_of_tests = (
        ("distinguishability", ours.loc["distinguishability"]),
        ("nonindependence", ind.loc["nonindependence"]),
        ("nonindependence_distinguishable", ours.loc["nonindependence"]),
    )
    for name, row in pairs_of_tests:
        r = theirs.loc[name]
        gap = abs(float(row["statistic"]) - float(r["estimate"]))
        TESTS.append((data_name, name, float(row["statistic"]), int(row["df"]),
                      float(row["p_value"]), gap, int(r["df"])))  # fmt: skip
        print(
            f"  {data_name:<28} LR test {name:<36} LR {row['statistic']:8.4f} "
            f"df {int(row['df'])} p {row['p_value']:.4g}; |d LR| vs nlme {gap:.1e} "
            f"(nlme df {int(r['df'])})"
        )


def _lagged_rows(ours: pd.DataFrame) -> pd.DataFrame:
    """Our fixed effects and variance components under the names bench/r_models.R uses."""
    predictors = lagged_predictors(
        cross="cross_actor_a" in set(ours["term"]), centre=ours.attrs.get("centre", "none")
    )
    terms = [p.term(role) for p in predictors for role in (0, 1)]
    fixed = ours[ours["effect"] == "fixed"].set_index("term").loc[terms]
    fixed = fixed[["estimate", "std_error"]]
    fixed.index = [
        f"role{'ab'[role]}" + (f":{p.variable}" if p.variable else "")
        for p in predictors
        for role in (0, 1)
    ]
    assert list(fixed.index[:6]) == LME4_NAMES
    random = ours[ours["effect"] == "random"].set_index("term")[["estimate", "std_error"]]
    names = [term[3:-1] for term in random.index if term.startswith("sd(")]
    position = {name: i + 1 for i, name in enumerate(names)}
    renamed = []
    for term in random.index:
        if term.startswith("sd("):
            renamed.append(f"re_sd_{position[term[3:-1]]}")
        elif term.startswith("cor("):
            first, second = term[4:-1].split(", ")
            renamed.append(f"re_cor_{position[first]}_{position[second]}")
        else:
            renamed.append(term)
    random.index = renamed
    return pd.concat([fixed, random])


def _r_slopes(slopes: bool | str) -> str:
    return ("yes" if slopes else "no") if isinstance(slopes, bool) else slopes


def _random_name(slopes: bool | str) -> str:
    return (
        ("slopes" if slopes else "intercepts") if isinstance(slopes, bool) else f"{slopes} slopes"
    )


def compare_lagged(
    data_name: str,
    diary: pd.DataFrame,
    options: dict[str, Any],
    slopes: bool | str,
    method: str,
    x: tuple[str, str] | None = None,
) -> pd.DataFrame:
    extra = {} if x is None else {"x_a": x[0], "x_b": x[1]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # compared below, not printed
        ours = lagged_apim(diary, **options, random_slopes=slopes, method=method, **extra)
    fixed = _lagged_rows(ours)
    r_slopes = _r_slopes(slopes)
    theirs = r_fit(
        "lagged", diary, **options, slopes=r_slopes, method=method, tight="yes", **extra
    ).set_index("term")
    warning = str(theirs["warning"].iloc[0]) if theirs["warning"].notna().any() else ""
    # lme4's criterion is -2 log-likelihood (REML or ML, as fitted).
    likelihood = -0.5 * float(theirs["criterion"].iloc[0])
    note = ""
    ours_singular = any(w.startswith("boundary (singular)") for w in ours.attrs["warnings"])
    theirs_singular = bool(theirs["singular"].iloc[0])
    if ours_singular == theirs_singular:
        note += f"singular: {'both' if ours_singular else 'neither'}"
    else:
        note += f"SINGULAR DIFFERS: ours {ours_singular}, lme4 {theirs_singular}"
    if warning:
        note += f"; lme4 warned: {warning[:60]}"
    random = _random_name(slopes)
    label = "" if x is None else f" + cross-lags of {x[0]}/{x[1]}"
    model = f"lagged APIM {random}{label} {method.upper()} (lme4)"
    likelihoods = (ours.attrs["log_likelihood"], likelihood, "lme4")
    record(data_name, model, fixed, theirs, note, likelihoods)
    return ours


def compare_lagged_nlme(
    data_name: str,
    diary: pd.DataFrame,
    options: dict[str, Any],
    *,
    residuals: str,
    slopes: bool | str = False,
    method: str = "reml",
    x: tuple[str, str] | None = None,
    centre: str = "none",
    ar1: bool = False,
) -> pd.DataFrame:
    """A lagged APIM with a residual structure against nlme::lme; with ``x`` also
    cross-lags of (x_a, x_b), with ``centre="within"`` person-mean centring, with
    ``ar1`` AR(1) residuals."""
    extra: dict[str, Any] = {}
    r_extra: dict[str, str] = {}
    label = ""
    if x is not None:
        extra.update(x_a=x[0], x_b=x[1])
        r_extra.update(x_a=x[0], x_b=x[1])
        label += f" + cross-lags of {x[0]}/{x[1]}"
    if centre != "none":
        extra["centre"] = r_extra["centre"] = centre
        label += ", centred"
    if ar1:
        extra["ar1"] = True
        r_extra["ar1"] = "yes"
        label += ", AR(1)"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = lagged_apim(
            diary, **options, random_slopes=slopes, residuals=residuals, method=method, **extra
        )
    r_slopes = _r_slopes(slopes)
    theirs = r_fit(
        "lagged_nlme",
        diary,
        **options,
        slopes=r_slopes,
        residuals=residuals,
        method=method,
        **r_extra,
    ).set_index("term")
    likelihood = -0.5 * float(theirs["criterion"].iloc[0])
    note = f"nlme: {theirs['optimiser'].iloc[0]}"
    if ours.attrs["warnings"]:
        note += "; ours flagged: " + ours.attrs["warnings"][0][:40]
    random = _random_name(slopes)
    model = f"lagged {random}, {residuals} resid.{label} {method.upper()} (nlme)"
    rows = _lagged_rows(ours)
    # A correlation with an effect whose SD is 0 in both fits is not defined (any value
    # gives the same likelihood): not compared.
    sigma = float(theirs.loc["sigma", "estimate"])
    zero = {
        term[len("re_sd_") :]
        for term in theirs.index
        if term.startswith("re_sd_")
        and max(float(theirs.loc[term, "estimate"]), float(rows.loc[term, "estimate"]))
        < 1e-4 * sigma
    }
    undefined = [
        term
        for term in theirs.index
        if term.startswith("re_cor_") and set(term[len("re_cor_") :].split("_")) & zero
    ]
    if undefined:
        note += f"; {len(undefined)} cor. of a zero SD not compared"
    likelihoods = (ours.attrs["log_likelihood"], likelihood, "nlme")
    why = ""
    if any(w.startswith("boundary (singular)") for w in ours.attrs["warnings"]):
        why = "a boundary fit: nlme reaches an SD of 0 or a correlation of +-1 only in the limit"
    rows, theirs = rows.drop(undefined), theirs.drop(undefined)
    record(data_name, model, rows, theirs, note, likelihoods, why)
    return ours


def compare_networks(data_name: str, diary: pd.DataFrame, options: dict[str, Any]) -> None:
    ours = networks(
        diary, dyad=options["dyad"], time=options["time"], a=options["a"], b=options["b"]
    ).astype({"term": str})
    ours = ours[ours["status"] == "estimated"].set_index(["dyad", "term"])
    theirs = r_fit("networks", diary, **options).set_index(["dyad", "term"])
    record(data_name, "networks VAR(1) (lm per couple)", ours[["estimate", "std_error"]], theirs)


def compare_mlvar(
    data_name: str,
    diary: pd.DataFrame,
    dyad: str,
    time: str,
    nodes: list[str],
    method: str = "reml",
) -> None:
    """mlvar against one lmer per node (bench/r_models.R, task mlvar), and the derived
    contemporaneous and between-couple networks computed from lme4's fits."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        ours = mlvar(diary, dyad=dyad, time=time, nodes=nodes, method=method)
    theirs = r_fit("mlvar", diary, dyad=dyad, time=time, nodes=",".join(nodes), method=method)
    keys = ["network", "from", "to"]
    joined = ours.merge(theirs, on=keys, suffixes=("", "_r"))
    gap = (joined["estimate"] - joined["estimate_r"]).abs()
    se_gap = (joined["std_error"] - joined["std_error_r"]).abs()
    network = joined["network"]

    def largest(values: pd.Series, kinds: tuple[str, ...]) -> float:
        chosen = values[network.isin(kinds)]
        return float(np.nanmax(chosen)) if chosen.notna().any() else np.nan

    derived = largest(gap, MLVAR_DERIVED)
    MLVAR_GAPS.append(derived)
    ours_singular = sorted(
        {w.split("'")[1] for w in ours.attrs["warnings"] if "boundary (singular)" in w}
    )
    flagged = theirs["singular"].iloc[0]  # the nodes lme4 calls singular, NaN for none
    theirs_singular = sorted(
        s for s in (flagged if isinstance(flagged, str) else "").split(",") if s
    )
    same = ours_singular == theirs_singular
    note = (
        f"networks (contemp., between) {derived:.1e}; singular: "
        + (", ".join(ours_singular) or "none")
        + ("" if same else f" vs lme4 {', '.join(theirs_singular) or 'none'} (DIFFERS)")
    )
    if len(joined) != len(theirs) or len(joined) != len(ours):
        note += f" (matched {len(joined)} of {len(theirs)} rows)"
    fixed = largest(gap, MLVAR_FIXED)
    se = largest(se_gap, MLVAR_FIXED)
    components = largest(gap, MLVAR_COMPONENTS)
    model = f"mlvar {len(nodes)} nodes {method.upper()} (lme4)"
    ROWS.append({"data": data_name, "model": model, "terms": len(joined),
                 "max |d estimate|": fixed, "max |d std error|": se,
                 "max |d variance component|": components, "note": note})  # fmt: skip
    print(
        f"  {data_name:<28} {model:<44} {len(joined):>5} {fixed:>11.2e} {se:>11.2e} "
        f"{components:>11.2e}  {note}"
    )


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
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--only", choices=FAMILIES, action="append", help="run one family of models (repeatable)"
    )
    wanted = set(parser.parse_args().only or FAMILIES)
    why = r_missing()
    if why:
        print(f"validate_r: skipped: {why}")
        return
    print(
        f"  {'data':<28} {'model':<44} {'terms':>5} {'max |d est|':>11} {'max |d se|':>11} "
        f"{'|d var.c.|':>11}"
    )
    apims = "apim" in wanted
    lagged = "lagged" in wanted
    diary_path = DATA / "couples_daily_diary.csv"
    married_path = DATA / "married_couples_pairwise.csv"
    if not (married_path.exists() and diary_path.exists()):
        print(f"  (no real data in {DATA.resolve()}: real-data comparisons skipped)")
    if married_path.exists() and apims:
        married = pd.read_csv(married_path)
        options = {"dyad": "CoupleID", "outcome": "Satisfaction_A", "actor": "OtherPos_A",
                   "partner": "OtherPos_P"}  # fmt: skip
        compare_apim("married_couples_pairwise", married, options, None)
        compare_apim("married_couples_pairwise", married, options, "Gender_A")
        tension = {**options, "actor": "Tension_A", "partner": "Tension_P"}
        compare_apim("married (Tension)", married, tension, None)
        compare_apim("married (Tension)", married, tension, "Gender_A")
        for role in (None, "Gender_A"):
            compare_apim("married_couples_pairwise", married, options, role,
                         covariates=("Yearsmar",), moderator="SimHob_A")  # fmt: skip
            compare_apim("married (Tension)", married, tension, role,
                         covariates=("Yearsmar", "SelfPos_A"), moderator="SimHob_A")  # fmt: skip
            compare_apim("married_couples_pairwise", married, options, role, method="ml")
        compare_apim_tests("married_couples_pairwise", married, options, "Gender_A")
        compare_apim_tests("married (Tension)", married, tension, "Gender_A")
    if diary_path.exists():
        diary = pd.read_csv(diary_path)
        for emotion in ("Anx.", "Sad.", "Vig.", "Con."):
            options = {"dyad": "ID", "time": "DIARYDAY", "a": f"M_{emotion}", "b": f"W_{emotion}"}
            name = f"couples_daily_diary {emotion}"
            if "networks" in wanted:
                compare_networks(name, diary, options)
            if not lagged:
                continue
            compare_lagged(name, diary, options, slopes=False, method="reml")
            compare_lagged(name, diary, options, slopes=True, method="reml")
            compare_lagged(name, diary, options, slopes="by-role", method="reml")
            fits = {
                residuals: compare_lagged_nlme(name, diary, options, residuals=residuals)
                for residuals in ("independent", "by-role", "by-role-correlated")
            }
            likelihood = {k: fit.attrs["log_likelihood"] for k, fit in fits.items()}
            LIKELIHOOD_RATIOS.append(
                (
                    name,
                    2 * (likelihood["by-role"] - likelihood["independent"]),
                    2 * (likelihood["by-role-correlated"] - likelihood["by-role"]),
                )
            )
        name = "couples_daily_diary"
        if "mlvar" in wanted:
            couple_nodes = ["M_Anx.", "W_Anx."]
            compare_mlvar(f"{name} Anx.", diary, "ID", "DIARYDAY", couple_nodes)
            compare_mlvar(f"{name} Anx.", diary, "ID", "DIARYDAY", couple_nodes, method="ml")
            four = ["M_Anx.", "W_Anx.", "M_Sad.", "W_Sad."]
            compare_mlvar(f"{name} Anx., Sad.", diary, "ID", "DIARYDAY", four)
            every = [f"{who}_{e}" for e in ("Anx.", "Sad.", "Vig.", "Con.") for who in "MW"]
            compare_mlvar(f"{name} all 8", diary, "ID", "DIARYDAY", every)
        if lagged:
            compare_diary_lagged(diary)

    if apims:
        pairs = simulated_pairs(250, rho=-0.45, seed=1)
        options = {"dyad": "dyad", "outcome": "y_A", "actor": "x_A", "partner": "x_P"}
        compare_apim("simulated, rho < 0", pairs, options, None)
        compare_apim("simulated, rho < 0", pairs, options, "role_A")
        compare_apim("simulated, rho < 0", pairs, options, "role_A", method="ml")
        compare_apim_tests("simulated, rho < 0", pairs, options, "role_A")
    simulated = simulate_diary(
        n_couples=150, n_days=40, intercept=(2.0, 1.0), inertia=(0.4, 0.2), carryover=(0.1, 0.2),
        intercept_sd=0.5, slope_sd=0.1, missing=0.05, random_state=3,
    )  # fmt: skip
    options = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}
    if "networks" in wanted:
        compare_networks("simulated diary", simulated, options)
    if lagged:
        compare_lagged("simulated diary", simulated, options, slopes=False, method="reml")
        compare_lagged("simulated diary", simulated, options, slopes=True, method="reml")
        compare_lagged("simulated diary", simulated, options, slopes=True, method="ml")
        compare_lagged("simulated diary", simulated, options, slopes="by-role", method="reml")
    # Partners who miss different days: some days have one partner's row only.
    uneven = simulated.copy()
    uneven.loc[uneven.index % 9 == 4, "b"] = np.nan
    uneven.loc[uneven.index % 13 == 7, "a"] = np.nan
    if lagged:
        for residuals in ("by-role", "by-role-correlated"):
            compare_lagged_nlme("simulated, uneven days", uneven, options, residuals=residuals)
    if "mlvar" in wanted:
        compare_mlvar("simulated, uneven days", uneven, "dyad", "day", ["a", "b"])
    if lagged:
        # A second variable with its own missing days; AR(1) residuals across skipped days.
        rng = np.random.default_rng(8)
        uneven["xa"] = 0.3 * uneven["b"].fillna(0) + rng.normal(size=len(uneven))
        uneven["xb"] = rng.normal(size=len(uneven))
        uneven.loc[uneven.index % 17 == 3, "xb"] = np.nan
        compare_lagged_nlme("simulated, uneven days", uneven, options, residuals="by-role",
                            x=("xa", "xb"), centre="within")  # fmt: skip
        for residuals in ("independent", "by-role"):
            compare_lagged_nlme("simulated, uneven days", uneven, options, residuals=residuals,
                                ar1=True)  # fmt: skip
        # Three days per couple: lme4 calls the intercepts-only fit singular (isSingular).
        short = simulated[simulated["day"] < 3]
        compare_lagged("simulated diary, 3 days", short, options, slopes=False, method="reml")

    summarise()


def compare_diary_lagged(diary: pd.DataFrame) -> None:
    """The lagged APIM's ML fits, random slopes with residual structures, cross-lags,
    person-mean centring and AR(1) on the diary data, against lme4 and nlme."""
    options = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
    compare_lagged("couples_daily_diary Anx.", diary, options, slopes=False, method="ml")
    compare_lagged("couples_daily_diary Anx.", diary, options, slopes=True, method="ml")
    compare_lagged("couples_daily_diary Anx.", diary, options, slopes="by-role", method="ml")
    name = "couples_daily_diary Anx."
    compare_lagged_nlme(name, diary, options, residuals="by-role-correlated", method="ml")
    compare_lagged_nlme(name, diary, options, residuals="by-role-correlated", slopes=True)
    compare_lagged_nlme(name, diary, options, residuals="by-role-correlated", slopes="by-role")
    # Cross-lags (anxiety yesterday -> contentment today), person-mean centring and
    # AR(1) residuals, each alone and together, against nlme.
    content = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Con.", "b": "W_Con."}
    anxiety = ("M_Anx.", "W_Anx.")
    name = "couples_daily_diary Con."
    for residuals in ("independent", "by-role", "by-role-correlated"):
        compare_lagged_nlme(name, diary, content, residuals=residuals, x=anxiety)
    compare_lagged_nlme(name, diary, content, residuals="independent", x=anxiety, method="ml")
    # With random slopes, centred contentment gives a singular fit (in lme4 as here);
    # anxiety, with sadness as X, a regular one.
    anxious = {"dyad": "ID", "time": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}
    compare_lagged_nlme("couples_daily_diary Anx.", diary, anxious, residuals="by-role",
                        x=("M_Sad.", "W_Sad."), slopes=True)  # fmt: skip
    for slopes in (True, "by-role"):
        compare_lagged("couples_daily_diary Anx.", diary, anxious, slopes=slopes,
                       method="reml", x=("M_Sad.", "W_Sad."))  # fmt: skip
    for slopes in (False, True, "by-role"):
        compare_lagged_nlme(name, diary, content, residuals="independent", centre="within",
                            slopes=slopes)  # fmt: skip
    compare_lagged_nlme(name, diary, content, residuals="by-role-correlated", x=anxiety,
                        centre="within")  # fmt: skip
    for emotion in ("Anx.", "Sad.", "Vig.", "Con."):
        options = {"dyad": "ID", "time": "DIARYDAY", "a": f"M_{emotion}", "b": f"W_{emotion}"}
        for residuals in ("independent", "by-role"):
            compare_lagged_nlme(f"couples_daily_diary {emotion}", diary, options,
                                residuals=residuals, ar1=True)  # fmt: skip
    compare_lagged_nlme("couples_daily_diary Anx.", diary, anxious, residuals="by-role",
                        ar1=True, slopes=True)  # fmt: skip
    compare_lagged_nlme("couples_daily_diary Anx.", diary, anxious, residuals="independent",
                        x=("M_Sad.", "W_Sad."), centre="within", slopes="by-role")  # fmt: skip
    compare_lagged_nlme(name, diary, content, residuals="independent", ar1=True, method="ml")
    compare_lagged_nlme(name, diary, content, residuals="by-role", ar1=True, x=anxiety,
                        centre="within")  # fmt: skip


def summarise() -> None:
    table = pd.DataFrame(ROWS)
    print()
    for model, rows in table.groupby("model", sort=False):
        components = rows["max |d variance component|"].max()
        print(
            f"largest difference, {model}: estimates {rows['max |d estimate|'].max():.1e}, "
            f"standard errors {rows['max |d std error|'].max():.1e}, "
            f"variance components {components:.1e}"
        )
    gaps = table[["max |d estimate|", "max |d variance component|"]].max(axis=1)
    outside = table[gaps > LIMIT]
    if outside.empty:
        print(
            f"all {len(table)} comparisons within {LIMIT:.0e} of R in estimates and variance "
            "components (issue 15)"
        )
    for _, row in outside.iterrows():
        print(
            f"OUTSIDE {LIMIT:.0e}: {row['data']}, {row['model']}: estimates "
            f"{row['max |d estimate|']:.1e}, variance components "
            f"{row['max |d variance component|']:.1e}"
        )
        if row["likelihoods"] is None:
            print("  (no likelihood to compare)")
            continue
        ours, theirs, package = row["likelihoods"]
        print(f"  {likelihood_line(ours, theirs, package)}")
        if abs(ours - theirs) <= 1e-8:
            print("  the same likelihood: the estimates differ along a flat likelihood")
        elif ours > theirs:
            print(
                f"  {package} stops short of the maximum on a flat likelihood: ours is the better fit"
            )
        else:
            print(f"  {package}'s fit is the better one: ours falls short of the maximum")
    if TESTS:
        largest = max(t[5] for t in TESTS)
        same_df = all(t[3] == t[6] for t in TESTS)
        print(
            f"largest difference, APIM likelihood-ratio tests (non-independence, "
            f"distinguishability): LR {largest:.1e}; df {'all equal' if same_df else 'DIFFER'}"
        )
    if MLVAR_GAPS:
        print(
            "largest difference, mlvar derived networks (contemporaneous, between partial "
            f"correlations): {max(MLVAR_GAPS):.1e}"
        )
    if LIKELIHOOD_RATIOS:
        print("\nlikelihood-ratio tests of the residual structures (REML, same fixed effects):")
        for name, by_role, correlated in LIKELIHOOD_RATIOS:
            print(
                f"  {name:<28} by-role vs independent LR = {by_role:7.2f} (1 df); "
                f"by-role-correlated vs by-role LR = {correlated:7.2f} (1 df)"
            )


if __name__ == "__main__":
    main()
