"""Growth goals and vulnerability prompts: small views; the rules live on the models.

Every goal id is looked up through ``Goal.visible_to`` (own goals, or a partner's goal
read through the read path); steps are changed only by their author. Anything else
answers 404, so nobody can tell whether an id exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from alongside.lib import charts
from alongside.lib.http import AuthedHttpRequest
from alongside.practice import prompts_growth
from alongside.practice.forms_growth import AnswerForm, GoalForm, StepForm
from alongside.practice.models_growth import (
    Goal,
    GoalProblem,
    GoalStep,
    PromptEntry,
    PromptSkip,
    next_prompt,
    sharing_partners,
)
from alongside.safety.crisis import offer_help


def _goal(request: AuthedHttpRequest, pk: int) -> Goal:
    goal = Goal.visible_to(request.user, pk)
    if goal is None:
        raise Http404
    return goal


def progress(goal: Goal, viewer: object, steps: list[GoalStep]) -> charts.Chart | None:
    """Checked steps per person, as a picture and a sentence; None before any step."""
    if not steps:
        return None
    other = goal.other(viewer) if goal.is_shared() else None
    people = [(viewer, _("You"))] + ([(other, str(other))] if other is not None else [])
    rows = []
    for person, label in people:
        own = [s for s in steps if s.author_id == getattr(person, "pk", None)]
        rows.append((str(label), [float(sum(s.done for s in own)), float(len(own))]))
    done = sum(s.done for s in steps)
    summary = ngettext(
        "%(done)d of %(count)d step checked so far.",
        "%(done)d of %(count)d steps checked so far.",
        len(steps),
    ) % {"done": done, "count": len(steps)}
    svg = charts.paired_bars(
        rows,
        names=[_("checked"), _("all steps")],
        low=0,
        high=max(max(r[1][1] for r in rows), 1),
        title=_("Steps on this goal"),
        desc=summary,
    )
    return charts.Chart(svg=svg, summary=summary)


@login_required
def goals(request: AuthedHttpRequest) -> HttpResponse:
    offered = Goal.offered_to(request.user)
    own = list(Goal.objects.filter(owner=request.user).select_related("partner"))
    return render(
        request,
        "practice/growth/goals.html",
        {
            "proposals": [g for g in offered if g.state == "proposed"],
            "shared": [(g, g.other(request.user)) for g in [*own, *offered] if g.is_shared()],
            "waiting": [g for g in own if g.state == "proposed"],
            "personal": [g for g in own if g.state == "personal"],
            "can_share": bool(sharing_partners(request.user)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def goal_new(request: AuthedHttpRequest) -> HttpResponse:
    partners = sharing_partners(request.user)
    form = GoalForm(request.POST or None, partners=partners)
    if request.method == "POST" and form.is_valid():
        goal = form.save(commit=False)
        goal.owner = request.user
        goal.save()
        partner = form.partner()
        if partner is not None:
            goal.propose(partner)
            messages.success(
                request,
                _("Your goal is saved. %(name)s can now choose whether to share it.")
                % {"name": partner},
            )
        return redirect("practice:goal", goal.pk)
    return render(request, "practice/growth/goal_new.html", {"form": form})


def _goal_page(
    request: AuthedHttpRequest, goal: Goal, step_form: StepForm | None = None
) -> HttpResponse:
    steps = goal.steps_for(request.user)
    return render(
        request,
        "practice/growth/goal.html",
        {
            "goal": goal,
            "other": goal.other(request.user),
            "is_owner": goal.owner_id == request.user.pk,
            "steps": steps,
            "chart": progress(goal, request.user, steps),
            "step_form": step_form or StepForm(),
            "can_add": goal.state != "proposed" or goal.owner_id == request.user.pk,
        },
        status=422 if step_form is not None and step_form.errors else 200,
    )


@login_required
def goal(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _goal_page(request, _goal(request, pk))


@login_required
@require_POST
def step_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = _goal(request, pk)
    if goal.state == "proposed" and goal.owner_id != request.user.pk:
        raise Http404  # steps come once you have said yes
    form = StepForm(request.POST)
    if not form.is_valid():
        return _goal_page(request, goal, form)
    step = form.save(commit=False)
    step.goal, step.author = goal, request.user
    step.save()
    return redirect(f"{goal_url(goal)}#steps")


def goal_url(goal: Goal) -> str:
    from django.urls import reverse

    return reverse("practice:goal", args=[goal.pk])


def _own_step(request: AuthedHttpRequest, pk: int) -> GoalStep:
    step = get_object_or_404(GoalStep.objects.select_related("goal"), pk=pk, author=request.user)
    if Goal.visible_to(request.user, step.goal_id) is None:
        raise Http404
    return step


@login_required
@require_POST
def step_check(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    step = _own_step(request, pk)
    step.set_done(request.POST.get("done") == "1")
    return redirect(f"{goal_url(step.goal)}#step-{step.pk}")


@login_required
@require_POST
def step_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    step = _own_step(request, pk)
    step.delete()
    messages.success(request, _("The step is removed."))
    return redirect(f"{goal_url(step.goal)}#steps")


def _change(request: AuthedHttpRequest, pk: int, action: str) -> HttpResponse:
    goal = _goal(request, pk)
    try:
        if action == "accept":
            goal.accept(request.user)
            messages.success(request, _("You now share this goal."))
        elif action == "decline":
            goal.decline(request.user)
            messages.success(request, _("Thank you for answering. The goal stays theirs."))
            return redirect("practice:goals")
        else:
            kept = goal.leave(request.user)
            messages.success(request, _("This goal is yours alone now, with the steps you wrote."))
            return redirect("practice:goal", kept.pk) if kept else redirect("practice:goals")
    except GoalProblem as problem:
        messages.error(request, str(problem))
    return redirect("practice:goal", goal.pk)


@login_required
@require_POST
def goal_accept(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "accept")


@login_required
@require_POST
def goal_decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "decline")


@login_required
@require_POST
def goal_leave(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, "leave")


@login_required
@require_POST
def goal_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(Goal, pk=pk, owner=request.user)
    if goal.is_shared():
        messages.error(request, _("Leave the shared goal first; then you can remove it."))
        return redirect("practice:goal", goal.pk)
    goal.delete()
    messages.success(request, _("The goal is removed."))
    return redirect("practice:goals")


@login_required
def prompts(request: AuthedHttpRequest) -> HttpResponse:
    entries = {e.prompt_key: e for e in PromptEntry.objects.filter(author=request.user)}
    skipped = set(
        PromptSkip.objects.filter(owner=request.user).values_list("prompt_key", flat=True)
    )
    depths = [
        (
            label,
            [
                (p, entries.get(p.key), p.key in skipped)
                for p in prompts_growth.PROMPTS
                if p.depth == depth
            ],
        )
        for depth, label in prompts_growth.DEPTHS.items()
    ]
    return render(
        request,
        "practice/growth/prompts.html",
        {"next": next_prompt(request.user), "depths": depths},
    )


def _prompt(key: str) -> prompts_growth.Prompt:
    found = prompts_growth.get(key)
    if found is None:
        raise Http404
    return found


@login_required
@require_http_methods(["GET", "POST"])
def prompt(request: AuthedHttpRequest, key: str) -> HttpResponse:
    chosen = _prompt(key)
    entry = PromptEntry.objects.filter(author=request.user, prompt_key=key).first()
    can_share = bool(sharing_partners(request.user))
    form = AnswerForm(request.POST or None, instance=entry, can_share=can_share)
    if request.method == "POST" and form.is_valid():
        saved = form.save(commit=False)
        saved.author, saved.prompt_key = request.user, key
        saved.save()
        PromptSkip.objects.filter(owner=request.user, prompt_key=key).delete()
        messages.success(request, _("Your answer is saved."))
        offer_help(request, saved.text)
        return redirect("practice:prompt", key)
    return render(
        request,
        "practice/growth/prompt.html",
        {
            "prompt": chosen,
            "form": form,
            "reveal": PromptEntry.reveal(chosen, request.user),
            "later": next_prompt(request.user, after_key=key),
        },
        status=422 if form.errors else 200,
    )


@login_required
@require_POST
def prompt_skip(request: AuthedHttpRequest, key: str) -> HttpResponse:
    chosen = _prompt(key)
    PromptSkip.objects.get_or_create(owner=request.user, prompt_key=chosen.key)
    upcoming = next_prompt(request.user, after_key=key)
    if upcoming is None:
        return redirect("practice:prompts")
    return redirect("practice:prompt", upcoming.key)
