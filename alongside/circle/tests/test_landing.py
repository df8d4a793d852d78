"""An invitation opened while signed out: who invited me, a way in, and back to accept."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alongside.circle.models import Invitation, Link
from alongside.circle.views import CODE_TRIES
from conftest import link_people, make_person

NEW_PASSWORD = "quiet mornings by the sea 7"


def test_a_signed_out_visitor_sees_who_invited_them(client: Client, alice: Any) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood"])
    response = client.get(f"/join/{invitation.token}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Alice invited you to link as partners" in html
    back = f"%2Fjoin%2F{invitation.token}%2F"
    assert f'href="/accounts/signup/?next={back}"' in html
    assert f'href="/accounts/login/?next={back}"' in html


def test_the_landing_tells_nothing_else_about_the_inviter(client: Client, alice: Any) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood", "notes"])
    html = client.get(f"/join/{invitation.token}/").content.decode()
    assert "alice@example.org" not in html
    assert "notes" not in html.lower()  # not even what they'd share


def test_an_inviter_without_a_name_is_not_shown_by_their_address(
    client: Client, alice: Any
) -> None:
    alice.display_name = ""
    alice.save()
    invitation = Invitation.objects.create(inviter=alice, kind="friend")
    html = client.get(f"/join/{invitation.token}/").content.decode()
    assert "alice@example.org" not in html
    assert "invited to link" in html


@pytest.mark.parametrize("state", ["unknown", "used", "revoked", "expired", "inviter-linked"])
def test_an_invitation_nobody_could_accept_is_a_plain_404(
    client: Client, alice: Any, ben: Any, state: str
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    now = timezone.now()
    token = invitation.token
    if state == "unknown":
        token = "not-a-real-token"
    elif state == "used":
        Invitation.objects.filter(pk=invitation.pk).update(used_at=now)
    elif state == "revoked":
        Invitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
    elif state == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=now - dt.timedelta(1))
    else:
        link_people(alice, ben)
    response = client.get(f"/join/{token}/")
    assert response.status_code == 404
    assert "Alice" not in response.content.decode()


def test_signing_up_from_the_landing_returns_to_the_invitation(
    client: Client, alice: Any, mailoutbox: list[Any], reauthenticate: Any
) -> None:
    from alongside.accounts.tests.test_signup import link_in

    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    url = f"/join/{invitation.token}/"
    client.post(
        f"/accounts/signup/?next={url}",
        {
            "display_name": "Ben",
            "email": "ben@example.org",
            "password1": NEW_PASSWORD,
            "password2": NEW_PASSWORD,
            "next": url,
        },
    )
    response = client.post(link_in(mailoutbox[-1].body, "/accounts/confirm-email/"))
    assert response["Location"] == url
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="scope"' in page.content.decode()  # the acceptance form, nothing ticked yet
    # A link from an e-mail is not the password: accepting still asks for it.
    asked = client.post(url, {"csrfmiddlewaretoken": "x"})
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    done = reauthenticate(client, NEW_PASSWORD, next=url)
    link = Link.objects.get()
    assert done["Location"] == f"/circle/links/{link.pk}/"


def test_signing_in_from_the_landing_returns_to_the_invitation(
    client: Client, alice: Any, ben: Any, password: str
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    url = f"/join/{invitation.token}/"
    response = client.post(
        f"/accounts/login/?next={url}", {"login": "ben@example.org", "password": password}
    )
    assert response["Location"] == url


# --- failed tries, signed out ---------------------------------------------------------------


def test_signed_out_wrong_links_count_per_address(client: Client, db: None) -> None:
    here = {"REMOTE_ADDR": "203.0.113.7"}
    elsewhere = {"REMOTE_ADDR": "198.51.100.9"}
    for _ in range(CODE_TRIES.per_address.tries):
        assert client.get("/join/wrong/", **here).status_code == 404  # type: ignore[arg-type]
    assert client.get("/join/wrong/", **here).status_code == 429  # type: ignore[arg-type]
    # Someone elsewhere, signed out too, is not paused by those tries.
    assert client.get("/join/wrong/", **elsewhere).status_code == 404  # type: ignore[arg-type]


def test_signed_out_tries_do_not_pause_a_shared_no_account_counter(
    client: Client, alice: Any
) -> None:
    # Before, every signed-out try was also counted under the account "None": ten wrong
    # links from ten places paused the real invitation for every signed-out person.
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    for n in range(CODE_TRIES.per_account.tries + 1):
        Client(REMOTE_ADDR=f"192.0.2.{n + 1}").get("/join/wrong/")
    response = Client(REMOTE_ADDR="192.0.2.200").get(f"/join/{invitation.token}/")
    assert response.status_code == 200


def test_signed_in_tries_still_count_per_account(alice: Any, sign_in: Any) -> None:
    ben = make_person("ben@example.org", "Ben")
    client = sign_in(ben)
    for n in range(CODE_TRIES.per_account.tries):
        client.get("/join/wrong/", REMOTE_ADDR=f"192.0.2.{n + 1}")
    assert client.get("/join/wrong/", REMOTE_ADDR="192.0.2.99").status_code == 429
