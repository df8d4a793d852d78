"""How much CPU ``alongside --help`` (and a subcommand's ``--help``) costs to start.

Run from the repository: ``.venv/bin/python bench/cli_startup.py``. Each command runs a
few times in a fresh process with ``PYTHONDONTWRITEBYTECODE=1`` (as on this machine and in
many containers, where nothing caches bytecode at run time). The CPU time (user + system,
of the child) is printed next to two baselines measured in the same run: a bare
``python -c pass``, and importing pandas and scipy (what ``--help`` used to pay for).
The target is under 1 s of CPU for ``alongside --help``.
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
ALONGSIDE = str(Path(PY).with_name("alongside"))
RUNS = 5

COMMANDS = {
    "python -c pass (baseline)": [PY, "-c", "pass"],
    "import pandas, scipy.stats": [PY, "-c", "import pandas, scipy.stats"],
    "alongside --help": [ALONGSIDE, "--help"],
    "alongside analyze --help": [ALONGSIDE, "analyze", "--help"],
    "alongside analyze lagged-apim --help": [ALONGSIDE, "analyze", "lagged-apim", "--help"],
    "alongside instruments --help": [ALONGSIDE, "instruments", "--help"],
}


def cpu_seconds(argv: list[str]) -> float:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    print(f"load average: {os.getloadavg()[0]:.2f}; {RUNS} runs each, median CPU seconds")
    results = {
        name: statistics.median(cpu_seconds(argv) for _ in range(RUNS))
        for name, argv in COMMANDS.items()
    }
    bare = results["python -c pass (baseline)"]
    heavy = results["import pandas, scipy.stats"]
    print(f"{'command':<40} {'CPU s':>7} {'x bare':>8} {'x pandas+scipy':>15}")
    for name, seconds in results.items():
        print(f"{name:<40} {seconds:7.3f} {seconds / bare:8.1f} {seconds / heavy:15.2f}")
    verdict = "under" if results["alongside --help"] < 1.0 else "OVER"
    print(f"alongside --help: {results['alongside --help']:.3f} s CPU, {verdict} the 1 s target")


if __name__ == "__main__":
    main()
