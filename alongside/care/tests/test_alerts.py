"""Alerts after a finished take: raised by the real worker within one run, exactly once,
only for a therapist who may see the results, and never reaching a partner.

The reliable-change figures are TEST FIGURES ONLY (see ``assign_helpers``): the threshold
is 2.63 points on the CSI-4's 0-21 satisfaction score, higher being better.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.assessments.models import Take
from alongside.care.alerts import evaluate, off_track_band
from alongside.care.bands import load_band_file
from alongside.care.models import Alert, ResponseBand
from alongside.care.tests.assign_helpers import (
    CSI_12,
    CSI_16,
    CSI_18,
    TEST_CITATION,
    THRESHOLD,
    answer_by_hand,
    answer_through_pages,
    install_csi4,
    install_test_figures,
)
from alongside.circle import access, services
from alongside.circle.models import Notice
from conftest import link_people, link_therapist, make_therapist, run_worker

pytestmark = pytest.mark.django_db(transaction=True)

BANDS = Path(__file__).parent / "fixtures" / "test_bands.yaml"
# Words of an alert. None may reach a client's own pages, least of all a partner's.
ALERT_WORDS = ("alert", "reliably", "worsened", "deteriorat", "diverg", "expected track")


@pytest.fixture
def setup(alice: Any, dana: Any) -> Any:
    make_therapist(dana)
    install_csi4()
    install_test_figures()
    return link_therapist(alice, dana, shares=["assessments"])


def earlier(owner: Any, answers: dict[str, int], *, weeks: int = 3) -> Take:
    """A take finished some weeks ago (the baseline)."""
    moment = dt.datetime.now(dt.UTC) - dt.timedelta(weeks=weeks)
    with time_machine.travel(moment, tick=False):
        return answer_by_hand(owner, answers)


def answer_now(client: Client, answers: dict[str, int]) -> Take:
    response = client.post("/questionnaires/csi-4/start/")
    take = Take.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))
    answer_through_pages(client, take, answers)
    take.refresh_from_db()
    return take


def test_a_reliable_deterioration_raises_one_alert_in_one_worker_run(
    setup: Any, alice: Any, alice_client: Client, mailoutbox: list[Any]
) -> None:
    baseline = earlier(alice, CSI_18)
    take = answer_now(alice_client, CSI_12)
    assert not Alert.objects.exists()  # the worker raises it, not the request
    run_worker()
    (alert,) = Alert.objects.all()
    assert (alert.care_link, alert.kind, alert.take, alert.subscale_id) == (
        setup,
        "deterioration",
        take,
        "satisfaction",
    )
    evidence = alert.evidence
    assert evidence["before"] == 18 and evidence["after"] == 12
    assert evidence["threshold"] == pytest.approx(THRESHOLD, abs=1e-5)
    # RCI = (12 - 18) / 1.34164 = -4.47214
    assert evidence["rci"] == pytest.approx(-4.47214, abs=1e-5)
    assert evidence["citation"] == TEST_CITATION
    assert evidence["baseline_take"] == baseline.pk
    assert evidence["rule"] == (
        "Relationship satisfaction reliably worsened: from the first completed answers (18) "
        "to these (12) is a change of 6 points in the worse direction, more than the "
        "reliable-change threshold of 2.63 points (1.96 times S_diff, Jacobson & Truax "
        "1991), so it is unlikely to be measurement error alone."
    )
    # Again, by the worker or by hand: still the one alert.
    run_worker()
    assert evaluate(take) == []
    assert Alert.objects.count() == 1
    assert mailoutbox == []  # nobody is e-mailed about an alert


def test_a_change_within_the_threshold_raises_nothing(
    setup: Any, alice: Any, alice_client: Client
) -> None:
    earlier(alice, CSI_18)
    answer_now(alice_client, CSI_16)  # 2 points lower: within 2.63
    run_worker()
    assert not Alert.objects.exists()


def test_an_improvement_raises_nothing(setup: Any, alice: Any, alice_client: Client) -> None:
    earlier(alice, CSI_12)
    answer_now(alice_client, CSI_18)
    run_worker()
    assert not Alert.objects.exists()


def test_nothing_when_the_client_stopped_sharing_results(
    setup: Any, alice: Any, dana: Any, alice_client: Client
) -> None:
    earlier(alice, CSI_18)
    grant = access.grant_between(alice, dana)
    assert grant is not None
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    take = answer_now(alice_client, CSI_12)
    run_worker()
    assert not Alert.objects.exists()
    assert evaluate(take) == []


def test_nothing_without_cited_figures(alice: Any, dana: Any, alice_client: Client) -> None:
    make_therapist(dana)
    install_csi4()
    link_therapist(alice, dana, shares=["assessments"])
    earlier(alice, CSI_18)
    answer_now(alice_client, CSI_12)
    run_worker()
    assert not Alert.objects.exists()


# --------------------------------------------------------------------------- a couple


@pytest.fixture
def couple(setup: Any, alice: Any, ben: Any, dana: Any) -> tuple[Any, Any]:
    """alice and ben are partners, both dana's clients, both beside each other for her."""
    link_people(alice, ben, inviter_shares=[], invitee_shares=[])
    setup.couple_view = True
    setup.save()
    ben_care = link_therapist(ben, dana, shares=["assessments"], couple_view=True)
    return setup, ben_care


