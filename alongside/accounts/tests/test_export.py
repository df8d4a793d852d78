"""Download everything I own, after confirming my password."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.accounts.models import ApiToken
from alongside.checkins.models import CheckIn
from alongside.reminders.models import ReminderSchedule

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def data(alice: Any, ben: Any) -> None:
    CheckIn.objects.create(
        owner=alice,
        day=dt.date(2026, 4, 12),
        mood=6,
        need_trust=4,
        body_areas=["chest", "jaw"],
        note="Alice's note, with a comma, and ü",
    )
    CheckIn.objects.create(owner=alice, day=dt.date(2026, 4, 13), mood=7)
    CheckIn.objects.create(owner=ben, day=dt.date(2026, 4, 13), mood=2, note="Ben's private note")
    ReminderSchedule.objects.create(owner=alice, weekdays=[0, 3], at=dt.time(19, 30))
    ApiToken.issue(alice, "laptop")


def open_zip(response: Any) -> zipfile.ZipFile:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="alongside-2026-04-13.zip"'
    return zipfile.ZipFile(io.BytesIO(response.content))


def test_the_data_page_offers_export_and_deletion(alice_client: Client) -> None:
    html = alice_client.get("/settings/data/").content.decode()
    assert 'action="/settings/data/export/"' in html
    assert 'href="/settings/data/delete/"' in html


def test_export_asks_for_the_password_first(alice_client: Client, data: None) -> None:
    response = alice_client.post("/settings/data/export/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fsettings%2Fdata%2Fexport%2F"


def test_a_wrong_password_does_not_export(
    alice_client: Client, data: None, reauthenticate: Any
) -> None:
    alice_client.post("/settings/data/export/")
    response = reauthenticate(alice_client, password="not my password")
    assert response.status_code == 200
    assert response.get("Content-Type", "").startswith("text/html")
    assert alice_client.post("/settings/data/export/").status_code == 302


def test_confirming_the_password_resumes_the_download(
    alice_client: Client, data: None, reauthenticate: Any
) -> None:
    alice_client.post("/settings/data/export/")
    response = reauthenticate(alice_client, next="/settings/data/export/")
    archive = open_zip(response)
    assert {"alongside.json", "checkins.csv", "README.txt"} <= set(archive.namelist())


def test_the_export_holds_my_data_and_nobody_elses(
    alice_client: Client, data: None, reauthenticate: Any
) -> None:
    reauthenticate(alice_client)
    archive = open_zip(alice_client.post("/settings/data/export/"))
    everything = json.loads(archive.read("alongside.json"))
    assert everything["profile"][0]["email"] == "alice@example.org"
    assert [c["day"] for c in everything["checkins"]] == ["2026-04-12", "2026-04-13"]
    first = everything["checkins"][0]
    assert first["note"] == "Alice's note, with a comma, and ü"
    assert first["needs"]["trust"] == 4
    assert first["needs_in_words"]["trust"] == "mostly"
    assert everything["reminders"][0]["weekdays"] == [0, 3]
    assert everything["api_tokens"][0]["name"] == "laptop"
    assert "token_hash" not in json.dumps(everything["api_tokens"])

    rows = list(csv.DictReader(io.StringIO(archive.read("checkins.csv").decode())))
    assert [r["day"] for r in rows] == ["2026-04-12", "2026-04-13"]
    assert rows[0]["note"] == "Alice's note, with a comma, and ü"
    assert rows[0]["needs.trust"] == "4"
    assert rows[0]["needs_in_words.trust"] == "mostly"  # the form's word, for a person
    assert rows[0]["body_areas"] == "chest;jaw"

    blob = b"".join(archive.read(name) for name in archive.namelist())
    assert b"Ben's private note" not in blob
    assert b"ben@example.org" not in blob


def test_export_only_answers_post(alice_client: Client, reauthenticate: Any) -> None:
    reauthenticate(alice_client)
    assert alice_client.get("/settings/data/export/").status_code == 405


def test_anonymous_export_goes_to_sign_in(client: Client, db: None) -> None:
    response = client.post("/settings/data/export/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
