"""allauth's pages in Alongside's words: two-factor, a new password from a link, and the
rest of the account pages, each checked for our phrase and for the stock heading's absence."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client, RequestFactory

from alongside.accounts.tests.test_account_emails import html_of
from alongside.accounts.tests.test_signup import sign_up
from alongside.safety.discreet import neutral_subject

NOW = time.time()


def code_for(secret: str, at: float) -> str:
    """The authenticator app's 6 digits at ``at``: allauth's own HOTP of the 30 s step."""
    return format_hotp_value(hotp_value(secret, int(at) // 30))


def page(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def h1(html: str) -> str:
    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    assert match, "no <h1>"
    return match.group(1).strip()


@pytest.fixture
def clock() -> Iterator[time_machine.Traveller]:
    # Frozen: a code must belong to the same 30-second step as the check.
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def with_totp(
    alice_client: Client, alice: Any, reauthenticate: Any, clock: time_machine.Traveller
) -> str:
    """Alice turns on two-factor sign-in; returns her authenticator secret."""
    reauthenticate(alice_client)
    alice_client.get("/accounts/2fa/totp/activate/")
    secret = str(alice_client.session[SECRET_SESSION_KEY])
    done = alice_client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret, NOW)})
    assert done.status_code == 302
    clock.shift(60)  # a used code is not accepted twice: later steps use fresh ones
    return secret


def test_the_two_factor_page_explains_it_in_plain_words(alice_client: Client) -> None:
    html = page(alice_client.get("/accounts/2fa/"))
    assert h1(html) == "Two-factor sign-in"
    assert "Someone who learns your password still can't get in." in html
    assert "Two-Factor Authentication" not in html
    assert "An authenticator app is not active." not in html


def test_turning_it_on_is_two_steps_in_our_words(alice_client: Client, reauthenticate: Any) -> None:
    reauthenticate(alice_client)
    html = page(alice_client.get("/accounts/2fa/totp/activate/"))
    assert h1(html) == "Turn on two-factor sign-in"
    assert "scan this picture" in html
    assert str(alice_client.session[SECRET_SESSION_KEY]) in html  # to type by hand
    assert "Activate Authenticator App" not in html


def test_a_wrong_code_on_turning_it_on_is_said_beside_the_field_and_focused(
    alice_client: Client, alice: Any, reauthenticate: Any
) -> None:
    reauthenticate(alice_client)
    alice_client.get("/accounts/2fa/totp/activate/")
    html = page(alice_client.post("/accounts/2fa/totp/activate/", {"code": "000000"}))
    field = re.search(r'<input[^>]*name="code"[^>]*>', html)
    assert field
    assert "autofocus" in field.group(0)
    assert 'aria-describedby="id_code_error"' in field.group(0)
    assert 'id="id_code_error"' in html
    assert not Authenticator.objects.filter(user=alice).exists()


def test_the_whole_two_factor_flow_works_with_a_computed_code(
    alice: Any, with_totp: str, reauthenticate: Any, password: str
) -> None:
    secret = with_totp
    client = Client()
    client.post("/accounts/login/", {"login": alice.email, "password": password})
    html = page(client.get("/accounts/2fa/authenticate/"))
    assert h1(html) == "One more step"
    assert "One of your recovery codes works here too." in html
    assert "Two-Factor Authentication" not in html

    refused = page(client.post("/accounts/2fa/authenticate/", {"code": "123456"}))
    assert h1(refused) == "One more step"
    assert re.search(r'<input[^>]*name="code"[^>]*autofocus', refused)
    assert client.get("/checkin/").status_code == 302  # still not signed in

    now = NOW + 60
    done = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret, now)})
    assert done.status_code == 302
    assert client.get("/checkin/").status_code == 200

    # Signed in with a code, the recovery codes are one step away, in our words.
    reauthenticate(client)
    codes = page(client.get("/accounts/2fa/recovery-codes/"))
    assert h1(codes) == "Your recovery codes"
    assert "Keep them somewhere safe" in codes
    assert "Recovery Codes</h1>" not in codes
    unused = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES).wrap()
    first = unused.get_unused_codes()[0]
    assert f"<li>{first}</li>" in codes
    download = client.get("/accounts/2fa/recovery-codes/download/")
    text = download.content.decode()
    assert text.startswith("Recovery codes. Each one works once")
    assert first in text
    assert "Alongside" not in text  # a file on a shared computer says nothing of the app

    generate = page(client.get("/accounts/2fa/recovery-codes/generate/"))
    assert h1(generate) == "New recovery codes"
    assert "The codes you have now will stop working" in generate
    assert "You are about to generate" not in generate

    # Turning it off asks, in our words; afterwards a password is enough again.
    off = page(client.get("/accounts/2fa/totp/deactivate/"))
    assert h1(off) == "Turn off two-factor sign-in?"
    assert "Deactivate Authenticator App" not in off
    assert client.post("/accounts/2fa/totp/deactivate/").status_code == 302
    assert not Authenticator.objects.filter(user=alice, type=Authenticator.Type.TOTP).exists()
    again = Client()
    signed_in = again.post("/accounts/login/", {"login": alice.email, "password": password})
    assert signed_in["Location"] != "/accounts/2fa/authenticate/"
    assert again.get("/checkin/").status_code == 200


def test_asking_again_for_a_code_speaks_our_words(
    alice_client: Client, with_totp: str, clock: time_machine.Traveller
) -> None:
    clock.shift(settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 60)
    html = page(alice_client.get("/accounts/2fa/reauthenticate/"))
    assert h1(html) == "Is it you?"
    assert "Type the 6-digit code from your authenticator app." in html
    assert "Confirm Access" not in html
    assert "Please reauthenticate" not in html


def _reset_link(client: Client, mailoutbox: list[Any]) -> str:
    client.post("/accounts/password/reset/", {"email": "alice@example.org"})
    match = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", mailoutbox[-1].body)
    assert match
    return match.group(1)


def test_a_new_password_from_the_link_in_our_words(
    client: Client, alice: Any, mailoutbox: list[Any]
) -> None:
    link = _reset_link(client, mailoutbox)
    form_page = client.get(link, follow=True)
    html = page(form_page)
    assert h1(html) == "Choose a new password"
    assert "Change Password" not in html
    new = "a brand new sunrise walk 77"
    done = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link,
        {"password1": new, "password2": new},
        follow=True,
    )
    html = page(done)
    assert h1(html) == "You're all set"
    assert "Your password is now changed." not in html
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_a_used_or_broken_link_says_what_to_do(client: Client, alice: Any) -> None:
    html = page(client.get("/accounts/password/reset/key/1-not-a-real-token/", follow=True))
    assert h1(html) == "This link has run out"
    assert "your password is still the old one" in html
    assert 'href="/accounts/password/reset/"' in html
    assert "Bad Token" not in html


def test_an_expired_link_says_what_to_do(
    client: Client, alice: Any, mailoutbox: list[Any], password: str
) -> None:
    with time_machine.travel(NOW, tick=False) as traveller:
        link = _reset_link(client, mailoutbox)
        traveller.shift(dt.timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT + 60))
        html = page(client.get(link, follow=True))
    assert h1(html) == "This link has run out"
    assert "Ask for a new link" in html
    assert 'href="/accounts/password/reset/"' in html
    alice.refresh_from_db()
    assert alice.check_password(password)  # nothing changed


@pytest.mark.parametrize(
    ("path", "heading", "stock"),
    [
        ("/accounts/password/change/", "Your password", "Change Password"),
        ("/accounts/email/", "Your e-mail", "Email Addresses"),
        ("/accounts/logout/", "Sign out?", "Are you sure you want to sign out?"),
    ],
)
def test_the_signed_in_account_pages_are_in_our_words(
    alice_client: Client, reauthenticate: Any, path: str, heading: str, stock: str
) -> None:
    reauthenticate(alice_client)
    html = page(alice_client.get(path))
    assert h1(html) == heading
    assert stock not in html


def test_closed_sign_ups_are_said_in_our_words(client: Client, db: None, settings: Any) -> None:
    settings.SIGNUP_OPEN = False
    html = page(client.get("/accounts/signup/"))
    assert h1(html) == "Sign-ups are closed for now"
    assert "We are sorry, but the sign up is currently closed." not in html


def test_a_closed_account_page_is_in_our_words(client: Client) -> None:
    html = page(client.get("/accounts/inactive/"))
    assert h1(html) == "This account is closed"
    assert "This account is inactive." not in html


@pytest.mark.parametrize(
    ("template", "heading", "stock"),
    [
        ("account/verified_email_required.html", "Check your e-mail first", "Verify Your Email"),
    ],
)
def test_the_rarer_account_pages_are_in_our_words(
    alice: Any, template: str, heading: str, stock: str
) -> None:
    request = RequestFactory().get("/")
    request.user = alice
    html = render_to_string(template, {}, request=request)
    assert h1(html) == heading
    assert stock not in html


def test_signing_up_again_with_a_known_address_sends_our_email(
    client: Client, alice: Any, mailoutbox: list[Any]
) -> None:
    sign_up(client, email=alice.email)
    (message,) = mailoutbox
    assert message.subject == "Alongside: You already have an account"
    assert "There is already one with this address" in message.body
    assert "/accounts/password/reset/" in html_of(message)
    assert "You are receiving this email" not in message.body

    mailoutbox.clear()
    alice.discreet = True
    alice.save()
    sign_up(Client(), email=alice.email)
    (message,) = mailoutbox
    assert message.subject == neutral_subject()


def test_a_reset_for_an_unknown_address_sends_our_email(
    client: Client, db: None, mailoutbox: list[Any]
) -> None:
    client.post("/accounts/password/reset/", {"email": "nobody@example.org"})
    (message,) = mailoutbox
    assert message.subject == "Alongside: About your request"
    assert "there is no account with this address" in message.body
    assert "/accounts/signup/" in html_of(message)
    assert "we do not have any record" not in message.body
