"""Every ``alongside`` command on an empty data directory answers in words, never with a
traceback (issue 13, point 9): what needs a database says what to run first."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))
NOT_SET_UP = "database is not set up yet. Run `alongside manage migrate` first"

# (arguments, whether it needs the database)
COMMANDS = [
    (["--help"], False),
    (["instruments", "list"], True),
    (["instruments", "check", "/nonexistent/instrument.yaml"], False),
    (["demo"], True),
    (["worker", "--batch"], True),
    (["manage", "check"], False),
    (["backup", "--out", "/nonexistent/alongside.backup"], False),
    (["restore", "/nonexistent/alongside.backup"], False),
    (["manage", "rotate_note_keys"], True),
    (["study", "list"], True),
    (["study", "export", "EVENINGS", "--out", "/nonexistent/export"], True),
    (
        [
            "analyze",
            "apim",
            "--data",
            "/nonexistent.csv",
            "--dyad",
            "d",
            "--outcome",
            "y",
            "--actor",
            "x",
            "--partner",
            "p",
        ],
        False,
    ),
]


@pytest.mark.parametrize(
    ("args", "needs_database"), COMMANDS, ids=[" ".join(a) for a, _ in COMMANDS]
)
def test_a_command_on_an_empty_data_directory_never_prints_a_traceback(
    tmp_path: Path, args: list[str], needs_database: bool
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env["ALONGSIDE_DATA_DIR"] = str(tmp_path / "empty")
    done = subprocess.run(
        [ALONGSIDE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    output = done.stdout + done.stderr
    assert "Traceback" not in output, output
    if needs_database:
        assert done.returncode == 1, output
        assert NOT_SET_UP in output
