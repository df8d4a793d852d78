"""Account-security changes on a borrowed, unlocked session (issue 8, point 1).

Someone holding a signed-in phone must not be able to add their own address, confirm it,
reset the password and keep the account. Every such change asks for the password again,
and the owner's primary address hears about it.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from alongside.accounts.tests.outbox import sent_to

INTRUDER = "mallory@example.net"
NEW_PASSWORD = "a different river at noon 9"


def add_address(client: Client, address: str = INTRUDER) -> Any:
    return client.post("/accounts/email/", {"email": address, "action_add": ""})


def asks_for_password(response: Any, then: str) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        f"/accounts/reauthenticate/?next={then.replace('/', '%2F')}"
    )


def test_it_asks_for_the_password_before_adding_an_address(
    alice: Any, sign_in: Any, outbox: Path
) -> None:
    client = sign_in(alice)
    response = add_address(client)
    assert asks_for_password(response, "/accounts/email/")
    assert not EmailAddress.objects.filter(email=INTRUDER).exists()
    assert sent_to(outbox, INTRUDER) == []


def test_the_borrowed_phone_takeover_is_stopped_and_the_owner_is_told(
    alice: Any, sign_in: Any, reauthenticate: Any, outbox: Path
) -> None:
    client = sign_in(alice)
    assert asks_for_password(add_address(client), "/accounts/email/")

    # Someone who does not know the password gets no further.
    wrong = reauthenticate(client, password="a guess", next="/accounts/email/")
    assert wrong.status_code == 200
    assert not EmailAddress.objects.filter(email=INTRUDER).exists()
    assert sent_to(outbox, alice.email) == []

    # With the password, allauth replays the suspended request: nothing typed is lost.
    done = reauthenticate(client, next="/accounts/email/")
    assert done.status_code == 302
    added = EmailAddress.objects.get(email=INTRUDER)
    assert (added.user, added.verified, added.primary) == (alice, False, False)

    (notice,) = sent_to(outbox, alice.email)
    assert INTRUDER in notice.subject or INTRUDER in notice.body
    assert "added" in notice.subject.lower()
    assert "wasn't you" in notice.body
    assert [m.subject for m in sent_to(outbox, INTRUDER)]  # the confirmation link


def test_making_an_address_primary_asks_for_the_password(alice: Any, alice_client: Client) -> None:
    EmailAddress.objects.create(user=alice, email=INTRUDER, verified=True, primary=False)
    response = alice_client.post("/accounts/email/", {"email": INTRUDER, "action_primary": ""})
    assert asks_for_password(response, "/accounts/email/")
    assert EmailAddress.objects.get(primary=True, user=alice).email == alice.email


def test_removing_an_address_asks_for_the_password(alice: Any, alice_client: Client) -> None:
    EmailAddress.objects.create(user=alice, email="alice.work@example.org", verified=True)
    response = alice_client.post(
        "/accounts/email/", {"email": "alice.work@example.org", "action_remove": ""}
    )
    assert asks_for_password(response, "/accounts/email/")
    assert EmailAddress.objects.filter(email="alice.work@example.org").exists()


def test_a_password_prompt_counts_for_a_few_minutes_only(
    alice: Any, alice_client: Client, reauthenticate: Any, settings: Any
) -> None:
    with time_machine.travel(time.time(), tick=False) as clock:
        reauthenticate(alice_client)
        assert add_address(alice_client, "alice.home@example.org").status_code == 302
        assert EmailAddress.objects.filter(email="alice.home@example.org").exists()
        clock.shift(settings.ACCOUNT_REAUTHENTICATION_TIMEOUT + 1)
        assert asks_for_password(add_address(alice_client), "/accounts/email/")
        assert not EmailAddress.objects.filter(email=INTRUDER).exists()


def test_the_owner_is_told_when_an_address_is_made_primary_or_removed(
    alice: Any, alice_client: Client, reauthenticate: Any, outbox: Path
) -> None:
    EmailAddress.objects.create(user=alice, email="alice.work@example.org", verified=True)
    EmailAddress.objects.create(user=alice, email="alice.old@example.org", verified=True)
    reauthenticate(alice_client)
    alice_client.post("/accounts/email/", {"email": "alice.old@example.org", "action_remove": ""})
    (removed,) = sent_to(outbox, alice.email)
    assert "alice.old@example.org" in removed.body
    alice_client.post("/accounts/email/", {"email": "alice.work@example.org", "action_primary": ""})
    # The notice goes to the address that was primary, not the new one.
    changed = sent_to(outbox, alice.email)[-1]
    assert "alice.work@example.org" in changed.body
    assert sent_to(outbox, "alice.work@example.org") == []


def test_changing_the_password_needs_the_current_one_and_tells_the_owner(
    alice: Any, sign_in: Any, password: str, outbox: Path
) -> None:
    client = sign_in(alice)
    form = {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    refused = client.post("/accounts/password/change/", {"oldpassword": "a guess", **form})
    assert refused.status_code == 200
    alice.refresh_from_db()
    assert alice.check_password(password)
    assert sent_to(outbox, alice.email) == []

    done = client.post("/accounts/password/change/", {"oldpassword": password, **form})
    assert done.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(NEW_PASSWORD)
    (notice,) = sent_to(outbox, alice.email)
    assert "password" in notice.subject.lower()
    assert "changed" in notice.body
    assert "wasn't you" in notice.body


def test_a_password_reset_tells_the_owner(alice: Any, outbox: Path) -> None:
    client = Client()
    client.post("/accounts/password/reset/", {"email": alice.email})
    (link_mail,) = sent_to(outbox, alice.email)
    path = link_mail.body.split("http://testserver", 1)[1].split()[0]
    form = client.get(path, follow=True)
    action = form.redirect_chain[-1][0] if form.redirect_chain else path
    client.post(action, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    link_mail_again, notice = sent_to(outbox, alice.email)
    assert link_mail_again == link_mail
    assert "/accounts/password/reset/key/" not in notice.body
    assert "reset" in notice.body
    assert "wasn't you" in notice.body


@pytest.fixture
def alice_with_totp(alice: Any) -> Any:
    TOTP.activate(alice, "JBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(alice)
    return alice


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "/accounts/2fa/totp/deactivate/"),
        ("get", "/accounts/2fa/recovery-codes/"),
        ("get", "/accounts/2fa/recovery-codes/download/"),
        ("post", "/accounts/2fa/recovery-codes/generate/"),
    ],
)
def test_two_factor_changes_ask_for_the_password(
    alice_with_totp: Any, alice_client: Client, method: str, path: str
) -> None:
    response = getattr(alice_client, method)(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(user=alice_with_totp).count() == 2