def test_a_couple_partner_deterioration_and_divergence_and_ben_sees_none_of_it(
    couple: tuple[Any, Any],
    alice: Any,
    ben: Any,
    alice_client: Client,
    ben_client: Client,
    mailoutbox: list[Any],
) -> None:
    alice_care, ben_care = couple
    earlier(ben, CSI_18, weeks=1)
    earlier(alice, CSI_18)
    notices = {
        person.pk: Notice.objects.filter(recipient=person).count() for person in (alice, ben)
    }
    take = answer_now(alice_client, CSI_12)
    run_worker()
    found = {(a.care_link_id, a.kind) for a in Alert.objects.filter(take=take)}
    assert found == {
        (alice_care.pk, "deterioration"),
        (ben_care.pk, "partner_deterioration"),  # on ben's side of the couple view
        (alice_care.pk, "divergence"),
    }
    divergence = Alert.objects.get(kind="divergence")
    assert divergence.evidence["before"] == 18 and divergence.evidence["after"] == 12
    assert divergence.evidence["threshold"] == pytest.approx(THRESHOLD, abs=1e-5)
    assert divergence.evidence["rule"].startswith(
        "The partners' latest Relationship satisfaction scores differ by 6 points"
    )
    partner = Alert.objects.get(kind="partner_deterioration")
    assert partner.evidence["rule"].startswith("Their partner's Relationship satisfaction")
    assert partner.evidence["citation"] == TEST_CITATION
    run_worker()
    assert Alert.objects.filter(take=take).count() == 3

    # Nothing reaches ben (nor alice): no notice, no e-mail, nothing on their pages.
    assert mailoutbox == []
    for person in (alice, ben):
        assert Notice.objects.filter(recipient=person).count() == notices[person.pk]
    pages = ["/", f"/care/my-therapists/{ben_care.pk}/", "/circle/", "/questionnaires/"]
    for path in pages:
        body = ben_client.get(path).content.decode().lower()
        assert not [w for w in ALERT_WORDS if w in body], path
    body = alice_client.get(f"/care/my-therapists/{alice_care.pk}/").content.decode().lower()
    assert not [w for w in ALERT_WORDS if w in body]


def test_no_couple_rules_unless_both_chose_to_be_seen_together(
    couple: tuple[Any, Any], alice: Any, ben: Any, alice_client: Client
) -> None:
    alice_care, ben_care = couple
    ben_care.couple_view = False
    ben_care.save()
    earlier(ben, CSI_18, weeks=1)
    earlier(alice, CSI_18)
    answer_now(alice_client, CSI_12)
    run_worker()
    assert set(Alert.objects.values_list("care_link_id", "kind")) == {
        (alice_care.pk, "deterioration")
    }


