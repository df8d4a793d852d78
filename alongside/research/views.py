"""A participant's pages: my studies, joining with a code, consent, pairing, pausing and
leaving. Each page shows only the signed-in person's own participation: a partner's
addresses answer 404, and nothing here says whether a partner takes part."""

from __future__ import annotations

import contextlib

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.lib.http import AuthedHttpRequest
from alongside.lib.ratelimit import CodeTries
from alongside.research import services
from alongside.research.forms import ConsentForm, JoinForm, PairForm, WithdrawForm
from alongside.research.models import Participant, Prompt, Study

# Counted in the shared cache, so the limits hold across every server process.
CODE_TRIES = CodeTries("research-code")


def _too_many_tries_message() -> str:
    return _(
        "That's a lot of tries in a short time, so we've paused them for a while. "
        "Please try again later, or ask the research team for the study's link."
    )


def _mine(request: AuthedHttpRequest, pk: int) -> Participant:
    """A participation of the signed-in person (anyone else's answers 404)."""
    return get_object_or_404(Participant.objects.select_related("study"), pk=pk, user=request.user)


@login_required
def index(request: AuthedHttpRequest) -> HttpResponse:
    """My studies, and a form to join one."""
    return render(
        request,
        "research/index.html",
        {
            "participations": Participant.objects.of_user(request.user).select_related("study"),
            "form": JoinForm(),
            "is_researcher": services.is_researcher(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: AuthedHttpRequest) -> HttpResponse:
    """Enter an enrolment code; it leads to the same page as the study's link."""
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if CODE_TRIES.exceeded(request):
            # Checked before the lookup: while paused, no answer says anything of a code.
            form.add_error("code", _too_many_tries_message())
            status = 429
        else:
            try:
                study = services.study_for_code(
                    form.cleaned_data["code"], today=request.user.local_today()
                )
            except services.CodeUnusable as problem:
                CODE_TRIES.fail(request)
                form.add_error("code", str(problem))
            else:
                return redirect("research:join_code", code=study.code)
    return render(request, "research/join.html", {"form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def join_code(request: AuthedHttpRequest, code: str) -> HttpResponse:
    """The study's link: its information sheet and consent, then joining."""
    if CODE_TRIES.exceeded(request):
        return _problem(request, _too_many_tries_message(), status=429)
    try:
        study = services.study_for_code(code, today=request.user.local_today())
    except services.CodeUnusable as problem:
        CODE_TRIES.fail(request)
        return _problem(request, str(problem), status=404)
    found = services.participation_of(request.user, study)
    if found is not None:
        messages.info(request, _("You are taking part in this study already."))
        return redirect("research:participation", pk=found.pk)
    return _join_consent(request, study)


@reauthentication_required(allow_get=True)
def _join_consent(request: AuthedHttpRequest, study: Study) -> HttpResponse:
    version = study.current_consent()
    assert version is not None
    form = ConsentForm(request.POST or None, initial={"version": version.number})
    if request.method == "POST" and form.is_valid():
        try:
            participant = services.participant_join(
                study=study, user=request.user, version=form.cleaned_data["version"]
            )
        except services.ResearchProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(
                request,
                _("Thank you for taking part. Your study ID is %(code)s.")
                % {"code": participant.study_code},
            )
            return redirect("research:participation", pk=participant.pk)
    return render(
        request,
        "research/consent.html",
        {"study": study, "version": version, "form": form, "joining": True},
    )


def _problem(request: AuthedHttpRequest, problem: str, *, status: int) -> HttpResponse:
    # Every code that opens nothing answers alike, so the status tells a guess no more
    # than the words do.
    return render(request, "research/problem.html", {"problem": problem}, status=status)


@login_required
def participation(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One study I take part in: my study ID, my status, pairing, pausing and leaving."""
    from django.utils import timezone

    me = _mine(request, pk)
    dyad = me.dyad()
    now = timezone.now()
    mine = Prompt.objects.filter(participant=me)
    return render(
        request,
        "research/participation.html",
        {
            "me": me,
            "study": me.study,
            "dyad": dyad,
            # Only this person's own prompts: nothing here says whether a partner answered.
            "waiting": list(
                mine.filter(
                    scheduled_at__lte=now, expires_at__gt=now, completed_at__isnull=True
                ).order_by("scheduled_at")
            ),
            # Whether prompts lie ahead, never when: random times stay a surprise.
            "planned_ahead": mine.filter(scheduled_at__gt=now).exists(),
            "waiting_for_partner": me.study.prompts_together and not (dyad and dyad.is_formed),
            # The pair code is shown only to the partner who drew it.
            "own_code": dyad.code if dyad and not dyad.is_formed and dyad.first_id == me.pk else "",
            "pair_form": PairForm(),
            "needs_consent": me.status != "withdrawn" and not me.has_current_consent,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def consent_again(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The study's information changed: read it and accept it again (or leave)."""
    me = _mine(request, pk)
    if me.status == "withdrawn" or me.has_current_consent:
        return redirect("research:participation", pk=me.pk)
    return _consent_again(request, me)


@reauthentication_required(allow_get=True)
def _consent_again(request: AuthedHttpRequest, me: Participant) -> HttpResponse:
    version = me.study.current_consent()
    assert version is not None
    form = ConsentForm(request.POST or None, initial={"version": version.number})
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_accept(participant=me, version=form.cleaned_data["version"])
        except services.ResearchProblem as problem:
            form.add_error(None, str(problem))
        else:
            messages.success(request, _("Thank you. You go on taking part."))
            return redirect("research:participation", pk=me.pk)
    return render(
        request,
        "research/consent.html",
        {"study": me.study, "version": version, "form": form, "joining": False, "me": me},
    )


@login_required
@require_POST
def pair_code(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Draw the pair code to give to my partner."""
    me = _mine(request, pk)
    try:
        services.dyad_start(participant=me)
    except services.ResearchProblem as problem:
        messages.error(request, str(problem))
    return redirect("research:participation", pk=me.pk)


@login_required
@require_POST
def pair(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Enter my partner's pair code: we become a dyad in this study."""
    me = _mine(request, pk)
    return _pair(request, me)


@reauthentication_required
def _pair(request: AuthedHttpRequest, me: Participant) -> HttpResponse:
    form = PairForm(request.POST)
    status = 200
    if form.is_valid():
        if CODE_TRIES.exceeded(request):
            form.add_error("code", _too_many_tries_message())
            status = 429
        else:
            try:
                services.dyad_join(participant=me, raw_code=form.cleaned_data["code"])
            except services.CodeUnusable as problem:
                CODE_TRIES.fail(request)
                form.add_error("code", str(problem))
            except services.ResearchProblem as problem:
                form.add_error("code", str(problem))
            else:
                messages.success(request, _("You and your partner are paired for this study."))
                return redirect("research:participation", pk=me.pk)
    dyad = me.dyad()
    return render(
        request,
        "research/participation.html",
        {
            "me": me,
            "study": me.study,
            "dyad": dyad,
            "own_code": dyad.code if dyad and not dyad.is_formed and dyad.first_id == me.pk else "",
            "pair_form": form,
            "needs_consent": not me.has_current_consent,
        },
        status=status,
    )


@login_required
@require_POST
def pause(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    me = _mine(request, pk)
    services.participant_pause(participant=me)
    messages.success(request, _("Paused. No prompts come until you resume."))
    return redirect("research:participation", pk=me.pk)


@login_required
@require_POST
def resume(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    me = _mine(request, pk)
    services.participant_resume(participant=me)
    messages.success(request, _("Welcome back. Prompts come again from now on."))
    return redirect("research:participation", pk=me.pk)


@login_required
@require_http_methods(["GET", "POST"])
def withdraw(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Leave the study, keeping or deleting what was given (as the consent says)."""
    me = _mine(request, pk)
    if me.status == "withdrawn":
        return redirect("research:participation", pk=me.pk)
    choice = services.withdrawal_choice(me)
    form = WithdrawForm(request.POST if request.method == "POST" else None, choice=choice)
    if request.method == "POST" and form.is_valid():
        delete = not form.cleaned_data.get("keep", choice == "keep")
        services.participant_withdraw(participant=me, delete=delete)
        if me.data_deleted:
            messages.success(
                request,
                _("You have left the study and what you gave is deleted. Thank you for your time."),
            )
            return redirect("research:index")
        messages.success(request, _("You have left the study. Thank you for your time."))
        return redirect("research:participation", pk=me.pk)
    return render(
        request,
        "research/withdraw.html",
        {"me": me, "study": me.study, "form": form, "choice": choice},
    )


@login_required
@require_http_methods(["GET", "POST"])
def prompt(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One prompt, as it opens from its e-mail or notification: the study's questions on
    one phone-sized page. Opening it is recorded (the first time); answers are checked by
    the one shared check, and whatever was typed stays on the page when anything is
    wrong, even when the prompt closed meanwhile."""
    from django.utils import timezone

    from alongside.research.answers import AnswersInvalid
    from alongside.research.forms import PromptForm

    asked = get_object_or_404(
        Prompt.objects.select_related("participant__study"), pk=pk, participant__user=request.user
    )
    me = asked.participant
    now = timezone.now()
    if asked.scheduled_at > now:
        raise Http404  # a prompt not yet due says nothing of when it will come
    form = PromptForm(request.POST if request.method == "POST" else None, items=me.study.items)
    problem = ""
    status = 200
    if request.method == "GET":
        services.prompt_open(prompt=asked, now=now)
    elif form.is_valid():
        try:
            services.prompt_answer(prompt=asked, data=form.answers_data(), now=now)
        except AnswersInvalid as invalid:
            form.add_answer_errors(invalid.errors)
            status = 422
        except services.ResearchProblem as refused:
            problem = str(refused)
            status = 409
        else:
            messages.success(request, _("Thank you. Your answers are in."))
            return redirect("research:participation", me.pk)
    else:
        status = 422
    state = asked.status_at(now)
    return render(
        request,
        "research/prompt.html",
        {
            "me": me,
            "study": me.study,
            "prompt": asked,
            "form": form,
            "problem": problem,
            "closed": state not in ("open", "planned"),
            "answered": state == "answered",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def timing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """My time zone and waking hours for this study. A change re-plans what is still
    ahead (what was already asked stays as it was); hours that do not fit the study's
    windows are refused next to the field, and nothing is changed."""
    from alongside.research.forms import TimingForm
    from alongside.research.planning import check_plannable, plan_participant
    from alongside.research.schedule import ScheduleError

    me = _mine(request, pk)
    if me.status == "withdrawn":
        raise Http404
    initial = {"time_zone": me.time_zone, "wakes_at": me.wakes_at, "sleeps_at": me.sleeps_at}
    form = TimingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = form.changes()
        try:
            check_plannable(me, **changes)
        except ScheduleError as problem:
            field = "wakes_at" if problem.field == "waking" else "time_zone"
            form.add_error(field, _waking_message(problem))
        else:
            for name, value in changes.items():
                setattr(me, name, value)
            me.save(update_fields=list(changes))
            # A partner's hours that never meet these plan nothing: the page says so.
            with contextlib.suppress(ScheduleError):
                plan_participant(me)
            messages.success(request, _("Saved. Your prompts from now on follow it."))
            return redirect("research:participation", me.pk)
    return render(
        request,
        "research/timing.html",
        {
            "me": me,
            "study": me.study,
            "form": form,
            "account_zone": request.user.time_zone,
        },
        status=422 if form.errors else 200,
    )


def _waking_message(problem: Exception) -> str:
    return _(
        "With these hours the study's times would fall outside your waking day. Try a "
        "longer day, or leave both empty to be asked at the study's own times."
    )
