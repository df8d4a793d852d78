"""Benchmark: per-couple VAR(1) networks.

Part 1 compares the batched estimator with the obvious alternative, a Python loop that
fits statsmodels OLS for each couple (both equations) on the same data, and prints the
ratio and the largest difference between the two.

Part 2 measures scaling from 1,000 to 1,000,000 couples x 100 days (one emotion per
partner). Each size runs in a fresh subprocess so that its peak memory (ru_maxrss) is
its own. The data are simulated as float32 (couples x days) grids, untimed; what is
timed is ``networks_from_arrays`` end to end: the sweep over the data (per-couple lag
moments), the batched solve with standard errors, p-values and intervals, and the tidy
DataFrame of 7 rows per couple. With ``--frame``, the same is timed from a long
DataFrame (one row per couple and day) through ``networks``, which adds the
conversion of the rows into the grid.

Usage::

    .venv/bin/python bench/networks_bench.py            # both parts
    .venv/bin/python bench/networks_bench.py --sizes 1000,1000000 --frame
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from alongside.analytics import networks, networks_from_arrays, simulate_diary
from alongside.analytics._simulate import simulate_grid


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def statsmodels_loop(data: pd.DataFrame) -> pd.DataFrame:
    """The baseline: for each couple, build the lags and fit two OLS with statsmodels."""
    import statsmodels.api as sm

    rows = []
    for label, couple in data.groupby("dyad", sort=True):
        day = couple["day"].to_numpy()
        a = couple["a"].to_numpy()
        b = couple["b"].to_numpy()
        pair = np.flatnonzero(np.diff(day) == 1)
        x = sm.add_constant(np.column_stack([a[pair], b[pair]]), has_constant="add")
        fit_a = sm.OLS(a[pair + 1], x).fit()
        fit_b = sm.OLS(b[pair + 1], x).fit()
        sync = np.corrcoef(fit_a.resid, fit_b.resid)[0, 1]
        values = (
            fit_a.params[0], fit_b.params[0], fit_a.params[1], fit_b.params[2],
            fit_a.params[2], fit_b.params[1], sync,
        )  # fmt: skip
        errors = (
            fit_a.bse[0], fit_b.bse[0], fit_a.bse[1], fit_b.bse[2], fit_a.bse[2], fit_b.bse[1],
            np.nan,
        )  # fmt: skip
        rows.append((label, values, errors))
    return pd.DataFrame(
        {
            "dyad": np.repeat([r[0] for r in rows], 7),
            "estimate": np.concatenate([r[1] for r in rows]),
            "std_error": np.concatenate([r[2] for r in rows]),
        }
    )


def part_one(n_couples: int, n_days: int) -> None:
    print(f"== batched vs statsmodels loop: {n_couples} couples x {n_days} days (load {_load()})")
    data = simulate_diary(n_couples, n_days, missing=0.05, random_state=1)
    ours_times = []
    for _ in range(3):
        start = time.perf_counter()
        ours = networks(data, dyad="dyad", time="day", a="a", b="b", min_pairs=10)
        ours_times.append(time.perf_counter() - start)
    start = time.perf_counter()
    loop = statsmodels_loop(data)
    loop_time = time.perf_counter() - start
    estimated = ours["status"] == "estimated"
    difference = np.nanmax(
        np.abs(ours.loc[estimated, "estimate"].to_numpy() - loop["estimate"].to_numpy()[estimated])
    )
    se_difference = np.nanmax(
        np.abs(
            ours.loc[estimated, "std_error"].to_numpy()[:-1]
            - loop["std_error"].to_numpy()[estimated][:-1]
        )
        * np.isfinite(loop["std_error"].to_numpy()[estimated][:-1])
    )
    best = min(ours_times)
    print(f"batched networks(): {best * 1e3:.1f} ms (best of 3, from the long DataFrame)")
    print(f"statsmodels loop:   {loop_time * 1e3:.1f} ms")
    print(f"ratio: {loop_time / best:.0f}x faster")
    print(f"largest difference: estimates {difference:.2e}, standard errors {se_difference:.2e}")
    print()


def child(n_couples: int, n_days: int, frame: bool) -> dict[str, float]:
    start = time.perf_counter()
    grid_a, grid_b = simulate_grid(n_couples, n_days, dtype=np.float32, random_state=7)
    generate = time.perf_counter() - start
    result: dict[str, float] = {"couples": n_couples, "generate_s": generate}
    if frame:
        long = pd.DataFrame(
            {
                "dyad": np.repeat(np.arange(n_couples, dtype=np.int32), n_days),
                "day": np.tile(np.arange(n_days, dtype=np.int16), n_couples),
                "a": grid_a.ravel(),
                "b": grid_b.ravel(),
            }
        )
        del grid_a, grid_b
        before = _rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        estimates = networks(long, dyad="dyad", time="day", a="a", b="b")
    else:
        before = _rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        estimates = networks_from_arrays(grid_a, grid_b)
    result["estimate_s"] = time.perf_counter() - wall
    result["cpu_s"] = time.process_time() - cpu
    result["rss_before_mb"] = before
    result["peak_mb"] = _peak_mb()
    result["rows"] = len(estimates)
    result["estimated_share"] = float((estimates["status"] == "estimated").mean())
    return result


def part_two(sizes: list[int], n_days: int, frame: bool) -> list[dict[str, float]]:
    kind = "long DataFrame -> networks()" if frame else "float32 arrays -> networks_from_arrays()"
    print(f"== scaling, {n_days} days per couple, {kind} (load {_load()})")
    print(
        f"{'couples':>10} {'simulate s':>11} {'estimate s':>11} {'cpu s':>7} {'data MB':>9} "
        f"{'peak MB':>9}"
    )
    results = []
    for size in sizes:
        command = [sys.executable, __file__, "--child", str(size), "--days", str(n_days)]
        if frame:
            command.append("--frame")
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        row = json.loads(output.strip().splitlines()[-1])
        results.append(row)
        print(
            f"{size:>10,} {row['generate_s']:>11.2f} {row['estimate_s']:>11.2f} {row['cpu_s']:>7.2f} "
            f"{row['rss_before_mb']:>9.0f} {row['peak_mb']:>9.0f}"
        )
    print(f"(load average at the end: {_load()})")
    print()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000,1000000")
    parser.add_argument("--days", type=int, default=100)
    parser.add_argument("--loop-couples", type=int, default=2000)
    parser.add_argument("--frame", action="store_true", help="also time the DataFrame path")
    parser.add_argument("--skip-loop", action="store_true")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.days, args.frame)))
        return
    print(f"machine: {os.cpu_count()} cores; numpy {np.__version__}, pandas {pd.__version__}")
    if not args.skip_loop:
        part_one(args.loop_couples, args.days)
    sizes = [int(s) for s in args.sizes.split(",")]
    part_two(sizes, args.days, frame=False)
    if args.frame:
        part_two(sizes, args.days, frame=True)


if __name__ == "__main__":
    main()
