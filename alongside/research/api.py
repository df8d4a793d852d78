"""The research API (``/api/v1/research``): a researcher's studies, participants, schedule,
compliance and answers (as CSV); and, for someone taking part, their own prompts and answering them.

A researcher reads their own studies only: another researcher's study, or any study for
someone without the role, answers 404 exactly like one that never existed. Participants
are named by study ID; a name and address appear only where the consent version they
accepted says so, as on the pages (and only in the participants' list: join on the
study ID). Compliance is the pages' computation
(``research.compliance``), so both show the same numbers. Mistakes in a query answer
422 naming the field.

A participant reaches only their own prompts (anyone else's, or one not yet due, is 404),
opened and answered through the same services and the same answer check as the prompt's
page (``services.prompt_open``, ``services.prompt_answer``, ``answers.check_answers``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import Field

from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import Strict, documented, read_body
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


# Export -----------------------------------------------------------------------------------


class ExportFilters(Schema):
    layout: Literal["long", "dyadic", "pairwise"] = Field(
        "long",
        description="long: a row per participant and prompt; dyadic: a row per dyad and "
        "occasion; pairwise: two rows per dyad and occasion (docs/research.md).",
    )


@router.get(
    "/studies/{int:study_id}/export",
    response={200: None},
    summary="A study's answers as CSV, in one layout",
    description=(
        "The same file as the study page's download (`text/csv`). dyadic and pairwise "
        "need a couple study with a formed dyad; otherwise 422 naming `layout`."
    ),
    openapi_extra={"responses": {200: {"content": {"text/csv": {"schema": {"type": "string"}}}}}},
)
def get_export(
    request: AuthedHttpRequest, study_id: int, filters: Query[ExportFilters]
) -> HttpResponse:
    from alongside.research import exports

    study = _my_study(request, study_id)
    try:
        data = exports.table(study, filters.layout)
    except exports.ExportProblem:
        # Its own words are for the command line ("use --layout long").
        raise _query_error(
            "layout",
            f"The {filters.layout} layout needs a couple study with at least one formed "
            "dyad. The long layout has every answer.",
        ) from None
    response = HttpResponse(exports.csv_text(data), content_type="text/csv; charset=utf-8")
    name = exports.file_name(study, filters.layout)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# Taking part: the caller's own prompts --------------------------------------------------


class PromptOut(Schema):
    id: int
    participation: int = Field(..., description="Your participation's id (its page's number).")
    study: str = Field(..., description="The study's title.")
    study_code: str = Field(..., description="Your study ID in that study.")
    scheduled_at: dt.datetime
    local_time: str = Field(..., description="Your local time then, with its offset.")
    expires_at: dt.datetime = Field(..., description="Answers must arrive before this.")
    status: str = Field(..., description="answered, expired, missed, not_sent, open or planned.")


class QuestionOut(Schema):
    id: str
    wording: str
    min: int
    max: int


class ItemOut(Schema):
    id: str
    type: str = Field(..., description="slider (0-100), scale (1-7), choice, text, instrument")
    text: str = ""
    low_label: str = ""
    high_label: str = ""
    options: list[str] = Field(default_factory=list, description="A choice's options.")
    max_length: int | None = Field(None, description="A text's longest answer.")
    instrument: str | None = None
    questions: list[QuestionOut] = Field(
        default_factory=list,
        description="An instrument's questions: answer it as {question id: whole number}.",
    )


class PromptDetailOut(PromptOut):
    items: list[ItemOut] = Field(..., description="The study's questions; each is optional.")


class AnswersIn(Strict):
    answers: dict[str, Any] = Field(
        ...,
        description="By item id: a whole number for a slider or scale, an option as written, "
        "a text, or {question id: whole number} for an instrument. Leave out what you skip.",
    )


class AnswersOut(Schema):
    prompt: int
    completed_at: dt.datetime
    answers: dict[str, Any] = Field(..., description="What was stored, by item id.")


def _answerable(prompts: Any, now: dt.datetime) -> Any:
    """Prompts one may answer now: due, and neither answered nor closed (sent, or due a
    moment ago and on its way: the page opens those too)."""
    return (
        prompts.filter(scheduled_at__lte=now)
        .with_status(now)
        .filter(Q(status__in=("open", "planned")))
    )


def _prompt_out(prompt: Prompt, now: dt.datetime) -> dict[str, Any]:
    participant = prompt.participant
    return {
        "id": prompt.pk,
        "participation": participant.pk,
        "study": participant.study.title,
        "study_code": participant.study_code,
        "scheduled_at": prompt.scheduled_at,
        "local_time": prompt.local_time,
        "expires_at": prompt.expires_at,
        "status": prompt.status_at(now),
    }


def _item_out(item: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        key: item[key]
        for key in ("id", "type", "text", "low_label", "high_label", "options", "max_length")
        if key in item
    }
    if item["type"] == "instrument":
        from alongside.assessments.spec import AssessmentError, get_instrument

        out["instrument"] = item["instrument"]
        try:
            spec = get_instrument(item["instrument"])
        except AssessmentError:
            return out  # not installed here: answers to it are refused by name
        out["text"] = out.get("text") or spec.title
        out["questions"] = [
            {
                "id": q.id,
                "wording": q.wording or _("Question %(n)s") % {"n": q.number},
                "min": q.scale.min,
                "max": q.scale.max,
            }
            for q in spec.items
        ]
    return out


def _my_prompt(request: AuthedHttpRequest, prompt_id: int, now: dt.datetime) -> Prompt:
    # A prompt not yet due is "not found", as on its page: nothing says when one comes.
    return get_object_or_404(
        Prompt.objects.select_related("participant__study"),
        pk=prompt_id,
        participant__user=request.user,
        scheduled_at__lte=now,
    )


@router.get(
    "/prompts",
    response=list[PromptOut],
    summary="Your prompts open now",
    description="Due and not closed, in the studies you take part in now (not paused, "
    "the latest consent accepted); the soonest to close first.",
    tags=["research: taking part"],
)
def list_prompts(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    now = timezone.now()
    # Only where they can answer now: taking part, with the latest consent accepted.
    promptable = Participant.objects.of_user(request.user).promptable()
    prompts = _answerable(Prompt.objects.filter(participant__in=promptable), now)
    page = prompts.select_related("participant__study").order_by("expires_at", "pk")
    return [_prompt_out(p, now) for p in page]


@router.get(
    "/prompts/{int:prompt_id}",
    response=PromptDetailOut,
    summary="One of your prompts, with its questions",
    description="Reading a prompt that is open counts as opening it (as its page does).",
    tags=["research: taking part"],
)
def get_prompt(request: AuthedHttpRequest, prompt_id: int) -> dict[str, Any]:
    now = timezone.now()
    prompt = _my_prompt(request, prompt_id, now)
    services.prompt_open(prompt=prompt, now=now)
    return {
        **_prompt_out(prompt, now),
        "items": [_item_out(item) for item in prompt.participant.study.items],
    }


def _answer_errors(errors: dict[str, str]) -> ValidationError:
    # "closeness.q2" is a question inside the instrument item "closeness".
    return ValidationError(
        [
            {
                "loc": ["body", "payload", "answers", *(key.split(".") if key else [])],
                "msg": message,
                "type": "value_error",
            }
            for key, message in errors.items()
        ]
    )


@router.post(
    "/prompts/{int:prompt_id}/answers",
    response={201: AnswersOut, 409: dict[str, str]},
    summary="Answer one of your prompts",
    description=(
        "Answers are checked as on the prompt's page: a bad one answers 422 naming each "
        "item (`loc` ends with the item id). A prompt that closed, was answered already, "
        "or that you cannot answer now (paused, left, consent to read again) answers 409 "
        "with a message to show."
    ),
    openapi_extra=documented(AnswersIn),
    tags=["research: taking part"],
)
def answer_prompt(request: AuthedHttpRequest, prompt_id: int) -> Status[dict[str, Any]]:
    from alongside.research.answers import AnswersInvalid

    now = timezone.now()
    prompt = _my_prompt(request, prompt_id, now)
    # Read only once the prompt was found: someone else's id is 404 whatever is sent.
    payload = read_body(request, AnswersIn)
    try:
        stored = services.prompt_answer(prompt=prompt, data=payload.answers, now=now)
    except AnswersInvalid as invalid:
        raise _answer_errors(invalid.errors) from None
    except services.ResearchProblem as refused:
        return Status(409, {"detail": str(refused)})
    assert prompt.completed_at is not None
    return Status(
        201, {"prompt": prompt.pk, "completed_at": prompt.completed_at, "answers": stored}
    )
