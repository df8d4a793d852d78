"""Backups of the database, and restoring one (``alongside backup`` / ``alongside restore``).

- **SQLite**: SQLite's online backup API copies a consistent snapshot while the app keeps
  writing (a plain file copy of a database in WAL mode can miss what is still in the
  ``-wal`` file, or catch a page half-written). Restoring writes beside the target and
  renames it into place, and removes a stale ``-wal``/``-shm`` pair first: left beside a
  restored file, SQLite would replay them into it ("database disk image is malformed").
- **PostgreSQL**: ``pg_dump --format=custom`` (a consistent snapshot, taken without
  stopping writes) and ``pg_restore``.

The encryption keys are **not** in a backup, on purpose: a backup and its keys kept in
one place protect nothing. ``key_locations()`` says where they are, and the commands
print it. Restoring refuses a database that already holds tables unless told ``force``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_MAGIC = b"PGDMP"


class BackupError(Exception):
    """Why a backup or restore could not be done, in words for the person running it."""


@dataclass(frozen=True)
class Done:
    path: Path
    kind: str  # "sqlite" or "postgresql"
    size: int


def _vendor(db: Mapping[str, Any]) -> str:
    engine = str(db["ENGINE"])
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {engine}.")


def _pg_env(db: Mapping[str, Any]) -> dict[str, str]:
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return env


def _run(command: list[str], env: dict[str, str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"{command[0]} is not installed (it comes with PostgreSQL's client).")
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} failed: {done.stderr.strip() or done.stdout.strip()}")


def _private(path: Path) -> None:
    os.chmod(path, 0o600)


def backup(db: Mapping[str, Any], out: Path) -> Done:
    """A consistent copy of the database in ``out`` (mode 0600), while writes go on."""
    out = out.expanduser().resolve()
    if out.exists() and out.is_dir():
        raise BackupError(f"{out} is a folder; give a file name, like {out / 'alongside.backup'}.")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    kind = _vendor(db)
    part = out.with_name(out.name + ".part")
    part.unlink(missing_ok=True)
    if kind == "sqlite":
        source = Path(str(db["NAME"]))
        if not source.exists():
            raise BackupError(f"There is no database at {source} to back up.")
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(part)
        try:
            src.backup(dst)  # page by page; restarts on its own if a write lands meanwhile
        finally:
            dst.close()
            src.close()
    else:
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(part), str(db["NAME"])],
            _pg_env(db),
        )
    _private(part)
    part.replace(out)
    return Done(path=out, kind=kind, size=out.stat().st_size)


def kind_of(path: Path) -> str:
    with path.open("rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is not an Alongside backup (neither SQLite nor pg_dump).")


def _sqlite_tables(path: Path) -> list[str]:
    if not path.exists() or path.stat().st_size == 0:
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
        return [
            row[0]
            for row in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'"
            )
        ]


def _pg_tables(db: Mapping[str, Any]) -> list[str]:
    import psycopg

    params = {
        "dbname": db["NAME"],
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
    }
    with psycopg.connect(**{k: v for k, v in params.items() if v}) as conn:
        rows = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
        ).fetchall()
    return [row[0] for row in rows]


def restore(db: Mapping[str, Any], backup_file: Path, *, force: bool = False) -> Done:
    """Put ``backup_file`` in place of the database (which must be empty unless ``force``)."""
    backup_file = backup_file.expanduser().resolve()
    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}.")
    kind = kind_of(backup_file)
    target_kind = _vendor(db)
    if kind != target_kind:
        raise BackupError(f"{backup_file} is a {kind} backup, but this site runs on {target_kind}.")
    if kind == "sqlite":
        target = Path(str(db["NAME"]))
        if _sqlite_tables(target) and not force:
            raise BackupError(
                f"The database at {target} already holds data. Restore into an empty data "
                "directory, or add --force to replace it."
            )
        with sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True) as check:
            if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError(f"{backup_file} is damaged (SQLite's integrity check failed).")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=".restore-", suffix=".sqlite3")
        os.close(fd)
        staged = Path(name)
        try:
            src = sqlite3.connect(f"file:{backup_file}?mode=ro", uri=True)
            dst = sqlite3.connect(staged)
            try:
                src.backup(dst)
            finally:
                dst.close()
                src.close()
            _private(staged)
            # A crashed database's journal would be replayed into the restored file.
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            staged.replace(target)
        finally:
            staged.unlink(missing_ok=True)
        return Done(path=target, kind=kind, size=target.stat().st_size)
    if _pg_tables(db) and not force:
        raise BackupError(
            f"The database {db['NAME']} already holds tables. Restore into an empty database, "
            "or add --force to replace what is there."
        )
    command = ["pg_restore", "--no-owner", "--exit-on-error", "--dbname", str(db["NAME"])]
    if force:
        command[1:1] = ["--clean", "--if-exists"]
    _run([*command, str(backup_file)], _pg_env(db))
    return Done(path=backup_file, kind=kind, size=backup_file.stat().st_size)


def key_locations(data_dir: Path) -> list[str]:
    """Where this site's keys are, for the message after a backup."""
    places = []
    for name, env in (
        ("secret_key", "SECRET_KEY"),
        ("note_keys", "NOTE_ENCRYPTION_KEYS"),
        ("vapid_private_key.pem", "WEB_PUSH_VAPID_PRIVATE_KEY"),
    ):
        if os.environ.get(env) or os.environ.get(f"{env}_FILE"):
            places.append(f"{env} (from the environment)")
        else:
            places.append(str(data_dir / name))
    return places
