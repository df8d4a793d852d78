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
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import lookups


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
    if len(token) <= _REMEMBERED_LENGTH:
        return _decrypt_remembered(tuple(settings.NOTE_ENCRYPTION_KEYS), token)
    return _decrypt(fernet(), token)


def _decrypt(keys: MultiFernet, token: str) -> str:
    try:
        return keys.decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored note could not be decrypted: is its key missing from NOTE_ENCRYPTION_KEYS?"
        ) from exc


# Names and short texts are read on every page (the person's own name, a partner's, the
# week's items), and checking and decrypting a token took a tenth of a small page's
# time. Each token is a fresh encryption, so a token stands for one stored value; the
# worker remembers the latest few thousand short ones (a few MB at most). Encryption at
# rest is about the disk and backups: what a worker remembers is what it read, in the
# memory that also holds the keys. A failure is not remembered.
_REMEMBERED_LENGTH = 600


@lru_cache(maxsize=4096)
def _decrypt_remembered(keys: tuple[str, ...], token: str) -> str:
    return _decrypt(_fernet(keys), token)


def rotate(token: str) -> str:
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text field stored as a Fernet token; the empty string stays empty (not secret).

    The database sees only ciphertext, with a fresh IV each time, so it cannot compare,
    search or sort these values: ``filter(name="Sam")`` would silently match nothing.
    Such lookups raise ``FieldError`` instead; filter and sort in Python. Only whether a
    value is empty (``=""``) or missing (``__isnull``) can still be asked.
    """

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name == "exact":
            return _EmptyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(_cannot_compare(self, lookup_name))

    def get_transform(self, lookup_name: str) -> Any:
        raise FieldError(_cannot_compare(self, lookup_name))


def _cannot_compare(field: models.Field[Any, Any], lookup_name: str) -> str:
    return (
        f"{field.model.__name__}.{field.name} is encrypted at rest: the database cannot "
        f"use '{lookup_name}' on it. Compare the decrypted values in Python."
    )


class _EmptyExact(lookups.Exact):
    """``field=""`` (is it empty?) works, since the empty string is stored as it is."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError(_cannot_compare(self.lhs.output_field, "exact"))
        return super().get_prep_lookup()


class EncryptedCharField(EncryptedTextField):
    """A one-line text a person types (a name, "from whom"), stored as a Fernet token.

    To the person it is a ``CharField``: a one-line input, and ``max_length`` checked by
    the form and the model with Django's usual message. The column is unbounded text,
    because a token is longer than the words it hides.
    """

    def __init__(self, verbose_name: Any = None, *, max_length: int, **kwargs: Any) -> None:
        super().__init__(verbose_name, max_length=max_length, **kwargs)
        self.validators.append(MaxLengthValidator(max_length))

    def formfield(self, **kwargs: Any) -> Any:
        # Field.formfield, not TextField's: a text input rather than a textarea.
        return models.Field.formfield(self, **{"max_length": self.max_length, **kwargs})
