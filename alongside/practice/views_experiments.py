"""Pages for reliance experiments, the ladder and relational experiments.

Small views: fetch (someone else's id is a 404), call a model method, render. What a
person sees of someone else's part comes from ``experiments_shared.reveal`` alone.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.circle import access
from alongside.lib.http import AuthedHttpRequest
from alongside.practice import experiments_shared
from alongside.practice.charts_experiments import (
    belief_chart,
    better_sentence,
    discomfort_chart,
    giving_receiving,
)
from alongside.practice.forms_experiments import (
    AfterForm,
    AskedForm,
    BeforeForm,
    LadderForm,
    StepForm,
)
from alongside.practice.models_experiments import (
    ENOUGH,
    LOOK_BACK,
    AlreadyAnswered,
    AskedAnswer,
    Ladder,
    RelianceExperiment,
    Step,
    StepOutOfRange,
)
from alongside.safety.crisis import offer_help


def _mine(request: AuthedHttpRequest, pk: int) -> RelianceExperiment:
    return get_object_or_404(
        RelianceExperiment.objects.select_related("person", "step", "invited"),
        pk=pk,
        owner=request.user,
    )


def invitable(experiment: RelianceExperiment) -> Any:
    """The linked account asked, when both share practice with each other; else None."""
    person = experiment.person
    if experiment.direction != "ask" or person is None or person.link is None:
        return None
    other = person.link.other(experiment.owner)
    if access.visible(other, experiment.owner, "practice") and access.visible(
        experiment.owner, other, "practice"
    ):
        return other
    return None


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    experiments = list(
        RelianceExperiment.objects.filter(owner=request.user).select_related("person", "step")
    )
    done = sorted((e for e in experiments if e.is_complete), key=lambda e: (e.after_at, e.pk))
    # One query, however many asks: "answered" comes along with each row.
    asked_of_me = [
        (e, e.answered)
        for e in RelianceExperiment.objects.filter(invited=request.user)
        .select_related("owner")
        .annotate(answered=Exists(AskedAnswer.objects.filter(experiment=OuterRef("pk"))))
    ]
    return render(
        request,
        "practice/experiments/index.html",
        {
            "experiments": experiments,
            "planned": [e for e in experiments if not e.is_complete],
            "done": list(reversed(done)),
            "ladders": Ladder.objects.filter(owner=request.user),
            "sentence": better_sentence(done),
            "discomfort": discomfort_chart(done),
            "belief": belief_chart(done),
            "giving": giving_receiving(done),
            "asked_of_me": asked_of_me,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def experiment_new(request: AuthedHttpRequest) -> HttpResponse:
    initial = {}
    step_id = request.GET.get("step", "")
    if step_id.isdigit():
        step = Step.objects.filter(pk=int(step_id), ladder__owner=request.user).first()
        if step is not None:
            initial["step"] = step.pk
    form = BeforeForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        experiment = form.save()
        messages.success(request, _("Saved. Come back after the ask and write down what happened."))
        offer_help(request, experiment.belief, experiment.prediction, experiment.safety_other)
        return redirect("practice:experiment", pk=experiment.pk)
    return render(request, "practice/experiments/before.html", {"form": form})


@login_required
def experiment_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    experiment = _mine(request, pk)
    return render(
        request,
        "practice/experiments/detail.html",
        {
            "experiment": experiment,
            "invitable": invitable(experiment) if experiment.invited_id is None else None,
            "asked": experiments_shared.reveal(experiment, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def experiment_after(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    experiment = _mine(request, pk)
    initial = (
        {
            "happened": experiment.happened,
            "came_true": experiment.came_true,
            "discomfort_felt": experiment.discomfort_felt,
            "learned": experiment.learned,
            "belief_after": experiment.belief_after,
        }
        if experiment.after_at
        else {}
    )
    form = AfterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        experiment.record_after(**form.cleaned_data)
        messages.success(request, _("Thank you. Whatever happened, you tried something new."))
        offer_help(request, form.cleaned_data.get("happened"), form.cleaned_data.get("learned"))
        return redirect("practice:experiment", pk=experiment.pk)
    return render(
        request, "practice/experiments/after.html", {"form": form, "experiment": experiment}
    )


@login_required
@require_POST
def experiment_invite(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    experiment = _mine(request, pk)
    other = invitable(experiment)
    if experiment.invited_id is None and other is not None:
        experiment.invited = other
        experiment.save(update_fields=["invited"])
        messages.success(
            request,
            _(
                "%(name)s can now answer one question about it. You'll both see the answers once both of you have answered."
            )
            % {"name": str(other)},
        )
    return redirect("practice:experiment", pk=experiment.pk)


@login_required
def experiment_asked(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The relational part alone (for htmx to refresh in place)."""
    experiment = _mine(request, pk)
    return render(
        request,
        "practice/experiments/_asked.html",
        {"experiment": experiment, "asked": experiments_shared.reveal(experiment, request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def asked(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The invited person's side: one blind question, or no answer at all."""
    experiment = get_object_or_404(
        RelianceExperiment.objects.select_related("owner"), pk=pk, invited=request.user
    )
    form = AskedForm(request.POST or None)
    if request.method == "POST":
        decline = "decline" in request.POST
        if decline or form.is_valid():
            try:
                AskedAnswer.give(
                    experiment=experiment,
                    owner=request.user,
                    rating=None if decline else form.cleaned_data["rating"],
                    word="" if decline else form.cleaned_data["word"],
                )
            except AlreadyAnswered:
                messages.info(request, _("You answered this before; your answer stays as it was."))
            return redirect("practice:asked", pk=experiment.pk)
    template = (
        "practice/experiments/_asked_form.html"
        if getattr(request, "htmx", False)
        else "practice/experiments/asked.html"
    )
    return render(
        request,
        template,
        {
            "experiment": experiment,
            "asker": str(experiment.owner),
            "form": form,
            "asked": experiments_shared.reveal(experiment, request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def ladder_new(request: AuthedHttpRequest) -> HttpResponse:
    form = LadderForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ladder = form.save(commit=False)
        ladder.owner = request.user
        ladder.save()
        return redirect("practice:ladder", pk=ladder.pk)
    return render(request, "practice/experiments/ladder_new.html", {"form": form})


def _ladder_page(
    request: AuthedHttpRequest, ladder: Ladder, step_form: StepForm | None = None
) -> HttpResponse:
    steps = ladder.ordered_steps()
    return render(
        request,
        "practice/experiments/ladder.html",
        {
            "ladder": ladder,
            "steps": [(s, s.experiments.order_by("created_at", "pk")) for s in steps],
            "suggestion": ladder.suggestion(),
            "step_form": step_form or StepForm(),
            "look_back": LOOK_BACK,
            "enough": ENOUGH,
        },
    )


@login_required
def ladder_detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    return _ladder_page(request, get_object_or_404(Ladder, pk=pk, owner=request.user))


@login_required
@require_POST
def step_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    ladder = get_object_or_404(Ladder, pk=pk, owner=request.user)
    form = StepForm(request.POST)
    if not form.is_valid():
        return _ladder_page(request, ladder, form)
    ladder.add_step(form.cleaned_data["text"])
    return redirect("practice:ladder", pk=ladder.pk)


@login_required
@require_POST
def step_move(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    step = get_object_or_404(Step, pk=pk, ladder__owner=request.user)
    try:
        step.move(request.POST.get("direction", ""))
    except StepOutOfRange:
        messages.info(
            request,
            _("“%(step)s” is already at that end of the ladder, so nothing moved.")
            % {"step": step.text},
        )
    return redirect(f"{step.ladder.get_absolute_url()}#step-{step.pk}")
