"""``alongside backup`` while check-ins are being written, then ``alongside restore`` into
an empty data directory (or database): every table comes back as it was (issue 13,
point 6). SQLite always; PostgreSQL when the suite runs on it (``DATABASE_URL``)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))

# A second process that keeps writing check-ins (one person, one a day going back) until
# the stop file appears, and says how many it wrote.
WRITER = """
import datetime as dt, os, sys
from pathlib import Path
import django
django.setup()
from alongside.accounts.models import User
from alongside.checkins.models import CheckIn
user = User.objects.create_user("writer@example.org", "a long enough password 1")
stop = Path(sys.argv[1])
day = dt.date(2026, 1, 1)
written = 0
while not stop.exists() and written < 20000:
    CheckIn.objects.create(owner=user, day=day - dt.timedelta(days=written), mood=5,
                           note=f"note {written}")
    written += 1
print(written)
"""


def _env(data_dir: Path, database_url: str | None = None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DEBUG"}
    }
    env["ALONGSIDE_DATA_DIR"] = str(data_dir)
    env["DJANGO_SETTINGS_MODULE"] = "alongside.settings"
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def _alongside(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [ALONGSIDE, *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )


def _backup_under_writes(env: dict[str, str], tmp_path: Path) -> tuple[list[Path], Path]:
    """Backups taken while the writer runs, and one after it stopped."""
    stop = tmp_path / "stop"
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(stop)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    during = []
    try:
        time.sleep(1.5)  # let the writer get going
        for n in range(3):
            out = tmp_path / f"during-{n}.backup"
            done = _alongside(env, "backup", "--out", str(out))
            assert done.returncode == 0, done.stdout + done.stderr
            assert "The keys are not in it" in done.stdout
            during.append(out)
    finally:
        stop.touch()
        out_text, err = writer.communicate(timeout=120)
    assert writer.returncode == 0, err
    assert int(out_text.strip()) > 0
    after = tmp_path / "after.backup"
    done = _alongside(env, "backup", "--out", str(after))
    assert done.returncode == 0, done.stdout + done.stderr
    assert after.stat().st_mode & 0o777 == 0o600
    return during, after


def _sqlite_dump(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(path) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"'), key=repr) for t in tables}  # noqa: S608


def test_sqlite_backup_under_writes_restores_every_table(tmp_path: Path) -> None:
    live_dir, restored_dir = tmp_path / "live", tmp_path / "restored"
    env = _env(live_dir)
    assert _alongside(env, "manage", "migrate", "-v", "0").returncode == 0
    during, after = _backup_under_writes(env, tmp_path)
    for snapshot in during:
        with sqlite3.connect(snapshot) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # A crashed database's leftovers in the new place must not be replayed into it.
    restored_dir.mkdir(mode=0o700)
    for name in ("secret_key", "note_keys"):
        shutil.copy(live_dir / name, restored_dir / name)
    (restored_dir / "alongside.sqlite3-wal").write_bytes(b"stale write-ahead log")
    (restored_dir / "alongside.sqlite3-shm").write_bytes(b"stale shared memory")
    restored_env = _env(restored_dir)
    done = _alongside(restored_env, "restore", str(after))
    assert done.returncode == 0, done.stdout + done.stderr
    assert not (restored_dir / "alongside.sqlite3-wal").exists()
    live, back = (
        _sqlite_dump(live_dir / "alongside.sqlite3"),
        _sqlite_dump(restored_dir / "alongside.sqlite3"),
    )
    assert set(live) == set(back)
    assert all(live[t] == back[t] for t in live), [t for t in live if live[t] != back[t]]
    assert len(back["checkins_checkin"]) > 0
    # The restored site reads its encrypted notes with the same keys.
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from alongside.checkins.models import CheckIn; "
            "print(CheckIn.objects.order_by('pk').first().note)",
        ],
        env=restored_env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert check.stdout.strip() == "note 0"
    # A database with data in it is left alone without --force.
    again = _alongside(restored_env, "restore", str(during[0]))
    assert again.returncode == 1
    assert "already holds data" in again.stderr
    assert _sqlite_dump(restored_dir / "alongside.sqlite3") == back
    assert _alongside(restored_env, "restore", str(during[0]), "--force").returncode == 0


def test_a_bad_backup_file_or_place_is_refused_in_words(tmp_path: Path) -> None:
    env = _env(tmp_path / "live")
    not_a_backup = tmp_path / "notes.txt"
    not_a_backup.write_text("hello")
    for args in (
        ["restore", str(not_a_backup)],
        ["restore", str(tmp_path / "missing.backup")],
        ["backup", "--out", str(tmp_path / "no-such-folder" / "x.backup")],
    ):
        done = _alongside(env, *args)
        assert done.returncode == 1, args
        assert "Traceback" not in done.stdout + done.stderr
        assert done.stderr.startswith("Error: "), done.stderr


@pytest.fixture
def postgres_databases() -> Iterator[tuple[str, str]]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL)")
    import psycopg

    base = url.rsplit("/", 1)[0]
    names = [f"alongside_backup_{uuid.uuid4().hex[:8]}_{part}" for part in ("live", "restored")]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        for name in names:
            admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{names[0]}", f"{base}/{names[1]}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            for name in names:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _pg_dump_tables(url: str) -> dict[str, list[tuple[Any, ...]]]:
    import psycopg

    with psycopg.connect(url) as conn:
        tables = [
            row[0]
            for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        ]
        return {
            t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr)  # noqa: S608
            for t in tables
        }


@pytest.mark.database
def test_postgresql_backup_under_writes_restores_every_table(
    tmp_path: Path, postgres_databases: tuple[str, str]
) -> None:
    live_url, restored_url = postgres_databases
    data_dir = tmp_path / "data"
    env = _env(data_dir, live_url)
    assert _alongside(env, "manage", "migrate", "-v", "0").returncode == 0
    _during, after = _backup_under_writes(env, tmp_path)
    done = _alongside(_env(data_dir, restored_url), "restore", str(after))
    assert done.returncode == 0, done.stdout + done.stderr
    live, back = _pg_dump_tables(live_url), _pg_dump_tables(restored_url)
    assert set(live) == set(back)
    assert all(live[t] == back[t] for t in live), [t for t in live if live[t] != back[t]]
    again = _alongside(_env(data_dir, restored_url), "restore", str(after))
    assert again.returncode == 1 and "already holds tables" in again.stderr
