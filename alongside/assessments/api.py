"""The questionnaires API: /api/v1/assessments/.

Instruments (list, detail: third-party wording only once the deployment installed it),
the person's own takes (list, start with answers, add answers, finish, read with
scores, delete), and completed results that others share with the caller. Someone
else's take answers 404; a bad answer answers 422 naming ``answers.<item>``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import Field

from alongside.assessments.models import Take, catalogue, instrument, runs_the_site
from alongside.assessments.scoring import place, reliable_change, verdict_label
from alongside.assessments.spec import (
    AnswerError,
    AssessmentError,
    InstrumentSpec,
    ReliableChangeUnavailable,
    Source,
    spec_to_data,
    wording_status,
)
from alongside.circle import access
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import Strict as _Strict

router = Router(tags=["questionnaires"])


# ------------------------------------------------------------------------ schemas


class Relationship(Schema):
    id: str
    label: str


class About(Schema):
    kind: str
    relationships: list[Relationship]


class InstrumentSummaryOut(Schema):
    id: str
    version: int
    title: str
    short_title: str
    kind: str
    label: str | None
    about: About
    items: int
    wording_installed: bool
    wording_message: str | None


class ScaleOut(Schema):
    min: int
    max: int
    labels: dict[int, str | None]


class ItemOut(Schema):
    id: str
    number: int
    wording: str | None
    scale: ScaleOut
    reverse: bool
    required: bool
    presentation: str


class SourceOut(Schema):
    citation: str
    url: str | None


class ReliableChangeOut(Schema):
    sd: float
    reliability: float
    reliability_kind: str
    sources: list[SourceOut]


class SubscaleOut(Schema):
    id: str
    label: str
    description: str | None
    items: list[str]
    method: str
    min_answered: int
    direction: str
    range: tuple[float, float]
    cutoffs: list[dict[str, Any]]
    norms: list[dict[str, Any]]
    reliable_change: ReliableChangeOut | None
    interpretation: list[dict[str, Any]]


class InstrumentOut(InstrumentSummaryOut):
    description: str | None
    instructions: str | None
    citation: str
    licence: dict[str, str | None]
    item_list: list[ItemOut]
    subscales: list[SubscaleOut]


class TakeCreate(_Strict):
    instrument: str = Field(..., description="The instrument id, for example ecr-rs.")
    relationship: str | None = Field(
        None, description="Whom the answers are about, for instruments answered per relationship."
    )
    answers: dict[str, int] = Field(
        default_factory=dict, description='Answers so far, by item id: {"q1": 4}.'
    )
    complete: bool = Field(False, description="Finish and score now (every answer required).")


class TakeUpdate(_Strict):
    answers: dict[str, int] = Field(default_factory=dict, description="More answers, by item id.")
    complete: bool = Field(False, description="Finish and score now (every answer required).")


class TakeOut(Schema):
    id: int
    instrument: str
    instrument_version: int
    relationship: str | None
    status: str
    answers: dict[str, int]
    scores: dict[str, float | None]
    started_at: dt.datetime
    updated_at: dt.datetime
    completed_at: dt.datetime | None


class SubscaleResultOut(Schema):
    id: str
    label: str
    score: float | None
    range: tuple[float, float]
    interpretation: str | None
    cutoffs_met: list[dict[str, Any]]
    norms: list[dict[str, Any]]


class ChangeOut(Schema):
    subscale: str
    before: float
    after: float
    rci: float | None
    verdict: str | None
    verdict_label: str | None
    reason: str | None


class TakeDetailOut(TakeOut):
    results: list[SubscaleResultOut]
    previous_take: int | None
    change_since_previous: list[ChangeOut]


class SharedTakeOut(Schema):
    id: int
    owner: str
    instrument: str
    relationship: str | None
    scores: dict[str, float | None]
    completed_at: dt.datetime | None


class TakeFilters(Schema):
    instrument: str | None = Field(None, description="Only this instrument.")
    status: str | None = Field(None, description="in_progress or complete.")


# ---------------------------------------------------------------------- builders


def _summary(spec: InstrumentSpec) -> dict[str, Any]:
    status = wording_status(spec)
    return {
        "id": spec.id,
        "version": spec.version,
        "title": spec.title,
        "short_title": spec.short_title,
        "kind": spec.kind,
        "label": spec.label,
        "about": {
            "kind": spec.about.kind,
            "relationships": [
                {"id": key, "label": spec.about.relationship_labels[key]}
                for key in spec.about.relationships
            ],
        },
        "items": len(spec.items),
        "wording_installed": status.installed,
        "wording_message": status.message,
    }


def _source(source: Source) -> dict[str, Any]:
    return {"citation": source.citation, "url": source.url}


def _detail(spec: InstrumentSpec) -> dict[str, Any]:
    data = spec_to_data(spec)
    return {
        **_summary(spec),
        "description": spec.description,
        "instructions": spec.instructions,
        "citation": spec.citation,
        "licence": {
            "name": spec.licence.name,
            "terms": spec.licence.terms,
            "url": spec.licence.url,
        },
        "item_list": [
            {
                "id": item.id,
                "number": item.number,
                "wording": item.wording,
                "scale": {
                    "min": item.scale.min,
                    "max": item.scale.max,
                    "labels": {o.value: o.label for o in item.scale.options},
                },
                "reverse": item.reverse,
                "required": item.required,
                "presentation": item.presentation,
            }
            for item in spec.items
        ],
        "subscales": [
            {
                "id": sub.id,
                "label": sub.label,
                "description": sub.description,
                "items": list(sub.items),
                "method": sub.method,
                "min_answered": sub.min_answered,
                "direction": sub.direction,
                "range": (float(sub.range[0]), float(sub.range[1])),
                "cutoffs": raw.get("cutoffs", []),
                "norms": raw.get("norms", []),
                "reliable_change": (
                    None
                    if sub.reliable_change is None
                    else {
                        "sd": sub.reliable_change.sd,
                        "reliability": sub.reliable_change.reliability,
                        "reliability_kind": sub.reliable_change.reliability_kind,
                        "sources": [_source(s) for s in sub.reliable_change.sources],
                    }
                ),
                "interpretation": raw.get("interpretation", []),
            }
            for sub, raw in zip(spec.subscales, data["subscales"], strict=True)
        ],
    }


def _results(spec: InstrumentSpec, take: Take) -> list[dict[str, Any]]:
    scored = take.result(spec)
    out = []
    for sub in spec.subscales:
        exact = scored[sub.id].exact
        placement = place(spec, sub.id, exact) if exact is not None else None
        out.append(
            {
                "id": sub.id,
                "label": sub.label,
                "score": None if exact is None else float(exact),
                "range": (float(sub.range[0]), float(sub.range[1])),
                "interpretation": placement.interpretation if placement else None,
                "cutoffs_met": [
                    {"id": c.id, "meaning": c.meaning, "source": _source(c.source)}
                    for c in (placement.cutoffs_met if placement else ())
                ],
                "norms": [
                    {
                        "sample": n.sample,
                        "z": n.z,
                        "percentile": n.percentile,
                        "citation": n.citation,
                    }
                    for n in (placement.norms if placement else ())
                ],
            }
        )
    return out


def _changes(spec: InstrumentSpec, before: Take, after: Take) -> list[dict[str, Any]]:
    old, new = before.values(spec), after.values(spec)
    out = []
    for sub in spec.subscales:
        b, a = old.get(sub.id), new.get(sub.id)
        if b is None or a is None:
            continue
        entry: dict[str, Any] = {
            "subscale": sub.id,
            "before": b,
            "after": a,
            "rci": None,
            "verdict": None,
            "verdict_label": None,
            "reason": None,
        }
        try:
            change = reliable_change(spec, sub.id, b, a)
        except ReliableChangeUnavailable as exc:
            entry["reason"] = exc.detail
        else:
            entry.update(
                rci=change.rci, verdict=change.verdict, verdict_label=verdict_label(change.verdict)
            )
        out.append(entry)
    return out


def _take_detail(spec: InstrumentSpec, take: Take) -> dict[str, Any]:
    earlier = take.earlier_in_series()
    return {
        **take.to_dict(),
        "results": _results(spec, take) if take.is_complete else [],
        "previous_take": earlier.pk if earlier else None,
        "change_since_previous": _changes(spec, earlier, take) if earlier else [],
    }


def _field_error(loc: list[str], message: str) -> ValidationError:
    return ValidationError([{"loc": ["body", *loc], "msg": message, "type": "value_error"}])


def _answer_error(exc: AssessmentError) -> ValidationError:
    if isinstance(exc, AnswerError):
        return ValidationError(
            [
                {"loc": ["body", "answers", item_id], "msg": exc.detail, "type": "value_error"}
                for item_id in exc.item_ids
            ]
        )
    return _field_error([exc.field or "answers"], exc.detail)


def _spec(instrument_id: str, loc: list[str]) -> InstrumentSpec:
    try:
        return instrument(instrument_id)
    except AssessmentError:
        raise _field_error(loc, _("There is no questionnaire with this id.")) from None


def _store(take: Take, spec: InstrumentSpec, answers: dict[str, int], complete: bool) -> None:
    try:
        take.record_answers(spec, answers)
        if complete:
            take.finish(spec)
    except AssessmentError as exc:
        raise _answer_error(exc) from None


# ------------------------------------------------------------------------ routes


@router.get("/instruments", response=list[InstrumentSummaryOut], summary="List questionnaires")
def list_instruments(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    # Like the web list: what cannot be answered yet is for site administrators only.
    admin = runs_the_site(request.user)
    return [
        _summary(spec) for spec in catalogue().values() if admin or wording_status(spec).installed
    ]


@router.get(
    "/instruments/{instrument_id}", response=InstrumentOut, summary="Read one questionnaire"
)
def get_instrument(request: AuthedHttpRequest, instrument_id: str) -> dict[str, Any]:
    try:
        spec = instrument(instrument_id)
    except AssessmentError:
        raise Http404("no such questionnaire") from None
    if not runs_the_site(request.user) and not wording_status(spec).installed:
        raise Http404("no such questionnaire")
    return _detail(spec)


@router.get("/takes", response=list[TakeOut], summary="List your answers")
def list_takes(request: AuthedHttpRequest, filters: Query[TakeFilters]) -> list[dict[str, Any]]:
    rows = Take.objects.filter(owner=request.user)
    if filters.instrument:
        rows = rows.filter(instrument_id=filters.instrument)
    if filters.status:
        rows = rows.filter(status=filters.status)
    return [take.to_dict() for take in rows]


@router.post("/takes", response={201: TakeDetailOut}, summary="Start answering a questionnaire")
def create_take(request: AuthedHttpRequest, payload: TakeCreate) -> Status[dict[str, Any]]:
    spec = _spec(payload.instrument, ["instrument"])
    try:
        take = Take.begin(
            owner=request.user, spec=spec, relationship=payload.relationship or "", resume=False
        )
    except AssessmentError as exc:
        raise _field_error([exc.field or "instrument"], exc.detail) from None
    try:
        _store(take, spec, payload.answers, payload.complete)
    except ValidationError:
        take.delete()  # a new take with refused answers is not kept half-made
        raise
    return Status(201, _take_detail(spec, take))


@router.get("/takes/{int:take_id}", response=TakeDetailOut, summary="Read one of your takes")
def get_take(request: AuthedHttpRequest, take_id: int) -> dict[str, Any]:
    take = get_object_or_404(Take, pk=take_id, owner=request.user)
    return _take_detail(_spec(take.instrument_id, ["instrument"]), take)


@router.patch(
    "/takes/{int:take_id}", response=TakeDetailOut, summary="Add answers, or finish a take"
)
def update_take(request: AuthedHttpRequest, take_id: int, payload: TakeUpdate) -> dict[str, Any]:
    take = get_object_or_404(Take, pk=take_id, owner=request.user)
    spec = _spec(take.instrument_id, ["instrument"])
    _store(take, spec, payload.answers, payload.complete)
    return _take_detail(spec, take)


@router.delete("/takes/{int:take_id}", response={204: None}, summary="Delete one of your takes")
def delete_take(request: AuthedHttpRequest, take_id: int) -> Status[None]:
    get_object_or_404(Take, pk=take_id, owner=request.user).delete()
    return Status(204, None)


@router.get(
    "/shared",
    response=list[SharedTakeOut],
    summary="Results others share with you",
    description="Completed results of people who share 'Questionnaire results' with you: "
    "scores only, never answers. Each read is written to the owner's access log.",
)
def list_shared(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    takes = access.read_shared(
        request.user,
        Take.objects.complete().select_related("owner").order_by("owner_id", "completed_at", "pk"),
        "assessments",
        detail=_("questionnaire results (API)"),
    )
    return [take.shared_dict() for take in takes]
