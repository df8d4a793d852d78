"""Files that hold personal data are readable by the account running Alongside only.

The data directory (the SQLite database, the generated keys, the development outbox) is
made 0700 and the database files 0600, whatever the umask, so another account on a shared
machine cannot read them. Only these paths are tightened: a process-wide umask would also
change what is meant to be shared, such as collected static files.
"""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path
from typing import Any

logger = logging.getLogger(__name__)

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_JOURNALS = ("-wal", "-shm", "-journal")


def tighten(path: Path, mode: int) -> None:
    """Take away every permission ``mode`` does not allow; never add one.

    A path owned by another account (a volume mounted read-only, say) is left to its owner.
    """
    if os.name != "posix":
        return  # Windows has no group and other bits; its ACLs are the owner's to set
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    current = stat.S_IMODE(info.st_mode)
    if info.st_uid != os.getuid() or current & ~mode == 0:
        return
    try:
        path.chmod(current & mode)
    except OSError as exc:
        logger.warning("could not make %s private: %s", path, exc)


def private_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) if need be, and make it 0700."""
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    # mkdir's mode passes through the umask, and an existing directory keeps its own.
    tighten(path, PRIVATE_DIR)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write a new file that only this account can read (created 0600, never widened)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def private_sqlite_files(sender: Any, connection: Any, **kwargs: Any) -> None:
    """On each new SQLite connection, make the database and its journals 0600.

    SQLite creates the -wal and -shm files with the database file's own mode, so once the
    main file is 0600 the journals it creates later are too; the first ones, made while
    the connection opened, are tightened here. Runs on ``connection_created``.
    """
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return  # in memory: nothing on disk
    database = Path(name)
    for path in (database, *(database.with_name(database.name + end) for end in _JOURNALS)):
        tighten(path, PRIVATE_FILE)
