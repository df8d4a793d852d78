"""``alongside study plan``: columns, csv and json, dyads, and one-line errors."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from alongside.cli import cli

BRIEF = [
    "study",
    "plan",
    "--windows",
    "09:00-12:00,12:00-15:00,15:00-18:00,18:00-21:00",
    "--per-window",
    "1",
    "--min-gap",
    "60",
    "--start",
    "2027-03-22",
    "--days",
    "14",
    "--tz",
    "Europe/London",
    "--participants",
    "10",
    "--seed",
    "7",
]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_it_prints_one_row_per_prompt_as_csv() -> None:
    code, out, _ = run(*BRIEF)
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == 10 * 14 * 4
    assert list(rows[0]) == [
        "participant",
        "day",
        "window",
        "prompt",
        "local_time",
        "utc_time",
        "expires_utc",
        "reminders_utc",
    ]
    assert rows[0]["participant"] == "p001"
    # 2027-03-28 is the change to summer time in London: day 7 onwards is +01:00.
    assert {r["local_time"][-6:] for r in rows if r["day"] == "6"} == {"+00:00"}
    assert {r["local_time"][-6:] for r in rows if r["day"] == "8"} == {"+01:00"}


def test_the_same_seed_prints_the_same_plan() -> None:
    assert run(*BRIEF)[1] == run(*BRIEF)[1]
    assert run(*BRIEF)[1] != run(*BRIEF[:-1], "8")[1]


def test_dyads_are_prompted_together_across_zones() -> None:
    code, out, _ = run(*BRIEF, "--dyads", "--tz-b", "America/New_York", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert {"participant", "dyad", "day", "window", "local_time", "utc_time"} <= set(records[0])
    by_dyad: dict[str, dict[str, list[str]]] = {}
    for record in records:
        partner = record["participant"][-1]
        by_dyad.setdefault(record["dyad"], {}).setdefault(partner, []).append(record["utc_time"])
    assert len(by_dyad) == 5
    for partners in by_dyad.values():
        assert partners["a"] == partners["b"]
    assert {r["local_time"][-6:] for r in records if r["participant"].endswith("b")} <= {
        "-04:00",
        "-05:00",
    }


def test_json_lists_the_reminders() -> None:
    code, out, _ = run(
        "study", "plan", "--times", "21:00", "--start", "2027-05-03", "--days", "2",
        "--reminders", "2", "--expiry", "90", "--format", "json",
    )  # fmt: skip
    assert code == 0
    records = json.loads(out)
    assert records[0]["reminders_utc"] == ["2027-05-03T21:30:00+00:00", "2027-05-03T22:00:00+00:00"]


def test_every_weeks_plans_a_fortnightly_day() -> None:
    code, out, _ = run(
        "study", "plan", "--times", "20:00", "--start", "2027-05-03", "--days", "30",
        "--every-weeks", "2",
    )  # fmt: skip
    assert code == 0
    assert [r["day"] for r in csv.DictReader(io.StringIO(out))] == ["1", "15", "29"]


@pytest.mark.parametrize(
    ("change", "option"),
    [
        (["--windows", "09:00-12:00,11:00-15:00"], "--windows"),
        (["--windows", "9-12"], "--windows"),
        (["--min-gap", "120", "--per-window", "2"], "--windows"),
        (["--tz", "Europe/Lndon"], "--tz"),
        (["--start", "2027-02-30"], "--start"),
        (["--days", "0"], "--days"),
        (["--per-window", "many"], "--per-window"),
        (["--participants", "3", "--dyads"], "--participants"),
        (["--tz-b", "Nowhere/City", "--dyads"], "--tz-b"),
    ],
)
def test_bad_input_is_one_line_naming_the_option(change: list[str], option: str) -> None:
    args = list(BRIEF)
    for flag, *value in [change[i : i + 2] for i in range(0, len(change), 2)]:
        if flag in args and value:
            args[args.index(flag) + 1] = value[0]
        else:
            args += [flag, *value]
    code, out, err = run(*args)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert option in err
    assert "Traceback" not in err


def test_help_has_an_example() -> None:
    code, out, _ = run("study", "plan", "--help")
    assert code == 0
    assert "Example" in out
    assert "--dyads" in out
    assert "local_time" in out
