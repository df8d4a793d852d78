"""The circle and the privacy core: people, invitations, links, grants, unlinking, the log.

Every test runs on a frozen clock (a Monday afternoon in London) so dates and expiries
are exact. The personas come from the root conftest: alice and ben become a couple
through the real invitation flow, eve is a stranger to both.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.circle import access
from alongside.circle.models import Grant, Invitation, Link, Notice, Person
from alongside.circle.services import invitation_accept

NOW = dt.datetime(2026, 4, 13, 14, 0, tzinfo=dt.UTC)  # Monday, 15:00 in London
TODAY = dt.date(2026, 4, 13)
ENDED = "A connection in your circle has ended."
# A browser always sends the CSRF token with a form, so a form with nothing ticked still
# posts something; the test client skips CSRF and would post nothing at all.
NOTHING_TICKED = {"csrfmiddlewaretoken": "sent-by-every-browser"}
# Unknown, used, withdrawn or expired: one message, so trying codes learns nothing.
CANT_USE = "This invitation can&#x27;t be used. Ask the person who sent it for a new one."


@pytest.fixture(autouse=True)
def clock() -> Iterator[time_machine.Traveller]:
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def couple(link_couple: Callable[..., Link]) -> Link:
    """Both share mood and "checking in together"; alice also shares needs. No notes."""
    return link_couple(["mood", "needs", "together"], ["mood", "together"])


def counts() -> dict[str, int]:
    """How many rows of each kind the privacy core holds: 'changes nothing' means equal."""
    return {
        "links": Link.objects.count(),
        "grants": Grant.objects.count(),
        "people": Person.objects.count(),
        "notices": Notice.objects.count(),
        "used": Invitation.objects.filter(used_at__isnull=False).count(),
    }


def text(response: Any) -> str:
    return str(response.content.decode())


def new_notices(user: Any, since: int) -> list[str]:
    return list(
        Notice.objects.filter(recipient=user, pk__gt=since)
        .order_by("pk")
        .values_list("text", flat=True)
    )


def last_notice_id() -> int:
    last = Notice.objects.order_by("-pk").first()
    return last.pk if last else 0


# --- people ----------------------------------------------------------------------------


def test_it_adds_a_named_person_to_ones_own_circle(alice: Any, alice_client: Client) -> None:
    response = alice_client.post("/circle/people/add/", {"name": "Sam", "kind": "friend"})
    assert response.status_code == 302
    person = Person.objects.get()
    assert (person.owner, person.name, person.kind, person.link) == (alice, "Sam", "friend", None)
    page = text(alice_client.get("/circle/", follow=True))
    assert "Sam" in page


def test_it_refuses_a_person_without_a_name(alice_client: Client) -> None:
    response = alice_client.post("/circle/people/add/", {"name": "", "kind": "friend"})
    assert response.status_code == 200
    assert 'class="field has-error"' in text(response)
    assert not Person.objects.exists()


def test_it_edits_ones_own_person(alice: Any, alice_client: Client) -> None:
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    assert alice_client.get(f"/circle/people/{sam.pk}/edit/").status_code == 200
    response = alice_client.post(
        f"/circle/people/{sam.pk}/edit/", {"name": "Sam R.", "kind": "family"}
    )
    assert response.status_code == 302
    sam.refresh_from_db()
    assert (sam.name, sam.kind) == ("Sam R.", "family")


def test_it_removes_ones_own_person(alice: Any, alice_client: Client) -> None:
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    response = alice_client.post(f"/circle/people/{sam.pk}/delete/")
    assert response.status_code == 302
    assert not Person.objects.exists()


def test_another_persons_person_answers_404_and_stays_as_it_was(
    alice: Any, eve_client: Client
) -> None:
    sam = Person.objects.create(owner=alice, name="Sam", kind="friend")
    assert eve_client.get(f"/circle/people/{sam.pk}/edit/").status_code == 404
    edit = eve_client.post(f"/circle/people/{sam.pk}/edit/", {"name": "Hacked", "kind": "other"})
    assert edit.status_code == 404
    assert eve_client.post(f"/circle/people/{sam.pk}/delete/").status_code == 404
    sam.refresh_from_db()
    assert (sam.owner, sam.name, sam.kind) == (alice, "Sam", "friend")
    assert "Sam" not in text(eve_client.get("/circle/"))


def test_an_unknown_person_answers_404(alice_client: Client) -> None:
    assert alice_client.get("/circle/people/999999/edit/").status_code == 404
    assert alice_client.post("/circle/people/999999/delete/").status_code == 404


def test_a_linked_person_is_not_removed_as_if_a_name(couple: Link, alice_client: Client) -> None:
    ben_in_alices_circle = Person.objects.get(owner=couple.user_a)
    response = alice_client.post(f"/circle/people/{ben_in_alices_circle.pk}/delete/")
    assert response.status_code == 404  # ending a link is its own, explicit step
    assert Person.objects.filter(pk=ben_in_alices_circle.pk, link=couple).exists()


# --- invitations: creating ---------------------------------------------------------------


def test_creating_an_invitation_asks_for_the_password_first(
    alice: Any, sign_in: Callable[..., Client]
) -> None:
    client = sign_in(alice)
    assert client.get("/circle/invite/").status_code == 200  # the form itself may be seen
    response = client.post("/circle/invite/", {"kind": "partner", "scope": ["mood"]})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/reauthenticate/?next=%2Fcircle%2Finvite%2F"
    assert not Invitation.objects.exists()


def test_a_wrong_password_creates_no_invitation(
    alice: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    client = sign_in(alice)
    client.post("/circle/invite/", {"kind": "partner", "scope": ["mood"]})
    response = reauthenticate(client, password="not my password", next="/circle/invite/")
    assert response.status_code == 200
    assert not Invitation.objects.exists()


def test_it_creates_an_invitation_with_a_code_and_a_link(
    alice: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    client = sign_in(alice)
    client.post("/circle/invite/", {"kind": "partner", "scope": ["needs", "mood"]})
    response = reauthenticate(client, next="/circle/invite/")  # resumes the suspended POST
    invitation = Invitation.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/circle/invitations/{invitation.pk}/"
    assert invitation.inviter == alice
    assert invitation.kind == "partner"
    assert sorted(invitation.scope) == ["mood", "needs"]
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", invitation.code)
    assert invitation.expires_at == NOW + dt.timedelta(days=7)
    assert invitation.is_open
    page = text(client.get(response["Location"]))
    assert invitation.code in page
    assert f"http://testserver/join/{invitation.token}/" in page


def test_an_invitation_with_an_unknown_category_is_refused(
    alice: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(alice)
    response = client.post("/circle/invite/", {"kind": "partner", "scope": ["everything"]})
    assert response.status_code == 200
    assert "has-error" in text(response)
    assert not Invitation.objects.exists()


def test_nobody_else_sees_or_withdraws_an_invitation(alice: Any, eve_client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    assert eve_client.get(f"/circle/invitations/{invitation.pk}/").status_code == 404
    assert eve_client.post(f"/circle/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.revoked_at is None


def test_the_inviter_withdraws_an_invitation(alice: Any, alice_client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    response = alice_client.post(f"/circle/invitations/{invitation.pk}/revoke/")
    assert response.status_code == 302
    invitation.refresh_from_db()
    assert invitation.revoked_at == NOW
    assert not invitation.is_open


# --- invitations: accepting ----------------------------------------------------------------


def test_the_code_leads_to_the_invitation_however_it_is_typed(
    alice: Any, ben_client: Client
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    typed = f" {invitation.code[:4].lower()} - {invitation.code[4:]} "
    response = ben_client.post("/join/", {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"/join/{invitation.token}/"
    page = text(ben_client.get(response["Location"]))
    assert "Alice would like to link with you" in page
    assert not Link.objects.exists()  # nobody is linked without accepting


def test_accepting_links_once_with_a_grant_each_way_holding_only_what_each_chose(
    alice: Any, ben: Any, ben_client: Client, reauthenticate: Callable[..., Any]
) -> None:
    reauthenticate(ben_client)
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood", "needs"])
    before = last_notice_id()
    response = ben_client.post(f"/join/{invitation.token}/", {"scope": ["together"]})
    link = Link.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/circle/links/{link.pk}/"
    assert {link.user_a, link.user_b} == {alice, ben}
    assert link.kind == "partner"
    alices = Grant.objects.get(owner=alice)
    bens = Grant.objects.get(owner=ben)
    assert (alices.grantee, alices.link, alices.categories) == (ben, link, ["mood", "needs"])
    assert (bens.grantee, bens.link, bens.categories) == (alice, link, ["together"])
    assert Grant.objects.count() == 2
    assert list(Person.objects.filter(owner=alice).values_list("name", "kind", "link")) == [
        ("Ben", "partner", link.pk)
    ]
    assert list(Person.objects.filter(owner=ben).values_list("name", "kind", "link")) == [
        ("Alice", "partner", link.pk)
    ]
    assert new_notices(alice, before) == ["Ben accepted your invitation. You are now linked."]
    assert new_notices(ben, before) == []
    invitation.refresh_from_db()
    assert invitation.used_at == NOW


def test_nothing_is_shared_by_default(
    alice: Any, ben: Any, ben_client: Client, reauthenticate: Callable[..., Any]
) -> None:
    reauthenticate(ben_client)
    invitation = Invitation.objects.create(inviter=alice, kind="friend")
    ben_client.post(f"/join/{invitation.token}/", NOTHING_TICKED)
    assert sorted(Grant.objects.values_list("categories", flat=True)) == [[], []]
    assert access.shared_categories(alice, ben) == frozenset()
    assert access.shared_categories(ben, alice) == frozenset()


def test_accepting_needs_a_signed_in_person(alice: Any, client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    response = client.post(f"/join/{invitation.token}/", {})
    # Signed out, the link shows the landing (sign up or sign in first), never accepts.
    assert response.status_code == 200
    assert "/accounts/login/?next=" in response.content.decode()
    assert not Link.objects.exists()


def _refused_on_both_paths(
    client: Client, invitation: Invitation, message: str, *, status: int = 404
) -> None:
    """The code at /join/ and the link at /join/<token>/ both explain, and change nothing."""
    before = counts()
    joined = client.post("/join/", {"code": invitation.code})
    assert joined.status_code == 200
    page = text(joined)
    assert 'class="field has-error"' in page
    assert message in page
    viewed = client.get(f"/join/{invitation.token}/")
    assert viewed.status_code == status
    assert message in text(viewed)
    posted = client.post(f"/join/{invitation.token}/", {"scope": ["mood"]})
    assert posted.status_code == status
    assert message in text(posted)
    assert counts() == before


def test_it_refuses_a_used_code(alice: Any, ben: Any, eve_client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    invitation_accept(invitation=invitation, user=ben, scope=[])
    _refused_on_both_paths(eve_client, invitation, CANT_USE)
    assert not Link.objects.filter(user_b__email="eve@example.org").exists()


def test_it_refuses_an_expired_invitation(
    alice: Any, ben_client: Client, clock: time_machine.Traveller
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    clock.shift(dt.timedelta(days=7, seconds=1))
    _refused_on_both_paths(ben_client, invitation, CANT_USE)
    assert not Link.objects.exists()


def test_an_invitation_still_works_just_before_it_expires(
    alice: Any,
    ben_client: Client,
    clock: time_machine.Traveller,
    reauthenticate: Callable[..., Any],
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    clock.shift(dt.timedelta(days=7, seconds=-1))
    reauthenticate(ben_client)
    assert ben_client.post(f"/join/{invitation.token}/", NOTHING_TICKED).status_code == 302
    assert Link.objects.count() == 1


def test_it_refuses_a_revoked_invitation(
    alice: Any, alice_client: Client, ben_client: Client
) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    alice_client.post(f"/circle/invitations/{invitation.pk}/revoke/")
    _refused_on_both_paths(ben_client, invitation, CANT_USE)


@pytest.mark.parametrize("code", ["12", "!!!!", "ABCDEFGHJ", " "])
def test_it_refuses_a_malformed_code(alice: Any, ben_client: Client, code: str) -> None:
    Invitation.objects.create(inviter=alice, kind="partner")
    before = counts()
    response = ben_client.post("/join/", {"code": code})
    assert response.status_code == 200
    page = text(response)
    assert 'class="field has-error"' in page
    assert (
        "Codes have eight letters and numbers." in page or "Enter the code you were given." in page
    )
    assert counts() == before


def test_it_refuses_an_unknown_code_or_link(alice: Any, ben_client: Client) -> None:
    Invitation.objects.create(inviter=alice, kind="partner", code="AAAAAAAA")
    before = counts()
    response = ben_client.post("/join/", {"code": "BBBB BBBB"})
    assert response.status_code == 200
    assert CANT_USE in text(response)
    unknown = ben_client.get("/join/not-a-real-token/")
    assert unknown.status_code == 404
    assert CANT_USE in text(unknown)
    assert ben_client.post("/join/not-a-real-token/", {"scope": ["mood"]}).status_code == 404
    assert counts() == before


def test_it_refuses_accepting_ones_own_invitation(alice: Any, alice_client: Client) -> None:
    invitation = Invitation.objects.create(inviter=alice, kind="partner")
    _refused_on_both_paths(
        alice_client,
        invitation,
        "This is your own invitation. Send it to the person you want to link with.",
        status=200,
    )
    invitation.refresh_from_db()
    assert invitation.is_open  # still there for the person it was meant for


def test_it_refuses_accepting_twice(
    alice: Any, ben: Any, ben_client: Client, reauthenticate: Callable[..., Any]
) -> None:
    reauthenticate(ben_client)
    invitation = Invitation.objects.create(inviter=alice, kind="partner", scope=["mood"])
    assert ben_client.post(f"/join/{invitation.token}/", {"scope": ["mood"]}).status_code == 302
    before = counts()
    again = ben_client.post(f"/join/{invitation.token}/", {"scope": ["mood", "notes"]})
    assert again.status_code == 404
    assert CANT_USE in text(again)
    assert counts() == before
    assert Grant.objects.get(owner=ben).categories == ["mood"]


def test_it_refuses_a_second_link_with_someone_already_linked(
    couple: Link, alice: Any, ben: Any, alice_client: Client
) -> None:
    # ben invites alice too, though they are already linked
    invitation = Invitation.objects.create(inviter=ben, kind="friend")
    _refused_on_both_paths(
        alice_client, invitation, "You are already linked with this person.", status=200
    )
    invitation.refresh_from_db()
    assert invitation.is_open


# --- sharing --------------------------------------------------------------------------------


def test_changing_what_i_share_asks_for_the_password_first(
    couple: Link, alice: Any, ben: Any, sign_in: Callable[..., Client]
) -> None:
    client = sign_in(alice)
    url = f"/circle/links/{couple.pk}/sharing/"
    response = client.post(url, {"scope": ["mood", "notes"]})
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/reauthenticate/?next={url.replace('/', '%2F')}"
    assert access.shared_categories(alice, ben) == {"mood", "needs", "together"}


def test_sharing_more_tells_both_people(
    couple: Link,
    alice: Any,
    ben: Any,
    sign_in: Callable[..., Client],
    reauthenticate: Callable[..., Any],
) -> None:
    client = sign_in(alice)
    url = f"/circle/links/{couple.pk}/sharing/"
    client.post(url, {"scope": ["notes", "mood"]})
    before = last_notice_id()
    response = reauthenticate(client, next=url)  # resumes the suspended change
    assert response.status_code == 302
    assert response["Location"] == f"/circle/links/{couple.pk}/"
    assert access.shared_categories(alice, ben) == {"mood", "notes"}
    assert new_notices(alice, before) == ["You now share with Ben: Mood and feelings, Notes."]
    # alice already shared mood: ben hears only of what was added.
    assert new_notices(ben, before) == ["Alice now also shares with you: Notes."]


def test_an_expiry_date_in_the_past_is_refused_next_to_the_field(
    couple: Link, alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(alice)
    before = counts()
    response = client.post(
        f"/circle/links/{couple.pk}/sharing/",
        {"scope": ["mood", "notes"], "until": (TODAY - dt.timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 200
    page = text(response)
    field = re.search(r'<div class="field has-error">.*?</div>', page, re.S)
    assert field, page
    assert 'name="until"' in field.group(0)
    assert "Pick today or a later day." in field.group(0)
    # What was ticked is kept for the next try, and nothing changed.
    assert re.search(r'<input[^>]*value="notes"[^>]*checked', page)
    assert counts() == before
    assert access.shared_categories(alice, ben) == {"mood", "needs", "together"}


def test_a_share_until_date_is_shown_back_as_the_day_chosen(
    couple: Link, alice: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(alice)
    url = f"/circle/links/{couple.pk}/sharing/"
    client.post(url, {"scope": ["mood"], "until": "2026-04-20"})
    grant = Grant.objects.get(owner=alice)
    # Shared through the whole of the 20th in alice's time zone (BST, UTC+1).
    assert grant.expires_at == dt.datetime(2026, 4, 20, 23, 0, tzinfo=dt.UTC)
    assert 'value="2026-04-20"' in text(client.get(url))
    assert "until 20 Apr 2026" in text(client.get(f"/circle/links/{couple.pk}/"))
    # Saving again without touching the date does not stretch it.
    client.post(url, {"scope": ["mood", "needs"], "until": "2026-04-20"})
    grant.refresh_from_db()
    assert grant.expires_at == dt.datetime(2026, 4, 20, 23, 0, tzinfo=dt.UTC)


def test_nobody_else_changes_a_links_sharing(
    couple: Link, eve: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(eve)
    url = f"/circle/links/{couple.pk}/sharing/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"scope": ["mood"]}).status_code == 404
    assert not Grant.objects.filter(owner=eve).exists()


# --- unlinking --------------------------------------------------------------------------------


def test_nobody_else_can_end_a_link(couple: Link, eve_client: Client) -> None:
    assert eve_client.get(f"/circle/links/{couple.pk}/unlink/").status_code == 404
    assert eve_client.post(f"/circle/links/{couple.pk}/unlink/").status_code == 404
    assert Link.objects.filter(pk=couple.pk).exists()
    assert Grant.objects.active().count() == 2


# --- the partner view ---------------------------------------------------------------------------


# --- the access log ---------------------------------------------------------------------------------


# --- the check-in form and the circle picture ------------------------------------------------------


# --- export ---------------------------------------------------------------------------------------


def test_the_export_holds_my_circle_and_what_i_share(
    couple: Link, alice: Any, sign_in: Callable[..., Client], reauthenticate: Callable[..., Any]
) -> None:
    Person.objects.create(owner=alice, name="Sam", kind="friend")
    client = sign_in(alice)
    client.post("/settings/data/export/")
    response = reauthenticate(client, next="/settings/data/export/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        exported = json.loads(archive.read("alongside.json"))
        names = set(archive.namelist())
    assert {"circle.csv", "sharing.csv"} <= names
    circle = sorted((p["name"], p["kind"], p["linked"]) for p in exported["circle"])
    assert circle == [("Ben", "partner", True), ("Sam", "friend", False)]
    assert [(g["with"], g["categories"]) for g in exported["sharing"]] == [
        ("Ben", ["mood", "needs", "together"])
    ]
