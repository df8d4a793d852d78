"""The questionnaire list and each questionnaire's page: what can be answered now, what
waits for wording, and starting (or resuming) a take."""

from __future__ import annotations

from typing import Any

from django.test import Client

from alongside.assessments.models import Take
from alongside.assessments.tests.conftest import ECR_RS_LOW

URL = "/questionnaires/"


def test_it_lists_the_reflections_ready_to_answer(alice_client: Client) -> None:
    body = alice_client.get(URL).content.decode()
    assert "How close does this relationship feel?" in body
    assert "Safety needs in a relationship" in body
    assert body.count("A reflection, not a validated questionnaire") >= 2
    assert 'href="/questionnaires/alongside-closeness/"' in body


def test_third_party_questionnaires_say_how_to_install_their_wording(alice_client: Client) -> None:
    body = alice_client.get(URL).content.decode()
    assert "Wording not installed" in body
    assert "alongside instruments import FILE --into ecr-rs" in body
    # Nothing to start until the wording is there.
    assert 'href="/questionnaires/ecr-rs/"' not in body


def test_installed_wording_makes_a_questionnaire_available(
    alice_client: Client, ecr_rs_wording: None
) -> None:
    body = alice_client.get(URL).content.decode()
    assert 'href="/questionnaires/ecr-rs/"' in body
    assert "--into ecr-rs" not in body


def test_the_list_offers_to_carry_on_and_shows_results(
    alice: Any, alice_client: Client, ecr_rs_wording: None, finished: Any
) -> None:
    finished(alice, "ecr-rs", ECR_RS_LOW, relationship="partner")
    unfinished = Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="mother")
    body = alice_client.get(URL).content.decode()
    assert f"/questionnaires/answers/{unfinished.pk}/" in body
    assert "Carry on: Mother (or a mother-like figure)" in body
    assert "Your result" in body


def test_the_list_needs_a_signed_in_person(client: Client) -> None:
    response = client.get(URL)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_questionnaire_page_asks_whom_it_is_about(
    alice_client: Client, ecr_rs_wording: None
) -> None:
    body = alice_client.get("/questionnaires/ecr-rs/").content.decode()
    assert "Who is this about?" in body
    for label in ("Mother (or a mother-like figure)", "Romantic partner", "Best friend"):
        assert label in body
    assert "9 questions" in body


def test_a_page_for_missing_wording_explains_instead_of_starting(alice_client: Client) -> None:
    body = alice_client.get("/questionnaires/csi-4/").content.decode()
    assert "Wording not installed" in body
    assert "--into csi-4" in body
    assert "Begin" not in body


def test_an_unknown_questionnaire_is_not_found(alice_client: Client) -> None:
    assert alice_client.get("/questionnaires/no-such-thing/").status_code == 404
    assert alice_client.post("/questionnaires/no-such-thing/start/").status_code == 404


def test_starting_needs_a_relationship(
    alice: Any, alice_client: Client, ecr_rs_wording: None
) -> None:
    response = alice_client.post("/questionnaires/ecr-rs/start/", {})
    assert response.status_code == 200
    assert "Choose who this is about." in response.content.decode()
    assert not Take.objects.exists()


def test_starting_refuses_a_relationship_the_questionnaire_does_not_know(
    alice_client: Client, ecr_rs_wording: None
) -> None:
    response = alice_client.post("/questionnaires/ecr-rs/start/", {"relationship": "neighbour"})
    assert response.status_code == 200
    assert "Choose one of the people listed." in response.content.decode()
    assert not Take.objects.exists()


def test_starting_creates_a_take_and_opens_it(
    alice: Any, alice_client: Client, ecr_rs_wording: None
) -> None:
    response = alice_client.post("/questionnaires/ecr-rs/start/", {"relationship": "partner"})
    take = Take.objects.get(owner=alice)
    assert response.status_code == 302
    assert response["Location"] == f"/questionnaires/answers/{take.pk}/"
    assert (take.instrument_id, take.relationship, take.status) == (
        "ecr-rs",
        "partner",
        "in_progress",
    )


def test_starting_again_carries_on_with_the_unfinished_take(
    alice: Any, alice_client: Client, ecr_rs_wording: None
) -> None:
    alice_client.post("/questionnaires/ecr-rs/start/", {"relationship": "partner"})
    alice_client.post("/questionnaires/ecr-rs/start/", {"relationship": "partner"})
    alice_client.post("/questionnaires/ecr-rs/start/", {"relationship": "mother"})
    assert Take.objects.filter(owner=alice).count() == 2


def test_a_questionnaire_about_oneself_starts_without_a_relationship(
    alice: Any, alice_client: Client
) -> None:
    from alongside.assessments.tests.conftest import made_up_wording

    made_up_wording("ecr-r")
    body = alice_client.get("/questionnaires/ecr-r/").content.decode()
    assert "Who is this about?" not in body
    response = alice_client.post("/questionnaires/ecr-r/start/", {})
    assert response.status_code == 302
    assert Take.objects.get(owner=alice).relationship == ""


def test_starting_a_questionnaire_without_wording_is_refused(
    alice: Any, alice_client: Client
) -> None:
    response = alice_client.post("/questionnaires/ras/start/", {})
    assert response.status_code == 200
    assert "not installed" in response.content.decode()
    assert not Take.objects.exists()


def test_the_nav_links_to_questionnaires(alice_client: Client) -> None:
    body = alice_client.get("/checkins/").content.decode()
    assert 'href="/questionnaires/"' in body
    assert ">Questionnaires<" in body
