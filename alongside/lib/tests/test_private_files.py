"""The data directory and the files in it can be read by the account running Alongside only.

The SQLite database (and its write-ahead log), the generated keys and the development
outbox hold personal data: another account on a shared machine must not read them, even
with the usual umask of 022. The first tests start real processes on a fresh data
directory, as ``make run`` does.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from alongside.lib import mail

ROOT = Path(__file__).resolve().parents[3]
# Runs in the child: migrate, keep the connection open (so the -wal and -shm files
# exist), then report the mode of everything in the data directory.
REPORT_MODES = """
import json, os, stat, sys
from pathlib import Path
from django.conf import settings
from django.core.management import call_command
from django.db import connection
call_command("migrate", verbosity=0)
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM django_migrations")
data = Path(settings.DATA_DIR)
modes = {".": stat.S_IMODE(data.stat().st_mode)}
modes.update({p.name: stat.S_IMODE(p.stat().st_mode) for p in data.iterdir()})
print(json.dumps(modes))
"""

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX file modes")


def run_alongside(data_dir: Path) -> dict[str, int]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "SECRET_KEY", "NOTE_ENCRYPTION_KEYS"}
    }
    env.update(ALONGSIDE_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="alongside.settings")
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", REPORT_MODES],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        umask=0o022,  # the common default, which would leave files readable by all
    )
    assert done.returncode == 0, done.stderr[-3000:]
    modes: dict[str, int] = json.loads(done.stdout.strip().splitlines()[-1])
    return modes


def test_a_fresh_data_directory_is_private_and_so_is_everything_in_it(tmp_path: Path) -> None:
    modes = run_alongside(tmp_path / "fresh")
    assert modes["."] == 0o700
    for name in ("alongside.sqlite3", "alongside.sqlite3-wal", "alongside.sqlite3-shm"):
        assert modes[name] == 0o600, (name, oct(modes[name]))
    assert modes["secret_key"] == 0o600
    assert modes["note_keys"] == 0o600


def test_an_existing_data_directory_and_database_are_tightened(tmp_path: Path) -> None:
    data = tmp_path / "earlier"
    data.mkdir(mode=0o755)
    data.chmod(0o755)
    (data / "alongside.sqlite3").touch()
    (data / "alongside.sqlite3").chmod(0o644)  # as an earlier version left it
    modes = run_alongside(data)
    assert modes["."] == 0o700
    assert modes["alongside.sqlite3"] == 0o600
    assert modes["alongside.sqlite3-wal"] == 0o600


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_private_dir_never_loosens_a_stricter_mode(tmp_path: Path) -> None:
    from alongside.lib.files import private_dir

    strict = tmp_path / "strict"
    strict.mkdir()
    strict.chmod(0o500)
    try:
        private_dir(strict)
        assert mode(strict) == 0o500
    finally:
        strict.chmod(0o700)


def test_the_outbox_and_each_message_in_it_are_private(outbox: Path, alice: Any) -> None:
    old = os.umask(0o022)
    try:
        mail.send("reminder", alice.email, {"name": "Alice", "day": "Monday"})
    finally:
        os.umask(old)
    assert mode(outbox) == 0o700
    (message,) = outbox.iterdir()
    assert mode(message) == 0o600
