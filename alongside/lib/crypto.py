"""Encryption at rest for free text (notes, reflections, session notes).

Values are encrypted with ``MultiFernet`` built from ``settings.NOTE_ENCRYPTION_KEYS``: the
first key encrypts, every key decrypts. To rotate, put a new key first, run
``alongside rotate_note_keys`` to re-encrypt, then drop the old key (docs/privacy.md).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key.encode()) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "NOTE_ENCRYPTION_KEYS: each key must be 32 url-safe base64-encoded bytes"
        ) from exc


def fernet() -> MultiFernet:
    return _fernet(tuple(settings.NOTE_ENCRYPTION_KEYS))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored note could not be decrypted: is its key missing from NOTE_ENCRYPTION_KEYS?"
        ) from exc


def rotate(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token; the empty string stays empty (not secret)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))
