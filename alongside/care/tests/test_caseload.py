"""The caseload: each client with only what they share, couples who both chose it, and a
number of database queries that does not grow with what a client wrote."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from alongside.accounts.models import AccessLogEntry
from alongside.care import reading
from alongside.care.models import Alert
from alongside.care.tests.pages_data import (
    checkin,
    experiment,
    finished_take,
    install_test_figures,
)
from conftest import link_people, link_therapist, make_person, make_therapist

EVERYTHING = ["mood", "needs", "support", "notes", "assessments", "practice", "together"]


def _dana(dana: Any) -> Client:
    make_therapist(dana)
    client = Client()
    client.force_login(dana)
    return client


def _eight_weeks(owner: Any, *, earlier: int, recent: int, **fields: Any) -> None:
    """A check-in every other day: mood ``earlier`` in weeks 5-8 back, ``recent`` since."""
    for days_ago in range(0, 56, 2):
        checkin(owner, days_ago, recent if days_ago < 28 else earlier, **fields)


def _words(page: str) -> str:
    """The words of the page's main part, without markup."""
    main = page[page.index("<main") : page.index("</main>")]
    return re.sub(r"<[^>]+>", " ", main)


def _card(page: str, name: str) -> str:
    """The caseload card of ``name``."""
    start = page.index(f">{name}</a></h2>")
    end = page.find('data-testid="caseload-client"', start)
    return page[start : end if end != -1 else len(page)]


def test_someone_without_a_therapist_profile_is_sent_to_set_one_up(eve_client: Client) -> None:
    response = eve_client.get("/care/")
    assert response.status_code == 302
    assert response["Location"] == "/care/become/"


def test_each_client_shows_only_what_they_share(alice: Any, ben: Any, dana: Any) -> None:
    client = _dana(dana)
    link_therapist(alice, dana, shares=["mood", "assessments"])
    link_therapist(ben, dana, shares=["notes"])
    for person in (alice, ben):
        _eight_weeks(person, earlier=4, recent=7, need_trust=2, note="NOTE-TEXT-7c1e")
        experiment(person)
        finished_take(person, "csi-4", {"satisfaction": 12.0})
    page = client.get("/care/").content.decode()
    alice_card, ben_card = _card(page, "Alice"), _card(page, "Ben")
    assert "Mood" in alice_card and "rising" in alice_card
    assert "CSI-4" in alice_card
    # Alice doesn't share needs or practice: they are simply not mentioned.
    assert "Needs met" not in alice_card
    assert "asks tried" not in alice_card and "No asks" not in alice_card
    # Ben shares only notes, which the caseload doesn't show: nothing, and no hint why.
    assert "Nothing to show here yet." in ben_card
    for word in ("CSI-4", "Mood", "Needs", "asks"):
        assert word not in ben_card
    words = _words(page).lower()
    for hint in ("hidden", "not shared", "doesn't share", "private", "last seen", "note-text"):
        assert hint not in words


def test_trends_compare_the_last_four_weeks_with_the_four_before(
    alice: Any, ben: Any, dana: Any
) -> None:
    make_therapist(dana)
    eve = make_person("eve@example.org", "Eve")
    for person, earlier, recent in ((alice, 4, 7), (ben, 6, 6), (eve, 8, 3)):
        link_therapist(person, dana, shares=["mood"])
        _eight_weeks(person, earlier=earlier, recent=recent)
    directions = {
        str(person): [t.direction for t in reading.trends(dana, person)]
        for person in (alice, ben, eve)
    }
    assert directions == {"Alice": ["rising"], "Ben": ["steady"], "Eve": ["falling"]}
    (trend,) = reading.trends(dana, alice)
    assert trend.words == (
        "Mood: a little higher over the last 4 weeks than the 4 before "
        "(7.0 against 4.0 out of 10, on average)."
    )
    assert trend.svg is not None and "<desc" in trend.svg


