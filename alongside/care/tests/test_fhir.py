"""FHIR exports: Questionnaires and responses valid against the official R4 schema, the
therapist's bundle only as far as the client shares (scores, never answers), and the
access log as AuditEvents that only its owner can fetch."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest
from django.test import Client
from django.utils import timezone

from alongside.accounts.models import AccessLogEntry
from alongside.assessments.models import COMPLETE, Take, instrument, scores_to_data
from alongside.assessments.scoring import score
from alongside.assessments.spec import ItemWording, WordingPack, apply_wording
from alongside.care import fhir
from alongside.care.models import CareEvent
from alongside.care.tests.fhir_schema import schema
from conftest import link_therapist, make_therapist

pytestmark = pytest.mark.django_db


def fhir_errors(document: dict[str, Any]) -> list[str]:
    """Every way ``document`` breaks the FHIR R4 JSON schema (empty: valid).

    Checked against the definition its ``resourceType`` names (errors then say which
    field is wrong) and against the whole schema, as any FHIR consumer would.
    """
    full = schema()
    kind = document.get("resourceType", "")
    single = {"$ref": f"#/definitions/{kind}", "definitions": full["definitions"]}
    found = []
    for root in (single, full):
        validator = jsonschema.Draft6Validator(root)
        for error in validator.iter_errors(document):
            where = "/".join(str(p) for p in error.absolute_path)
            found.append(f"{where}: {error.message[:300]}")
    return found


def finished(owner: Any, instrument_id: str, answers: dict[str, int], *, days_ago: int = 0) -> Take:
    spec = instrument(instrument_id)
    relationship = spec.about.relationships[0] if spec.about.kind == "relationship" else ""
    when = timezone.now() - dt.timedelta(days=days_ago)
    return Take.objects.create(
        owner=owner,
        instrument_id=spec.id,
        instrument_version=spec.version,
        relationship=relationship,
        answers=answers,
        status=COMPLETE,
        scores=scores_to_data(score(spec, answers)),
        started_at=when,
        completed_at=when,
    )


def ecr_answers(value: int = 4) -> dict[str, int]:
    return {item.id: value for item in instrument("ecr-r").items}


def needs_answers() -> dict[str, int]:
    return {item.id: 1 + i % 5 for i, item in enumerate(instrument("alongside-safety-needs").items)}


def _bundle(response: Any) -> dict[str, Any]:
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == fhir.FHIR_JSON
    assert "attachment" in response["Content-Disposition"]
    loaded: dict[str, Any] = json.loads(response.content)
    return loaded


def _resources(bundle: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle.get("entry", []) if e["resource"]["resourceType"] == kind]


# -------------------------------------------------------------------- the documents


def test_a_questionnaire_without_installed_wording_is_valid_and_says_only_item_n() -> None:
    spec = instrument("ecr-r")
    document = fhir.questionnaire(spec)
    assert fhir_errors(document) == []
    assert document["url"].endswith("/fhir/Questionnaire/ecr-r")
    assert document["version"] == str(spec.version)
    assert document["identifier"][0]["value"] == "ecr-r"
    assert document["status"] == "active"
    assert [i["linkId"] for i in document["item"]] == [i.id for i in spec.items]
    first = document["item"][0]
    assert first["text"] == "Item 1"
    assert first["type"] == "integer"
    assert [o["valueInteger"] for o in first["answerOption"]] == list(range(1, 8))
    assert all(i["text"] == f"Item {n}" for n, i in enumerate(document["item"], start=1))


def test_installed_wording_and_labelled_options_make_choice_items() -> None:
    spec = instrument("alongside-safety-needs")  # our own scale: wording and labels ship
    document = fhir.questionnaire(spec)
    assert fhir_errors(document) == []
    item = document["item"][0]
    assert item["text"] == spec.items[0].wording
    assert item["type"] == "choice"
    codings = [o["valueCoding"] for o in item["answerOption"]]
    assert [c["code"] for c in codings] == ["1", "2", "3", "4", "5"]
    assert codings[0]["display"] == spec.items[0].scale.label_for(1)
    assert codings[0]["extension"][0] == {"url": fhir.ORDINAL_EXTENSION, "valueDecimal": 1}


def test_wording_a_deployment_installed_is_used_once_installed() -> None:
    base = instrument("csi-4")
    pack = WordingPack(
        instrument_id="csi-4",
        items=tuple(
            ItemWording(i.id, f"WORDING-FROM-LICENSED-COPY {i.number}") for i in base.items
        ),
    )
    document = fhir.questionnaire(apply_wording(base, pack))
    assert document["item"][1]["text"] == "WORDING-FROM-LICENSED-COPY 2"
    assert "WORDING-FROM-LICENSED-COPY" not in json.dumps(fhir.questionnaire(base))


def test_a_response_is_valid_and_its_answers_and_scores_round_trip(alice: Any) -> None:
    take = finished(alice, "alongside-safety-needs", needs_answers())
    spec = instrument(take.instrument_id)
    document = fhir.questionnaire_response(take, spec)
    assert fhir_errors(document) == []
    assert document["status"] == "completed"
    assert document["questionnaire"] == f"{fhir.canonical(spec)}|{spec.version}"
    assert take.completed_at is not None
    authored = dt.datetime.fromisoformat(document["authored"])
    assert authored == take.completed_at.replace(microsecond=0)
    back = {i["linkId"]: int(i["answer"][0]["valueCoding"]["code"]) for i in document["item"]}
    assert back == take.answers
    scores = {
        {x["url"]: x for x in e["extension"]}["subscale"]["valueCode"]: {
            x["url"]: x for x in e["extension"]
        }["score"]["valueDecimal"]
        for e in document["extension"]
        if e["url"] == fhir.extension_url(fhir.SCORE_EXTENSION)
    }
    assert scores == pytest.approx(take.values(spec))
    assert "alice@example.org" not in json.dumps(document)
    assert document["subject"]["display"] == "Alice"


def test_integer_answers_round_trip_and_the_subject_never_is_an_email(alice: Any) -> None:
    alice.display_name = ""
    alice.save()
    take = finished(alice, "ecr-r", ecr_answers(3))
    document = fhir.questionnaire_response(take, instrument("ecr-r"))
    assert fhir_errors(document) == []
    assert {i["linkId"]: i["answer"][0]["valueInteger"] for i in document["item"]} == take.answers
    assert "@" not in json.dumps(document["subject"])


def test_scores_only_leaves_every_answer_out(alice: Any) -> None:
    take = finished(alice, "ecr-r", ecr_answers())
    document = fhir.questionnaire_response(take, instrument("ecr-r"), answers=False)
    assert fhir_errors(document) == []
    assert "item" not in document
    assert document["extension"]


def test_an_invalid_document_is_rejected_so_the_check_can_fail(alice: Any) -> None:
    take = finished(alice, "ecr-r", ecr_answers())
    document = fhir.questionnaire_response(take, instrument("ecr-r"))
    assert fhir_errors({**document, "status": "finished"})
    assert fhir_errors({**document, "authored": "yesterday"})
    assert fhir_errors({**document, "shoeSize": 42})
    questionnaire = fhir.questionnaire(instrument("ecr-r"))
    assert fhir_errors({**questionnaire, "status": "published"})


def test_a_bundle_of_takes_is_a_valid_collection(alice: Any) -> None:
    takes = [
        finished(alice, "ecr-r", ecr_answers(2), days_ago=40),
        finished(alice, "ecr-r", ecr_answers(5), days_ago=10),
        finished(alice, "alongside-safety-needs", needs_answers(), days_ago=5),
    ]
    document = fhir.takes_bundle(
        takes, {t.instrument_id: instrument(t.instrument_id) for t in takes}
    )
    assert fhir_errors(document) == []
    assert document["type"] == "collection"
    assert len(_resources(document, "Questionnaire")) == 2
    assert len(_resources(document, "QuestionnaireResponse")) == 3
    urls = [e["fullUrl"] for e in document["entry"]]
    assert len(set(urls)) == len(urls)


def test_an_empty_bundle_is_valid() -> None:
    document = fhir.bundle([])
    assert fhir_errors(document) == []
    assert "entry" not in document


# ------------------------------------------------------------------------ the pages


def test_a_client_downloads_all_their_finished_takes(
    alice: Any, reauthed: Callable[..., Client]
) -> None:
    finished(alice, "ecr-r", ecr_answers())
    Take.objects.create(owner=alice, instrument_id="ecr-r", answers={})  # unfinished
    document = _bundle(reauthed(alice).get("/care/my/fhir.json"))
    assert fhir_errors(document) == []
    assert len(_resources(document, "QuestionnaireResponse")) == 1
    assert len(_resources(document, "QuestionnaireResponse")[0]["item"]) == 36


def test_downloads_ask_for_the_password_again(alice_client: Client) -> None:
    for url in ("/care/my/fhir.json", "/care/my/access-log.json", "/care/my/report.pdf"):
        response = alice_client.get(url)
        assert response.status_code == 302, url
        assert "/reauthenticate/" in response["Location"], url


def test_the_therapist_gets_scores_only_when_assessments_are_shared(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    take = finished(alice, "ecr-r", ecr_answers())
    document = _bundle(reauthed(dana).get(f"/care/clients/{care.pk}/fhir.json"))
    assert fhir_errors(document) == []
    [response] = _resources(document, "QuestionnaireResponse")
    assert response["id"] == f"take-{take.pk}"
    assert "item" not in response  # results are shared, never the answers
    entry = AccessLogEntry.objects.get(owner=alice)
    assert entry.viewer == dana and entry.categories == ["assessments"]
    assert CareEvent.objects.filter(therapist=dana, care_link=care, action="fhir_export").exists()


def test_a_client_who_does_not_share_assessments_never_appears_in_the_bundle(
    alice: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["mood"])
    finished(alice, "ecr-r", ecr_answers())
    response = reauthed(dana).get(f"/care/clients/{care.pk}/fhir.json")
    document = _bundle(response)
    assert fhir_errors(document) == []
    assert "entry" not in document  # the same as nothing taken: no hint of a count
    assert "take-" not in response.content.decode()
    assert not AccessLogEntry.objects.filter(owner=alice).exists()


def test_someone_elses_client_is_not_found(
    alice: Any, ben: Any, dana: Any, eve: Any, reauthed: Callable[..., Client]
) -> None:
    make_therapist(dana)
    make_therapist(eve)
    care = link_therapist(alice, dana, shares=["assessments"])
    finished(alice, "ecr-r", ecr_answers())
    assert reauthed(eve).get(f"/care/clients/{care.pk}/fhir.json").status_code == 404
    assert reauthed(ben).get(f"/care/clients/{care.pk}/fhir.json").status_code == 404
    # The client is not the therapist of their own link either.
    assert reauthed(alice).get(f"/care/clients/{care.pk}/fhir.json").status_code == 404
    assert reauthed(dana).get("/care/clients/987654/fhir.json").status_code == 404


# ------------------------------------------------------------------ the access log


def test_the_access_log_has_one_audit_event_per_visit(
    alice: Any, ben: Any, dana: Any, reauthed: Callable[..., Client]
) -> None:
    AccessLogEntry.record(owner=alice, viewer=ben, categories=["mood"], detail="check-ins")
    AccessLogEntry.record(owner=alice, viewer=ben, categories=["needs"], detail="check-ins")
    AccessLogEntry.record(owner=alice, viewer=dana, categories=["assessments"], detail="results")
    AccessLogEntry.record(owner=ben, viewer=alice, categories=["mood"], detail="BEN-ONLY")
    dana.display_name = ""
    dana.save()
    AccessLogEntry.objects.filter(viewer=dana).update(viewer_label=str(dana))
    document = _bundle(reauthed(alice).get("/care/my/access-log.json"))
    assert fhir_errors(document) == []
    events = _resources(document, "AuditEvent")
    assert len(events) == AccessLogEntry.objects.filter(owner=alice).count() == 2
    by_who = {e["agent"][0]["who"]["display"]: e for e in events}
    assert set(by_who) == {"Ben", "dana"}  # no e-mail address, ever
    bens = by_who["Ben"]
    assert bens["action"] == "R"
    assert {x["name"] for x in bens["entity"]} == {"mood", "needs"}
    reads = [x for x in bens["extension"] if x["url"].endswith(fhir.READS_EXTENSION)]
    assert reads == [{"url": fhir.extension_url(fhir.READS_EXTENSION), "valueUnsignedInt": 2}]
    entry = AccessLogEntry.objects.get(owner=alice, viewer=ben)
    assert bens["period"]["start"] == entry.first_at.astimezone(dt.UTC).isoformat(
        timespec="seconds"
    )
    assert bens["recorded"] == bens["period"]["end"]
    assert "BEN-ONLY" not in json.dumps(document)
    assert "@" not in json.dumps(document)


def test_nobody_else_can_fetch_someones_access_log(
    alice: Any, ben: Any, reauthed: Callable[..., Client]
) -> None:
    AccessLogEntry.record(owner=alice, viewer=ben, categories=["mood"], detail="ALICE-LOG")
    response = reauthed(ben).get("/care/my/access-log.json")
    assert "ALICE-LOG" not in response.content.decode()
    assert "entry" not in _bundle(response)  # ben's own log, which is empty
    assert Client().get("/care/my/access-log.json").status_code == 302  # to sign in
