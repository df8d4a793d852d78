"""The API for growth goals, their steps and prompt answers (``/api/v1/practice``).

Inputs and outputs have separate schemas; inputs are strict (no unknown fields, no
coercion), so a mistake answers 422 naming the field. Ids of anything the caller may not
see answer 404, exactly as ids that never existed.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.errors import ValidationError
from ninja.responses import Status
from pydantic import AfterValidator, Field, StringConstraints

from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import Strict as _Strict
from alongside.lib.schemas import Text, documented, read_body, refuse_nul
from alongside.practice import prompts_growth
from alongside.practice.models_growth import (
    ANSWER_MAX_LENGTH,
    STEP_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    WHY_MAX_LENGTH,
    Goal,
    GoalProblem,
    GoalStep,
    PromptEntry,
    sharing_partners,
)

router = Router(tags=["practice: goals and prompts"])


# A title or a step needs something in it besides spaces.
Words = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1), AfterValidator(refuse_nul)
]


def _field_error(loc: list[str], message: str) -> ValidationError:
    return ValidationError([{"loc": loc, "msg": message, "type": "value_error"}])


# Goals ----------------------------------------------------------------------------------


class GoalCreate(_Strict):
    title: Words = Field(..., max_length=TITLE_MAX_LENGTH)
    why: Text = Field("", max_length=WHY_MAX_LENGTH)
    share_with_partner: bool = Field(
        False,
        description="Suggest it to your partner; it becomes shared once they accept. Needs "
        "you both to share “practice” with each other.",
    )


class GoalUpdate(_Strict):
    title: Words | None = Field(None, max_length=TITLE_MAX_LENGTH)
    why: Text | None = Field(None, max_length=WHY_MAX_LENGTH)


class GoalOut(Schema):
    id: int
    title: str
    why: str
    state: str = Field(..., description="personal, proposed (waiting for an answer) or shared")
    mine: bool = Field(..., description="You wrote this goal.")
    with_name: str | None = Field(
        None, description="The partner it is suggested to or shared with."
    )
    created_at: dt.datetime
    shared_at: dt.datetime | None


def _goal_out(goal: Goal, viewer: Any) -> dict[str, Any]:
    other = goal.other(viewer)
    return {
        **goal.to_dict(),
        "mine": goal.owner_id == viewer.pk,
        "with_name": str(other) if other is not None else None,
    }


def _goal(request: AuthedHttpRequest, goal_id: int) -> Goal:
    goal = Goal.visible_to(request.user, goal_id)
    if goal is None:
        raise Http404
    return goal


@router.get("/goals", response=list[GoalOut], summary="List your goals and those shared with you")
def list_goals(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    own = list(Goal.objects.filter(owner=request.user))
    return [_goal_out(g, request.user) for g in [*own, *Goal.offered_to(request.user)]]


@router.post("/goals", response={201: GoalOut}, summary="Start a goal")
def create_goal(request: AuthedHttpRequest, payload: GoalCreate) -> Status[dict[str, Any]]:
    partners = sharing_partners(request.user)
    if payload.share_with_partner and not partners:
        raise _field_error(
            ["body", "share_with_partner"],
            "Sharing a goal needs you and your partner to share “practice” with each other.",
        )
    with transaction.atomic():
        goal = Goal.objects.create(owner=request.user, title=payload.title, why=payload.why)
        if payload.share_with_partner:
            goal.propose(partners[0])
    return Status(201, _goal_out(goal, request.user))


@router.get("/goals/{int:goal_id}", response=GoalOut, summary="Read one goal")
def get_goal(request: AuthedHttpRequest, goal_id: int) -> dict[str, Any]:
    return _goal_out(_goal(request, goal_id), request.user)


@router.patch("/goals/{int:goal_id}", response=GoalOut, summary="Change a goal you wrote")
def update_goal(request: AuthedHttpRequest, goal_id: int, payload: GoalUpdate) -> dict[str, Any]:
    goal = get_object_or_404(Goal, pk=goal_id, owner=request.user)
    for key, value in payload.model_dump(exclude_unset=True).items():
        if value is None:
            raise _field_error(["body", key], "This field cannot be empty.")
        setattr(goal, key, value)
    goal.save()
    return _goal_out(goal, request.user)


@router.delete("/goals/{int:goal_id}", response={204: None}, summary="Remove a goal you wrote")
def delete_goal(request: AuthedHttpRequest, goal_id: int) -> Status[None]:
    goal = get_object_or_404(Goal, pk=goal_id, owner=request.user)
    if goal.is_shared():
        raise _field_error(["path", "goal_id"], "Leave the shared goal first; then remove it.")
    goal.delete()
    return Status(204, None)


def _change(request: AuthedHttpRequest, goal_id: int, action: str) -> dict[str, Any]:
    goal = _goal(request, goal_id)
    try:
        if action == "accept":
            goal.accept(request.user)
        elif action == "decline":
            goal.decline(request.user)
            goal.refresh_from_db()
            return _goal_out(goal, request.user) | {"mine": False, "with_name": None}
        else:
            goal = goal.leave(request.user) or goal
    except GoalProblem as problem:
        raise _field_error(["path", "goal_id"], str(problem)) from None
    return _goal_out(goal, request.user)


@router.post(
    "/goals/{int:goal_id}/accept",
    response=GoalOut,
    summary="Accept a goal your partner suggested; it becomes shared",
)
def accept_goal(request: AuthedHttpRequest, goal_id: int) -> dict[str, Any]:
    return _change(request, goal_id, "accept")


@router.post(
    "/goals/{int:goal_id}/decline",
    response=GoalOut,
    summary="Decline a suggested goal; it stays your partner's own",
)
def decline_goal(request: AuthedHttpRequest, goal_id: int) -> dict[str, Any]:
    return _change(request, goal_id, "decline")


@router.post(
    "/goals/{int:goal_id}/leave",
    response=GoalOut,
    summary="Leave a shared goal (or take back a suggestion); answers with the goal you keep",
)
def leave_goal(request: AuthedHttpRequest, goal_id: int) -> dict[str, Any]:
    return _change(request, goal_id, "leave")


# Steps ----------------------------------------------------------------------------------


class StepCreate(_Strict):
    text: Words = Field(..., max_length=STEP_MAX_LENGTH)
    done: bool = False


class StepUpdate(_Strict):
    text: Words | None = Field(None, max_length=STEP_MAX_LENGTH)
    done: bool | None = None


class StepOut(Schema):
    id: int
    goal_id: int
    text: str
    done: bool
    mine: bool
    done_at: dt.datetime | None
    created_at: dt.datetime


def _step_out(step: GoalStep, viewer: Any) -> dict[str, Any]:
    return {**step.to_dict(), "mine": step.author_id == viewer.pk}


@router.get("/goals/{int:goal_id}/steps", response=list[StepOut], summary="List a goal's steps")
def list_steps(request: AuthedHttpRequest, goal_id: int) -> list[dict[str, Any]]:
    goal = _goal(request, goal_id)
    return [_step_out(s, request.user) for s in goal.steps_for(request.user)]


@router.post(
    "/goals/{int:goal_id}/steps",
    response={201: StepOut},
    summary="Add a step",
    openapi_extra=documented(StepCreate),
)
def create_step(request: AuthedHttpRequest, goal_id: int) -> Status[dict[str, Any]]:
    goal = _goal(request, goal_id)
    payload = read_body(request, StepCreate)
    if goal.state == "proposed" and goal.owner_id != request.user.pk:
        raise _field_error(["path", "goal_id"], "Accept the goal first; then add your steps.")
    step = GoalStep.objects.create(goal=goal, author=request.user, text=payload.text)
    if payload.done:
        step.set_done(True)
    return Status(201, _step_out(step, request.user))


def _own_step(request: AuthedHttpRequest, goal_id: int, step_id: int) -> GoalStep:
    goal = _goal(request, goal_id)
    return get_object_or_404(GoalStep, pk=step_id, goal=goal, author=request.user)


@router.patch(
    "/goals/{int:goal_id}/steps/{int:step_id}",
    response=StepOut,
    summary="Change or check a step you wrote",
)
def update_step(
    request: AuthedHttpRequest, goal_id: int, step_id: int, payload: StepUpdate
) -> dict[str, Any]:
    step = _own_step(request, goal_id, step_id)
    data = payload.model_dump(exclude_unset=True)
    for key in ("text", "done"):
        if key in data and data[key] is None:
            raise _field_error(["body", key], "This field cannot be empty.")
    if "text" in data:
        step.text = data["text"]
        step.save(update_fields=["text"])
    if "done" in data:
        step.set_done(data["done"])
    return _step_out(step, request.user)


@router.delete(
    "/goals/{int:goal_id}/steps/{int:step_id}",
    response={204: None},
    summary="Remove a step you wrote",
)
def delete_step(request: AuthedHttpRequest, goal_id: int, step_id: int) -> Status[None]:
    _own_step(request, goal_id, step_id).delete()
    return Status(204, None)


# Prompts and answers --------------------------------------------------------------------


class PromptOut(Schema):
    key: str
    group: str
    depth: int = Field(..., description="1 light, 2 a little deeper, 3 deep")
    text: str


class AnswerCreate(_Strict):
    prompt_key: str = Field(..., max_length=40)
    text: Words = Field(..., max_length=ANSWER_MAX_LENGTH)
    shared: bool = Field(
        False,
        description="Share with your partner by mutual reveal: they see it only once they "
        "have shared their own answer to the same prompt.",
    )


class AnswerUpdate(_Strict):
    text: Words | None = Field(None, max_length=ANSWER_MAX_LENGTH)
    shared: bool | None = None


class AnswerOut(Schema):
    id: int
    prompt_key: str
    prompt: str
    text: str
    shared: bool
    created_at: dt.datetime
    updated_at: dt.datetime


class RevealOut(Schema):
    prompt: PromptOut
    mine: AnswerOut | None
    partner_answer: str | None = Field(
        None, description="Your partner's answer, only once you have both shared one."
    )


def _prompt_out(prompt: prompts_growth.Prompt) -> dict[str, Any]:
    return {
        "key": prompt.key,
        "group": prompt.group,
        "depth": prompt.depth,
        "text": str(prompt.text),
    }


@router.get("/prompts", response=list[PromptOut], summary="The prompt set, lightest first")
def list_prompts(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [_prompt_out(p) for p in prompts_growth.PROMPTS]


@router.get(
    "/prompts/{prompt_key}",
    response=RevealOut,
    summary="One prompt with your answer and, after mutual reveal, your partner's",
)
def get_prompt(request: AuthedHttpRequest, prompt_key: str) -> dict[str, Any]:
    prompt = prompts_growth.get(prompt_key)
    if prompt is None:
        raise Http404
    reveal = PromptEntry.reveal(prompt, request.user)
    return {
        "prompt": _prompt_out(prompt),
        "mine": reveal.mine.to_dict() if reveal.mine else None,
        "partner_answer": reveal.theirs.text if reveal.theirs else None,
    }


@router.get("/prompt-answers", response=list[AnswerOut], summary="List your prompt answers")
def list_answers(request: AuthedHttpRequest) -> list[dict[str, Any]]:
    return [a.to_dict() for a in PromptEntry.objects.filter(author=request.user)]


@router.post("/prompt-answers", response={201: AnswerOut}, summary="Answer a prompt")
def create_answer(request: AuthedHttpRequest, payload: AnswerCreate) -> Status[dict[str, Any]]:
    if prompts_growth.get(payload.prompt_key) is None:
        raise _field_error(["body", "prompt_key"], "There is no prompt with this key.")
    if payload.shared and not sharing_partners(request.user):
        raise _field_error(
            ["body", "shared"],
            "Sharing an answer needs you and your partner to share “practice” with each other.",
        )
    try:
        with transaction.atomic():
            entry = PromptEntry.objects.create(
                author=request.user,
                prompt_key=payload.prompt_key,
                text=payload.text,
                is_private=not payload.shared,
            )
    except IntegrityError:
        raise _field_error(
            ["body", "prompt_key"], "You already answered this prompt; change that answer instead."
        ) from None
    return Status(201, entry.to_dict())


@router.get("/prompt-answers/{int:answer_id}", response=AnswerOut, summary="Read one answer")
def get_answer(request: AuthedHttpRequest, answer_id: int) -> dict[str, Any]:
    return get_object_or_404(PromptEntry, pk=answer_id, author=request.user).to_dict()


@router.patch("/prompt-answers/{int:answer_id}", response=AnswerOut, summary="Change an answer")
def update_answer(
    request: AuthedHttpRequest, answer_id: int, payload: AnswerUpdate
) -> dict[str, Any]:
    entry = get_object_or_404(PromptEntry, pk=answer_id, author=request.user)
    data = payload.model_dump(exclude_unset=True)
    for key in ("text", "shared"):
        if key in data and data[key] is None:
            raise _field_error(["body", key], "This field cannot be empty.")
    if data.get("shared") and not sharing_partners(request.user):
        raise _field_error(
            ["body", "shared"],
            "Sharing an answer needs you and your partner to share “practice” with each other.",
        )
    if "text" in data:
        entry.text = data["text"]
    if "shared" in data:
        entry.is_private = not data["shared"]
    entry.save()
    return entry.to_dict()


@router.delete("/prompt-answers/{int:answer_id}", response={204: None}, summary="Delete an answer")
def delete_answer(request: AuthedHttpRequest, answer_id: int) -> Status[None]:
    get_object_or_404(PromptEntry, pk=answer_id, author=request.user).delete()
    return Status(204, None)
