from __future__ import annotations

import datetime as dt
import json
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema
from ninja.errors import ValidationError
from ninja.responses import NinjaJSONEncoder, Status
from pydantic import Field

from alongside.checkins.models import (
    EMOTION_MAX,
    EMOTION_MIN,
    MOOD_MAX,
    MOOD_MIN,
    NEED_MAX,
    NEED_MIN,
    NOTE_MAX_LENGTH,
    SUPPORT_TEXT_MAX_LENGTH,
    CheckIn,
    day_problem,
    owned_between,
)
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.prepared import Prepared
from alongside.lib.schemas import Strict as _Strict
from alongside.lib.schemas import Text
from alongside.safety.crisis import help_offer

router = Router(tags=["check-ins"])

BodyArea = Literal[
    "head", "jaw", "throat", "shoulders", "chest", "stomach", "back", "hands", "legs"
]
SupportKind = Literal["emotional", "practical", "advice", "company"]
ClosenessWish = Literal["closer", "right", "space"]
_WISH_DESCRIPTION = (
    "Today I wanted: more closeness (`closer`), about right (`right`) or more space "
    "(`space`); null when skipped. Shared under the `needs` category."
)


class Emotions(_Strict):
    calm: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)
    close: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)
    hopeful: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)
    anxious: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)
    irritated: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)
    sad: int | None = Field(None, ge=EMOTION_MIN, le=EMOTION_MAX)


class Needs(_Strict):
    security: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    trust: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    reliability: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    predictability: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    nurturance: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    guidance: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)
    autonomy: int | None = Field(None, ge=NEED_MIN, le=NEED_MAX)


class SupportReceived(_Strict):
    kinds: list[SupportKind] = Field(default_factory=list)
    from_: Text = Field("", alias="from", max_length=SUPPORT_TEXT_MAX_LENGTH)


class SupportGiven(_Strict):
    kinds: list[SupportKind] = Field(default_factory=list)
    to: Text = Field("", max_length=SUPPORT_TEXT_MAX_LENGTH)


class CheckInCreate(_Strict):
    day: dt.date | None = Field(
        None, strict=False, description="Local day (YYYY-MM-DD); today when left out."
    )
    mood: int = Field(..., ge=MOOD_MIN, le=MOOD_MAX)
    emotions: Emotions = Emotions()
    needs: Needs = Needs()
    closeness_wish: ClosenessWish | None = Field(None, description=_WISH_DESCRIPTION)
    body_areas: list[BodyArea] = Field(default_factory=list)
    support_received: SupportReceived = SupportReceived()
    support_given: SupportGiven = SupportGiven()
    note: Text = Field("", max_length=NOTE_MAX_LENGTH)
    is_private: bool = Field(False, description="Keep this entry from everyone you share with.")


class CheckInUpdate(_Strict):
    mood: int | None = Field(None, ge=MOOD_MIN, le=MOOD_MAX)
    emotions: Emotions | None = None
    needs: Needs | None = None
    closeness_wish: ClosenessWish | None = Field(None, description=_WISH_DESCRIPTION)
    body_areas: list[BodyArea] | None = None
    support_received: SupportReceived | None = None
    support_given: SupportGiven | None = None
    note: Text | None = Field(None, max_length=NOTE_MAX_LENGTH)
    is_private: bool | None = None


class CheckInOut(Schema):
    id: int
    day: dt.date
    mood: int
    emotions: dict[str, int | None]
    needs: dict[str, int | None]
    closeness_wish: ClosenessWish | None = None
    body_areas: list[str]
    support_received: dict[str, Any]
    support_given: dict[str, Any]
    note: str
    is_private: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class HelpResource(Schema):
    name: str
    description: str = ""
    phone: str = ""
    text: str = ""
    url: str = ""


class HelpOut(Schema):
    message: str = Field(..., description="A gentle sentence to show the person.")
    url: str = Field(..., description="The Help now page (open to everyone, no sign-in).")
    resources: list[HelpResource] = Field(
        ..., description="The helplines this service lists (may be empty)."
    )


HELP_DESCRIPTION = (
    "Only when the words just sent contain a phrase of being in crisis (thoughts of "
    "suicide, self-harm, being in danger from someone): help to show the person, in this "
    "response alone. Nothing about it is stored, logged or shown to anyone else; a later "
    "read of the same check-in does not carry it. Absent otherwise."
)


class CheckInSavedOut(CheckInOut):
    """A check-in just created or changed, with help for the writer when their words worry."""

    help: HelpOut | None = Field(None, description=HELP_DESCRIPTION)


DEFAULT_LIMIT = 100


class CheckInFilters(Schema):
    since: dt.date | None = Field(None, description="First day to include (YYYY-MM-DD).")
    until: dt.date | None = Field(None, description="Last day to include (YYYY-MM-DD).")
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=1000)
    offset: int = Field(0, ge=0, le=1_000_000)  # bounded: a larger one overflows SQL


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])


