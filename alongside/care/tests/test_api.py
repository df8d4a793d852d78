"""The therapist's API: only my own clients, only what they share (and logged), 422s
that name the field, 404 for anything outside a grant."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.test import Client

from alongside.accounts.models import AccessLogEntry
from alongside.assessments.models import Take
from alongside.care.models import Alert, CareEvent, SessionNote
from alongside.circle import services
from alongside.circle.models import Grant
from conftest import link_therapist, make_therapist


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client: Client, url: str, body: dict[str, Any]) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def _alert(care: Any, owner: Any) -> Alert:
    take = Take.objects.create(owner=owner, instrument_id="csi-4", status="complete")
    return Alert.objects.create(
        care_link=care,
        kind="deterioration",
        instrument_id="csi-4",
        subscale_id="satisfaction",
        take=take,
        evidence={"rule": "Satisfaction reliably worsened.", "before": 18, "after": 9},
    )


def test_the_caseload_lists_only_my_clients_with_what_they_share(
    alice: Any, ben: Any, dana: Any, eve: Any
) -> None:
    make_therapist(dana)
    make_therapist(eve)
    care = link_therapist(alice, dana, shares=["mood", "assessments"])
    link_therapist(ben, eve, shares=["mood"])
    body = _as(dana).get("/api/v1/care/clients").json()
    assert [c["id"] for c in body] == [care.pk]
    assert body[0]["shares"] == ["mood", "assessments"]
    assert body[0]["name"] == "Alice"
    assert _as(ben).get("/api/v1/care/clients").json() == []


def test_a_client_outside_my_caseload_is_not_found(alice: Any, dana: Any, eve: Any) -> None:
    make_therapist(dana)
    make_therapist(eve)
    care = link_therapist(alice, dana, shares=["assessments"])
    assert _as(eve).get(f"/api/v1/care/clients/{care.pk}").status_code == 404
    assert _as(alice).get(f"/api/v1/care/clients/{care.pk}").status_code == 404
    assert _as(dana).get("/api/v1/care/clients/987654").status_code == 404


def test_reading_scores_is_logged_and_stops_when_sharing_stops(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    Take.objects.create(
        owner=alice,
        instrument_id="csi-4",
        status="complete",
        answers={},
        scores={"satisfaction": {"value": 15}},
        completed_at=dt.datetime(2026, 11, 1, tzinfo=dt.UTC),
    )
    body = _as(dana).get(f"/api/v1/care/clients/{care.pk}").json()
    assert [(s["subscale"], s["latest"]) for s in body["scores"]] == [("satisfaction", 15)]
    assert AccessLogEntry.objects.get(owner=alice, viewer=dana).categories == ["assessments"]
    grant = Grant.objects.get(owner=alice, grantee=dana)
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    body = _as(dana).get(f"/api/v1/care/clients/{care.pk}").json()
    assert body["scores"] == []
    assert body["shares"] == ["mood"]


def test_an_assignment_with_bad_input_answers_422_naming_the_field(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    url = f"/api/v1/care/clients/{care.pk}/assignments"
    client = _as(dana)
    good = {
        "instrument": "alongside-closeness",
        "relationship": "partner",
        "first_due_on": (alice.local_today() + dt.timedelta(days=1)).isoformat(),
        "every_weeks": 2,
        "open_days": 7,
    }
    for change, field in (
        ({"first_due_on": "2001-01-01"}, "first_due_on"),
        ({"every_weeks": 9}, "every_weeks"),
        ({"instrument": "no-such-thing"}, "instrument"),
        ({"ends_on": "2001-01-01"}, "ends_on"),
        ({"colour": "blue"}, "colour"),
    ):
        response = _post(client, url, {**good, **change})
        assert response.status_code == 422, (change, response.content)
        assert field in json.dumps(response.json()["detail"]), (change, response.json())
    created = _post(client, url, good)
    assert created.status_code == 201
    assert created.json()["times"][0]["status"] == "open"
    assignment_id = created.json()["id"]
    stopped = client.post(f"/api/v1/care/assignments/{assignment_id}/stop")
    assert stopped.json()["stopped"] is True
    assert _post(_as(alice), f"/api/v1/care/assignments/{assignment_id}/stop", {}).status_code == (
        404
    )


def test_an_assignment_for_someone_not_my_client_is_not_found(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    response = _post(
        _as(dana),
        "/api/v1/care/clients/4242/assignments",
        {"instrument": "alongside-closeness", "first_due_on": "2099-01-01"},
    )
    assert response.status_code == 404


def test_acknowledging_an_alert_is_recorded_and_a_partner_never_sees_it(
    alice: Any, ben: Any, dana: Any
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    alert = _alert(care, alice)
    client = _as(dana)
    assert [a["id"] for a in client.get("/api/v1/care/alerts?open_only=true").json()] == [alert.pk]
    response = client.post(f"/api/v1/care/alerts/{alert.pk}/acknowledge")
    assert response.json()["acknowledged_at"] is not None
    event = CareEvent.objects.get(action="alert_acknowledged")
    assert event.therapist == dana and event.detail["alert"] == alert.pk
    assert client.get("/api/v1/care/alerts?open_only=true").json() == []
    assert _as(ben).get("/api/v1/care/alerts").json() == []
    assert _as(ben).post(f"/api/v1/care/alerts/{alert.pk}/acknowledge").status_code == 404
    assert _as(alice).get("/api/v1/care/alerts").json() == []


def test_alerts_go_quiet_when_results_are_no_longer_shared(alice: Any, dana: Any) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=["assessments"])
    _alert(care, alice)
    grant = Grant.objects.get(owner=alice, grantee=dana)
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    assert _as(dana).get("/api/v1/care/alerts").json() == []


def test_session_notes_are_mine_alone_and_bad_days_are_refused(
    alice: Any, dana: Any, eve: Any
) -> None:
    make_therapist(dana)
    care = link_therapist(alice, dana, shares=[])
    client = _as(dana)
    url = f"/api/v1/care/clients/{care.pk}/notes"
    future = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    response = _post(client, url, {"session_on": future, "text": "x"})
    assert response.status_code == 422 and "session_on" in json.dumps(response.json())
    response = _post(client, url, {"session_on": "2026-11-20", "text": ""})
    assert response.status_code == 422 and "text" in json.dumps(response.json())
    created = _post(client, url, {"session_on": "2026-11-20", "text": "Talked about asking."})
    assert created.status_code == 201
    note_id = created.json()["id"]
    assert [n["text"] for n in client.get(url).json()] == ["Talked about asking."]
    patched = client.patch(
        f"/api/v1/care/notes/{note_id}",
        data=json.dumps({"text": "Talked about asking for help."}),
        content_type="application/json",
    )
    assert patched.json()["text"] == "Talked about asking for help."
    for stranger in (alice, eve):
        assert _as(stranger).get(f"/api/v1/care/notes/{note_id}").status_code == 404
        assert _as(stranger).delete(f"/api/v1/care/notes/{note_id}").status_code == 404
    assert client.delete(f"/api/v1/care/notes/{note_id}").status_code == 204
    assert not SessionNote.objects.exists()


def test_a_partners_alert_is_a_logged_read_of_the_partners_results(
    alice: Any, ben: Any, dana: Any
) -> None:
    """An alert on alice's link fired by ben's take holds ben's scores: listing it is a
    read of ben's results (in his log), and it goes when ben stops sharing them."""
    from conftest import link_people

    make_therapist(dana)
    link_people(alice, ben)
    care = link_therapist(alice, dana, shares=["assessments"], couple_view=True)
    link_therapist(ben, dana, shares=["assessments"], couple_view=True)
    alert = _alert(care, ben)
    AccessLogEntry.objects.all().delete()
    assert [a["id"] for a in _as(dana).get("/api/v1/care/alerts").json()] == [alert.pk]
    assert AccessLogEntry.objects.get(owner=ben, viewer=dana).categories == ["assessments"]
    grant = Grant.objects.get(owner=ben, grantee=dana)
    services.grant_update(grant=grant, categories=["mood"], expires_at=None)
    assert _as(dana).get("/api/v1/care/alerts").json() == []
    assert _as(dana).get("/api/v1/care/clients").json()[0]["open_alerts"] == 0
