"""``alongside analyze`` writes no formula into its CSV, whatever the data's labels say.

Couple labels come from someone's data file and are printed back, one row per couple;
one that starts like a formula (``=``, ``+``, ``-``, ``@``) gets a leading quote, while
every number, negative ones included, is printed exactly as before.
"""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from alongside.analytics import simulate_diary
from alongside.analytics.cli import analyze

LABELS = ['=HYPERLINK("https://evil.example","Go")', "-7", "@SUM(1)", "+1", "couple e", "f"]


def _diary(tmp_path: Path, labels: list[str] | None) -> Path:
    data = simulate_diary(n_couples=6, n_days=20, intercept_sd=0.3, random_state=1)
    if labels:
        data["dyad"] = data["dyad"].map(
            dict(zip(sorted(data["dyad"].unique()), labels, strict=True))
        )
    path = tmp_path / ("labelled.csv" if labels else "plain.csv")
    data.to_csv(path, index=False)
    return path


def _networks(path: Path) -> pd.DataFrame:
    result = CliRunner().invoke(
        analyze,
        [
            "networks",
            "--data",
            str(path),
            "--dyad",
            "dyad",
            "--time",
            "day",
            "--a",
            "a",
            "--b",
            "b",
        ],
    )
    assert result.exit_code == 0, result.output
    return pd.read_csv(io.StringIO(result.output), dtype=str, keep_default_na=False)


def test_couple_labels_that_start_like_a_formula_are_printed_as_text(tmp_path: Path) -> None:
    printed = _networks(_diary(tmp_path, LABELS))
    assert set(printed["dyad"]) == {
        '\'=HYPERLINK("https://evil.example","Go")',
        "'-7",
        "'@SUM(1)",
        "'+1",
        "couple e",
        "f",
    }


def test_numbers_are_printed_exactly_as_before(tmp_path: Path) -> None:
    def rows(frame: pd.DataFrame) -> list[tuple[str, ...]]:
        # Couples come out in the order of their labels, which the relabelling changes.
        return sorted(map(tuple, frame.drop(columns="dyad").to_numpy().tolist()))

    labelled = _networks(_diary(tmp_path, LABELS))
    plain = _networks(_diary(tmp_path, None))
    assert rows(labelled) == rows(plain)
    assert (plain["estimate"].str.startswith("-")).any()  # negative numbers stay numbers
