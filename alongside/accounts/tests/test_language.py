"""The language: the browser's by default, or the one chosen in the profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client


def test_a_signed_out_page_follows_the_browser() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9,en;q=0.5")
    html = response.content.decode()
    assert '<html lang="de">' in html
    assert "Deinen privaten Raum anlegen" in html
    assert response["Content-Language"] == "de"


def test_a_browser_without_german_gets_english() -> None:
    html = Client().get("/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9").content.decode()
    assert "Create your private space" in html


def test_the_home_and_check_in_pages_speak_the_language_chosen(
    alice_client: Client, alice: Any
) -> None:
    alice.language = "de"
    alice.save(update_fields=["language"])
    home = alice_client.get("/").content.decode()
    assert '<html lang="de">' in home
    assert "Hallo, Alice" in home
    assert "Jetzt einchecken" in home
    checkin = alice_client.get("/checkin/").content.decode()
    assert "Wie geht es dir heute?" in checkin
    assert "Wo spürst du es im Körper? (optional)" in checkin
    assert "Check-in speichern" in checkin
    assert "How are you today?" not in checkin


def test_the_choice_wins_over_the_browser(alice_client: Client, alice: Any) -> None:
    alice.language = "en"
    alice.save(update_fields=["language"])
    html = alice_client.get("/checkin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "How are you today?" in html


def test_no_choice_follows_the_browser_when_signed_in(alice_client: Client) -> None:
    html = alice_client.get("/checkin/", HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert "Wie geht es dir heute?" in html


def test_choosing_german_says_saved_in_german(alice_client: Client, alice: Any) -> None:
    form = alice_client.get("/settings/profile/").content.decode()
    # Each language is offered in its own name, after "as my browser says".
    assert '<option value="" selected>As my browser says</option>' in form
    assert '<option value="de">Deutsch</option>' in form
    response = alice_client.post(
        "/settings/profile/",
        {"display_name": "Alice", "time_zone": "Europe/London", "language": "de"},
        follow=True,
    )
    alice.refresh_from_db()
    assert alice.language == "de"
    assert "Dein Profil ist gespeichert." in response.content.decode()


def test_an_unknown_language_is_refused(alice_client: Client, alice: Any) -> None:
    response = alice_client.post(
        "/settings/profile/",
        {"display_name": "Alice", "time_zone": "Europe/London", "language": "xx"},
    )
    assert "Pick a language from the list." in response.content.decode()
    alice.refresh_from_db()
    assert alice.language == ""


def test_a_reminder_from_the_worker_speaks_the_language_chosen(
    alice: Any, mailoutbox: list[Any]
) -> None:
    # The worker has no browser to ask: e-mails follow the profile, else the default.
    from alongside.reminders.models import ReminderSchedule
    from alongside.reminders.tasks import deliver

    alice.language = "de"
    alice.save(update_fields=["language"])
    schedule = ReminderSchedule.objects.create(
        owner=alice, weekdays=[0], pending_key="k", pending_day=dt.date(2026, 3, 2)
    )
    assert deliver(schedule.pk, "k")
    assert mailoutbox[0].subject == "Eine Minute für dich"
    assert "Wenn du eine Minute hast: Wie geht es dir heute?" in mailoutbox[0].body
