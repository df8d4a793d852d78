"""The research API: a researcher's own studies only (anyone else: 404), participants by
study ID, the schedule page by page, and compliance with the page's numbers; a
participant's own open prompts, reading and answering them (anyone else's: 404)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from alongside.research import services
from alongside.research.compliance import study_compliance
from alongside.research.models import Answer, ConsentVersion, Participant, Prompt, Study
from alongside.research.tests.helpers import enrol, make_study, plan_prompt, prompt_became
from conftest import make_researcher

NOW = dt.datetime(2030, 5, 10, 12, 0, tzinfo=dt.UTC)
URL = "/api/v1/research"


def prompt(participant: Participant, status: str, *, day: int, hours_ago: float) -> Prompt:
    return prompt_became(participant, status, now=NOW, day=day, hours_ago=hours_ago)


@pytest.fixture(autouse=True)
def _frozen() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# ----------------------------------------------------------------- who may read


def test_a_researcher_lists_their_own_studies(study: Study, eve: Any, dana: Any) -> None:
    make_researcher(eve)
    make_study(eve, code="EVESTUDY", id_prefix="EVE")
    body = _as(dana).get(f"{URL}/studies").json()
    assert [s["id"] for s in body] == [study.pk]
    detail = _as(dana).get(f"{URL}/studies/{study.pk}").json()
    assert detail["schedule"]["kind"] == "random" and detail["consent_versions"][0]["number"] == 1


@pytest.mark.parametrize("tail", ["", "/participants", "/schedule", "/compliance", "/export"])
def test_another_researchers_study_is_not_found(study: Study, eve: Any, tail: str) -> None:
    make_researcher(eve)
    assert _as(eve).get(f"{URL}/studies/{study.pk}{tail}").status_code == 404
    assert _as(eve).get(f"{URL}/studies/987654{tail}").status_code == 404


@pytest.mark.parametrize("tail", ["", "/participants", "/schedule", "/compliance", "/export"])
def test_participants_and_strangers_reach_no_study(
    study: Study, pair: tuple[Participant, Participant], alice: Any, eve: Any, tail: str
) -> None:
    for user in (alice, eve):
        assert _as(user).get(f"{URL}/studies/{study.pk}{tail}").status_code == 404
        assert _as(user).get(f"{URL}/studies").json() == []


def test_losing_the_role_closes_the_api(study: Study, dana: Any) -> None:
    from alongside.research.models import ResearcherProfile

    ResearcherProfile.objects.filter(user=dana).delete()
    assert _as(dana).get(f"{URL}/studies").json() == []
    assert _as(dana).get(f"{URL}/studies/{study.pk}").status_code == 404


def test_nobody_signed_in_gets_401(study: Study) -> None:
    assert Client().get(f"{URL}/studies/{study.pk}/compliance").status_code == 401


# ----------------------------------------------------------------- participants


def test_participants_are_named_by_study_id_only(
    study: Study, pair: tuple[Participant, Participant], dana: Any, alice: Any
) -> None:
    me, partner = pair
    response = _as(dana).get(f"{URL}/studies/{study.pk}/participants")
    assert alice.email not in response.content.decode()
    rows = {r["study_code"]: r for r in response.json()}
    dyad = me.dyad()
    assert dyad is not None
    assert rows[me.study_code]["dyad"] == rows[partner.study_code]["dyad"] == dyad.study_code
    assert rows[me.study_code]["identity"] is None
    assert rows[me.study_code]["consent_version"] == 1


def test_identity_shows_when_the_accepted_consent_says_so(
    study: Study, alice: Any, dana: Any
) -> None:
    ConsentVersion.objects.filter(study=study).update(researcher_sees_identity=True)
    enrol(alice, study)
    (row,) = _as(dana).get(f"{URL}/studies/{study.pk}/participants").json()
    assert row["identity"] == {"name": "Alice", "email": alice.email}


# ----------------------------------------------------------------- schedule


def test_the_schedule_pages_through_every_prompt(
    study: Study, pair: tuple[Participant, Participant], dana: Any
) -> None:
    me, partner = pair
    # The plan stored on pairing (all still planned), then a hand-built set instead.
    planned = _as(dana).get(f"{URL}/studies/{study.pk}/schedule?limit=1000").json()
    assert planned["total"] > 0 and {p["status"] for p in planned["prompts"]} == {"planned"}
    Prompt.objects.all().delete()
    for hours in (5, 4, 3):
        prompt(me, "missed", day=1, hours_ago=hours)
    prompt(partner, "answered", day=1, hours_ago=5)
    client = _as(dana)
    first = client.get(f"{URL}/studies/{study.pk}/schedule?limit=3").json()
    assert first["schedule"]["kind"] == "random"
    assert first["total"] == 4 and len(first["prompts"]) == 3
    rest = client.get(f"{URL}/studies/{study.pk}/schedule?limit=3&offset=3").json()
    assert len(rest["prompts"]) == 1
    only = client.get(f"{URL}/studies/{study.pk}/schedule?participant={partner.study_code}")
    (one,) = only.json()["prompts"]
    assert one["participant"] == partner.study_code and one["status"] == "answered"


def test_an_unknown_participant_is_named(study: Study, dana: Any) -> None:
    response = _as(dana).get(f"{URL}/studies/{study.pk}/schedule?participant=EVN-999")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "participant"]


def test_a_bad_limit_is_named(study: Study, dana: Any) -> None:
    response = _as(dana).get(f"{URL}/studies/{study.pk}/schedule?limit=0")
    assert response.status_code == 422
    assert "limit" in response.json()["detail"][0]["loc"]


# ----------------------------------------------------------------- compliance


def test_compliance_has_the_pages_numbers(
    study: Study, pair: tuple[Participant, Participant], dana: Any
) -> None:
    me, partner = pair
    prompt(me, "answered", day=1, hours_ago=30)
    prompt(me, "missed", day=1, hours_ago=28)
    prompt(me, "expired", day=2, hours_ago=5)
    prompt(me, "not_sent", day=2, hours_ago=4)
    prompt(partner, "answered", day=1, hours_ago=30)
    body = _as(dana).get(f"{URL}/studies/{study.pk}/compliance").json()
    rows = {r["study_code"]: r for r in body["participants"]}
    mine = rows[me.study_code]
    assert (mine["answered"], mine["missed"], mine["expired"], mine["not_sent"]) == (1, 1, 1, 1)
    assert mine["sent_and_closed"] == 3 and mine["rate"] == pytest.approx(1 / 3)
    assert mine["median_latency_seconds"] == 600 and mine["flagged"]
    assert [d["day"] for d in mine["by_day"]] == [1, 2]
    assert mine["by_day"][1]["expired"] == 1 and mine["by_day"][1]["not_sent"] == 1
    assert not rows[partner.study_code]["flagged"] and rows[partner.study_code]["rate"] == 1.0
    (dyad,) = body["dyads"]
    assert dyad["answered"] == 2 and dyad["members"] == [me.study_code, partner.study_code]
    report = study_compliance(study, now=NOW)
    assert body["total"] == report.total.to_dict() and body["flagged"] == report.flagged


def test_compliance_flags_under_the_chosen_rate(
    study: Study, pair: tuple[Participant, Participant], dana: Any
) -> None:
    me, partner = pair
    prompt(me, "answered", day=1, hours_ago=5)
    prompt(partner, "missed", day=1, hours_ago=5)
    client = _as(dana)
    body = client.get(f"{URL}/studies/{study.pk}/compliance?below=70&only_flagged=true").json()
    assert body["below"] == 70
    assert [r["study_code"] for r in body["participants"]] == [partner.study_code]
    bad = client.get(f"{URL}/studies/{study.pk}/compliance?below=101")
    assert bad.status_code == 422 and "below" in bad.json()["detail"][0]["loc"]


def test_compliance_never_names_a_participant(
    study: Study, pair: tuple[Participant, Participant], dana: Any, alice: Any
) -> None:
    ConsentVersion.objects.filter(study=study).update(researcher_sees_identity=True)
    body = _as(dana).get(f"{URL}/studies/{study.pk}/compliance").content.decode()
    assert alice.email not in body and "Alice" not in body


def test_partner_cannot_see_partners_compliance(
    study: Study, pair: tuple[Participant, Participant], alice: Any
) -> None:
    _me, partner = pair
    prompt(partner, "answered", day=1, hours_ago=5)
    client = _as(alice)
    assert client.get(f"{URL}/studies/{study.pk}/compliance").status_code == 404
    assert client.get(f"{URL}/studies/{study.pk}/schedule").status_code == 404


def test_times_are_utc_instants(study: Study, alice: Any, dana: Any) -> None:
    me = enrol(alice, study)
    Prompt.objects.all().delete()  # the plan stored on joining
    made = prompt(me, "open", day=1, hours_ago=0.5)
    (row,) = _as(dana).get(f"{URL}/studies/{study.pk}/schedule").json()["prompts"]
    assert dt.datetime.fromisoformat(row["scheduled_at"]) == made.scheduled_at
    assert row["status"] == "open"


# ----------------------------------------------------------------- export


def test_the_export_is_the_pages_csv(
    study: Study, pair: tuple[Participant, Participant], dana: Any
) -> None:
    from alongside.research import exports

    me, _partner = pair
    prompt(me, "answered", day=1, hours_ago=5)
    client = _as(dana)
    for layout in ("long", "dyadic", "pairwise"):
        response = client.get(f"{URL}/studies/{study.pk}/export?layout={layout}")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
        assert response.content.decode() == exports.csv_text(exports.table(study, layout))
        assert exports.file_name(study, layout) in response["Content-Disposition"]


def test_an_export_that_cannot_be_made_names_the_layout(dana: Any) -> None:
    make_researcher(dana)
    single = make_study(dana, code="ALONE", id_prefix="ALN", couple=False)
    client = _as(dana)
    response = client.get(f"{URL}/studies/{single.pk}/export?layout=dyadic")
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "layout"]
    wrong = client.get(f"{URL}/studies/{single.pk}/export?layout=wide")
    assert wrong.status_code == 422 and "layout" in wrong.json()["detail"][0]["loc"]


# ----------------------------------------------------------------- taking part


def _open(participant: Participant, minutes_ago: int = 10) -> Prompt:
    """A prompt sent ``minutes_ago`` before NOW, open for an hour from its time."""
    at = NOW - dt.timedelta(minutes=minutes_ago)
    return plan_prompt(participant, at, sent_at=at)


def _answer(client: Client, prompt_id: int, answers: Any) -> Any:
    return client.post(
        f"{URL}/prompts/{prompt_id}/answers",
        data=json.dumps({"answers": answers}),
        content_type="application/json",
    )


def test_a_participant_lists_their_own_open_prompts(
    study: Study, pair: tuple[Participant, Participant], alice: Any, eve: Any
) -> None:
    me, partner = pair
    mine = _open(me)
    prompt(me, "missed", day=1, hours_ago=5)  # closed
    plan_prompt(me, NOW + dt.timedelta(hours=2))  # not due yet
    _open(partner)
    make_researcher(eve)
    elsewhere = enrol(alice, make_study(eve, code="ELSEWHERE", id_prefix="ELS", couple=False))
    other = _open(elsewhere, minutes_ago=20)
    body = _as(alice).get(f"{URL}/prompts").json()
    assert {p["id"] for p in body} == {mine.pk, other.pk}
    assert {p["study_code"] for p in body} == {me.study_code, elsewhere.study_code}
    assert all(p["status"] == "open" for p in body)


def test_a_paused_participant_has_no_open_prompts(study: Study, alice: Any) -> None:
    me = enrol(alice, study)
    _open(me)
    services.participant_pause(participant=me)
    assert _as(alice).get(f"{URL}/prompts").json() == []


def test_a_participant_asked_to_consent_again_has_no_open_prompts(study: Study, alice: Any) -> None:
    _open(enrol(alice, study))
    services.consent_publish(
        study=study,
        information_sheet="Now with a fourth question.",
        text="I agree.",
        researcher_sees_identity=False,
        on_withdrawal="ask",
    )
    assert _as(alice).get(f"{URL}/prompts").json() == []


def test_reading_a_prompt_gives_its_questions_and_opens_it(study: Study, alice: Any) -> None:
    me = enrol(alice, study)
    asked = _open(me)
    body = _as(alice).get(f"{URL}/prompts/{asked.pk}").json()
    items = {i["id"]: i for i in body["items"]}
    assert items["where"]["options"] == ["Home", "Out"]
    assert items["closeness"]["questions"][0] == {
        "id": "closeness",
        "wording": "Which picture best shows how close this relationship feels right now?",
        "min": 1,
        "max": 7,
    }
    asked.refresh_from_db()
    assert asked.opened_at == NOW


def test_partner_cannot_see_partners_prompts(
    study: Study, pair: tuple[Participant, Participant], ben: Any, eve: Any
) -> None:
    me, _partner = pair
    asked = _open(me)
    for user in (ben, eve):
        client = _as(user)
        assert asked.pk not in {p["id"] for p in client.get(f"{URL}/prompts").json()}
        assert client.get(f"{URL}/prompts/{asked.pk}").status_code == 404
        # 404 whatever the body says: nothing is checked before the prompt is found.
        assert _answer(client, asked.pk, {"close": 500}).status_code == 404
    asked.refresh_from_db()
    assert asked.opened_at is None and asked.completed_at is None


def test_an_unknown_or_future_prompt_is_not_found(study: Study, alice: Any) -> None:
    later = plan_prompt(enrol(alice, study), NOW + dt.timedelta(hours=2))
    client = _as(alice)
    assert client.get(f"{URL}/prompts/{later.pk}").status_code == 404
    assert client.get(f"{URL}/prompts/987654").status_code == 404
    assert _answer(client, later.pk, {"close": 50}).status_code == 404


def test_answers_are_stored(study: Study, alice: Any) -> None:
    asked = _open(enrol(alice, study))
    response = _answer(
        _as(alice), asked.pk, {"close": 70, "where": "Home", "closeness": {"closeness": 5}}
    )
    assert response.status_code == 201, response.content
    assert response.json()["answers"] == {
        "close": 70,
        "where": "Home",
        "closeness": {"closeness": 5},
    }
    stored = dict(Answer.objects.filter(prompt=asked).values_list("item_id", "value"))
    assert stored["close"] == 70
    asked.refresh_from_db()
    assert asked.status_at(NOW) == "answered"


def test_an_answer_out_of_range_names_the_item(study: Study, alice: Any) -> None:
    asked = _open(enrol(alice, study))
    response = _answer(
        _as(alice), asked.pk, {"close": 150, "calm": 3, "closeness": {"closeness": 9}}
    )
    assert response.status_code == 422
    places = {tuple(e["loc"]) for e in response.json()["detail"]}
    assert ("body", "payload", "answers", "close") in places
    assert ("body", "payload", "answers", "closeness", "closeness") in places
    assert not Answer.objects.filter(prompt=asked).exists()


def test_an_unknown_field_in_the_body_is_named(study: Study, alice: Any) -> None:
    asked = _open(enrol(alice, study))
    response = _as(alice).post(
        f"{URL}/prompts/{asked.pk}/answers",
        data=json.dumps({"answer": {"close": 5}}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert ["body", "payload", "answer"] in [e["loc"] for e in response.json()["detail"]]


def test_a_closed_prompt_is_refused_with_a_message(study: Study, alice: Any) -> None:
    me = enrol(alice, study)
    closed = prompt(me, "missed", day=1, hours_ago=2)
    response = _answer(_as(alice), closed.pk, {"close": 50})
    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert not Answer.objects.filter(prompt=closed).exists()


def test_a_prompt_is_answered_once(study: Study, alice: Any) -> None:
    asked = _open(enrol(alice, study))
    client = _as(alice)
    assert _answer(client, asked.pk, {"close": 50}).status_code == 201
    again = _answer(client, asked.pk, {"close": 60})
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert Answer.objects.get(prompt=asked, item_id="close").value == 50