def test_a_trend_waits_for_enough_shared_days(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    link_therapist(alice, dana, shares=["mood", "needs"])
    checkin(alice, 1, 6, need_trust=3)
    checkin(alice, 40, 5, need_trust=3, is_private=True)  # private: never counts
    found = reading.trends(dana, alice)
    assert [t.direction for t in found] == ["", ""]
    assert "not enough shared days yet" in found[0].words


def test_practice_counts_only_the_asks_looked_back_on_lately(alice: Any, dana: Any) -> None:
    client = _dana(dana)
    link_therapist(alice, dana, shares=["practice"])
    experiment(alice, went_better=True)
    experiment(alice, went_better=False)
    experiment(alice, done=False)  # planned, not yet tried: not counted
    experiment(alice, days_ago=40)  # before the last four weeks
    page = client.get("/care/").content.decode()
    assert "2 asks tried in the last 4 weeks; 1 went better than feared." in page


def test_reliable_change_is_against_the_first_take(alice: Any, dana: Any) -> None:
    client = _dana(dana)
    link_therapist(alice, dana, shares=["assessments"])
    install_test_figures()
    finished_take(alice, "csi-4", {"satisfaction": 16.0}, days_ago=60)
    finished_take(alice, "csi-4", {"satisfaction": 15.0}, days_ago=30)
    finished_take(alice, "csi-4", {"satisfaction": 9.0}, days_ago=1)
    finished_take(alice, "ecr-r", {"anxiety": 4.0, "avoidance": 3.0}, days_ago=50)
    finished_take(alice, "ecr-r", {"anxiety": 3.0, "avoidance": 3.0}, days_ago=2)
    page = client.get("/care/").content.decode()
    assert "Relationship satisfaction <strong>9</strong>" in page
    assert "(first 16)" in page
    assert "less comfortable, beyond chance" in page
    # No figures installed for the ECR-R: said plainly, with no verdict.
    assert "Reliable change can't be worked out for this questionnaire yet." in page


def test_open_alerts_show_and_seen_ones_do_not(alice: Any, dana: Any) -> None:
    client = _dana(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    take = finished_take(alice, "csi-4", {"satisfaction": 9.0})
    alert = Alert.objects.create(
        care_link=care, kind="deterioration", instrument_id="csi-4", subscale_id="satisfaction",
        take=take, evidence={"rule": "A reliable fall."},
    )  # fmt: skip
    page = client.get("/care/").content.decode()
    assert "1 open alert" in page
    assert "Scores moved in the less comfortable direction" in page
    alert.acknowledged_at = alert.created_at
    alert.save()
    assert "open alert" not in client.get("/care/").content.decode()


def test_an_alert_is_not_shown_while_results_are_not_shared(alice: Any, dana: Any) -> None:
    client = _dana(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    take = finished_take(alice, "csi-4", {"satisfaction": 9.0})
    Alert.objects.create(
        care_link=care, kind="deterioration", instrument_id="csi-4", subscale_id="satisfaction",
        take=take, evidence={"rule": "A reliable fall.", "before": 16, "after": 9},
    )  # fmt: skip
    page = client.get("/care/").content.decode()
    assert "alert" not in page.lower().replace("care-alert", "")
    assert "Scores moved" not in page


@pytest.mark.parametrize(
    ("alice_chose", "ben_chose", "kind", "shown"),
    [
        (True, True, "partner", True),
        (True, False, "partner", False),
        (False, True, "partner", False),
        (True, True, "friend", False),
    ],
)
def test_a_couple_needs_a_partner_link_and_both_to_choose_it(
    alice: Any, ben: Any, dana: Any, alice_chose: bool, ben_chose: bool, kind: str, shown: bool
) -> None:
    client = _dana(dana)
    link_people(alice, ben, kind=kind)
    care = link_therapist(alice, dana, shares=["mood"], couple_view=alice_chose)
    link_therapist(ben, dana, shares=["mood"], couple_view=ben_chose)
    page = client.get("/care/").content.decode()
    assert ('data-testid="caseload-couple"' in page) is shown
    assert (f'href="/care/couples/{care.pk}/"' in page) is shown
    assert ("Couples" in page) is shown


def add_one(therapist: Any, person: Any) -> None:
    """A client who shares everything and has some of everything."""
    care = link_therapist(person, therapist, shares=EVERYTHING)
    _eight_weeks(person, earlier=4, recent=6, need_trust=3, note="words")
    experiment(person)
    finished_take(person, "csi-4", {"satisfaction": 16.0}, days_ago=40)
    take = finished_take(person, "csi-4", {"satisfaction": 9.0})
    finished_take(person, "ecr-r", {"anxiety": 3.0, "avoidance": 2.0})
    Alert.objects.create(
        care_link=care, kind="deterioration", instrument_id="csi-4",
        subscale_id="satisfaction", take=take, evidence={"rule": "A reliable fall."},
    )  # fmt: skip


def test_the_caseload_reads_a_constant_number_of_queries_per_client(
    dana: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    client = _dana(dana)
    install_test_figures()

    def add_client(n: int) -> None:
        add_one(dana, make_person(f"client{n}@example.org", f"Client {n}"))

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/care/").status_code == 200
        return len(queries)

    add_client(1)
    count()  # the first visit creates each client's access-log row; later ones update it
    one = count()
    add_client(2)
    add_client(3)
    count()
    three = count()
    per_client = (three - one) / 2
    with capsys.disabled():
        print(f"\ncaseload queries: {one} with 1 client, {three} with 3 ({per_client:g} each)")
    assert per_client == int(per_client)
    # Three reads through access.read (check-ins, results, practice), six queries each:
    # the grant, the rows, and the log's savepoint, visit, update and release. Nothing else.
    assert per_client <= 18


def test_each_look_lands_in_the_clients_access_log(alice: Any, ben: Any, dana: Any) -> None:
    client = _dana(dana)
    link_therapist(alice, dana, shares=["mood", "assessments", "practice"])
    link_therapist(ben, dana, shares=[])
    client.get("/care/")
    entry = AccessLogEntry.objects.get(owner=alice, viewer=dana)
    assert set(entry.categories) == {"mood", "assessments", "practice"}
    # Ben shares nothing: nothing was read, so nothing is logged.
    assert not AccessLogEntry.objects.filter(owner=ben).exists()
