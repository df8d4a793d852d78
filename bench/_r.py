"""Running the R reference fits (bench/r_models.R) from Python."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

R_SCRIPT = Path(__file__).with_name("r_models.R")
DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"


def r_missing() -> str | None:
    """Why R cannot be used here, or None when Rscript with lme4 and nlme is present."""
    rscript = shutil.which("Rscript")
    if rscript is None:
        return (
            "Rscript is not installed (Debian: apt-get install r-base-core r-cran-lme4 r-cran-nlme)"
        )
    check = subprocess.run(
        [
            rscript,
            "-e",
            'quit(status = as.integer(!all(sapply(c("lme4", "nlme"), requireNamespace, '
            "quietly = TRUE))))",
        ],
        capture_output=True,
        text=True,
    )
    if check.returncode != 0:
        return "R is installed but lme4 or nlme is missing (Debian: r-cran-lme4 r-cran-nlme)"
    return None


def r_fit(task: str, data: pd.DataFrame, **options: str) -> pd.DataFrame:
    """Fit a model in R on ``data``; returns R's table of terms."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "input.csv"
        target = Path(folder) / "output.csv"
        data.to_csv(source, index=False)
        arguments = [f"{k}={v}" for k, v in options.items()]
        completed = subprocess.run(
            ["Rscript", str(R_SCRIPT), task, str(source), str(target), *arguments],
            capture_output=True,
            text=True,
        )
        if completed.returncode != 0:
            raise RuntimeError(f"R failed on {task}: {completed.stderr.strip()[-2000:]}")
        return pd.read_csv(target, keep_default_na=True)
