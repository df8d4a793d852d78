"""Benchmark: the lagged APIM (stability and influence), ours against R's lme4.

Simulates 2,000 couples x 60 days (couple-specific intercepts and slopes, 3% of days
missing), then fits the same model both ways, in the same run, with random intercepts
and with random slopes:

    lmer(y ~ 0 + role + role:actor_lag + role:partner_lag + (0 + role | couple))
    lmer(y ~ 0 + role + role:actor_lag + role:partner_lag +
         (0 + role + actor_lag + partner_lag | couple))

Timed for lme4: the ``lmer()`` call alone (``system.time`` in R, default control), on
the stacked data built beforehand; R's start-up, reading the CSV and stacking are not
counted. Timed for us: ``lagged_apim()`` from the couple-wide DataFrame, i.e. the
sweep over the data to per-couple sufficient statistics plus the fit (best of 3).
Printed: both times, their ratio, and the largest difference in fixed effects.

Usage::

    .venv/bin/python bench/lagged_apim_bench.py [--couples 2000] [--days 60]
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from _r import r_fit, r_missing

from alongside.analytics import lagged_apim, simulate_diary
from alongside.analytics._lmm import fit_mixed
from alongside.analytics._series import couple_series
from alongside.analytics.lagged import FIXED_TERMS, lagged_apim_moments

LME4_NAMES = [
    "rolea",
    "roleb",
    "rolea:actor_lag",
    "roleb:actor_lag",
    "rolea:partner_lag",
    "roleb:partner_lag",
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--couples", type=int, default=2000)
    parser.add_argument("--days", type=int, default=60)
    args = parser.parse_args()
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"lagged APIM: {args.couples} couples x {args.days} days (load average {load})")
    data = simulate_diary(
        args.couples,
        args.days,
        intercept=(1.0, 1.5),
        inertia=(0.35, 0.25),
        carryover=(0.1, 0.15),
        intercept_sd=0.5,
        slope_sd=0.1,
        missing=0.03,
        random_state=2024,
    )
    options: dict[str, Any] = {"dyad": "dyad", "time": "day", "a": "a", "b": "b"}
    why = r_missing()
    if why:
        print(f"lme4 comparison skipped: {why}")
    for slopes in (False, True):
        label = "random slopes" if slopes else "random intercepts"
        times = []
        for _ in range(3):
            start = time.perf_counter()
            ours = lagged_apim(data, **options, random_slopes=slopes)
            times.append(time.perf_counter() - start)
        start = time.perf_counter()
        moments = lagged_apim_moments(couple_series(data, **options), random_slopes=slopes)
        sweep = time.perf_counter() - start
        start = time.perf_counter()
        fit = fit_mixed(moments, reml=True)
        fitting = time.perf_counter() - start
        best = min(times)
        print(f"-- {label}: {ours.attrs['n_obs']} partner-days")
        print(
            f"   ours:  {best:.3f} s (best of 3; sweep {sweep:.3f} s + fit {fitting:.3f} s, "
            f"{fit.iterations} iterations)"
        )
        if why:
            continue
        theirs = r_fit("lagged", data, **options, slopes="yes" if slopes else "no")
        theirs = theirs.set_index("term").loc[LME4_NAMES]
        seconds = float(theirs["seconds"].iloc[0])
        fixed = ours[ours["effect"] == "fixed"].set_index("term").loc[list(FIXED_TERMS)]
        difference = np.max(np.abs(fixed["estimate"].to_numpy() - theirs["estimate"].to_numpy()))
        se_difference = np.max(
            np.abs(fixed["std_error"].to_numpy() - theirs["std_error"].to_numpy())
        )
        criterion = -2 * ours.attrs["log_likelihood"] - float(theirs["criterion"].iloc[0])
        warning = theirs["warning"].iloc[0]
        print(f"   lme4:  {seconds:.3f} s (lmer() only, default control)")
        print(f"   ratio: {seconds / best:.0f}x faster")
        print(
            f"   largest difference in fixed effects: {difference:.1e} "
            f"(standard errors {se_difference:.1e}); REML criterion ours - lme4 = {criterion:+.1e}"
        )
        if isinstance(warning, str) and warning:
            print(f"   lme4 warned: {warning}")


if __name__ == "__main__":
    main()
