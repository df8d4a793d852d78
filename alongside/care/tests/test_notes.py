"""Session notes: the therapist's own, encrypted at rest, in their export and never in
the client's; bad input is named next to its field and nothing typed is lost."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from alongside.accounts.export import sections
from alongside.care.models import SessionNote
from alongside.circle import services
from conftest import link_therapist, make_therapist

TEXT = "Talked about asking Jo for help; SESSION-NOTE-TEXT-6a1f."


@pytest.fixture
def care(alice: Any, dana: Any, dana_client: Client) -> Any:
    return link_therapist(alice, dana, shares=["mood"])


def _note(care: Any, text: str = TEXT, **fields: Any) -> SessionNote:
    return SessionNote.objects.create(
        therapist=care.therapist,
        client=care.client,
        client_label=str(care.client),
        session_on=fields.pop("session_on", care.therapist.local_today()),
        text=text,
        **fields,
    )


def test_a_therapist_writes_a_note_and_finds_it_listed(
    care: Any, dana: Any, dana_client: Client
) -> None:
    url = f"/care/clients/{care.pk}/notes/"
    page = dana_client.get(url).content.decode()
    assert "No notes yet." in page
    today = dana.local_today()
    response = dana_client.post(url, {"session_on": today.isoformat(), "text": TEXT})
    assert response.status_code == 302 and response["Location"] == url
    note = SessionNote.objects.get()
    assert (note.therapist, note.client, note.client_label) == (dana, care.client, "Alice")
    assert note.session_on == today
    assert TEXT in dana_client.get(url).content.decode()


def test_the_note_is_encrypted_at_rest(care: Any) -> None:
    note = _note(care)
    with connection.cursor() as cursor:
        cursor.execute("SELECT text, client_label FROM care_sessionnote WHERE id = %s", [note.pk])
        raw_text, raw_label = cursor.fetchone()
    assert "SESSION-NOTE-TEXT" not in raw_text and raw_label != "Alice"
    note.refresh_from_db()
    assert note.text == TEXT


def test_empty_text_is_named_next_to_the_field_and_the_date_is_kept(
    care: Any, dana_client: Client
) -> None:
    response = dana_client.post(
        f"/care/clients/{care.pk}/notes/", {"session_on": "2026-01-15", "text": "   "}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="id_text_error">Write a few words before saving.' in page
    assert 'value="2026-01-15"' in page
    assert not SessionNote.objects.exists()


def test_a_day_after_tomorrow_is_refused_and_the_text_is_kept(
    care: Any, dana: Any, dana_client: Client
) -> None:
    url = f"/care/clients/{care.pk}/notes/"
    ahead = dana.local_today() + dt.timedelta(days=2)
    response = dana_client.post(url, {"session_on": ahead.isoformat(), "text": TEXT})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_session_on_error">That day is still ahead.' in page
    assert TEXT in page
    assert not SessionNote.objects.exists()
    tomorrow = dana.local_today() + dt.timedelta(days=1)  # in the therapist's own zone
    assert dana_client.post(url, {"session_on": tomorrow.isoformat(), "text": TEXT}).status_code
    assert SessionNote.objects.get().session_on == tomorrow


def test_a_note_can_be_edited_and_deleted(care: Any, dana_client: Client) -> None:
    note = _note(care)
    url = f"/care/notes/{note.pk}/edit/"
    assert TEXT in dana_client.get(url).content.decode()
    response = dana_client.post(url, {"session_on": "2026-01-10", "text": "Changed words."})
    assert response["Location"] == f"/care/clients/{care.pk}/notes/"
    note.refresh_from_db()
    assert (note.text, note.session_on) == ("Changed words.", dt.date(2026, 1, 10))
    bad = dana_client.post(url, {"session_on": "not a day", "text": "Kept words."})
    assert "Enter the day as a date" in bad.content.decode()
    assert "Kept words." in bad.content.decode()
    assert dana_client.get(f"/care/notes/{note.pk}/delete/").status_code == 405
    response = dana_client.post(f"/care/notes/{note.pk}/delete/")
    assert response["Location"] == f"/care/clients/{care.pk}/notes/"
    assert not SessionNote.objects.exists()


def test_only_the_therapist_who_wrote_a_note_reaches_it(
    care: Any, alice_client: Client, eve: Any
) -> None:
    note = _note(care)
    make_therapist(eve)
    eve_client = Client()
    eve_client.force_login(eve)
    for client in (alice_client, eve_client):
        assert client.get(f"/care/clients/{care.pk}/notes/").status_code == 404
        assert client.post(f"/care/clients/{care.pk}/notes/", {"text": "x"}).status_code == 404
        assert client.get(f"/care/notes/{note.pk}/edit/").status_code == 404
        assert client.post(f"/care/notes/{note.pk}/edit/", {"text": "x"}).status_code == 404
        assert client.post(f"/care/notes/{note.pk}/delete/").status_code == 404
        assert TEXT not in client.get(f"/care/my-therapists/{care.pk}/").content.decode()
    note.refresh_from_db()
    assert note.text == TEXT


def test_the_notes_are_in_the_therapists_export_and_never_the_clients(
    care: Any, alice: Any, dana: Any
) -> None:
    _note(care, session_on=dt.date(2026, 3, 2))
    mine = sections(dana)["session_notes"]
    assert mine == [
        {
            "client": "Alice",
            "session_on": "2026-03-02",
            "text": TEXT,
            "created_at": mine[0]["created_at"],
            "updated_at": mine[0]["updated_at"],
        }
    ]
    theirs = sections(alice)
    assert theirs["session_notes"] == []
    assert "SESSION-NOTE-TEXT" not in json.dumps(theirs, default=str)


def test_notes_stay_with_the_therapist_when_the_link_ends(
    care: Any, dana: Any, dana_client: Client
) -> None:
    note = _note(care)
    services.link_end(link=care.link, by=care.client)
    page = dana_client.get("/care/").content.decode()
    assert "Your notes of people no longer linked with you" in page
    assert f'href="/care/notes/{note.pk}/edit/"' in page
    response = dana_client.post(
        f"/care/notes/{note.pk}/edit/", {"session_on": "2026-01-10", "text": "Still mine."}
    )
    assert response["Location"] == "/care/"
    assert sections(dana)["session_notes"][0]["text"] == "Still mine."
