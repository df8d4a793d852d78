"""Joining a study: the code or link, the information sheet and consent (password asked
again), the study ID; wrong codes; joining twice; pausing and leaving."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from alongside.research import services
from alongside.research.models import Answer, Consent, Participant, Prompt
from alongside.research.tests.helpers import definition, enrol, make_study, plan_prompt
from conftest import make_researcher

WRONG = "That code doesn&#x27;t open a study we can offer you."


@pytest.fixture
def study(dana: Any) -> Any:
    make_researcher(dana)
    return make_study(dana, couple=False)


def test_a_person_joins_with_the_code(
    study: Any, alice: Any, reauthed: Callable[..., Client]
) -> None:
    client = reauthed(alice)
    response = client.post(reverse("research:join"), {"code": "evenings"})
    assert response["Location"] == reverse("research:join_code", args=["EVENINGS"])
    page = client.get(response["Location"])
    body = page.content.decode()
    assert "We ask three short questions" in body and "I agree to take part" in body
    assert "knows you only by a study ID" in body
    response = client.post(response["Location"], {"version": 1, "accept": "on"})
    me = Participant.objects.get(user=alice)
    assert response["Location"] == reverse("research:participation", args=[me.pk])
    assert re.fullmatch(r"EVN-\d{3}", me.study_code)
    assert me.status == "active" and me.consent_version == 1
    consent = Consent.objects.get(participant=me)
    assert consent.version == study.current_consent() and consent.accepted_at is not None
    text = client.get(response["Location"]).content.decode()
    assert me.study_code in text
    assert me.study_code in client.get(reverse("research:index")).content.decode()


def test_joining_asks_for_the_password(study: Any, alice_client: Client) -> None:
    url = reverse("research:join_code", args=["EVENINGS"])
    assert alice_client.get(url).status_code == 200  # reading asks for nothing
    response = alice_client.post(url, {"version": 1, "accept": "on"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    assert not Participant.objects.exists()


def test_consent_must_be_ticked(study: Any, alice: Any, reauthed: Callable[..., Client]) -> None:
    client = reauthed(alice)
    response = client.post(reverse("research:join_code", args=["EVENINGS"]), {"version": 1})
    assert response.status_code == 200
    assert response.context["form"].errors["accept"]
    assert not Participant.objects.exists()


def test_a_wrong_code_tells_nothing(study: Any, alice_client: Client, dana: Any) -> None:
    ended = make_study(
        dana,
        code="OLDSTUDY",
        starts_on=dt.date.today() + dt.timedelta(days=1),
        ends_on=dt.date.today() + dt.timedelta(days=2),
    )
    ended.starts_on = ended.ends_on = dt.date.today() - dt.timedelta(days=5)
    ended.save()
    answers = []
    for code in ("NOSUCHSTUDY", "OLDSTUDY"):
        response = alice_client.post(reverse("research:join"), {"code": code})
        assert response.status_code == 200
        answers.append(response.context["form"].errors["code"])
        link = alice_client.get(reverse("research:join_code", args=[code]))
        assert link.status_code == 404 and WRONG in link.content.decode()
    assert answers[0] == answers[1]


def test_wrong_codes_are_rate_limited(study: Any, alice_client: Client) -> None:
    for _n in range(10):
        alice_client.post(reverse("research:join"), {"code": "GUESS1234"})
    # Paused now: even the right code gets no answer about itself.
    response = alice_client.post(reverse("research:join"), {"code": "EVENINGS"})
    assert response.status_code == 429
    assert "paused them for a while" in response.content.decode()
    assert alice_client.get(reverse("research:join_code", args=["EVENINGS"])).status_code == 429


def test_joining_twice_is_refused(study: Any, alice: Any, reauthed: Callable[..., Client]) -> None:
    me = enrol(alice, study)
    client = reauthed(alice)
    response = client.get(reverse("research:join_code", args=["EVENINGS"]))
    assert response["Location"] == reverse("research:participation", args=[me.pk])
    with pytest.raises(services.ResearchProblem, match="already"):
        enrol(alice, study)
    assert Participant.objects.filter(user=alice).count() == 1


def test_study_ids_are_unique_in_the_study(study: Any, db: None) -> None:
    from conftest import make_person

    codes = {enrol(make_person(f"p{n}@example.org", f"P{n}"), study).study_code for n in range(30)}
    assert len(codes) == 30 and all(c.startswith("EVN-") for c in codes)


def test_a_consent_changed_while_reading_is_shown_again(
    study: Any, alice: Any, reauthed: Callable[..., Client]
) -> None:
    services.consent_publish(
        study=study,
        information_sheet="New sheet",
        text="New text",
        researcher_sees_identity=False,
        on_withdrawal="ask",
    )
    client = reauthed(alice)
    response = client.post(
        reverse("research:join_code", args=["EVENINGS"]), {"version": 1, "accept": "on"}
    )
    assert "changed while you were reading" in response.content.decode()
    assert not Participant.objects.exists()


def test_pause_and_resume(study: Any, alice: Any, alice_client: Client) -> None:
    me = enrol(alice, study)
    alice_client.post(reverse("research:pause", args=[me.pk]))
    me.refresh_from_db()
    assert me.status == "paused" and me.paused_at is not None
    assert not Participant.objects.promptable().exists()
    alice_client.post(reverse("research:resume", args=[me.pk]))
    me.refresh_from_db()
    assert me.status == "active" and me.paused_at is None
    assert list(Participant.objects.promptable()) == [me]


def _with_prompts(me: Participant) -> None:
    now = dt.datetime.now(dt.UTC)
    done = plan_prompt(
        me, now - dt.timedelta(hours=2), completed_at=now - dt.timedelta(hours=1, minutes=30)
    )
    Answer.objects.create(prompt=done, item_id="close", value=70)
    plan_prompt(me, now + dt.timedelta(hours=2))


def test_leaving_and_keeping_what_was_given(study: Any, alice: Any, alice_client: Client) -> None:
    me = enrol(alice, study)
    _with_prompts(me)
    url = reverse("research:withdraw", args=[me.pk])
    assert alice_client.post(url).context["form"].errors["keep"]  # asked to choose
    response = alice_client.post(url, {"keep": "yes"})
    assert response["Location"] == reverse("research:participation", args=[me.pk])
    me.refresh_from_db()
    assert me.status == "withdrawn" and not me.data_deleted and me.user == alice
    assert Answer.objects.filter(prompt__participant=me).count() == 1
    # What was still planned goes: no more prompts.
    assert Prompt.objects.filter(participant=me).count() == 1
    assert "You have left this study" in alice_client.get(response["Location"]).content.decode()


def test_leaving_and_deleting_keeps_an_anonymous_record(
    study: Any, alice: Any, alice_client: Client
) -> None:
    me = enrol(alice, study)
    _with_prompts(me)
    response = alice_client.post(reverse("research:withdraw", args=[me.pk]), {"keep": "no"})
    assert response["Location"] == reverse("research:index")
    me.refresh_from_db()
    assert me.status == "withdrawn" and me.data_deleted and me.user is None
    assert me.study_code.startswith("EVN-") and me.withdrawn_at is not None
    assert not Prompt.objects.filter(participant=me).exists()
    assert not Answer.objects.exists()
    # It is no longer hers: her page is gone, and the study can be joined afresh.
    assert alice_client.get(reverse("research:participation", args=[me.pk])).status_code == 404
    assert enrol(alice, study).study_code != ""


def test_the_consent_can_decide_what_leaving_does(
    dana: Any, alice: Any, alice_client: Client
) -> None:
    make_researcher(dana)
    consent = {**definition()["consent"], "on_withdrawal": "delete"}
    study = make_study(dana, couple=False, consent=consent)
    me = enrol(alice, study)
    _with_prompts(me)
    url = reverse("research:withdraw", args=[me.pk])
    assert "As the consent said, what you gave so far is deleted" in (
        alice_client.get(url).content.decode()
    )
    alice_client.post(url, {"keep": "yes"})  # not theirs to choose: the consent said
    me.refresh_from_db()
    assert me.data_deleted and not Answer.objects.exists()


def test_nobody_else_opens_my_taking_part(study: Any, alice: Any, ben_client: Client) -> None:
    me = enrol(alice, study)
    for name in ("participation", "consent_again", "withdraw"):
        assert ben_client.get(reverse(f"research:{name}", args=[me.pk])).status_code == 404
    for name in ("pause", "resume", "withdraw", "pair", "pair_code"):
        assert ben_client.post(reverse(f"research:{name}", args=[me.pk])).status_code == 404
    me.refresh_from_db()
    assert me.status == "active"


def test_deleting_an_account_leaves_the_study(study: Any, alice: Any, dana: Any) -> None:
    me = enrol(alice, study)
    _with_prompts(me)
    alice.delete()
    me.refresh_from_db()
    assert me.status == "withdrawn" and me.data_deleted and me.user is None
    assert not Answer.objects.exists() and not Prompt.objects.exists()
    # The researcher's studies go with the researcher's account.
    dana.delete()
    assert not Participant.objects.exists()
