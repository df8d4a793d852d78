"""/admin/ signs in through allauth, demands two-factor of staff, never shows secrets
(issue 8, point 4)."""

from __future__ import annotations

import time
from typing import Any

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client

from alongside.accounts.tests.test_two_factor import code_for
from conftest import make_person

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def sam(db: None) -> Any:
    """Sam runs this Alongside server: staff, with an authenticator app."""
    user = make_person("sam@example.org", "Sam")
    user.is_staff = user.is_superuser = True
    user.save()
    TOTP.activate(user, SECRET)
    RecoveryCodes.activate(user)
    return user


@pytest.fixture
def sam_without_two_factor(db: None) -> Any:
    user = make_person("sam@example.org", "Sam")
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_the_admin_login_page_hands_over_to_allauth(db: None) -> None:
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"] == "/accounts/login/?next=%2Fadmin%2F"
    assert client.get("/admin/").status_code == 302


def test_the_admins_own_password_form_is_not_a_way_in(sam: Any, password: str) -> None:
    client = Client()
    response = client.post(
        "/admin/login/?next=/admin/", {"username": sam.email, "password": password}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/admin/").status_code == 302  # not signed in


def test_signing_in_to_the_admin_asks_for_the_totp_code(sam: Any, password: str) -> None:
    now = time.time()
    with time_machine.travel(now, tick=False):
        client = Client()
        step_one = client.post(
            "/accounts/login/?next=/admin/", {"login": sam.email, "password": password}
        )
        assert step_one["Location"] == "/accounts/2fa/authenticate/"
        assert client.get("/admin/").status_code == 302
        step_two = client.post("/accounts/2fa/authenticate/", {"code": code_for(SECRET, now)})
        assert step_two.status_code == 302
        assert step_two["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_a_staff_member_without_two_factor_is_sent_to_set_it_up(
    sam_without_two_factor: Any, sign_in: Any
) -> None:
    client = sign_in(sam_without_two_factor)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/")
    assert "/accounts/2fa/totp/activate/" in [
        url.split("?")[0] for url, _ in response.redirect_chain
    ]
    assert "two-factor" in response.content.decode()
    assert client.get("/admin/mfa/authenticator/").status_code == 302


def test_a_staff_session_that_skipped_the_code_is_asked_for_it(sam: Any) -> None:
    client = Client()
    client.force_login(sam)  # as if signed in before two-factor was turned on
    response = client.get("/admin/", follow=False)
    assert response.status_code == 302
    login = client.get(response["Location"])
    assert login["Location"] == "/accounts/2fa/reauthenticate/?next=%2Fadmin%2F"
    now = time.time()
    with time_machine.travel(now, tick=False):
        done = client.post(
            "/accounts/2fa/reauthenticate/?next=/admin/", {"code": code_for(SECRET, now)}
        )
        assert done["Location"] == "/admin/"
        assert client.get("/admin/").status_code == 200


def test_someone_who_is_not_staff_gets_no_admin(alice_client: Client) -> None:
    response = alice_client.get("/admin/", follow=True)
    assert response.status_code == 403


def test_the_admin_never_shows_authenticator_secrets(sam: Any, alice: Any) -> None:
    TOTP.activate(alice, "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")
    stored = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    client = _signed_in_with_code(sam)
    listing = client.get("/admin/mfa/authenticator/")
    assert listing.status_code == 200
    detail = client.get(f"/admin/mfa/authenticator/{stored.pk}/change/")
    assert detail.status_code == 200
    for page in (listing, detail):
        html = page.content.decode()
        assert "KRSXG5CTMVRXEZLU" not in html
        assert stored.data["secret"] not in html  # not even the encrypted form
        assert 'name="data"' not in html


def test_the_admin_password_change_is_allauths(sam: Any) -> None:
    client = _signed_in_with_code(sam)
    response = client.get("/admin/password_change/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"


def _signed_in_with_code(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    now = time.time()
    with time_machine.travel(now, tick=False):
        client.post("/accounts/2fa/reauthenticate/", {"code": code_for(SECRET, now)})
    return client
