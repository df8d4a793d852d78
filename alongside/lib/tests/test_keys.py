"""Secrets generated on first run are created once and then reused."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography.fernet import Fernet

from alongside.lib import keys


def test_a_secret_key_is_created_once_and_reused(tmp_path: Path) -> None:
    first = keys.secret_key(tmp_path)
    assert len(first) >= 50
    assert keys.secret_key(tmp_path) == first
    assert stat.S_IMODE((tmp_path / "secret_key").stat().st_mode) == 0o600


def test_a_note_key_is_a_valid_fernet_key(tmp_path: Path) -> None:
    key = keys.note_keys(tmp_path / "new" / "dir")
    Fernet(key.encode())
    assert keys.note_keys(tmp_path / "new" / "dir") == key
