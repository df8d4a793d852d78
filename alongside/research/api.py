"""The research API (``/api/v1/research``): a researcher's studies, participants, schedule
and compliance.

A researcher reads their own studies only: another researcher's study, or any study for
someone without the role, answers 404 exactly like one that never existed. Participants
are named by study ID; a name and address appear only where the consent version they
accepted says so, as on the pages (and only in the participants' list: join on the
study ID). Compliance is the pages' computation
(``research.compliance``), so both show the same numbers. Mistakes in a query answer
422 naming the field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from pydantic import Field

from alongside.lib.http import AuthedHttpRequest
from alongside.research import services
from alongside.research.compliance import DEFAULT_BELOW, Tally, study_compliance
from alongside.research.models import Dyad, Participant, Prompt, Study

router = Router(tags=["research"])


def _query_error(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["query", field], "msg": message, "type": "value_error"}])


def _my_studies(request: AuthedHttpRequest) -> Any:
    # Taking the role away closes the API as it closes the pages; the studies stay.
    if not services.is_researcher(request.user):
        return Study.objects.none()
    return Study.objects.of_researcher(request.user)


def _my_study(request: AuthedHttpRequest, study_id: int) -> Study:
    return get_object_or_404(_my_studies(request), pk=study_id)


def _seconds(latency: dt.timedelta | None) -> float | None:
    return None if latency is None else latency.total_seconds()


# Studies ----------------------------------------------------------------------------------


class StudyOut(Schema):
    id: int
    title: str
    code: str = Field(..., description="The enrolment code participants type.")
    id_prefix: str
    is_couple: bool
    starts_on: dt.date
    ends_on: dt.date
    participants: int = Field(..., description="Everyone who joined, withdrawn included.")


class ConsentVersionOut(Schema):
    number: int
    published_at: dt.datetime
    researcher_sees_identity: bool
    on_withdrawal: str = Field(..., description="ask, keep or delete")


class StudyDetailOut(StudyOut):
    description: str
    items: list[dict[str, Any]] = Field(..., description="What each prompt asks.")
    schedule: dict[str, Any] = Field(..., description="The schedule, as the study file has it.")
    seed: int
    consent_versions: list[ConsentVersionOut]


def _study_out(study: Study, participants: int) -> dict[str, Any]:
    return {
        "id": study.pk,
        "title": study.title,
        "code": study.code,
        "id_prefix": study.id_prefix,
        "is_couple": study.is_couple,
        "starts_on": study.starts_on,
        "ends_on": study.ends_on,
        "participants": participants,
    }


@router.get("/studies", response=list[StudyOut], summary="Your studies")
def list_studies(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    from django.db.models import Count

    studies = _my_studies(request).annotate(n=Count("participants")).order_by("pk")
    return [_study_out(s, s.n) for s in studies]


@router.get("/studies/{int:study_id}", response=StudyDetailOut, summary="One of your studies")
def get_study(request: AuthedHttpRequest, study_id: int) -> dict[str, Any]:
    study = _my_study(request, study_id)
    return {
        **_study_out(study, study.participants.count()),
        "description": study.description,
        "items": study.items,
        "schedule": study.schedule,
        "seed": study.seed,
        "consent_versions": [
            {
                "number": v.number,
                "published_at": v.published_at,
                "researcher_sees_identity": v.researcher_sees_identity,
                "on_withdrawal": v.on_withdrawal,
            }
            for v in study.consent_versions.order_by("number")
        ],
    }


# Participants -----------------------------------------------------------------------------


class IdentityOut(Schema):
    name: str
    email: str


class ParticipantOut(Schema):
    study_code: str = Field(..., description="The participant's study ID, like EVN-014.")
    status: str = Field(..., description="active, paused or withdrawn")
    dyad: str | None = Field(None, description="The dyad's study ID (EVN-D01) once paired.")
    consent_version: int = Field(..., description="The latest consent version they accepted.")
    joined_at: dt.datetime
    data_deleted: bool = Field(..., description="They withdrew and deleted what they gave.")
    identity: IdentityOut | None = Field(
        None, description="Only when the consent version they accepted says you see it."
    )


def _dyad_codes(study: Study) -> dict[int, str]:
    codes: dict[int, str] = {}
    for first, second, code in Dyad.objects.filter(
        study=study, formed_at__isnull=False
    ).values_list("first_id", "second_id", "study_code"):
        codes[first] = code
        if second is not None:
            codes[second] = code
    return codes


@router.get(
    "/studies/{int:study_id}/participants",
    response=list[ParticipantOut],
    summary="A study's participants, by study ID",
)
def list_participants(request: AuthedHttpRequest, study_id: int) -> list[dict[str, Any]]:
    study = _my_study(request, study_id)
    identity = set(
        study.consent_versions.filter(researcher_sees_identity=True).values_list(
            "number", flat=True
        )
    )
    dyads = _dyad_codes(study)
    out = []
    for p in Participant.objects.filter(study=study).select_related("user"):
        out.append(
            {
                "study_code": p.study_code,
                "status": p.status,
                "dyad": dyads.get(p.pk),
                "consent_version": p.consent_version,
                "joined_at": p.joined_at,
                "data_deleted": p.data_deleted,
                "identity": (
                    {"name": str(p.user), "email": p.user.email}
                    if p.user is not None and p.researcher_sees_identity(identity)
                    else None
                ),
            }
        )
    return out


# Schedule ---------------------------------------------------------------------------------


class ScheduleFilters(Schema):
    participant: str | None = Field(
        None, description="Only this participant's prompts (their study ID)."
    )
    limit: int = Field(200, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)  # bounded: a larger one overflows SQL


class PlannedPromptOut(Schema):
    participant: str = Field(..., description="The participant's study ID.")
    dyad: str | None
    day: int = Field(..., description="1 is the study's first day.")
    window: int
    number: int
    scheduled_at: dt.datetime
    local_time: str = Field(..., description="The participant's local time, with its offset.")
    expires_at: dt.datetime
    reminders_at: list[str]
    status: str = Field(
        ..., description="answered, expired, missed, not_sent, open or planned (now)."
    )


class ScheduleOut(Schema):
    schedule: dict[str, Any] = Field(..., description="The schedule, as the study file has it.")
    total: int = Field(..., description="Prompts stored for the filter, over all pages.")
    limit: int
    offset: int
    prompts: list[PlannedPromptOut] = Field(..., description="In time order.")


@router.get(
    "/studies/{int:study_id}/schedule",
    response=ScheduleOut,
    summary="A study's schedule and every stored prompt",
)
def get_schedule(
    request: AuthedHttpRequest, study_id: int, filters: Query[ScheduleFilters]
) -> dict[str, Any]:
    study = _my_study(request, study_id)
    prompts = Prompt.objects.filter(participant__study=study)
    if filters.participant is not None:
        if not Participant.objects.filter(study=study, study_code=filters.participant).exists():
            raise _query_error("participant", "No participant has this study ID in this study.")
        prompts = prompts.filter(participant__study_code=filters.participant)
    total = prompts.count()
    page = (
        prompts.with_status(timezone.now())
        .select_related("participant", "dyad")
        .order_by("scheduled_at", "participant__study_code")[
            filters.offset : filters.offset + filters.limit
        ]
    )
    return {
        "schedule": study.schedule,
        "total": total,
        "limit": filters.limit,
        "offset": filters.offset,
        "prompts": [
            {
                "participant": p.participant.study_code,
                "dyad": (p.dyad.study_code or None) if p.dyad else None,
                "day": p.day,
                "window": p.window,
                "number": p.number,
                "scheduled_at": p.scheduled_at,
                "local_time": p.local_time,
                "expires_at": p.expires_at,
                "reminders_at": p.reminders_at,
                "status": p.status,  # type: ignore[attr-defined]  # from with_status
            }
            for p in page
        ],
    }


# Compliance -------------------------------------------------------------------------------


class ComplianceFilters(Schema):
    below: int = Field(
        DEFAULT_BELOW, ge=0, le=100, description="Flag participants whose rate is under this %."
    )
    only_flagged: bool = Field(False, description="List only the participants flagged.")


class TallyOut(Schema):
    answered: int
    missed: int = Field(..., description="Sent, never opened, closed.")
    expired: int = Field(..., description="Opened, not finished before it closed.")
    not_sent: int = Field(..., description="Closed without being sent; not in the rate.")
    sent_and_closed: int = Field(
        ..., description="The rate's denominator: answered + missed + expired."
    )
    rate: float | None = Field(
        None, description="answered ÷ sent_and_closed, 0 to 1; null before any is settled."
    )


class DayOut(TallyOut):
    day: int


class ParticipantComplianceOut(TallyOut):
    study_code: str
    status: str
    dyad: str | None
    median_latency_seconds: float | None = Field(
        None, description="Median time from sent to answered."
    )
    flagged: bool = Field(..., description="The rate is under `below`.")
    by_day: list[DayOut]


class DyadComplianceOut(TallyOut):
    dyad: str
    members: list[str]
    median_latency_seconds: float | None


class ComplianceOut(Schema):
    computed_at: dt.datetime
    below: int
    total: TallyOut
    median_latency_seconds: float | None
    flagged: int
    participants: list[ParticipantComplianceOut]
    dyads: list[DyadComplianceOut]


def _day(day: int, tally: Tally) -> dict[str, Any]:
    return {"day": day, **tally.to_dict()}


@router.get(
    "/studies/{int:study_id}/compliance",
    response=ComplianceOut,
    summary="How a study's prompts are answered (as the compliance page shows)",
)
def get_compliance(
    request: AuthedHttpRequest, study_id: int, filters: Query[ComplianceFilters]
) -> dict[str, Any]:
    study = _my_study(request, study_id)
    report = study_compliance(study, now=timezone.now(), below=filters.below)
    return {
        "computed_at": report.now,
        "below": report.below,
        "total": report.total.to_dict(),
        "median_latency_seconds": _seconds(report.median_latency),
        "flagged": report.flagged,
        "participants": [
            {
                **r.tally.to_dict(),
                "study_code": r.code,
                "status": r.status,
                "dyad": r.dyad_code or None,
                "median_latency_seconds": _seconds(r.median_latency),
                "flagged": r.flagged,
                "by_day": [_day(i, t) for i, t in enumerate(r.days, start=1)],
            }
            for r in report.participants
            if r.flagged or not filters.only_flagged
        ],
        "dyads": [
            {
                **d.tally.to_dict(),
                "dyad": d.code,
                "members": list(d.members),
                "median_latency_seconds": _seconds(d.median_latency),
            }
            for d in report.dyads
        ],
    }
