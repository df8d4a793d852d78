"""Dyads: the first partner's pair code, the second enters it; wrong, own and used codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alongside.research import services
from alongside.research.models import Dyad
from alongside.research.tests.helpers import enrol, make_study
from conftest import make_researcher

WRONG = "That pair code doesn&#x27;t work here."


def test_enrol_consent_and_pair(
    study: Any, alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    alice_client, ben_client = reauthed(alice), reauthed(ben)
    for client in (alice_client, ben_client):
        client.post(
            reverse("research:join_code", args=["EVENINGS"]), {"version": 1, "accept": "on"}
        )
    me, partner = (services.participation_of(u, study) for u in (alice, ben))
    assert me is not None and partner is not None
    alice_client.post(reverse("research:pair_code", args=[me.pk]))
    dyad = Dyad.objects.get(first=me)
    assert not dyad.is_formed
    page = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    assert dyad.code in page
    # Drawing again gives the same code.
    alice_client.post(reverse("research:pair_code", args=[me.pk]))
    assert Dyad.objects.count() == 1
    response = ben_client.post(
        reverse("research:pair", args=[partner.pk]), {"code": dyad.code.lower()}
    )
    assert response["Location"] == reverse("research:participation", args=[partner.pk])
    dyad.refresh_from_db()
    assert dyad.second == partner and dyad.formed_at is not None and dyad.study == study
    assert me.dyad() == dyad == partner.dyad()
    page = alice_client.get(reverse("research:participation", args=[me.pk])).content.decode()
    assert "paired for this study" in page and dyad.code not in page


def test_pairing_asks_for_the_password(
    study: Any, alice: Any, ben: Any, ben_client: Client
) -> None:
    dyad = services.dyad_start(participant=enrol(alice, study))
    partner = enrol(ben, study)
    response = ben_client.post(reverse("research:pair", args=[partner.pk]), {"code": dyad.code})
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    dyad.refresh_from_db()
    assert not dyad.is_formed


def test_a_wrong_code_tells_nothing(
    study: Any, alice: Any, ben: Any, eve: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    other_study = make_study(dana, code="OTHERSTUDY")
    elsewhere = services.dyad_start(participant=enrol(eve, other_study))
    partner = enrol(ben, study)
    client = reauthed(ben)
    messages = []
    for code in ("ZZZZZZZZ", elsewhere.code):
        response = client.post(reverse("research:pair", args=[partner.pk]), {"code": code})
        assert response.status_code == 200 and WRONG in response.content.decode()
        messages.append(response.context["pair_form"].errors["code"])
    assert messages[0] == messages[1]
    assert not Dyad.objects.filter(second__isnull=False).exists()


def test_pairing_with_oneself_is_explained(
    study: Any, alice: Any, reauthed: Callable[..., Client]
) -> None:
    me = enrol(alice, study)
    dyad = services.dyad_start(participant=me)
    response = reauthed(alice).post(reverse("research:pair", args=[me.pk]), {"code": dyad.code})
    assert "That is your own pair code" in response.content.decode()
    dyad.refresh_from_db()
    assert not dyad.is_formed


def test_a_used_code_does_not_pair_a_third_person(
    study: Any, alice: Any, ben: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    dyad = services.dyad_start(participant=enrol(alice, study))
    services.dyad_join(participant=enrol(ben, study), raw_code=dyad.code)
    third = enrol(eve, study)
    response = reauthed(eve).post(reverse("research:pair", args=[third.pk]), {"code": dyad.code})
    assert WRONG in response.content.decode()
    dyad.refresh_from_db()
    assert dyad.second is not None and dyad.second.user == ben
    assert third.dyad() is None


def test_the_second_partner_had_drawn_a_code_too(study: Any, alice: Any, ben: Any) -> None:
    dyad = services.dyad_start(participant=enrol(alice, study))
    partner = enrol(ben, study)
    services.dyad_start(participant=partner)
    services.dyad_join(participant=partner, raw_code=dyad.code)
    assert Dyad.objects.count() == 1 and partner.dyad() == dyad
    with pytest.raises(services.ResearchProblem, match="paired"):
        services.dyad_join(participant=partner, raw_code=dyad.code)


def test_a_single_study_does_not_pair(dana: Any, alice: Any) -> None:
    make_researcher(dana)
    single = make_study(dana, couple=False, code="SOLO")
    with pytest.raises(services.ResearchProblem):
        services.dyad_start(participant=enrol(alice, single))


def test_wrong_pair_codes_are_rate_limited(
    study: Any, alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    dyad = services.dyad_start(participant=enrol(alice, study))
    partner = enrol(ben, study)
    client = reauthed(ben)
    url = reverse("research:pair", args=[partner.pk])
    for _n in range(10):
        client.post(url, {"code": "ZZZZZZZZ"})
    response = client.post(url, {"code": dyad.code})
    assert response.status_code == 429
    dyad.refresh_from_db()
    assert not dyad.is_formed
