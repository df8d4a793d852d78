"""Sign-up with e-mail and password, e-mail verification, login, password reset."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from allauth.account.models import EmailAddress
from django.test import Client

from alongside.accounts.models import User

NEW_PASSWORD = "quiet mornings by the sea 7"


def link_in(body: str, path: str) -> str:
    match = re.search(rf"http://testserver({re.escape(path)}[^\s]+)", body)
    assert match, body
    return match.group(1)


def sign_up(client: Client, email: str = "frankie@example.org", name: str = "Frankie") -> Any:
    return client.post(
        "/accounts/signup/",
        {
            "display_name": name,
            "email": email,
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
        },
    )


def test_sign_up_sends_a_verification_email(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    response = sign_up(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="frankie@example.org")
    assert not EmailAddress.objects.get(user=user).verified
    (message,) = mailoutbox
    assert message.to == ["frankie@example.org"]
    assert message.subject.startswith("Alongside: ")
    assert "/accounts/confirm-email/" in message.body
    # Not signed in until the address is confirmed.
    assert client.get("/checkin/").status_code == 302


def test_confirming_the_email_signs_the_person_in(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    sign_up(client)
    url = link_in(mailoutbox[0].body, "/accounts/confirm-email/")
    page = client.get(url)
    assert page.status_code == 200
    assert "frankie@example.org" in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/welcome/"
    assert EmailAddress.objects.get(email="frankie@example.org").verified
    welcome = client.get(response["Location"])
    assert welcome.status_code == 200
    assert "Welcome, Frankie." in welcome.content.decode()
    assert client.get("/checkin/").status_code == 200


def test_the_verification_link_lands_in_the_development_outbox(
    client: Client, db: None, outbox: Path
) -> None:
    sign_up(client, "gale@example.org")
    (eml,) = outbox.glob("*.eml")
    raw = eml.read_text()
    assert "gale@example.org" in raw
    assert "/accounts/confirm-email/" in raw


def test_sign_up_refuses_a_weak_password_and_keeps_the_email(client: Client, db: None) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "display_name": "Harper",
            "email": "harper@example.org",
            "password1": "123",
            "password2": "123",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "This password is too short." in html
    assert 'value="harper@example.org"' in html
    assert not User.objects.filter(email="harper@example.org").exists()


def test_sign_up_refuses_a_taken_email(client: Client, alice: Any, mailoutbox: list[Any]) -> None:
    sign_up(client, "alice@example.org")
    assert User.objects.filter(email="alice@example.org").count() == 1


def test_sign_up_can_be_closed(client: Client, db: None, settings: Any) -> None:
    settings.SIGNUP_OPEN = False
    response = sign_up(client)
    assert "closed" in response.content.decode().lower()
    assert not User.objects.exists()


def test_a_verified_person_signs_in_with_email_and_password(
    client: Client, alice: Any, password: str
) -> None:
    # The address is matched without regard to case.
    response = client.post("/accounts/login/", {"login": "Alice@Example.org", "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert "Hello, Alice" in client.get("/").content.decode()


def test_a_wrong_password_is_refused_with_a_message(client: Client, alice: Any) -> None:
    response = client.post("/accounts/login/", {"login": "alice@example.org", "password": "nope"})
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get("/checkin/").status_code == 302


def test_signing_out_ends_the_session(alice_client: Client) -> None:
    response = alice_client.post("/accounts/logout/")
    assert response.status_code == 302
    assert alice_client.get("/checkin/").status_code == 302


def test_password_reset_sends_a_link_that_sets_a_new_password(
    client: Client, alice: Any, mailoutbox: list[Any], sign_in: Any
) -> None:
    response = client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    assert response.status_code == 302
    (message,) = mailoutbox
    assert message.to == ["alice@example.org"]
    url = link_in(message.body, "/accounts/password/reset/key/")
    form = client.get(url, follow=True)
    assert form.status_code == 200
    action = form.redirect_chain[-1][0] if form.redirect_chain else url
    done = client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    sign_in(alice, password=NEW_PASSWORD)


def test_password_reset_does_not_reveal_unknown_addresses(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    response = client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert all("/accounts/password/reset/key/" not in m.body for m in mailoutbox)