def test_no_couple_rules_when_the_partner_does_not_share_results(
    couple: tuple[Any, Any], alice: Any, ben: Any, dana: Any, alice_client: Client
) -> None:
    alice_care, _ben_care = couple
    earlier(ben, CSI_18, weeks=1)
    grant = access.grant_between(ben, dana)
    assert grant is not None
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    earlier(alice, CSI_18)
    answer_now(alice_client, CSI_12)
    run_worker()
    assert set(Alert.objects.values_list("care_link_id", "kind")) == {
        (alice_care.pk, "deterioration")
    }


def test_no_couple_rules_for_people_who_are_not_partners(
    setup: Any, alice: Any, eve: Any, dana: Any, alice_client: Client
) -> None:
    link_people(alice, eve, kind="friend")
    setup.couple_view = True
    setup.save()
    link_therapist(eve, dana, shares=["assessments"], couple_view=True)
    earlier(eve, CSI_18, weeks=1)
    earlier(alice, CSI_18)
    answer_now(alice_client, CSI_12)
    run_worker()
    assert list(Alert.objects.values_list("kind", flat=True)) == ["deterioration"]


# ------------------------------------------------------------------------- off track


@pytest.fixture
def bands_only(alice: Any, dana: Any) -> Any:
    """Test bands loaded, no reliable-change figures: only the band rule can fire."""
    make_therapist(dana)
    install_csi4()
    assert load_band_file(BANDS) == 3
    return link_therapist(alice, dana, shares=["assessments"])


def test_off_the_expected_track_at_week_five(
    bands_only: Any, alice: Any, alice_client: Client
) -> None:
    earlier(alice, CSI_12, weeks=5)  # a baseline of 12: the 0-14 band
    take = answer_now(alice_client, {"q1": 3, "q2": 2, "q3": 2, "q4": 2})  # 9
    run_worker()
    (alert,) = Alert.objects.all()
    assert (alert.kind, alert.take, alert.care_link) == ("off_track", take, bands_only)
    evidence = alert.evidence
    assert (evidence["before"], evidence["after"], evidence["threshold"]) == (12, 9, 10)
    assert (evidence["week"], evidence["band_week"]) == (5, 4)
    assert evidence["citation"].startswith("TEST BANDS ONLY")
    assert evidence["rule"] == (
        "Not on the expected track: for people whose first Relationship satisfaction score "
        "was from 0 to 14 (here 12), a score below 10 at week 4 or later is off the "
        "expected response; these answers, at week 5, score 9."
    )


def test_on_track_raises_nothing(bands_only: Any, alice: Any, alice_client: Client) -> None:
    earlier(alice, CSI_12, weeks=5)
    answer_now(alice_client, {"q1": 5, "q2": 2, "q3": 2, "q4": 2})  # 11: above 10
    run_worker()
    assert not Alert.objects.exists()


def test_before_the_first_band_week_nothing_fires(
    bands_only: Any, alice: Any, alice_client: Client
) -> None:
    earlier(alice, CSI_12, weeks=3)
    answer_now(alice_client, {"q1": 0, "q2": 0, "q3": 0, "q4": 0})
    run_worker()
    assert not Alert.objects.exists()


def test_the_band_used_is_the_baselines_range_at_the_latest_week_reached(db: None) -> None:
    load_band_file(BANDS)
    bands = list(ResponseBand.objects.all())

    def boundary(baseline: float, weeks: int) -> float | None:
        band = off_track_band(bands, baseline, weeks)
        return band.boundary if band else None

    assert boundary(12, weeks=3) is None
    assert boundary(12, weeks=5) == 10
    assert boundary(12, weeks=30) == 12
    assert boundary(14, weeks=5) == 15  # 14 starts the next range
    assert boundary(21, weeks=5) == 15  # the top range includes its maximum
