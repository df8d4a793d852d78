"""allauth's e-mails in Alongside's words, each with a text and an HTML part."""

from __future__ import annotations

from typing import Any

from django.test import Client

from alongside.accounts.tests.test_signup import sign_up
from alongside.safety.discreet import neutral_subject


def html_of(message: Any) -> str:
    (html, mime) = message.alternatives[0]
    assert mime == "text/html"
    return str(html)


def test_the_verification_email_has_text_and_html_in_our_words(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    sign_up(client)
    (message,) = mailoutbox
    assert message.subject == "Alongside: Confirm your e-mail"
    assert "Open this link to confirm your e-mail address" in message.body
    html = html_of(message)
    assert '<a href="http://testserver/accounts/confirm-email/' in html
    assert "Confirm my e-mail" in html


def test_the_reset_email_has_text_and_html(
    client: Client, alice: Any, mailoutbox: list[Any]
) -> None:
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    (message,) = mailoutbox
    assert "choose a new password" in message.body
    assert "/accounts/password/reset/key/" in html_of(message)


def test_a_security_notice_has_an_html_part_too(
    client: Client, alice: Any, mailoutbox: list[Any], reauthenticate: Any, sign_in: Any
) -> None:
    signed_in = sign_in(alice)
    signed_in.post("/accounts/password/reset/", {"email": "alice@example.org"})
    mailoutbox.clear()
    alice.discreet = True
    alice.save()
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    (message,) = mailoutbox
    # In discreet mode the subject says nothing of what the app is for.
    assert message.subject == neutral_subject()
    assert "Alongside" not in message.subject
    assert html_of(message)
