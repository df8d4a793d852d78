"""Encrypted free text and key rotation (MultiFernet: the first key encrypts, all decrypt)."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import connection

from alongside.checkins.models import CheckIn
from alongside.circle.models import Notice, Person
from alongside.lib import crypto
from conftest import TEST_NOTE_KEY

OLD = Fernet.generate_key().decode()
NEW = Fernet.generate_key().decode()


def test_it_round_trips_text(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    token = crypto.encrypt("Grüße, ❤ and a tab\t")
    assert "Grüße" not in token
    assert crypto.decrypt(token) == "Grüße, ❤ and a tab\t"


def test_each_encryption_of_the_same_text_differs(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    assert crypto.encrypt("same") != crypto.encrypt("same")


def test_text_written_under_the_old_key_still_decrypts_after_rotation(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("written last year")
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(token) == "written last year"


def test_new_text_is_written_under_the_first_key(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD]
    token = crypto.encrypt("written today")
    assert Fernet(NEW.encode()).decrypt(token.encode()) == b"written today"


def test_rotate_re_encrypts_under_the_new_key(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("to be rotated")
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD]
    rotated = crypto.rotate(token)
    assert rotated != token
    # After rotation the old key can be dropped.
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    assert crypto.decrypt(rotated) == "to be rotated"
    with pytest.raises(ImproperlyConfigured, match="NOTE_ENCRYPTION_KEYS"):
        crypto.decrypt(token)


def test_a_missing_key_fails_loudly_instead_of_returning_garbage(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("secret")
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured, match="could not be decrypted"):
        crypto.decrypt(token)


@pytest.mark.parametrize("length", [10, 2000], ids=["short (remembered)", "long"])
def test_a_value_read_before_stops_decrypting_once_its_key_is_dropped(
    settings: Any, length: int
) -> None:
    # Short values are remembered once decrypted: dropping the key must still end them.
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    token = crypto.encrypt("x" * length)
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD]
    assert crypto.decrypt(token) == "x" * length
    assert crypto.decrypt(token) == "x" * length
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    with pytest.raises(ImproperlyConfigured, match="could not be decrypted"):
        crypto.decrypt(token)


def test_a_malformed_key_is_named(settings: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = ["not-a-fernet-key"]
    with pytest.raises(ImproperlyConfigured, match="NOTE_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_stored_notes_survive_a_key_rotation(settings: Any, alice: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    checkin = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 1), mood=4, note="old words")
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD]
    assert CheckIn.objects.get(pk=checkin.pk).note == "old words"

    # Re-encrypt what is stored, then drop the old key.
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM checkins_checkin WHERE id = %s", [checkin.pk])
        (token,) = cursor.fetchone()
        cursor.execute(
            "UPDATE checkins_checkin SET note = %s WHERE id = %s",
            [crypto.rotate(token), checkin.pk],
        )
    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    assert CheckIn.objects.get(pk=checkin.pk).note == "old words"


def test_the_rotate_note_keys_command_lets_the_old_key_go(settings: Any, alice: Any) -> None:
    settings.NOTE_ENCRYPTION_KEYS = [OLD]
    written = CheckIn.objects.create(
        owner=alice,
        day=dt.date(2026, 4, 2),
        mood=4,
        note="kept",
        support_received_from="my sister",
        support_given_to="a neighbour",
    )
    empty = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 3), mood=4)
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    notice = Notice.objects.create(recipient=alice, text="Ben set your time together.")
    edited_at = written.updated_at

    # alice herself (her name) was written under the suite's key, before this test's keys.
    settings.NOTE_ENCRYPTION_KEYS = [NEW, OLD, TEST_NOTE_KEY]
    out = io.StringIO()
    call_command("rotate_note_keys", stdout=out)
    assert "checkins.CheckIn: 2 rows re-encrypted" in out.getvalue()
    assert "circle.Person: 1 rows re-encrypted" in out.getvalue()
    assert "circle.Notice: 1 rows re-encrypted" in out.getvalue()

    settings.NOTE_ENCRYPTION_KEYS = [NEW]
    rotated = CheckIn.objects.get(pk=written.pk)
    assert (rotated.note, rotated.support_received_from, rotated.support_given_to) == (
        "kept",
        "my sister",
        "a neighbour",
    )
    assert rotated.updated_at == edited_at  # rotating keys is not an edit by the person
    assert CheckIn.objects.get(pk=empty.pk).note == ""
    assert Person.objects.get(pk=sam.pk).name == "Sam"
    assert Notice.objects.get(pk=notice.pk).text == "Ben set your time together."
    with connection.cursor() as cursor:
        for sql, pk, plain in [
            ("SELECT note FROM checkins_checkin WHERE id = %s", written.pk, b"kept"),
            (
                "SELECT support_received_from FROM checkins_checkin WHERE id = %s",
                written.pk,
                b"my sister",
            ),
            (
                "SELECT support_given_to FROM checkins_checkin WHERE id = %s",
                written.pk,
                b"a neighbour",
            ),
            ("SELECT name FROM circle_person WHERE id = %s", sam.pk, b"Sam"),
            (
                "SELECT text FROM circle_notice WHERE id = %s",
                notice.pk,
                b"Ben set your time together.",
            ),
        ]:
            cursor.execute(sql, [pk])
            (token,) = cursor.fetchone()
            assert Fernet(NEW.encode()).decrypt(token.encode()) == plain
