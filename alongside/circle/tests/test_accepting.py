"""Accepting an invitation is a sharing change: password first, nothing ticked, one partner.

A partner may be the person someone needs protecting from, so accepting a link asks for
the password again (a borrowed, unlocked phone must not link its owner to anyone), the
form starts with nothing shared, and nobody can hold two partner links at once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from alongside.circle import services
from alongside.circle.models import Grant, Invitation, Link, Person
from conftest import link_people

ONE_PARTNER = "You already have a partner link"
CANT_USE = "This invitation can&#x27;t be used. Ask the person who sent it for a new one."
# A browser always sends the CSRF token with a form, so "nothing ticked" still posts.
NOTHING_TICKED = {"csrfmiddlewaretoken": "sent-by-every-browser"}


def text(response: Any) -> str:
    return str(response.content.decode())


# --- the password first ---------------------------------------------------------------------


def test_accepting_an_invitation_asks_for_the_password_first(
    alice: Any, ben: Any, sign_in: Callable[..., Client]
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood"])
    client = sign_in(ben)
    url = f"/join/{invitation.token}/"
    assert client.get(url).status_code == 200  # the invitation itself may be read
    response = client.post(url, {"scope": ["mood", "notes"]})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
    assert not Link.objects.exists()
    assert not Grant.objects.exists()
    invitation.refresh_from_db()
    assert invitation.is_open


def test_accepting_resumes_after_the_password_with_what_was_ticked(
    alice: Any, ben: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood"])
    client = sign_in(ben)
    url = f"/join/{invitation.token}/"
    client.post(url, {"scope": ["needs"]})
    response = reauthenticate(client, next=url)  # resumes the suspended acceptance
    link = Link.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/circle/links/{link.pk}/"
    assert Grant.objects.get(owner=ben).categories == ["needs"]
    assert Grant.objects.get(owner=alice).categories == ["mood"]


def test_a_wrong_password_links_no_one(
    alice: Any, ben: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    client = sign_in(ben)
    url = f"/join/{invitation.token}/"
    client.post(url, {"scope": ["mood"]})
    response = reauthenticate(client, password="not my password", next=url)
    assert response.status_code == 200
    assert not Link.objects.exists()


def test_an_unusable_link_is_explained_before_any_password_prompt(
    alice: Any, ben: Any, sign_in: Callable[..., Client]
) -> None:
    client = sign_in(ben)
    response = client.post("/join/not-a-real-token/", {"scope": ["mood"]})
    assert response.status_code == 404
    assert CANT_USE in text(response)


# --- nothing ticked ---------------------------------------------------------------------------


def test_the_acceptance_form_starts_with_nothing_ticked(
    alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    # alice shares a lot; that must not suggest ben does the same.
    invitation = Invitation.objects.create(
        inviter=alice, kind="partner", scope=["mood", "needs", "notes", "together"]
    )
    page = text(reauthed(ben).get(f"/join/{invitation.token}/"))
    boxes = re.findall(r'<input type="checkbox" name="scope"[^>]*>', page)
    assert len(boxes) >= 5  # every category is offered
    assert not [box for box in boxes if "checked" in box]


def test_accepting_with_nothing_ticked_shares_nothing(
    alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood"])
    response = reauthed(ben).post(f"/join/{invitation.token}/", NOTHING_TICKED)
    assert response.status_code == 302
    assert Grant.objects.get(owner=ben).categories == []


# --- one partner link at a time ------------------------------------------------------------------


def test_it_refuses_a_second_partner_link_for_the_one_accepting(
    alice: Any, ben: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    link_people(alice, ben, kind="partner")
    invitation = Invitation.objects.create(inviter=eve, kind="partner")
    client = reauthed(ben)
    url = f"/join/{invitation.token}/"
    for response in (client.get(url), client.post(url, {"scope": ["mood"]})):
        assert response.status_code == 200
        assert ONE_PARTNER in text(response)
        assert "Accept and link" not in text(response)
    joined = client.post("/join/", {"code": invitation.code})
    assert ONE_PARTNER in text(joined)
    assert Link.objects.count() == 1
    assert [p.name for p in Person.objects.filter(owner=ben)] == ["Alice"]
    invitation.refresh_from_db()
    assert invitation.is_open  # ben may be invited again as a friend; this one stays eve's


def test_it_refuses_a_partner_link_when_the_inviter_already_has_one(
    alice: Any, ben: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    # alice asked eve first; ben accepted a partner invitation of alice's since.
    for_eve = Invitation.objects.create(inviter=alice, kind="partner")
    link_people(alice, ben, kind="partner")
    client = reauthed(eve)
    response = client.post(f"/join/{for_eve.token}/", {"scope": ["mood"]})
    # eve is not told why: alice's other links are alice's business.
    assert CANT_USE in text(response)
    assert ONE_PARTNER not in text(response)
    assert Link.objects.count() == 1
    assert not Link.objects.filter(user_b=eve).exists()


def test_a_partner_link_withdraws_both_peoples_other_partner_invitations(
    alice: Any, ben: Any, eve: Any
) -> None:
    alices_other = Invitation.objects.create(inviter=alice, kind="partner")
    bens_own = Invitation.objects.create(inviter=ben, kind="partner")
    alices_friend = Invitation.objects.create(inviter=alice, kind="friend")
    link_people(alice, ben, kind="partner")
    for invitation in (alices_other, bens_own, alices_friend):
        invitation.refresh_from_db()
    assert not alices_other.is_open
    assert not bens_own.is_open
    assert alices_friend.is_open  # a friend link beside a partner link is fine


def test_a_friend_link_beside_a_partner_link_is_fine(
    alice: Any, ben: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    link_people(alice, ben, kind="partner")
    invitation = Invitation.objects.create(inviter=eve, kind="friend")
    response = reauthed(ben).post(f"/join/{invitation.token}/", {"scope": ["mood"]})
    assert response.status_code == 302
    assert Link.objects.filter(kind="friend", user_a=eve, user_b=ben).exists()


def test_the_service_itself_refuses_a_second_partner_link(alice: Any, ben: Any, eve: Any) -> None:
    # Two invitations checked as fine by two pages opened side by side: the second
    # acceptance is refused inside the transaction, whoever's page looked first.
    first = Invitation.objects.create(inviter=alice, kind="partner")
    second = Invitation.objects.create(inviter=eve, kind="partner")
    services.invitation_accept(invitation=first, user=ben, scope=[])
    with pytest.raises(services.InvitationProblem):
        services.invitation_accept(invitation=second, user=ben, scope=["mood"])
    with pytest.raises(services.InvitationProblem):
        services.invitation_accept(
            invitation=Invitation.objects.create(inviter=ben, kind="partner"),
            user=eve,
            scope=[],
        )
    assert Link.objects.count() == 1
    second.refresh_from_db()
    assert second.used_at is None


def test_it_refuses_creating_a_partner_invitation_while_one_has_a_partner(
    alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    link_people(alice, ben, kind="partner")
    client = reauthed(alice)
    response = client.post("/circle/invite/", {"kind": "partner", "scope": ["mood"]})
    assert response.status_code == 200
    page = text(response)
    fieldset = re.search(r'<fieldset class="choices[^"]*has-error.*?</fieldset>', page, re.S)
    assert fieldset, page
    assert 'name="kind"' in fieldset.group(0)
    assert ONE_PARTNER in fieldset.group(0)
    assert re.search(r'<input[^>]*value="mood"[^>]*checked', page)  # what was ticked stays
    assert not Invitation.objects.filter(inviter=alice, used_at__isnull=True).exists()
    friend = client.post("/circle/invite/", {"kind": "friend", "scope": ["mood"]})
    assert friend.status_code == 302
    assert Invitation.objects.get(inviter=alice, used_at__isnull=True).kind == "friend"
