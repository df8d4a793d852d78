"""Two-factor sign-in with TOTP and recovery codes (allauth.mfa)."""

from __future__ import annotations

import time
from typing import Any

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.test import Client


def code_for(secret: str, at: float | None = None) -> str:
    return format_hotp_value(hotp_value(secret, int(at or time.time()) // 30))


def test_the_two_factor_page_is_reachable_from_settings(alice_client: Client) -> None:
    response = alice_client.get("/accounts/2fa/")
    assert response.status_code == 200
    assert "/accounts/2fa/totp/activate/" in response.content.decode()


def test_setting_up_totp_asks_for_the_password_first(alice_client: Client) -> None:
    response = alice_client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")


def test_totp_setup_shows_a_qr_code_and_activates_with_a_code(
    alice_client: Client, alice: Any, reauthenticate: Any
) -> None:
    # Frozen: the code must belong to the same 30-second step as the check.
    with time_machine.travel(time.time(), tick=False):
        reauthenticate(alice_client)
        page = alice_client.get("/accounts/2fa/totp/activate/")
        assert page.status_code == 200
        html = page.content.decode()
        assert "<svg" in html or "data:image/svg+xml" in html
        secret = alice_client.session[SECRET_SESSION_KEY]
        assert secret in html  # for typing into an app by hand

        wrong = alice_client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
        assert wrong.status_code == 200
        assert not Authenticator.objects.filter(user=alice).exists()

        done = alice_client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret)})
        assert done.status_code == 302
        types = set(Authenticator.objects.filter(user=alice).values_list("type", flat=True))
        assert types == {Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES}


def test_with_totp_on_signing_in_asks_for_a_code(
    alice_client: Client, alice: Any, reauthenticate: Any, password: str
) -> None:
    now = time.time()
    # A frozen clock: a 30-second TOTP step must not turn over between making a code and
    # sending it (that made this test fail now and then on a busy machine).
    with time_machine.travel(now, tick=False):
        reauthenticate(alice_client)
        alice_client.get("/accounts/2fa/totp/activate/")
        secret = alice_client.session[SECRET_SESSION_KEY]
        alice_client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret, now)})

    later = now + 120  # a fresh code; a used one is not accepted twice
    with time_machine.travel(later, tick=False):
        client = Client()
        step_one = client.post("/accounts/login/", {"login": alice.email, "password": password})
        assert step_one.status_code == 302
        assert step_one["Location"] == "/accounts/2fa/authenticate/"
        assert client.get("/checkin/").status_code == 302  # not signed in yet
        refused = client.post("/accounts/2fa/authenticate/", {"code": "123456"})
        assert refused.status_code == 200
        assert client.get("/checkin/").status_code == 302
        step_two = client.post("/accounts/2fa/authenticate/", {"code": code_for(secret, later)})
        assert step_two.status_code == 302
        assert client.get("/checkin/").status_code == 200
