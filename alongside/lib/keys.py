"""Secrets generated on first run, so ``make run`` works with no configuration.

A deployment normally passes ``SECRET_KEY``, ``NOTE_ENCRYPTION_KEYS`` and
``WEB_PUSH_VAPID_PRIVATE_KEY`` in the environment; when it does not, they are created once
in the data directory (mode 0600) and reused.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

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


def _new_vapid_pem() -> str:
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return pem.decode("ascii").strip()


def vapid_private_key(data_dir: Path) -> str:
    """The Web Push (VAPID) signing key, an ECDSA P-256 key as PKCS#8 PEM.

    Browsers tie each subscription to its public half: a new key silently ends every
    subscription, so it is made once and kept with the data.
    """
    return _read_or_create(data_dir / "vapid_private_key.pem", _new_vapid_pem)