def _apply(checkin: CheckIn, data: dict[str, Any]) -> None:
    if data.get("mood") is not None:
        checkin.mood = data["mood"]
    for key, value in (data.get("emotions") or {}).items():
        setattr(checkin, key, value)
    for key, value in (data.get("needs") or {}).items():
        setattr(checkin, f"need_{key}", value)
    if "closeness_wish" in data:  # sent as null: skipped (cleared on a change)
        checkin.closeness_wish = data["closeness_wish"] or ""
    if data.get("body_areas") is not None:
        checkin.body_areas = data["body_areas"]
    if data.get("support_received") is not None:
        checkin.support_received_kinds = data["support_received"].get("kinds", [])
        checkin.support_received_from = data["support_received"].get("from_", "")
    if data.get("support_given") is not None:
        checkin.support_given_kinds = data["support_given"].get("kinds", [])
        checkin.support_given_to = data["support_given"].get("to", "")
    if data.get("note") is not None:
        checkin.note = data["note"]
    if data.get("is_private") is not None:
        checkin.is_private = data["is_private"]


@router.get("/", response=list[CheckInOut], summary="List your check-ins")
def list_checkins(request: AuthedHttpRequest, filters: Query[CheckInFilters]) -> HttpResponse:
    span: dict[str, Any] = {
        "owner": request.user.pk,
        "since": filters.since or dt.date.min,
        "until": filters.until or dt.date.max,
    }
    if filters.offset == 0 and filters.limit == DEFAULT_LIMIT:
        page = _FIRST_PAGE(**span)
    else:
        page = list(_page(**span)[filters.offset : filters.offset + filters.limit])
    # Three queries for the circle names of the whole page, not two per check-in.
    rows = [_listed(c) for c in CheckIn.attach_people(page, owner=request.user)]
    # Written here as ninja writes it after checking the rows against CheckInOut (a test
    # compares the two): checking a hundred rows of our own making on every request took
    # a third of this page's time.
    return HttpResponse(json.dumps(rows, cls=NinjaJSONEncoder), content_type=_JSON)


_JSON = "application/json; charset=utf-8"


def _listed(checkin: CheckIn) -> dict[str, Any]:
    row = checkin.to_dict()
    # Times as ninja's encoder writes a datetime (milliseconds, "Z" for UTC).
    row["created_at"], row["updated_at"] = checkin.created_at, checkin.updated_at
    return row


def _page(owner: int, since: dt.date, until: dt.date) -> QuerySet[CheckIn]:
    return owned_between(owner, since, until).order_by("-day")


# The first page, asked most: compiled once (alongside.lib.prepared). A slice's bounds
# are written into the SQL, so other pages are compiled as usual.
_FIRST_PAGE = Prepared(
    lambda owner, since, until: _page(owner, since, until)[:DEFAULT_LIMIT],
    owner=int,
    since=dt.date,
    until=dt.date,
)


# exclude_unset: "help" appears only when it was set, i.e. only when the note worries.
@router.post(
    "/",
    response={201: CheckInSavedOut},
    summary="Add a check-in",
    description=f"The answer is the stored check-in. `help`: {HELP_DESCRIPTION}",
    exclude_unset=True,
)
def create_checkin(request: AuthedHttpRequest, payload: CheckInCreate) -> Status[dict[str, Any]]:
    day = payload.day or request.user.local_today()
    problem = day_problem(request.user, day)
    if problem:
        raise _field_error("day", problem)
    checkin = CheckIn(owner=request.user, day=day, mood=payload.mood)
    _apply(checkin, payload.model_dump())
    try:
        with transaction.atomic():
            checkin.save()
    except IntegrityError:
        raise _field_error("day", "You already checked in for this day.") from None
    return Status(201, _saved(checkin, _written(payload.model_dump())))


@router.get("/{int:checkin_id}", response=CheckInOut, summary="Read one check-in")
def get_checkin(request: AuthedHttpRequest, checkin_id: int) -> dict[str, Any]:
    return get_object_or_404(CheckIn, pk=checkin_id, owner=request.user).to_dict()


@router.patch(
    "/{int:checkin_id}",
    response=CheckInSavedOut,
    summary="Change a check-in",
    description=f"The answer is the stored check-in. `help`: {HELP_DESCRIPTION}",
    exclude_unset=True,
)
def update_checkin(
    request: AuthedHttpRequest, checkin_id: int, payload: CheckInUpdate
) -> dict[str, Any]:
    checkin = get_object_or_404(CheckIn, pk=checkin_id, owner=request.user)
    sent = payload.model_dump(exclude_unset=True)
    _apply(checkin, sent)
    checkin.save()
    return _saved(checkin, _written(sent))


def _written(data: dict[str, Any]) -> list[str]:
    """The free text in what was sent (for a change, only the parts sent)."""
    received, given = data.get("support_received") or {}, data.get("support_given") or {}
    return [data.get("note") or "", received.get("from_", ""), given.get("to", "")]


def _saved(checkin: CheckIn, written: list[str]) -> dict[str, Any]:
    body = checkin.to_dict()
    offer = help_offer(*written)
    if offer is not None:
        body["help"] = offer
    return body


@router.delete("/{int:checkin_id}", response={204: None}, summary="Delete a check-in")
def delete_checkin(request: AuthedHttpRequest, checkin_id: int) -> Status[None]:
    get_object_or_404(CheckIn, pk=checkin_id, owner=request.user).delete()
    return Status(204, None)
