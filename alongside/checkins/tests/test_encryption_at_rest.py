"""Notes are encrypted at rest: the database never holds their plain text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from alongside.checkins.models import CheckIn

NOTE = "Zanzibar-octopus: I told nobody about the letter."
CONTROL = "Quokka-lighthouse"  # stored in a plain text field, to prove the read works


@pytest.fixture
def stored(alice: Any) -> CheckIn:
    return CheckIn.objects.create(
        owner=alice,
        day=dt.date(2026, 4, 13),
        mood=5,
        note=NOTE,
        support_received_from=CONTROL,
    )


def raw_database_bytes() -> bytes:
    """The SQLite database as it is on disk: the main file plus its write-ahead log."""
    name = Path(connection.settings_dict["NAME"])
    assert name.is_file(), f"the test database must be a file, not {name}"
    connection.close()  # let SQLite finish writing; the next query reopens it
    return b"".join(
        path.read_bytes() for path in (name, name.with_name(name.name + "-wal")) if path.exists()
    )


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_does_not_contain_the_note(stored: CheckIn) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite database file")
    raw = raw_database_bytes()
    assert CONTROL.encode() in raw
    assert NOTE.encode() not in raw
    assert b"Zanzibar" not in raw
    # The ORM gives the person their words back.
    assert CheckIn.objects.get(pk=stored.pk).note == NOTE


@pytest.mark.django_db(transaction=True)
def test_the_stored_column_is_a_fernet_token(stored: CheckIn) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note, support_received_from FROM checkins_checkin WHERE id = %s", [stored.pk]
        )
        note, control = cursor.fetchone()
    assert control == CONTROL
    assert note != NOTE
    assert "Zanzibar" not in note
    assert note.startswith("gAAAA")  # Fernet's version byte, base64-encoded
    assert CheckIn.objects.get(pk=stored.pk).note == NOTE


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_encrypted_too(stored: CheckIn) -> None:
    stored.note = "Kiwi-submarine: second thoughts."
    stored.save()
    CheckIn.objects.filter(pk=stored.pk).update(note="Narwhal-teacup via update()")
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM checkins_checkin WHERE id = %s", [stored.pk])
        (note,) = cursor.fetchone()
    assert "Narwhal" not in note
    assert CheckIn.objects.get(pk=stored.pk).note == "Narwhal-teacup via update()"
    if connection.vendor == "sqlite":
        raw = raw_database_bytes()
        assert b"Kiwi-submarine" not in raw
        assert b"Narwhal-teacup" not in raw


def test_an_empty_note_stays_empty(alice: Any) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 13), mood=5)
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM checkins_checkin WHERE id = %s", [checkin.pk])
        assert cursor.fetchone() == ("",)
    assert CheckIn.objects.get().note == ""
