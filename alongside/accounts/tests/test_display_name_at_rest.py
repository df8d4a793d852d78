"""The name a person types for themselves is encrypted at rest like notes (issue 8, point 9)."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection

from alongside.accounts.models import User
from conftest import make_person

NAME = "Wombat-Harbour Penrose"
CONTROL = "quokka.lighthouse@example.org"  # the e-mail column is plain, to prove the read works


def raw_database_bytes() -> bytes:
    """The SQLite database as it is on disk: the main file plus its write-ahead log."""
    name = Path(connection.settings_dict["NAME"])
    assert name.is_file(), f"the test database must be a file, not {name}"
    connection.close()  # let SQLite finish writing; the next query reopens it
    return b"".join(
        path.read_bytes() for path in (name, name.with_name(name.name + "-wal")) if path.exists()
    )


def stored_name(user: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT display_name FROM accounts_user WHERE id = %s", [user.pk])
        (value,) = cursor.fetchone()
    return str(value)


@pytest.fixture
def person(db: None) -> Any:
    return make_person(CONTROL, NAME)


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_does_not_contain_the_name(person: Any) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite database file")
    raw = raw_database_bytes()
    assert CONTROL.encode() in raw
    assert NAME.encode() not in raw
    assert b"Wombat" not in raw
    assert User.objects.get(pk=person.pk).display_name == NAME


@pytest.mark.django_db(transaction=True)
def test_the_stored_name_is_a_fernet_token(person: Any) -> None:
    value = stored_name(person)
    assert "Wombat" not in value
    assert value.startswith("gAAAA")
    assert str(User.objects.get(pk=person.pk)) == NAME


def test_a_person_without_a_name_stores_nothing(db: None) -> None:
    user = User.objects.create_user("nameless@example.org", "a long and quiet river 42")
    assert stored_name(user) == ""
    assert str(user) == "nameless@example.org"


def test_a_name_is_still_at_most_80_characters(person: Any) -> None:
    person.display_name = "A" * 81
    with pytest.raises(ValidationError) as refused:
        person.full_clean()
    assert "display_name" in refused.value.message_dict
    person.display_name = "A" * 80
    person.full_clean()


def test_the_profile_form_is_still_a_one_line_field(alice_client: Any) -> None:
    html = alice_client.get("/settings/profile/").content.decode()
    assert '<input type="text" name="display_name" value="Alice" maxlength="80"' in html


def test_the_migration_encrypts_names_stored_before_it(person: Any) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE accounts_user SET display_name = %s WHERE id = %s", ["Plain Penrose", person.pk]
        )
    migration = importlib.import_module(
        "alongside.accounts.migrations.0005_display_name_encrypted"
    ).Migration
    encrypt = migration.operations[-1]
    encrypt.code(apps, connection.schema_editor())
    assert stored_name(person).startswith("gAAAA")
    assert User.objects.get(pk=person.pk).display_name == "Plain Penrose"
