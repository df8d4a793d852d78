"""A migration step that encrypts text already stored in plain (and decrypts it back).

Used right after the ``AlterField`` that turns a ``CharField`` into an encrypted field:

    operations = [
        migrations.AlterField("person", "name", EncryptedCharField(max_length=80)),
        encrypt_columns("circle", "Person", "name"),
    ]

It reads and writes the columns with plain SQL, because the historical model's field
would already try to decrypt the plain text. A value that is already a token under
``NOTE_ENCRYPTION_KEYS`` is left alone, so running it twice changes nothing. Reversed, it
decrypts every token, ready for the ``AlterField`` back to a ``CharField``.

Encrypting in place still leaves the old plain text in the database's free pages (and
SQLite's write-ahead log) until they are reused; ``forget_old_pages`` rewrites the tables,
in a migration of its own that is not atomic (``VACUUM`` cannot run in a transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from cryptography.fernet import InvalidToken
from django.db import migrations

from alongside.lib import crypto


def _is_token(value: str) -> bool:
    try:
        crypto.fernet().decrypt(value.encode("ascii"))
    except (InvalidToken, UnicodeEncodeError):
        return False
    return True


def _encrypted(value: str | None) -> str | None:
    if not value or _is_token(value):
        return value
    return crypto.encrypt(value)


def _decrypted(value: str | None) -> str | None:
    if not value or not _is_token(value):
        return value
    return crypto.decrypt(value)


def _convert(
    app_label: str, model_name: str, fields: tuple[str, ...], change: Callable[[Any], Any]
) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        quote = schema_editor.quote_name
        table = quote(model._meta.db_table)
        pk = quote(model._meta.pk.column)
        columns = [quote(model._meta.get_field(name).column) for name in fields]
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk}, {', '.join(columns)} FROM {table}")  # noqa: S608
            rows = cursor.fetchall()
            changed = []
            for key, *values in rows:
                new = [change(value) for value in values]
                if new != values:
                    changed.append([*new, key])
            if changed:
                assignments = ", ".join(f"{column} = %s" for column in columns)
                cursor.executemany(
                    f"UPDATE {table} SET {assignments} WHERE {pk} = %s",  # noqa: S608
                    changed,
                )

    return run


def encrypt_columns(app_label: str, model_name: str, *fields: str) -> migrations.RunPython:
    """Encrypt what ``fields`` of ``app_label.model_name`` hold in plain text."""
    return migrations.RunPython(
        _convert(app_label, model_name, fields, _encrypted),
        _convert(app_label, model_name, fields, _decrypted),
    )


def _vacuum(tables: tuple[str, ...]) -> Callable[[Any, Any], None]:
    def run(apps: Any, schema_editor: Any) -> None:
        connection = schema_editor.connection
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("VACUUM")
                # VACUUM writes through the log; empty it so no old frame stays on disk.
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            elif connection.vendor == "postgresql":
                names = ", ".join(schema_editor.quote_name(table) for table in tables)
                cursor.execute(f"VACUUM FULL {names}")

    return run


def forget_old_pages(*tables: str) -> migrations.RunPython:
    """Rewrite ``tables`` so the plain text they held before encryption is gone from disk.

    SQLite rewrites the whole file; PostgreSQL rewrites the named tables (``VACUUM FULL``
    locks each one while it runs, which is brief for tables of this size).
    """
    return migrations.RunPython(_vacuum(tables), migrations.RunPython.noop, elidable=True)
