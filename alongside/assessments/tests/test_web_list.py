"""The questionnaire list and each questionnaire's page: what can be answered now, what
waits for wording, and starting (or resuming) a take."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from alongside.assessments.models import Take
from alongside.assessments.tests.conftest import ECR_RS_LOW
from conftest import make_person

URL = "/questionnaires/"


@pytest.fixture
def admin_client(db: None) -> Client:
    admin = make_person("admin@example.org", "Ada")
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    return client


def test_it_lists_the_reflections_ready_to_answer(alice_client: Client) -> None:
    body = alice_client.get(URL).content.decode()
    assert "How close does this relationship feel?" in body
    assert "Safety needs in a relationship" in body
    assert body.count("A reflection, not a validated questionnaire") >= 2
    assert 'href="/questionnaires/alongside-closeness/"' in body


def test_questionnaires_without_wording_are_hidden_from_people(alice_client: Client) -> None:
    body = alice_client.get(URL).content.decode()
    assert "Wording not installed" not in body
    assert 'data-instrument="ecr-rs"' not in body
    assert alice_client.get("/questionnaires/ecr-rs/").status_code == 404
    assert alice_client.post("/questionnaires/ecr-rs/start/", {}).status_code == 404
    assert not Take.objects.exists()


def test_with_no_research_questionnaire_installed_people_see_no_empty_heading(
    alice_client: Client,
) -> None:
    body = alice_client.get(URL).content.decode()
    assert "Research questionnaires" not in body
    assert "Published questionnaires, scored exactly" not in body


def test_administrators_are_told_how_to_install_the_wording(admin_client: Client) -> None:
    body = admin_client.get(URL).content.decode()
    assert "Only site administrators see this list" in body
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
    assert "Research questionnaires" in body


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


def test_a_page_for_missing_wording_explains_instead_of_starting(admin_client: Client) -> None:
    body = admin_client.get("/questionnaires/csi-4/").content.decode()
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


def test_starting_a_questionnaire_without_wording_is_refused(admin_client: Client) -> None:
    response = admin_client.post("/questionnaires/ras/start/", {})
    assert response.status_code == 200
    assert "not installed" in response.content.decode()
    assert not Take.objects.exists()


def test_the_nav_links_to_questionnaires(alice_client: Client) -> None:
    body = alice_client.get("/checkins/").content.decode()
    assert 'href="/questionnaires/"' in body
    assert ">Questionnaires<" in body


def test_a_questionnaire_about_a_partner_names_the_linked_partner(
    alice: Any, alice_client: Client, link_couple: Any, ecr_rs_wording: None
) -> None:
    link_couple()
    page = alice_client.get("/questionnaires/ecr-rs/").content.decode()
    assert ">Ben<" in page or "Ben</label>" in page or "Ben\n" in page
    assert "Romantic partner" not in page
    take = Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="partner")
    assert "Carry on: Ben" in alice_client.get(URL).content.decode()
    assert "Ben" in alice_client.get(f"/questionnaires/answers/{take.pk}/").content.decode()


def test_a_take_from_before_the_link_keeps_the_general_label(
    alice: Any, alice_client: Client, link_couple: Any, ecr_rs_wording: None
) -> None:
    import datetime as dt

    take = Take.objects.create(owner=alice, instrument_id="ecr-rs", relationship="partner")
    Take.objects.filter(pk=take.pk).update(started_at=take.started_at - dt.timedelta(days=30))
    link_couple()
    body = alice_client.get(URL).content.decode()
    assert "Carry on: Romantic partner" in body
    assert "Carry on: Ben" not in body
