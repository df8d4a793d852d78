"""The practice API's experiments half: experiments, ladders and steps, blind answers.

Separate input and output schemas per operation; strict input (a string is not a
number, unknown fields are refused) so a 422 names the field; someone else's id is 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import BaseModel, Field

from alongside.circle.models import Person
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import Strict as _Strict
from alongside.lib.schemas import Text
from alongside.practice import experiments_shared
from alongside.practice.models_experiments import (
    ASKED_MAX,
    ASKED_MIN,
    RATING_MAX,
    RATING_MIN,
    SHORT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    WORD_MAX_LENGTH,
    AlreadyAnswered,
    AskedAnswer,
    Ladder,
    RelianceExperiment,
    Step,
    StepOutOfRange,
)

router = Router(tags=["practice"])


Percent = Annotated[int, Field(ge=RATING_MIN, le=RATING_MAX)]
SafetyBehaviour = Literal["apologising", "doing_it_first", "vague", "explaining"]


def _field_error(field: str, message: str) -> ValidationError:
    return ValidationError([{"loc": ["body", field], "msg": message, "type": "value_error"}])


class ExperimentCreate(_Strict):
    """The before part. The after part is its own call, once this exists."""

    direction: Literal["ask", "offer"] = "ask"
    step_id: int | None = None
    person_id: int | None = None
    person_text: Text = Field("", max_length=80)
    belief: Text = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)
    belief_strength: Percent
    prediction: Text = Field(..., min_length=1, max_length=TEXT_MAX_LENGTH)
    prediction_likelihood: Percent
    discomfort_expected: Percent
    safety_behaviours: list[SafetyBehaviour] = Field(default_factory=list)
    safety_other: Text = Field("", max_length=SHORT_MAX_LENGTH)
    is_private: bool = False


# On calls about an id, the fields a person must send are checked after the id (see
# ``_require``): someone else's id answers 404 whatever the body, as everywhere else.
REQUIRED = "required"


class AfterIn(_Strict):
    """All fields are required but ``learned``."""

    happened: Text | None = Field(None, min_length=1, max_length=TEXT_MAX_LENGTH)
    came_true: Literal["no", "partly", "yes"] | None = None
    discomfort_felt: Percent | None = None
    learned: Text = Field("", max_length=TEXT_MAX_LENGTH)
    belief_strength: Percent | None = None


class BeforeOut(Schema):
    belief: str
    belief_strength: int
    prediction: str
    prediction_likelihood: int
    discomfort_expected: int
    safety_behaviours: list[str]
    safety_other: str


class AfterOut(Schema):
    happened: str
    came_true: str
    discomfort_felt: int
    learned: str
    belief_strength: int


class ExperimentOut(Schema):
    id: int
    direction: str
    step_id: int | None
    person_id: int | None
    person_text: str
    suggested_by_id: int | None
    before: BeforeOut
    after: AfterOut | None
    prediction_error: int | None = Field(
        description="How likely the prediction felt minus how much of it came true (0, 50 "
        "or 100); positive: better than predicted."
    )
    discomfort_error: int | None = Field(description="Discomfort expected minus felt.")
    belief_change: int | None = Field(description="Belief before minus after.")
    went_better: bool | None
    complete: bool
    is_private: bool
    invited: bool
    their_answer: AskedOut | None = Field(
        None, description="The asked person's answer, only once both have answered."
    )
    created_at: dt.datetime
    after_at: dt.datetime | None


class AskedOut(Schema):
    rating: int
    word: str


class LadderCreate(_Strict):
    title: Text = Field(..., min_length=1, max_length=SHORT_MAX_LENGTH)
    is_private: bool = False


class StepOut(Schema):
    id: int
    ladder_id: int
    text: str
    position: int
    experiment_ids: list[int]


class LadderOut(Schema):
    id: int
    title: str
    is_private: bool
    created_at: dt.datetime
    steps: list[StepOut]
    suggested_step_id: int | None


class StepCreate(_Strict):
    text: Text | None = Field(None, min_length=1, max_length=SHORT_MAX_LENGTH, description=REQUIRED)


class StepMove(_Strict):
    direction: Literal["up", "down"] | None = Field(None, description=REQUIRED)


class AskedIn(_Strict):
    """Answer with a rating (1 to 5) and an optional word, or decline (no rating)."""

    rating: int | None = Field(None, ge=ASKED_MIN, le=ASKED_MAX)
    word: Text = Field("", max_length=WORD_MAX_LENGTH)
    decline: bool = False


class AskOfMeOut(Schema):
    experiment_id: int
    asker: str
    answered: bool
    their_part: dict[str, Any] | None = Field(
        None, description="How it went for the asker, only once both have answered."
    )


def _require(payload: BaseModel, *names: str) -> None:
    for name in names:
        if getattr(payload, name) is None:
            raise ValidationError(
                [{"loc": ["body", name], "msg": "Field required", "type": "missing"}]
            )


def _experiment_out(experiment: RelianceExperiment, viewer: Any) -> dict[str, Any]:
    data = experiment.to_dict()
    shown = experiments_shared.reveal(experiment, viewer)
    data["their_answer"] = (
        {"rating": shown.theirs.rating, "word": shown.theirs.word} if shown.revealed else None
    )
    return data


@router.get("/experiments", response=list[ExperimentOut], summary="List your experiments")
def list_experiments(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    rows = RelianceExperiment.objects.filter(owner=request.user).select_related("invited")
    return [_experiment_out(e, request.user) for e in rows]


@router.post("/experiments", response={201: ExperimentOut}, summary="Plan an experiment")
def create_experiment(
    request: AuthedHttpRequest, payload: ExperimentCreate
) -> Status[dict[str, Any]]:
    data = payload.model_dump()
    step = None
    if data["step_id"] is not None:
        step = Step.objects.filter(pk=data["step_id"], ladder__owner=request.user).first()
        if step is None:
            raise _field_error("step_id", "No such step on your ladders.")
    person = None
    if data["person_id"] is not None:
        person = Person.objects.filter(pk=data["person_id"], owner=request.user).first()
        if person is None:
            raise _field_error("person_id", "No such person in your circle.")
    experiment = RelianceExperiment.objects.create(
        owner=request.user,
        step=step,
        person=person,
        direction=data["direction"],
        person_text=data["person_text"],
        belief=data["belief"],
        belief_before=data["belief_strength"],
        prediction=data["prediction"],
        prediction_likelihood=data["prediction_likelihood"],
        discomfort_expected=data["discomfort_expected"],
        safety_behaviours=data["safety_behaviours"],
        safety_other=data["safety_other"],
        is_private=data["is_private"],
    )
    return Status(201, _experiment_out(experiment, request.user))


@router.get(
    "/experiments/{int:experiment_id}", response=ExperimentOut, summary="Read one experiment"
)
def get_experiment(request: AuthedHttpRequest, experiment_id: int) -> dict[str, Any]:
    experiment = get_object_or_404(RelianceExperiment, pk=experiment_id, owner=request.user)
    return _experiment_out(experiment, request.user)


@router.post(
    "/experiments/{int:experiment_id}/after",
    response=ExperimentOut,
    summary="Write (or rewrite) what happened",
)
def record_after(
    request: AuthedHttpRequest, experiment_id: int, payload: AfterIn
) -> dict[str, Any]:
    experiment = get_object_or_404(RelianceExperiment, pk=experiment_id, owner=request.user)
    _require(payload, "happened", "came_true", "discomfort_felt", "belief_strength")
    data = payload.model_dump()
    experiment.record_after(
        happened=data["happened"],
        came_true=data["came_true"],
        discomfort_felt=data["discomfort_felt"],
        learned=data["learned"],
        belief_after=data["belief_strength"],
    )
    return _experiment_out(experiment, request.user)


@router.delete(
    "/experiments/{int:experiment_id}", response={204: None}, summary="Delete an experiment"
)
def delete_experiment(request: AuthedHttpRequest, experiment_id: int) -> Status[None]:
    get_object_or_404(RelianceExperiment, pk=experiment_id, owner=request.user).delete()
    return Status(204, None)


@router.get("/ladders", response=list[LadderOut], summary="List your ladders")
def list_ladders(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [ladder.to_dict() for ladder in Ladder.objects.filter(owner=request.user)]


@router.post("/ladders", response={201: LadderOut}, summary="Start a ladder")
def create_ladder(request: AuthedHttpRequest, payload: LadderCreate) -> Status[dict[str, Any]]:
    ladder = Ladder.objects.create(
        owner=request.user, title=payload.title, is_private=payload.is_private
    )
    return Status(201, ladder.to_dict())


@router.get("/ladders/{int:ladder_id}", response=LadderOut, summary="Read one ladder")
def get_ladder(request: AuthedHttpRequest, ladder_id: int) -> dict[str, Any]:
    return get_object_or_404(Ladder, pk=ladder_id, owner=request.user).to_dict()


@router.post(
    "/ladders/{int:ladder_id}/steps",
    response={201: StepOut},
    summary="Add a step at the hard end of a ladder",
)
def create_step(
    request: AuthedHttpRequest, ladder_id: int, payload: StepCreate
) -> Status[dict[str, Any]]:
    ladder = get_object_or_404(Ladder, pk=ladder_id, owner=request.user)
    _require(payload, "text")
    return Status(201, ladder.add_step(str(payload.text)).to_dict())


@router.get("/steps/{int:step_id}", response=StepOut, summary="Read one step")
def get_step(request: AuthedHttpRequest, step_id: int) -> dict[str, Any]:
    return get_object_or_404(Step, pk=step_id, ladder__owner=request.user).to_dict()


@router.post(
    "/steps/{int:step_id}/move",
    response=LadderOut,
    summary="Move a step up (easier) or down (harder)",
)
def move_step(request: AuthedHttpRequest, step_id: int, payload: StepMove) -> dict[str, Any]:
    step = get_object_or_404(
        Step.objects.select_related("ladder"), pk=step_id, ladder__owner=request.user
    )
    _require(payload, "direction")
    try:
        step.move(str(payload.direction))
    except StepOutOfRange:
        raise _field_error(
            "direction",
            f"This step is already at the {'top' if payload.direction == 'up' else 'bottom'} of its ladder.",
        ) from None
    return step.ladder.to_dict()


@router.get("/asked", response=list[AskOfMeOut], summary="Experiments that asked something of you")
def list_asked(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    rows = RelianceExperiment.objects.filter(invited=request.user).select_related("owner")
    return [_asked_out(e, request.user) for e in rows]


def _asked_out(experiment: RelianceExperiment, viewer: Any) -> dict[str, Any]:
    shown = experiments_shared.reveal(experiment, viewer)
    theirs = shown.theirs if shown.revealed else None
    return {
        "experiment_id": experiment.pk,
        "asker": str(experiment.owner),
        "answered": shown.mine is not None,
        "their_part": {
            "discomfort_expected": theirs.discomfort_expected,
            "discomfort_felt": theirs.discomfort_felt,
            "went_better": theirs.went_better,
        }
        if theirs is not None
        else None,
    }


@router.post(
    "/asked/{int:experiment_id}",
    response={201: AskOfMeOut},
    summary="Answer (or decline) the blind question about being asked",
)
def answer_asked(
    request: AuthedHttpRequest, experiment_id: int, payload: AskedIn
) -> Status[dict[str, Any]]:
    experiment = get_object_or_404(
        RelianceExperiment.objects.select_related("owner"), pk=experiment_id, invited=request.user
    )
    if not payload.decline and payload.rating is None:
        raise _field_error("rating", "A rating from 1 to 5, or decline: true.")
    try:
        AskedAnswer.give(
            experiment=experiment,
            owner=request.user,
            rating=None if payload.decline else payload.rating,
            word=payload.word,
        )
    except AlreadyAnswered:
        raise _field_error(
            "rating", "You answered this before; answers stay as first given."
        ) from None
    return Status(201, _asked_out(experiment, request.user))
