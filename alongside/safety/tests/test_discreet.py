"""Discreet mode and the quick exit's sign-out or lock (issue 9, points 1 and 2)."""

from __future__ import annotations

import email
import re
from collections.abc import Callable
from email import policy
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.circle.models import Link, Notice
from alongside.safety.discreet import COOKIE

EXIT = "https://neutral.example.org/"


@pytest.fixture(autouse=True)
def _exit(settings: Any) -> None:
    settings.QUICK_EXIT_URL = EXIT


def _title(page: str) -> str:
    found = re.search(r"<title>(.*?)</title>", page, re.S)
    assert found
    return found.group(1).strip()


def _discreet(client: Client) -> Any:
    return client.post("/settings/safety/", {"discreet": "on"})


def test_discreet_mode_gives_every_tab_a_neutral_title(alice: Any, alice_client: Client) -> None:
    assert "Alongside" in _title(alice_client.get("/checkins/").content.decode())
    response = _discreet(alice_client)
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.discreet
    for path in ("/", "/checkins/", "/circle/", "/settings/access-log/", "/accounts/2fa/"):
        page = alice_client.get(path).content.decode()
        assert _title(page) == "Notes", path
        assert '<a class="brand" href="/">Notes</a>' in page
        assert "Private by default" not in page  # the footer's line about sharing


def test_the_device_remembers_discreet_mode_for_the_sign_in_page(
    alice: Any, alice_client: Client
) -> None:
    response = _discreet(alice_client)
    assert response.cookies[COOKIE].value == "1"
    assert response.cookies[COOKIE]["httponly"]
    stranger = Client()
    stranger.cookies[COOKIE] = "1"
    assert stranger.get("/").headers["Location"].startswith("/accounts/login/")
    page = stranger.get("/accounts/login/").content.decode()
    assert _title(page).endswith("Notes") and "Alongside" not in _title(page)
    assert "relationship" not in page.lower() and "partner" not in page.lower()
    # Without the cookie the welcome page is the usual one.
    assert Client().get("/").status_code == 200


def test_switching_discreet_mode_off_clears_the_device(alice: Any, alice_client: Client) -> None:
    _discreet(alice_client)
    response = alice_client.post("/settings/safety/", {})
    assert response.cookies[COOKIE].value == ""
    alice.refresh_from_db()
    assert not alice.discreet
    assert "Alongside" in _title(alice_client.get("/checkins/").content.decode())


def test_signing_in_elsewhere_brings_discreet_mode_to_that_device(
    alice: Any, sign_in: Callable[..., Client]
) -> None:
    alice.discreet = True
    alice.save()
    client = sign_in(alice)
    assert client.cookies[COOKIE].value == "1"


def test_the_installed_app_is_called_notes(
    alice: Any, alice_client: Client, client: Client
) -> None:
    assert alice_client.get("/manifest.webmanifest").json()["name"] == "Alongside"
    _discreet(alice_client)
    manifest = alice_client.get("/manifest.webmanifest").json()
    assert manifest["name"] == manifest["short_name"] == "Notes"
    assert manifest["icons"][0]["src"].endswith("icon-notes.svg")
    client.cookies[COOKIE] = "1"
    assert client.get("/manifest.webmanifest").json()["name"] == "Notes"


def _outbox(folder: Path) -> list[Any]:
    return [
        email.message_from_bytes(p.read_bytes(), policy=policy.default)
        for p in sorted(folder.glob("*.eml"))
    ]


def test_e_mails_have_a_neutral_subject_and_sender(
    alice: Any, alice_client: Client, outbox: Path, client: Client
) -> None:
    client.post("/accounts/password/reset/", {"email": alice.email})
    usual = _outbox(outbox)[-1]
    assert "Alongside" in usual["Subject"] or "Alongside" in usual["From"]
    _discreet(alice_client)
    client.post("/accounts/password/reset/", {"email": alice.email})
    quiet = _outbox(outbox)[-1]
    assert quiet["Subject"] == "A note for you"
    assert quiet["From"].startswith("Notes <")
    assert "Alongside" not in quiet["Subject"] + quiet["From"]


def test_the_reminder_e_mail_is_neutral_too(alice: Any, outbox: Path) -> None:
    from alongside.lib import mail

    alice.discreet = True
    alice.save()
    mail.send("reminder", alice.email, {"name": "Alice", "day": alice.local_today()}, discreet=True)
    message = _outbox(outbox)[-1]
    assert (message["Subject"], message["From"].split(" <")[0]) == ("A note for you", "Notes")


def test_the_download_has_a_neutral_name(
    alice: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    client = sign_in(alice)
    reauthenticate(client)
    name = client.post("/settings/data/export/")["Content-Disposition"]
    assert 'filename="alongside-' in name
    _discreet(client)
    name = client.post("/settings/data/export/")["Content-Disposition"]
    assert re.search(r'filename="notes-\d{4}-\d{2}-\d{2}\.zip"', name)


def _stable(page: str) -> str:
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    return re.sub(r'nonce="[^"]*"', "", page)


def test_nobody_else_can_tell_discreet_mode_was_switched(
    link_couple: Callable[..., Link], alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    link = link_couple(["mood"], ["mood"])
    pages = [f"/circle/links/{link.pk}/", "/circle/", "/settings/access-log/"]
    before = [_stable(ben_client.get(p).content.decode()) for p in pages]
    notices, log = Notice.objects.count(), AccessLogEntry.objects.count()
    _discreet(alice_client)
    alice_client.post("/settings/safety/", {"exit_signs_out": "on"})
    assert [_stable(ben_client.get(p).content.decode()) for p in pages] == before
    assert (Notice.objects.count(), AccessLogEntry.objects.count()) == (notices, log)


# --- the quick exit: signed out, or locked until the password ----------------------------


def test_the_quick_exit_button_works_without_javascript(alice_client: Client) -> None:
    page = alice_client.get("/checkins/").content.decode()
    assert '<form method="post" action="/exit/"' in page
    assert 'form="quick-exit-form"' in page
    response = alice_client.post("/exit/")
    assert (response.status_code, response["Location"]) == (302, EXIT)
    assert "no-store" in response["Cache-Control"]


def test_a_quick_exit_signs_out_when_chosen(alice: Any, alice_client: Client) -> None:
    alice.exit_signs_out = True
    alice.save()
    alice_client.post("/exit/")
    response = alice_client.get("/checkins/")
    assert response["Location"].startswith("/accounts/login/")


def test_otherwise_a_quick_exit_locks_until_the_password(
    alice: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    client = sign_in(alice)
    assert client.post("/exit/", {"beacon": "1"}).status_code == 204
    for path in ("/checkins/", "/circle/", "/settings/access-log/", "/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/reauthenticate/?next="), path
    # A page left open keeps polling: it gets nothing, not even a hint of why.
    poll = client.get("/checkins/", headers={"HX-Request": "true"})
    assert (poll.status_code, poll.content) == (401, b"")
    assert client.post("/checkin/", {"mood": "5"}).status_code == 401
    assert client.get("/api/v1/checkins/").status_code == 401
    # Help stays open; after the password, everything is back.
    assert client.get("/help/").status_code == 200
    assert reauthenticate(client).status_code == 302
    assert client.get("/checkins/").status_code == 200


def test_a_quick_exit_before_signing_in_simply_leaves(client: Client, db: None) -> None:
    response = client.post("/exit/")
    assert (response.status_code, response["Location"]) == (302, EXIT)
