"""Upgrading encrypts what earlier versions stored in plain text; downgrading gives it back.

The rows are written by the models as they were before the encrypting migrations, then
the real migrations run forward (and back) on the test database.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from alongside.checkins.models import CheckIn
from alongside.circle.models import Notice, Person
from alongside.lib.crypto_migration import encrypt_columns

ENCRYPTING = [
    ("circle", "0002_encrypt_names_and_notices"),
    ("checkins", "0003_encrypt_support_text"),
]
# (table, column, what an earlier version stored there in plain text)
WRITTEN_BEFORE = [
    ("circle_person", "name", "Marmoset-Quill"),
    ("circle_notice", "text", "Pangolin-Harbour accepted your invitation."),
    ("checkins_checkin", "support_received_from", "Axolotl-Meadow, my sister"),
    ("checkins_checkin", "support_given_to", "Okapi-Lantern from work"),
]


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def before_encrypting() -> list[tuple[str, str]]:
    graph = MigrationExecutor(connection).loader.graph
    return sorted(
        {parent.key for node in ENCRYPTING for parent in graph.node_map[node].parents}
        - set(ENCRYPTING)
    )


def raw(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {connection.ops.quote_name(column)} FROM {connection.ops.quote_name(table)}"  # noqa: S608
        )
        return [value for (value,) in cursor.fetchall()]


@pytest.fixture
def earlier_rows(alice: Any) -> Iterator[None]:
    """Plain-text rows as the version before encryption wrote them."""
    try:
        if connection.vendor == "sqlite":
            # Debian builds SQLite to zero freed pages; most builds (macOS, Windows) do
            # not, and this test must see what they would leave behind.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA secure_delete = OFF")
        old = migrate(before_encrypting())
        old.get_model("circle", "Person").objects.create(
            owner_id=alice.pk, name=WRITTEN_BEFORE[0][2], kind="friend"
        )
        old.get_model("circle", "Notice").objects.create(
            recipient_id=alice.pk, text=WRITTEN_BEFORE[1][2]
        )
        old.get_model("checkins", "CheckIn").objects.create(
            owner_id=alice.pk,
            day=dt.date(2026, 4, 13),
            mood=5,
            support_received_from=WRITTEN_BEFORE[2][2],
            support_given_to=WRITTEN_BEFORE[3][2],
        )
        for table, column, words in WRITTEN_BEFORE:
            assert raw(table, column) == [words]  # the starting point really is plain text
        yield
    finally:
        migrate(latest())


@pytest.mark.django_db(transaction=True)
def test_upgrading_encrypts_every_stored_name_and_text(earlier_rows: None) -> None:
    migrate(latest())
    for table, column, words in WRITTEN_BEFORE:
        (stored,) = raw(table, column)
        assert stored.startswith("gAAAA"), (table, column)
        assert words.split(" ")[0] not in stored
    # People find their words as they wrote them.
    assert Person.objects.get().name == "Marmoset-Quill"
    assert Notice.objects.get().text == "Pangolin-Harbour accepted your invitation."
    checkin = CheckIn.objects.get()
    assert checkin.support_received_from == "Axolotl-Meadow, my sister"
    assert checkin.support_given_to == "Okapi-Lantern from work"


@pytest.mark.django_db(transaction=True)
def test_after_upgrading_no_plain_text_is_left_in_the_sqlite_file(earlier_rows: None) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite database file")
    migrate(latest())
    name = Path(connection.settings_dict["NAME"])
    connection.close()
    on_disk = b"".join(
        path.read_bytes() for path in (name, name.with_name(name.name + "-wal")) if path.exists()
    )
    assert b"alice@example.org" in on_disk  # the read works
    for _table, _column, words in WRITTEN_BEFORE:
        assert words.split(" ")[0].encode() not in on_disk


@pytest.mark.django_db(transaction=True)
def test_encrypting_rows_that_are_already_encrypted_changes_nothing(earlier_rows: None) -> None:
    now = migrate(latest())
    tokens = raw("circle_person", "name")
    step = encrypt_columns("circle", "Person", "name")
    with connection.schema_editor() as editor:
        step.code(now, editor)
    assert raw("circle_person", "name") == tokens
    assert Person.objects.get().name == "Marmoset-Quill"


@pytest.mark.django_db(transaction=True)
def test_downgrading_gives_the_plain_text_back(earlier_rows: None) -> None:
    migrate(latest())
    migrate(before_encrypting())
    for table, column, words in WRITTEN_BEFORE:
        assert raw(table, column) == [words]
