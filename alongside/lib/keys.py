"""Secrets generated on first run, so ``make run`` works with no configuration.

A deployment normally passes ``SECRET_KEY`` and ``NOTE_ENCRYPTION_KEYS`` in the environment;
when it does not, they are created once in the data directory (mode 0600) and reused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet

from alongside.lib.files import private_dir


def _read_or_create(path: Path, make: object) -> str:
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    private_dir(path.parent)
    value = make() if callable(make) else str(make)
    # O_EXCL: two processes starting together must not both write a different key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(value + "\n")
    return value


def secret_key(data_dir: Path) -> str:
    return _read_or_create(data_dir / "secret_key", lambda: secrets.token_urlsafe(50))


def note_keys(data_dir: Path) -> str:
    return _read_or_create(data_dir / "note_keys", lambda: Fernet.generate_key().decode())
