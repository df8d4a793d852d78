"""Therapist personas against every page and API operation that reads a client's data.

alice is a client of many therapists, each a persona: one she shares everything with,
one for each category she shares alone (so every category is seen by one therapist and
withheld from all the others), one whose share expired, one she stopped sharing with,
one whose registration nobody has checked, and one whose link she ended. For each
persona and each client-scoped page or operation, the test checks:

- the status: the page answers for a linked therapist, and 404 for an ended link and
  for another therapist's client;
- what the responses contain: a category's words appear only for those it is shared
  with (her note, what she gets support from, an agreement from checking in together);
- the access log: every look is in alice's log with only categories shared with that
  therapist, and a therapist with nothing shared leaves no trace at all.

New client-scoped care URLs or ``/api/v1/care`` operations must get a case here
(``test_every_client_scoped_care_route_has_a_case``).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from alongside.accounts.models import AccessLogEntry
from alongside.api import api
from alongside.assessments.models import Take
from alongside.care.models import CareLink
from alongside.checkins.models import CheckIn
from alongside.circle import registry, services
from alongside.circle.models import Grant
from alongside.together.models import Agreement, Session
from conftest import PASSWORD, link_people, link_therapist, make_person, make_therapist

NOTE = "CARE-MATRIX-NOTE-91d2"
SUPPORT = "CARE-MATRIX-SUPPORT-Wren"
AGREEMENT = "CARE-MATRIX-AGREEMENT-4e0b"
# Which category each secret belongs to: it may appear only where that is shared.
SECRETS = {NOTE: "notes", SUPPORT: "support", AGREEMENT: "together"}

# Client-scoped routes, by name, with what each is for. ``{pk}`` is the care link.
WEB = {
    "care:client": "/care/clients/{pk}/",
    "care:notes": "/care/clients/{pk}/notes/",
    "care:assign": "/care/clients/{pk}/assign/",
    "care:report_form": "/care/clients/{pk}/report/",
    "care:report": "/care/clients/{pk}/report.pdf?start={start}&end={end}",
    "care:client_fhir": "/care/clients/{pk}/fhir.json",
    "care:couple": "/care/couples/{pk}/",
}
API = {
    "/api/v1/care/clients/{client_id}": "/api/v1/care/clients/{pk}",
    "/api/v1/care/clients/{client_id}/assignments": "/api/v1/care/clients/{pk}/assignments",
    "/api/v1/care/clients/{client_id}/notes": "/api/v1/care/clients/{pk}/notes",
}
# Lists across a therapist's whole caseload (no id in the path).
CASELOAD = ["/care/", "/api/v1/care/clients", "/api/v1/care/alerts"]


@dataclass
class Persona:
    name: str
    user: Any
    care: CareLink
    shared: frozenset[str]  # what alice shares with them now
    linked: bool = True


@pytest.fixture
def world(db: None) -> dict[str, Any]:
    alice = make_person("alice@example.org", "Alice")
    ben = make_person("ben@example.org", "Ben")
    today = alice.local_today()
    link = link_people(
        alice, ben, inviter_shares=["together", "mood"], invitee_shares=["together", "mood"]
    )
    checkin = CheckIn.objects.create(
        owner=alice,
        day=today - dt.timedelta(days=1),
        mood=6,
        need_trust=3,
        note=NOTE,
        support_received_kinds=["emotional"],
        support_received_from=SUPPORT,
    )
    session = Session.for_week(link, today - dt.timedelta(days=today.weekday()))
    Agreement.objects.create(session=session, text=AGREEMENT, owner=alice, created_by=alice)
    Take.objects.create(
        owner=alice,
        instrument_id="csi-4",
        status="complete",
        answers={"q1": 4, "q2": 4, "q3": 4, "q4": 4},
        scores={"satisfaction": {"value": 16}},
        completed_at=timezone.now() - dt.timedelta(days=2),
    )
    everything = registry.keys()
    personas: list[Persona] = []

    def therapist(name: str, shares: list[str], *, verified: bool = True) -> Persona:
        user = make_person(f"{name}@example.org", name.title())
        make_therapist(user, verified=verified)
        care = link_therapist(alice, user, shares=shares)
        persona = Persona(name, user, care, frozenset(shares))
        personas.append(persona)
        return persona

    therapist("dana", everything)
    for category in everything:
        therapist(f"only-{category}", [category])
    expired = therapist("expired", everything)
    Grant.objects.filter(owner=alice, grantee=expired.user).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    expired.shared = frozenset()
    stopped = therapist("revoked", everything)
    services.grant_update(
        grant=Grant.objects.get(owner=alice, grantee=stopped.user), categories=[], expires_at=None
    )
    stopped.shared = frozenset()
    therapist("unverified", everything, verified=False)
    ended = therapist("unlinked", everything)
    services.link_end(link=ended.care.link, by=alice)
    ended.linked, ended.shared = False, frozenset()
    AccessLogEntry.objects.all().delete()
    return {"alice": alice, "ben": ben, "checkin": checkin, "personas": personas}


def _signed_in(user: Any) -> Client:
    """Signed in through the form and the password confirmed (downloads ask for it)."""
    client = Client()
    assert (
        client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code
        == 302
    )
    assert client.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return client


def _urls(pk: int) -> list[str]:
    end = timezone.now().date()
    start = end - dt.timedelta(days=60)
    return [
        path.format(pk=pk, start=start.isoformat(), end=end.isoformat())
        for path in [*WEB.values(), *API.values()]
    ]


def _couple_page(url: str) -> bool:
    return url.startswith("/care/couples/")


def test_every_client_scoped_care_route_has_a_case() -> None:
    from django.urls import get_resolver

    from tests.test_authorization_matrix import _walk

    scoped = {
        name
        for name, route in _walk(get_resolver())
        if name.startswith("care:") and re.match(r"care/(clients|couples)/<int:pk>/", route)
    }
    assert scoped == set(WEB), f"add or remove WEB cases: {sorted(scoped ^ set(WEB))}"
    operations = {
        path
        for path, ops in api.get_openapi_schema()["paths"].items()
        if path.startswith("/api/v1/care/clients/{client_id}") and "get" in ops
    }
    assert operations == set(API), f"add or remove API cases: {sorted(operations ^ set(API))}"


def test_each_therapist_sees_exactly_what_alice_shares_with_them(world: dict[str, Any]) -> None:
    alice = world["alice"]
    failures: list[str] = []
    checked = 0
    for persona in world["personas"]:
        client = _signed_in(persona.user)
        for url in [*_urls(persona.care.pk), *CASELOAD]:
            response = client.get(url)
            checked += 1
            status = response.status_code
            if not persona.linked and url not in CASELOAD:
                expected = {404}
            elif _couple_page(url):
                expected = {404}  # alice has chosen no couple page with anyone
            elif "report.pdf" in url:
                # Nothing shared in the period: back to the form, which says so.
                expected = {200, 302}
                if status == 302 and not response["Location"].startswith(
                    f"/care/clients/{persona.care.pk}/report/"
                ):
                    failures.append(f"{persona.name} GET {url} sent to {response['Location']}")
            else:
                expected = {200}
            if status not in expected:
                failures.append(f"{persona.name} GET {url}: {status}, expected {expected}")
            body = response.content.decode(errors="replace")
            for secret, category in SECRETS.items():
                if secret in body and category not in persona.shared:
                    failures.append(f"{persona.name} GET {url} shows {category} ({secret})")
        seen: set[str] = set()
        for entry in AccessLogEntry.objects.filter(owner=alice, viewer=persona.user):
            seen.update(entry.categories)
        if not seen <= persona.shared:
            failures.append(f"{persona.name}: alice's log shows {seen - persona.shared} seen")
        if not persona.shared and seen:
            failures.append(f"{persona.name} saw nothing yet left a trace in alice's log")
        if persona.shared and not seen:
            failures.append(f"{persona.name}'s looks are missing from alice's log")
    print(f"\ncare matrix: {checked} therapist x page cases checked")
    assert not failures, "\n".join(failures)


def test_each_category_is_seen_where_shared(world: dict[str, Any]) -> None:
    """The other half: a shared category's words do reach the therapist it is shared with
    (so the absence above is the grant at work, not a page that shows nothing)."""
    by_name = {p.name: p for p in world["personas"]}
    for secret, category in SECRETS.items():
        for name in ("dana", "unverified", f"only-{category}"):
            persona = by_name[name]
            page = _signed_in(persona.user).get(f"/care/clients/{persona.care.pk}/")
            assert secret in page.content.decode(), (name, category)


def test_another_therapists_client_is_not_found(world: dict[str, Any]) -> None:
    personas = world["personas"]
    dana, other = personas[0], personas[1]
    client = _signed_in(other.user)
    for url in _urls(dana.care.pk):
        assert client.get(url).status_code == 404, url


def test_the_client_sees_whether_each_therapist_is_verified(world: dict[str, Any]) -> None:
    by_name = {p.name: p for p in world["personas"]}
    client = _signed_in(world["alice"])
    checked = client.get(f"/care/my-therapists/{by_name['dana'].care.pk}/").content.decode()
    unchecked = client.get(f"/care/my-therapists/{by_name['unverified'].care.pk}/")
    assert "have checked" in checked
    assert "have not checked" in unchecked.content.decode()


def test_the_partner_reaches_none_of_it(world: dict[str, Any]) -> None:
    ben = _signed_in(world["ben"])
    for persona in world["personas"]:
        for url in _urls(persona.care.pk):
            assert ben.get(url).status_code == 404, url
    assert ben.get("/api/v1/care/clients").json() == []
    assert ben.get("/api/v1/care/alerts").json() == []
