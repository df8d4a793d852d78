"""A client and a therapist link through the circle's invitations, with the client owning
what is shared: the therapist shares nothing, is told neutrally of changes, and sees
whether a profile is verified only as the client does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from alongside.care.models import CareLink, TherapistProfile
from alongside.circle import access, services
from alongside.circle.models import Grant, Invitation, Notice
from conftest import link_people, link_therapist, make_therapist


def test_a_client_invites_their_therapist_who_shares_nothing_back(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    invitation = Invitation.objects.create(inviter=alice, kind="therapist", scope=["mood"])
    client = reauthed(dana)
    page = client.get(f"/join/{invitation.token}/")
    assert "As their therapist" in page.content.decode()
    assert 'name="scope"' not in page.content.decode()  # a therapist shares nothing of theirs
    response = client.post(f"/join/{invitation.token}/", {"scope": ["notes"]})
    care = CareLink.objects.get()
    assert (care.therapist, care.client) == (dana, alice)
    assert response["Location"] == f"/care/clients/{care.pk}/"
    assert access.shared_categories(alice, dana) == {"mood"}
    assert access.shared_categories(dana, alice) == frozenset()


def test_only_a_therapist_account_can_accept_a_therapist_invitation(
    alice: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="therapist", scope=["mood"])
    page = reauthed(eve).post(f"/join/{invitation.token}/", {})
    assert "for a therapist&#x27;s account" in page.content.decode()
    assert not CareLink.objects.exists()
    invitation.refresh_from_db()
    assert invitation.is_open  # nothing lost: a therapist can still accept it


def test_a_client_accepting_sees_whether_the_therapist_is_verified(
    alice: Any, dana: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    make_therapist(eve, verified=False)
    client = reauthed(alice)
    checked = Invitation.objects.create(inviter=dana, kind="client")
    unchecked = Invitation.objects.create(inviter=eve, kind="client")
    assert "have checked" in client.get(f"/join/{checked.token}/").content.decode()
    assert "have not checked" in client.get(f"/join/{unchecked.token}/").content.decode()


def test_a_client_accepts_with_a_scope_and_an_end_date(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    invitation = Invitation.objects.create(inviter=dana, kind="client")
    client = reauthed(alice)
    response = client.post(
        f"/join/{invitation.token}/", {"scope": ["mood", "assessments"], "until": "2099-01-31"}
    )
    care = CareLink.objects.get()
    assert (care.therapist, care.client) == (dana, alice)
    assert response["Location"] == f"/care/my-therapists/{care.pk}/"
    grant = Grant.objects.get(owner=alice, grantee=dana)
    assert grant.categories == ["mood", "assessments"]
    assert str(grant.last_day(alice.tz)) == "2099-01-31"
    page = client.get(response["Location"]).content.decode()
    assert "Mood, Assessments" in page or "Mood" in page


def test_an_end_date_in_the_past_is_refused_next_to_the_field(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    invitation = Invitation.objects.create(inviter=dana, kind="client")
    response = reauthed(alice).post(
        f"/join/{invitation.token}/", {"scope": ["mood"], "until": "2001-01-01"}
    )
    assert response.status_code == 200
    assert "Pick today or a later day." in response.content.decode()
    assert 'value="mood" checked' in response.content.decode() or "checked" in (
        response.content.decode()
    )
    assert not CareLink.objects.exists()


def test_a_therapist_invitation_from_someone_no_longer_a_therapist_cannot_be_used(
    alice: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(eve)
    invitation = Invitation.objects.create(inviter=eve, kind="client")
    TherapistProfile.objects.filter(user=eve).delete()
    response = reauthed(alice).get(f"/join/{invitation.token}/")
    assert response.status_code == 404


def test_the_therapist_is_told_neutrally_when_a_client_narrows(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    link_therapist(alice, dana, shares=["mood", "notes"])
    Notice.objects.all().delete()
    grant = Grant.objects.get(owner=alice, grantee=dana)
    told = services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    assert told == services.CHANGED
    notice = Notice.objects.get(recipient=dana)
    assert notice.text == "What Alice shares with you has changed."
    assert "notes" not in notice.text.lower()


def test_the_sharing_page_says_a_therapist_is_told_and_a_partner_is_not(
    alice: Any, ben: Any, dana: Any, sign_in: Callable[..., Client]
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood", "notes"])
    partners = link_people(alice, ben, inviter_shares=["mood"])
    client = sign_in(alice)  # the page itself asks for no password; saving does
    therapist_page = client.get(f"/circle/links/{care.link_id}/sharing/").content.decode()
    assert "If you share less, Dana is told only that what you share has changed" in (
        therapist_page
    )
    assert "Dana is not told" not in therapist_page
    partner_page = client.get(f"/circle/links/{partners.pk}/sharing/").content.decode()
    assert "If you share less, Ben is not told" in partner_page


def test_a_partner_is_still_not_told_of_narrowing(alice: Any, ben: Any) -> None:
    link_people(alice, ben, inviter_shares=["mood", "notes"])
    Notice.objects.all().delete()
    grant = Grant.objects.get(owner=alice, grantee=ben)
    assert services.grant_update(grant=grant, categories=[], expires_at=None) == services.QUIET
    assert not Notice.objects.filter(recipient=ben).exists()


def test_the_couple_view_asks_for_the_password_to_turn_on_but_not_off(
    alice: Any, dana: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    client = sign_in(alice)
    url = f"/care/my-therapists/{care.pk}/couple/"
    response = client.post(url, {"couple_view": "on"})
    assert response["Location"].startswith("/accounts/reauthenticate/")
    care.refresh_from_db()
    assert not care.couple_view
    reauthenticate(client, next=url)
    care.refresh_from_db()
    assert care.couple_view
    client2 = sign_in(alice)
    client2.post(url, {})
    care.refresh_from_db()
    assert not care.couple_view


def test_someone_elses_therapist_page_is_not_found(
    alice: Any, dana: Any, eve_client: Client
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    assert eve_client.get(f"/care/my-therapists/{care.pk}/").status_code == 404
    assert eve_client.post(f"/care/my-therapists/{care.pk}/couple/", {}).status_code == 404


def test_an_administrator_verifies_a_therapist_by_command(dana: Any, eve: Any) -> None:
    make_therapist(dana, verified=False)
    call_command("verify_therapist", "DANA@example.org")
    assert TherapistProfile.objects.get(user=dana).is_verified
    call_command("verify_therapist", "dana@example.org", "--undo")
    assert not TherapistProfile.objects.get(user=dana).is_verified
    with pytest.raises(CommandError, match="No therapist profile"):
        call_command("verify_therapist", eve.email)


def test_becoming_a_therapist_and_changing_the_licence_asks_for_a_new_check(
    dana: Any, sign_in: Callable[..., Client]
) -> None:
    client = sign_in(dana)
    response = client.post("/care/become/", {"profession": "", "licence": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    client.post("/care/become/", {"profession": "Psychologist", "licence": "Board 1"})
    profile = TherapistProfile.objects.get(user=dana)
    profile.verify(by="admin")
    client.post("/care/become/", {"profession": "Psychologist", "licence": "Board 2"})
    profile.refresh_from_db()
    assert not profile.is_verified


def test_a_therapist_who_is_a_client_elsewhere_keeps_the_two_apart(
    alice: Any, dana: Any, eve: Any
) -> None:
    """dana is alice's therapist and eve's client: her caseload holds alice only, eve's
    holds dana, and nothing of dana's reaches alice (she shares only with eve)."""
    from django.test import Client

    make_therapist(dana)
    make_therapist(eve)
    link_therapist(alice, dana, shares=["mood"])
    link_therapist(dana, eve, shares=["mood", "notes"])
    dana_client, eve_client = Client(), Client()
    dana_client.force_login(dana)
    eve_client.force_login(eve)
    assert [c["name"] for c in dana_client.get("/api/v1/care/clients").json()] == ["Alice"]
    assert [c["name"] for c in eve_client.get("/api/v1/care/clients").json()] == ["Dana"]
    assert access.shared_categories(dana, alice) == frozenset()
    assert access.shared_categories(dana, eve) == {"mood", "notes"}
    assert access.shared_categories(alice, eve) == frozenset()


def test_the_circle_page_of_a_therapist_link_leads_to_the_care_pages(alice: Any, dana: Any) -> None:
    from django.test import Client

    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    as_alice, as_dana = Client(), Client()
    as_alice.force_login(alice)
    as_dana.force_login(dana)
    alice_page = as_alice.get(f"/circle/links/{care.link_id}/").content.decode()
    assert f'href="/care/my-therapists/{care.pk}/"' in alice_page
    assert "have checked" in alice_page
    dana_page = as_dana.get(f"/circle/links/{care.link_id}/").content.decode()
    assert f'href="/care/clients/{care.pk}/"' in dana_page
    # Alice's preview of what Dana sees of her draws no way into Dana's pages.
    review = as_alice.get("/circle/what-others-see/").content.decode()
    assert f'href="/care/clients/{care.pk}/"' not in review
