"""The first-run welcome: once after sign-up, skippable, never again; the name at sign-up."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from alongside.accounts.models import User
from alongside.accounts.tests.test_signup import NEW_PASSWORD, link_in, sign_up


def confirm(client: Client, mailoutbox: list[Any]) -> Any:
    return client.post(link_in(mailoutbox[-1].body, "/accounts/confirm-email/"))


def test_a_new_person_lands_on_the_welcome_after_confirming(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    sign_up(client, name="Noor")
    response = confirm(client, mailoutbox)
    assert response["Location"] == "/welcome/"
    html = client.get("/welcome/").content.decode()
    assert "Welcome, Noor." in html
    assert "private until you share it" in html
    assert "Quick exit" in html and "Help now" in html
    assert User.objects.get(email="frankie@example.org").welcomed_at is None


def test_the_first_check_in_button_ends_the_welcome_for_good(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    sign_up(client)
    confirm(client, mailoutbox)
    response = client.post("/welcome/", {"next": "checkin"})
    assert response["Location"] == "/checkin/"
    assert User.objects.get(email="frankie@example.org").welcomed_at is not None
    assert client.get("/welcome/")["Location"] == "/"


def test_the_welcome_can_be_skipped(client: Client, db: None, mailoutbox: list[Any]) -> None:
    sign_up(client)
    confirm(client, mailoutbox)
    assert client.post("/welcome/", {"next": "home"})["Location"] == "/"
    assert client.get("/welcome/").status_code == 302


def test_people_made_any_other_way_count_as_welcomed(alice_client: Client, alice: Any) -> None:
    assert alice.welcomed_at is not None
    assert alice_client.get("/welcome/")["Location"] == "/"


def test_the_welcome_needs_an_account(client: Client, db: None) -> None:
    assert "/accounts/login/" in client.get("/welcome/")["Location"]


def test_sign_up_keeps_the_name_tidied(client: Client, db: None) -> None:
    sign_up(client, name="  Noor   A. ")
    assert User.objects.get(email="frankie@example.org").display_name == "Noor A."


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Tell us what to call you."),
        ("   ", "Tell us what to call you."),
        ("noor@example.org", "looks like an e-mail address"),
        ("N" * 81, "80 characters or fewer"),
    ],
)
def test_sign_up_explains_a_name_it_cannot_use_next_to_the_field(
    client: Client, db: None, name: str, message: str
) -> None:
    response = sign_up(client, name=name)
    assert response.status_code == 200
    html = response.content.decode()
    field = re.search(r'<div class="field has-error">.*?</div>', html, flags=re.S)
    assert field and 'name="display_name"' in field.group(0), html
    assert message in field.group(0).replace("&#x27;", "'")
    assert 'value="frankie@example.org"' in html  # nothing typed is lost
    assert not User.objects.filter(email="frankie@example.org").exists()


def test_the_sign_up_form_asks_for_the_name_first(client: Client, db: None) -> None:
    html = client.get("/accounts/signup/").content.decode()
    assert html.index('name="display_name"') < html.index('name="email"')
    assert NEW_PASSWORD not in html
