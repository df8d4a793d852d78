"""Everything a person types is encrypted at rest: the database never holds it in plain text.

The SQLite tests read the bytes SQLite actually wrote (the database file and its
write-ahead log); on PostgreSQL the columns are read with raw SQL, past the ORM.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, models

from alongside.accounts.models import User
from alongside.checkins.models import CheckIn
from alongside.circle.models import Notice, Person
from alongside.lib.crypto import EncryptedTextField
from alongside.together.models import Agreement, Item, PromptAnswer, Session

NOTE = "Zanzibar-octopus: I told nobody about the letter."

# One made-up word per field a person types into, so a leak names the field it came from.
TYPED: list[tuple[type[models.Model], str, str]] = [
    (CheckIn, "note", NOTE),
    (CheckIn, "support_received_from", "Axolotl-Meadow, my sister"),
    (CheckIn, "support_given_to", "Okapi-Lantern from work"),
    (Person, "name", "Marmoset-Quill"),
    (Notice, "text", "Pangolin-Harbour set your time together to Sunday."),
    (Item, "text", "Ibis-Cartwheel: the holiday money"),
    (PromptAnswer, "text", "Tapir-Chandelier, when you laughed"),
    (Agreement, "text", "Gecko-Sundial: phones away at dinner"),
    (User, "display_name", "Capybara-Weathervane Penrose"),
]

# Text columns in the apps people write into that are not typed by a person, and why.
NOT_TYPED_BY_A_PERSON = {
    "checkins.CheckIn.closeness_wish": "a choice from CLOSENESS_WISHES",
    "circle.Link.kind": "a choice from LINK_KINDS",
    "circle.Person.kind": "a choice from KINDS",
    "circle.Invitation.kind": "a choice from LINK_KINDS",
    "circle.Invitation.code": "a random code, looked up by equality",
    "circle.Invitation.token": "a random token, looked up by equality",
    "together.Ritual.time_zone": "a choice from the time-zone database",
    "together.PromptAnswer.prompt_key": "the key of a shipped prompt",
    "together.Item.kind": "a choice from ITEM_KINDS",
    "assessments.Take.instrument_id": "the id of an installed questionnaire",
    "push.PushSubscription.endpoint_digest": "a hash of the (encrypted) endpoint, not typed",
    "reminders.ReminderSchedule.pending_key": "a key the worker makes: reminder-<id>-<version>",
    "assessments.Take.relationship": "an id from the questionnaire's list of relationships",
    "assessments.Take.status": "a choice from STATUSES",
    # What the deployment's operator installs from a licensed file, not a person's words.
    "assessments.InstalledInstrument.instrument_id": "an instrument id",
    "assessments.InstalledInstrument.spec": "questionnaire wording installed by the operator",
    "assessments.InstalledInstrument.source": "the file the operator imported",
    "assessments.InstalledInstrument.imported_by": "the operator's name on the command line",
    "assessments.InstalledWording.instrument_id": "an instrument id",
    "assessments.InstalledWording.source": "the file the operator imported",
    "assessments.InstalledWording.imported_by": "the operator's name on the command line",
    "assessments.ReliableChangeFigures.instrument_id": "an instrument id",
    "assessments.ReliableChangeFigures.subscale_id": "a subscale id",
    "assessments.ReliableChangeFigures.reliability_kind": "a published statistic's kind",
    "assessments.ReliableChangeFigures.installed_by": "the operator's name on the command line",
}
PERSONAL_APPS = ("circle", "checkins", "together", "assessments", "reminders", "push")


@pytest.fixture
def stored(alice: Any, ben: Any, link_couple: Any) -> dict[tuple[type[models.Model], str], int]:
    """One row per typed field holding its made-up word; the primary keys by field."""
    link = link_couple(["mood"], ["mood"])
    session = Session.objects.create(link=link, week_start=dt.date(2026, 4, 13))
    values = {f"{model.__name__}.{field}": text for model, field, text in TYPED}
    checkin = CheckIn.objects.create(
        owner=alice,
        day=dt.date(2026, 4, 13),
        mood=5,
        note=values["CheckIn.note"],
        support_received_from=values["CheckIn.support_received_from"],
        support_given_to=values["CheckIn.support_given_to"],
    )
    alice.display_name = values["User.display_name"]
    alice.save()
    rows: dict[str, models.Model] = {
        "User": alice,
        "CheckIn": checkin,
        "Person": Person.objects.create(owner=alice, name=values["Person.name"], kind="friend"),
        "Notice": Notice.objects.create(recipient=alice, text=values["Notice.text"]),
        "Item": Item.objects.create(
            session=session, author=alice, kind="decision", text=values["Item.text"]
        ),
        "PromptAnswer": PromptAnswer.objects.create(
            session=session, prompt_key="k", author=alice, text=values["PromptAnswer.text"]
        ),
        "Agreement": Agreement.objects.create(
            session=session, owner=alice, created_by=alice, text=values["Agreement.text"]
        ),
    }
    return {(model, field): rows[model.__name__].pk for model, field, _text in TYPED}


def raw_database_bytes() -> bytes:
    """The SQLite database as it is on disk: the main file plus its write-ahead log."""
    name = Path(connection.settings_dict["NAME"])
    assert name.is_file(), f"the test database must be a file, not {name}"
    connection.close()  # let SQLite finish writing; the next query reopens it
    return b"".join(
        path.read_bytes() for path in (name, name.with_name(name.name + "-wal")) if path.exists()
    )


def raw_column(model: type[models.Model], field: str, pk: int) -> str:
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(model._meta.get_field(field).column)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])  # noqa: S608
        (value,) = cursor.fetchone()
    return str(value)


@pytest.mark.django_db(transaction=True)
def test_the_sqlite_file_holds_none_of_what_people_typed(stored: dict[Any, int]) -> None:
    if connection.vendor != "sqlite":
        pytest.skip("reads the SQLite database file")
    raw = raw_database_bytes()
    assert b"alice@example.org" in raw  # the read works: an e-mail address is stored plainly
    for model, field, text in TYPED:
        word = text.split(":")[0].split(",")[0].split(" ")[0]
        assert word.encode() not in raw, f"{model.__name__}.{field} is stored in plain text"
    # The ORM gives the person their words back.
    assert CheckIn.objects.get().note == NOTE


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("model", "field", "text"), TYPED, ids=lambda v: getattr(v, "__name__", v))
def test_each_typed_column_holds_a_fernet_token(
    stored: dict[Any, int], model: type[models.Model], field: str, text: str
) -> None:
    pk = stored[(model, field)]
    value = raw_column(model, field, pk)
    assert value != text
    assert text.split(" ")[0] not in value
    assert value.startswith("gAAAA")  # Fernet's version byte, base64-encoded
    assert getattr(model._default_manager.get(pk=pk), field) == text


def test_every_text_column_a_person_could_type_into_is_encrypted() -> None:
    plain = [
        f"{model._meta.label}.{f.name}"
        for app in PERSONAL_APPS
        for model in apps.get_app_config(app).get_models()
        for f in model._meta.fields
        if isinstance(f, models.CharField | models.TextField)
        and not isinstance(f, EncryptedTextField)
    ]
    unexplained = sorted(set(plain) - set(NOT_TYPED_BY_A_PERSON))
    assert unexplained == [], "encrypt these, or say in NOT_TYPED_BY_A_PERSON why not"


def test_no_model_sorts_or_indexes_by_an_encrypted_field() -> None:
    # The database only sees ciphertext: ordering by it is random, an index is useless.
    wrong = []
    for model in apps.get_models():
        encrypted = {f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)}
        ordered = {str(o).lstrip("-") for o in model._meta.ordering}
        indexed = {name.lstrip("-") for index in model._meta.indexes for name in index.fields}
        unique = {name for group in model._meta.unique_together for name in group}
        for name in encrypted & (ordered | indexed | unique):
            wrong.append(f"{model._meta.label}.{name}")
        wrong += [
            f"{model._meta.label}.{f.name}"
            for f in model._meta.fields
            if isinstance(f, EncryptedTextField) and (f.unique or f.db_index)
        ]
    assert wrong == []


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_encrypted_too(alice: Any) -> None:
    stored = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 13), mood=5, note=NOTE)
    stored.note = "Kiwi-submarine: second thoughts."
    stored.support_given_to = "Wombat-Trombone"
    stored.save()
    CheckIn.objects.filter(pk=stored.pk).update(
        note="Narwhal-teacup via update()", support_received_from="Heron-Bagpipe via update()"
    )
    assert "Narwhal" not in raw_column(CheckIn, "note", stored.pk)
    assert "Heron" not in raw_column(CheckIn, "support_received_from", stored.pk)
    again = CheckIn.objects.get(pk=stored.pk)
    assert again.note == "Narwhal-teacup via update()"
    assert again.support_received_from == "Heron-Bagpipe via update()"
    assert again.support_given_to == "Wombat-Trombone"
    if connection.vendor == "sqlite":
        raw = raw_database_bytes()
        for word in (b"Kiwi-submarine", b"Narwhal-teacup", b"Wombat-Trombone", b"Heron-Bagpipe"):
            assert word not in raw


def test_an_empty_text_stays_empty(alice: Any) -> None:
    checkin = CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 13), mood=5)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT note, support_received_from, support_given_to FROM checkins_checkin "
            "WHERE id = %s",
            [checkin.pk],
        )
        assert cursor.fetchone() == ("", "", "")
    stored = CheckIn.objects.get()
    assert (stored.note, stored.support_received_from, stored.support_given_to) == ("", "", "")
