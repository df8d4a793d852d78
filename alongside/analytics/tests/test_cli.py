"""``alongside analyze``: the command line on CSV files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from alongside.analytics import simulate_diary
from alongside.analytics.cli import analyze

DIARY = ["--dyad", "ID", "--time", "DIARYDAY", "--a", "M_Anx.", "--b", "W_Anx."]
APIM = [
    "--dyad", "CoupleID", "--outcome", "Satisfaction_A", "--actor", "OtherPos_A",
    "--partner", "OtherPos_P",
]  # fmt: skip


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(analyze, list(args))
    return result.exit_code, result.output


def _streams(*args: str) -> tuple[int, str, str]:
    """Exit status, stdout and stderr apart: warnings go to stderr."""
    result = CliRunner().invoke(analyze, list(args))
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def simulated_csv(tmp_path: Path) -> Path:
    path = tmp_path / "diary.csv"
    data = simulate_diary(n_couples=6, n_days=20, intercept_sd=0.3, random_state=1)
    data.rename(columns={"dyad": "ID", "day": "DIARYDAY", "a": "M_Anx.", "b": "W_Anx."}).to_csv(
        path, index=False
    )
    return path


def test_help_explains_every_method() -> None:
    code, output = _run("--help")
    assert code == 0
    for command in ("apim", "lagged-apim", "networks", "synchrony"):
        assert command in output
    code, output = _run("apim", "--help")
    assert "Actor-Partner Interdependence Model" in output
    assert "--distinguish-by" in output


def test_apim_prints_one_csv_record_per_term(married_path: Path) -> None:
    code, output = _run("apim", "--data", str(married_path), *APIM)
    assert code == 0, output
    lines = output.strip().splitlines()
    assert lines[0].startswith("term,role,estimate,std_error")
    assert lines[2].startswith("actor,,0.40042314")


def test_apim_distinguishes_by_a_column_as_json(married_path: Path) -> None:
    code, output = _run(
        "apim", "--data", str(married_path), *APIM, "--distinguish-by", "Gender_A",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, output
    records = json.loads(output)
    husband_actor = [r for r in records if r["term"] == "actor" and r["role"] == "Husband"]
    assert husband_actor[0]["estimate"] == pytest.approx(0.424386632895, abs=1e-6)
    rho = next(r for r in records if r["term"] == "rho")
    assert rho["p_value"] is None  # NaN becomes null


def test_lagged_apim_on_the_real_diary(diary_path: Path) -> None:
    code, output = _run("lagged-apim", "--data", str(diary_path), *DIARY, "--format", "json")
    assert code == 0, output
    records = {r["term"]: r for r in json.loads(output)}
    assert records["actor_a"]["estimate"] == pytest.approx(0.2799015, abs=1e-4)
    assert records["actor_a"]["std_error"] > 0


def test_lagged_apim_with_random_slopes(simulated_csv: Path) -> None:
    code, output = _run("lagged-apim", "--data", str(simulated_csv), *DIARY, "--random-slopes")
    assert code == 0, output
    assert "sd(actor)" in output


def test_networks_prints_a_record_per_couple_and_term(simulated_csv: Path) -> None:
    code, output = _run("networks", "--data", str(simulated_csv), *DIARY)
    assert code == 0, output
    frame = pd.read_csv(io.StringIO(output))
    assert {"dyad", "term", "estimate", "std_error", "status"} <= set(frame.columns)
    assert len(frame) == 6 * 7


def test_synchrony_with_a_pseudo_couple_baseline(simulated_csv: Path) -> None:
    code, output = _run(
        "synchrony", "--data", str(simulated_csv), *DIARY, "--pseudo-couples", "5",
        "--seed", "1", "--format", "json",
    )  # fmt: skip
    assert code == 0, output
    records = json.loads(output)
    assert {r["term"] for r in records} == {"concurrent_correlation", "synchrony"}
    assert all("percentile" in r and "dyad" in r for r in records)


def test_a_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    code, output = _run("networks", "--data", str(tmp_path / "nope.csv"), *DIARY)
    assert code != 0
    assert output.strip() == f"Error: cannot read {tmp_path / 'nope.csv'}: no such file"


def test_a_missing_column_is_a_one_line_error(simulated_csv: Path) -> None:
    code, output = _run(
        "networks", "--data", str(simulated_csv), "--dyad", "ID", "--time", "day",
        "--a", "M_Anx.", "--b", "W_Anx.",
    )  # fmt: skip
    assert code != 0
    assert len(output.strip().splitlines()) == 1
    assert output.startswith("Error: missing column 'day'")
    assert "Traceback" not in output


def test_a_file_that_is_not_csv_is_a_one_line_error(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text("")
    code, output = _run("apim", "--data", str(path), *APIM)
    assert code != 0
    assert output.startswith(f"Error: cannot read {path} as CSV")
    assert len(output.strip().splitlines()) == 1


def test_a_time_column_of_iso_dates_gives_the_same_fit_as_day_numbers(
    simulated_csv: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(simulated_csv)
    dated = tmp_path / "dated.csv"
    start = pd.Timestamp("2026-03-01")
    frame.assign(
        DIARYDAY=[(start + pd.Timedelta(days=int(d))).date().isoformat() for d in frame["DIARYDAY"]]
    ).to_csv(dated, index=False)
    # Six simulated couples give a singular fit: its warning goes to stderr, apart.
    by_number = _streams("lagged-apim", "--data", str(simulated_csv), *DIARY, "--format", "json")
    by_date = _streams("lagged-apim", "--data", str(dated), *DIARY, "--format", "json")
    assert by_number[0] == by_date[0] == 0, by_date[2]
    assert json.loads(by_number[1]) == json.loads(by_date[1])


def test_a_time_column_that_is_neither_numbers_nor_dates_is_a_one_line_error(
    simulated_csv: Path, tmp_path: Path
) -> None:
    frame = pd.read_csv(simulated_csv).astype({"DIARYDAY": str})
    frame.loc[0, "DIARYDAY"] = "last tuesday"
    bad = tmp_path / "bad.csv"
    frame.to_csv(bad, index=False)
    code, output = _run("lagged-apim", "--data", str(bad), *DIARY)
    assert code != 0
    assert "expected day numbers or dates like 2026-03-14" in output
    assert "Traceback" not in output


def test_json_keeps_the_full_precision_of_every_number(simulated_csv: Path) -> None:
    code, output = _run("networks", "--data", str(simulated_csv), *DIARY, "--format", "json")
    assert code == 0, output
    from alongside.analytics import networks

    expected = networks(
        pd.read_csv(simulated_csv), dyad="ID", time="DIARYDAY", a="M_Anx.", b="W_Anx."
    )
    records = json.loads(output)
    got = [r["estimate"] for r in records]
    assert got == [float(v) for v in expected["estimate"]]  # bit for bit, not to 15 digits
