"""A client's page for their therapist: what they share now (and nothing once they stop),
questionnaires against the first time, and alerts with their rule, which only the
therapist ever sees."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.test import Client
from django.utils import timezone

from alongside.accounts.models import AccessLogEntry
from alongside.care.models import Alert, CareEvent
from alongside.care.tests.pages_data import (
    checkin,
    experiment,
    finished_take,
    install_test_figures,
)
from alongside.circle import services
from alongside.circle.models import Grant
from conftest import link_people, link_therapist, make_therapist

RULE = "The latest score is lower than the first by more than the reliable change threshold."
EVIDENCE: dict[str, object] = {
    "rule": RULE,
    "before": 16,
    "after": 9,
    "threshold": 4.38,
    "citation": "Jacobson, N. S., & Truax, P. (1991).",
}


def _alert(care: Any, owner: Any, **fields: Any) -> Alert:
    take = finished_take(owner, "csi-4", {"satisfaction": 9.0})
    return Alert.objects.create(
        care_link=care,
        kind=fields.pop("kind", "deterioration"),
        instrument_id="csi-4",
        subscale_id="satisfaction",
        take=take,
        evidence=fields.pop("evidence", EVIDENCE),
        **fields,
    )


def test_only_the_clients_own_therapist_finds_the_page(
    alice: Any, dana: Any, eve: Any, eve_client: Client, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["mood"])
    assert dana_client.get(f"/care/clients/{care.pk}/").status_code == 200
    assert eve_client.get(f"/care/clients/{care.pk}/").status_code == 404
    make_therapist(eve)  # another therapist, not alice's
    assert eve_client.get(f"/care/clients/{care.pk}/").status_code == 404


def test_the_page_shows_what_the_client_shares_through_the_standard_parts(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["mood", "notes"])
    checkin(alice, 1, 7, note="Walked by the river with Jo.")
    checkin(alice, 2, 3, note="A day only I see.", is_private=True)
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert "Alice shares with you: Mood and feelings, Notes" in page
    assert "Walked by the river with Jo." in page
    assert "7 out of 10" in page
    assert "A day only I see." not in page and "3 out of 10" not in page
    assert "Questionnaires: the first time" not in page  # results aren't shared
    visit = AccessLogEntry.objects.get(owner=alice, viewer=dana)
    assert set(visit.categories) == {"mood", "notes"}


def test_reliable_change_against_the_first_take_in_plain_words(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["assessments"])
    install_test_figures()
    finished_take(alice, "csi-4", {"satisfaction": 16.0}, days_ago=60)
    finished_take(alice, "csi-4", {"satisfaction": 13.0}, days_ago=30)
    finished_take(alice, "csi-4", {"satisfaction": 9.0}, days_ago=1)
    finished_take(alice, "ecr-r", {"anxiety": 4.0, "avoidance": 3.0}, days_ago=50)
    finished_take(alice, "ecr-r", {"anxiety": 3.0, "avoidance": 3.0}, days_ago=2)
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert "first 16 → latest 9" in page
    assert (
        "Moved in the less comfortable direction by more than chance alone would explain." in page
    )
    assert "3 times in all" in page
    assert "Reliable change can't be worked out for this questionnaire yet" in page
    words = re.sub(r"<[^>]+>", " ", page.split("<main")[1]).lower()
    for word in ("deteriorat", "patient", "disorder", "symptom"):
        assert word not in words


def test_alerts_show_their_rule_and_numbers_open_and_seen(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["assessments"])
    _alert(care, alice)
    _alert(care, alice, kind="off_track", evidence={}, acknowledged_at=timezone.now())
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert 'id="alerts"' in page
    assert RULE in page
    assert "<dt>Before</dt><dd>16</dd>" in page
    assert "<dt>After</dt><dd>9</dd>" in page
    assert "<dt>Threshold</dt><dd>4.38</dd>" in page
    assert "Jacobson, N. S., &amp; Truax, P. (1991)." in page
    assert "Mark as seen" in page
    assert "Seen (1)" in page
    assert "Not on the track most people starting here follow" in page
    assert "The rule that fired left no sentence" in page


def test_acknowledging_an_alert_is_written_in_the_therapists_own_trail(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["assessments"])
    alert = _alert(care, alice)
    url = f"/care/alerts/{alert.pk}/acknowledge/"
    assert dana_client.get(url).status_code == 405
    response = dana_client.post(url)
    assert response.status_code == 302
    assert response["Location"] == f"/care/clients/{care.pk}/#alerts"
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None
    event = CareEvent.objects.get()
    assert (event.therapist, event.care_link, event.action) == (dana, care, "alert_acknowledged")
    assert event.detail["alert"] == alert.pk
    dana_client.post(url)  # again: nothing new is written
    assert CareEvent.objects.count() == 1


def test_the_partner_gets_404_and_never_sees_an_alert_anywhere(
    alice: Any, ben: Any, dana: Any, dana_client: Client, ben_client: Client, alice_client: Client
) -> None:
    link = link_people(alice, ben, inviter_shares=["mood", "assessments"])
    care = link_therapist(alice, dana, shares=["assessments"], couple_view=True)
    ben_care = link_therapist(ben, dana, shares=["assessments"], couple_view=True)
    alert = _alert(care, alice)
    _alert(ben_care, alice, kind="partner_deterioration")
    assert ben_client.post(f"/care/alerts/{alert.pk}/acknowledge/").status_code == 404
    assert alice_client.post(f"/care/alerts/{alert.pk}/acknowledge/").status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and not CareEvent.objects.exists()
    for client, pages in (
        (
            ben_client,
            [
                "/care/",
                f"/care/clients/{care.pk}/",
                f"/care/couples/{care.pk}/",
                f"/care/my-therapists/{ben_care.pk}/",
                f"/circle/links/{link.pk}/",
                f"/assessments/shared/{link.pk}/",
            ],
        ),
        (alice_client, ["/care/", f"/care/my-therapists/{care.pk}/"]),
    ):
        for url in pages:
            response = client.get(url, follow=True)
            body = response.content.decode()
            assert RULE not in body, url
            assert "Scores moved" not in body and "alert" not in body.lower(), url
    assert ben_client.get(f"/care/clients/{care.pk}/").status_code == 404


def test_an_alert_waits_while_the_client_does_not_share_results(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["mood"])
    _alert(care, alice)
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert RULE not in page and 'id="alerts"' not in page


def test_narrowing_the_grant_takes_effect_on_the_next_request(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["mood", "notes", "assessments"])
    checkin(alice, 1, 7, note="NOTE-ONLY-WHILE-SHARED-91d")
    finished_take(alice, "csi-4", {"satisfaction": 12.0})
    url = f"/care/clients/{care.pk}/"
    page = dana_client.get(url).content.decode()
    assert "NOTE-ONLY-WHILE-SHARED-91d" in page and "CSI-4" in page
    grant = Grant.objects.get(owner=alice, grantee=dana)
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    page = dana_client.get(url).content.decode()
    assert "NOTE-ONLY-WHILE-SHARED-91d" not in page
    assert "CSI-4" not in page
    assert "7 out of 10" in page  # mood is still shared


def test_an_expired_grant_shows_nothing(alice: Any, dana: Any, dana_client: Client) -> None:
    care = link_therapist(alice, dana, shares=["mood", "notes", "assessments"])
    checkin(alice, 1, 7, note="NOTE-ONLY-WHILE-SHARED-91d")
    finished_take(alice, "csi-4", {"satisfaction": 12.0})
    _alert(care, alice)
    grant = Grant.objects.get(owner=alice, grantee=dana)
    grant.expires_at = timezone.now() - dt.timedelta(minutes=1)
    grant.save()
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert "Alice shares nothing with you at the moment." in page
    for shown in ("NOTE-ONLY-WHILE-SHARED-91d", "7 out of 10", "CSI-4", RULE):
        assert shown not in page
    assert not AccessLogEntry.objects.filter(owner=alice).exists()  # nothing was read


def test_the_page_links_to_assigning_the_report_and_fhir_only_when_results_are_shared(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["mood"])
    url = f"/care/clients/{care.pk}/"
    page = dana_client.get(url).content.decode()
    assert f'href="/care/clients/{care.pk}/assign/"' in page
    assert f'href="/care/clients/{care.pk}/report/"' in page
    assert "fhir.json" not in page
    grant = Grant.objects.get(owner=alice, grantee=dana)
    services.grant_update(grant=grant, categories=["mood", "assessments"], expires_at=None)
    assert f'href="/care/clients/{care.pk}/fhir.json"' in dana_client.get(url).content.decode()


def test_the_page_links_to_the_couple_only_when_both_chose_it(
    alice: Any, ben: Any, dana: Any, dana_client: Client
) -> None:
    link_people(alice, ben)
    care = link_therapist(alice, dana, shares=["mood"], couple_view=True)
    ben_care = link_therapist(ben, dana, shares=["mood"])
    url = f"/care/clients/{care.pk}/"
    assert "Beside Ben" not in dana_client.get(url).content.decode()
    ben_care.couple_view = True
    ben_care.save()
    assert f'href="/care/couples/{care.pk}/"' in dana_client.get(url).content.decode()


def test_shared_practice_shows_how_the_asks_went(
    alice: Any, dana: Any, dana_client: Client
) -> None:
    care = link_therapist(alice, dana, shares=["practice"])
    experiment(alice, went_better=True)
    page = dana_client.get(f"/care/clients/{care.pk}/").content.decode()
    assert 'data-testid="practice-shared"' in page and "Alice's practice" in page
    assert "Asking will be a burden" not in page  # her own words stay hers
