"""The therapist's API (``/api/v1/care``): caseload, clients, assignments, alerts, notes.

Everything answers for the signed-in therapist's own care links only: the id of a client,
assignment, alert or note outside them answers 404, exactly like an id that never
existed. What a client shares is read through the privacy core (``access.read``), so an
API read lands in the client's access log like a page view. Inputs are strict (no
unknown fields, no coercion) and a mistake answers 422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import Field

from alongside.care import schedule
from alongside.care.forms_assign import AssignForm
from alongside.care.models import Alert, Assignment, CareLink, SessionNote
from alongside.circle import access, registry
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import Strict, Text, documented, read_body

router = Router(tags=["care: for therapists"])


def _field_error(loc: list[str], message: str) -> ValidationError:
    return ValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


def _care(request: AuthedHttpRequest, client_id: int) -> CareLink:
    """One of my clients (by care link id); anything else does not exist."""
    return get_object_or_404(
        CareLink.objects.select_related("client", "link"), pk=client_id, therapist=request.user
    )


# Clients ----------------------------------------------------------------------------------


class ClientOut(Schema):
    id: int = Field(..., description="The care link's id: use it in the paths below.")
    name: str
    shares: list[str] = Field(..., description="What the client shares with you now.")
    shares_until: dt.date | None = Field(
        None, description="The last day shared, in the client's calendar; null: no end set."
    )
    couple_view: bool = Field(..., description="The client lets you see them beside their partner.")
    open_alerts: int
    linked_at: dt.datetime


def _open_alerts(therapist: Any, cares: list[CareLink]) -> dict[int, int]:
    """Open alerts per care link, as the pages count them (only those shown: care/reading)."""
    from alongside.care import reading

    found = reading.alerts(therapist, cares, open_only=True)
    return {pk: len(views) for pk, views in found.items()}


def _client_out(care: CareLink, therapist: Any, open_alerts: int) -> dict[str, Any]:
    grant = access.grant_between(care.client, therapist)
    shared = access.shared_categories(care.client, therapist)
    return {
        "id": care.pk,
        "name": str(care.client),
        "shares": registry.clean(shared),
        "shares_until": grant.last_day(care.client.tz) if grant else None,
        "couple_view": care.couple_view,
        "open_alerts": open_alerts,
        "linked_at": care.created_at,
    }


@router.get("/clients", response=list[ClientOut], summary="Your clients (the caseload)")
def list_clients(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    cares = list(
        CareLink.objects.of_therapist(request.user).select_related("client").order_by("pk")
    )
    counts = _open_alerts(request.user, cares)
    return [_client_out(care, request.user, counts[care.pk]) for care in cares]


class ScoreOut(Schema):
    instrument: str
    relationship: str | None
    subscale: str
    first: float | None = Field(None, description="The first completed take's score.")
    latest: float | None
    first_at: dt.datetime | None
    latest_at: dt.datetime | None
    takes: int
    rci: float | None = Field(None, description="Jacobson-Truax index; null without figures.")
    verdict: str | None = Field(
        None,
        description="reliable_improvement, reliable_deterioration, no_reliable_change "
        "(or reliable_increase/decrease); null when reliable change can't be worked out.",
    )


class ClientDetailOut(ClientOut):
    scores: list[ScoreOut] = Field(
        ..., description="Only when the client shares questionnaire results (logged)."
    )


def _scores(care: CareLink, therapist: Any) -> list[dict[str, Any]]:
    from alongside.assessments.models import Take, instrument
    from alongside.assessments.scoring import reliable_change
    from alongside.assessments.spec import ReliableChangeUnavailable

    if not access.visible(care.client, therapist, "assessments"):
        return []
    takes = access.read(
        therapist,
        Take.objects.complete().order_by("completed_at", "pk"),
        "assessments",
        owner=care.client,
        detail="questionnaire scores (API)",
    ).rows
    series: dict[tuple[str, str], list[Take]] = {}
    for take in takes:
        series.setdefault((take.instrument_id, take.relationship), []).append(take)
    out = []
    for (instrument_id, relationship), rows in sorted(series.items()):
        try:
            spec = instrument(instrument_id)
        except (KeyError, ValueError):
            continue
        first, latest = rows[0], rows[-1]
        before, after = first.values(spec), latest.values(spec)
        for sub in spec.subscales:
            b, a = before.get(sub.id), after.get(sub.id)
            rci = verdict = None
            if b is not None and a is not None and len(rows) > 1:
                try:
                    change = reliable_change(spec, sub.id, b, a)
                except ReliableChangeUnavailable:
                    pass
                else:
                    rci, verdict = change.rci, change.verdict
            out.append(
                {
                    "instrument": instrument_id,
                    "relationship": relationship or None,
                    "subscale": sub.id,
                    "first": b,
                    "latest": a,
                    "first_at": first.completed_at,
                    "latest_at": latest.completed_at,
                    "takes": len(rows),
                    "rci": rci,
                    "verdict": verdict,
                }
            )
    return out


@router.get("/clients/{int:client_id}", response=ClientDetailOut, summary="One client")
def get_client(request: AuthedHttpRequest, client_id: int) -> dict[str, Any]:
    care = _care(request, client_id)
    counts = _open_alerts(request.user, [care])
    return {
        **_client_out(care, request.user, counts[care.pk]),
        "scores": _scores(care, request.user),
    }


# Assignments -----------------------------------------------------------------------------


class AssignIn(Strict):
    instrument: str = Field(..., description="An installed questionnaire's id.")
    relationship: str = Field("", description="Whom it is answered about, when it asks.")
    first_due_on: dt.date = Field(
        ..., strict=False, description="The first day (YYYY-MM-DD), in the client's calendar."
    )
    every_weeks: int | None = Field(None, description="1 to 8; null to ask once.")
    open_days: int = Field(7, description="How long each time stays open, 1 to 56 days.")
    ends_on: dt.date | None = Field(None, strict=False, description="No new times after it.")


class DueOut(Schema):
    due_on: dt.date
    status: str = Field(..., description="open, done, declined or lapsed")


class AssignmentOut(Schema):
    id: int
    client_id: int
    instrument: str
    relationship: str | None
    first_due_on: dt.date
    every_weeks: int | None
    open_days: int
    ends_on: dt.date | None
    stopped: bool
    times: list[DueOut]


def _assignment_out(assignment: Assignment) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "client_id": assignment.care_link_id,
        "instrument": assignment.instrument_id,
        "relationship": assignment.relationship or None,
        "first_due_on": assignment.first_due_on,
        "every_weeks": assignment.every_weeks,
        "open_days": assignment.open_days,
        "ends_on": assignment.ends_on,
        "stopped": assignment.stopped_at is not None,
        "times": [{"due_on": d.due_on, "status": d.status} for d in assignment.dues.all()],
    }


@router.get(
    "/clients/{int:client_id}/assignments",
    response=list[AssignmentOut],
    summary="Questionnaires you asked this client to answer",
)
def list_assignments(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    care = _care(request, client_id)
    return [_assignment_out(a) for a in care.assignments.prefetch_related("dues")]


@router.post(
    "/clients/{int:client_id}/assignments",
    response={201: AssignmentOut},
    summary="Ask this client to answer a questionnaire, once or every 1-8 weeks",
    openapi_extra=documented(AssignIn),
)
def create_assignment(request: AuthedHttpRequest, client_id: int) -> Status[dict[str, Any]]:
    care = _care(request, client_id)  # before the body: a foreign id is 404 whatever is sent
    data = read_body(request, AssignIn).model_dump()
    form = AssignForm(
        data={
            "instrument": data["instrument"],
            "relationship": data["relationship"],
            "first_due_on": data["first_due_on"].isoformat(),
            "every_weeks": "" if data["every_weeks"] is None else str(data["every_weeks"]),
            "open_days": str(data["open_days"]),
            "ends_on": data["ends_on"].isoformat() if data["ends_on"] else "",
        },
        care=care,
    )
    if not form.is_valid():
        # The same rules as the web form, each named by the API's field name.
        names = {"__all__": "instrument"}
        raise ValidationError(
            [
                {
                    "loc": ["body", "payload", names.get(field, field)],
                    "msg": str(msg),
                    "type": "value_error",
                }
                for field, messages in form.errors.items()
                for msg in messages
            ]
        )
    assignment = schedule.assignment_create(
        care=care,
        instrument_id=form.cleaned_data["instrument"],
        relationship=form.cleaned_data.get("relationship") or "",
        first_due_on=form.cleaned_data["first_due_on"],
        every_weeks=form.cleaned_data["every_weeks"],
        open_days=form.cleaned_data["open_days"],
        ends_on=form.cleaned_data["ends_on"],
    )
    return Status(201, _assignment_out(assignment))


@router.post(
    "/assignments/{int:assignment_id}/stop",
    response=AssignmentOut,
    summary="Stop asking (times not yet open are removed)",
)
def stop_assignment(request: AuthedHttpRequest, assignment_id: int) -> dict[str, Any]:
    assignment = get_object_or_404(Assignment, pk=assignment_id, care_link__therapist=request.user)
    if assignment.stopped_at is None:
        schedule.assignment_stop(assignment=assignment)
        assignment.refresh_from_db()
    return _assignment_out(assignment)


# Alerts ----------------------------------------------------------------------------------


class AlertOut(Schema):
    id: int
    client_id: int
    kind: str = Field(
        ..., description="deterioration, partner_deterioration, divergence, off_track"
    )
    instrument: str
    subscale: str
    rule: str = Field(..., description="The rule that fired, with its numbers, in a sentence.")
    evidence: dict[str, Any]
    created_at: dt.datetime
    acknowledged_at: dt.datetime | None


def _alert_out(alert: Alert) -> dict[str, Any]:
    return {
        "id": alert.pk,
        "client_id": alert.care_link_id,
        "kind": alert.kind,
        "instrument": alert.instrument_id,
        "subscale": alert.subscale_id,
        "rule": str(alert.evidence.get("rule", "")),
        "evidence": alert.evidence,
        "created_at": alert.created_at,
        "acknowledged_at": alert.acknowledged_at,
    }


def _my_alerts(request: AuthedHttpRequest) -> Any:
    return Alert.objects.filter(care_link__therapist=request.user)


@router.get("/alerts", response=list[AlertOut], summary="Alerts on your clients")
def list_alerts(request: AuthedHttpRequest, open_only: bool = False) -> list[dict[str, Any]]:
    # Shown only while the person whose scores an alert holds shares their results, and
    # logged as a read of them (the same rule as the pages: care/reading.py).
    from alongside.care import reading

    cares = list(CareLink.objects.of_therapist(request.user).select_related("client"))
    views = reading.alerts(request.user, cares, open_only=open_only)
    shown = sorted(
        (view.alert for found in views.values() for view in found),
        key=lambda a: (a.created_at, a.pk),
        reverse=True,
    )
    return [_alert_out(alert) for alert in shown]


@router.post(
    "/alerts/{int:alert_id}/acknowledge",
    response=AlertOut,
    summary="Acknowledge an alert (recorded with the time)",
)
def acknowledge_alert(request: AuthedHttpRequest, alert_id: int) -> dict[str, Any]:
    alert = get_object_or_404(_my_alerts(request).select_related("care_link"), pk=alert_id)
    alert.acknowledge(by=request.user)
    return _alert_out(alert)


# Session notes ---------------------------------------------------------------------------


class NoteIn(Strict):
    session_on: dt.date = Field(..., strict=False, description="The session's day (YYYY-MM-DD).")
    text: Text = Field(..., min_length=1, max_length=SessionNote.MAX_LENGTH)


class NoteUpdate(Strict):
    session_on: dt.date | None = Field(None, strict=False)
    text: Text | None = Field(None, min_length=1, max_length=SessionNote.MAX_LENGTH)


class NoteOut(Schema):
    id: int
    client_id: int | None = Field(None, description="The care link; null once it ended.")
    client: str
    session_on: dt.date
    text: str
    created_at: dt.datetime
    updated_at: dt.datetime


def _note_out(note: SessionNote, cares: dict[int, int]) -> dict[str, Any]:
    return {
        "id": note.pk,
        "client_id": cares.get(note.client_id) if note.client_id else None,
        "client": note.client_label,
        "session_on": note.session_on,
        "text": note.text,
        "created_at": note.created_at,
        "updated_at": note.updated_at,
    }


def _cares_by_client(request: AuthedHttpRequest) -> dict[int, int]:
    return dict(CareLink.objects.of_therapist(request.user).values_list("client_id", "pk"))


def _check_day(day: dt.date | None, request: AuthedHttpRequest) -> None:
    problem = SessionNote.day_problem(day, request.user.tz) if day else None
    if problem:
        raise _field_error(["body", "session_on"], problem)


@router.get(
    "/clients/{int:client_id}/notes", response=list[NoteOut], summary="Your notes on a client"
)
def list_notes(request: AuthedHttpRequest, client_id: int) -> list[dict[str, Any]]:
    care = _care(request, client_id)
    notes = SessionNote.objects.filter(therapist=request.user, client=care.client)
    cares = {care.client_id: care.pk}
    return [_note_out(n, cares) for n in notes]


@router.post(
    "/clients/{int:client_id}/notes",
    response={201: NoteOut},
    summary="Write a session note (private to you, encrypted at rest)",
    openapi_extra=documented(NoteIn),
)
def create_note(request: AuthedHttpRequest, client_id: int) -> Status[dict[str, Any]]:
    care = _care(request, client_id)
    payload = read_body(request, NoteIn)
    _check_day(payload.session_on, request)
    note = SessionNote.objects.create(
        therapist=request.user,
        client=care.client,
        client_label=str(care.client),
        session_on=payload.session_on,
        text=payload.text,
    )
    return Status(201, _note_out(note, {care.client_id: care.pk}))


def _note(request: AuthedHttpRequest, note_id: int) -> SessionNote:
    return get_object_or_404(SessionNote, pk=note_id, therapist=request.user)


@router.get("/notes/{int:note_id}", response=NoteOut, summary="One of your session notes")
def get_note(request: AuthedHttpRequest, note_id: int) -> dict[str, Any]:
    return _note_out(_note(request, note_id), _cares_by_client(request))


@router.patch(
    "/notes/{int:note_id}",
    response=NoteOut,
    summary="Change a session note",
    openapi_extra=documented(NoteUpdate),
)
def update_note(request: AuthedHttpRequest, note_id: int) -> dict[str, Any]:
    note = _note(request, note_id)
    payload = read_body(request, NoteUpdate)
    changes = payload.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None:
            raise _field_error(["body", key], "This field cannot be empty.")
    _check_day(changes.get("session_on"), request)
    for key, value in changes.items():
        setattr(note, key, value)
    note.save()
    return _note_out(note, _cares_by_client(request))


@router.delete("/notes/{int:note_id}", response={204: None}, summary="Remove a session note")
def delete_note(request: AuthedHttpRequest, note_id: int) -> Status[None]:
    _note(request, note_id).delete()
    return Status(204, None)


__all__ = ["router"]
