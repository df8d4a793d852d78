"""Checking in together: this week's page, prompts, agreements, the time, the history.

Every id in a URL is looked up through the viewer's own partner links (and, for things
one person changes, through their authorship or ownership): anything else answers 404.
The sharing rule is in ``models.py``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.circle import access
from alongside.circle.models import Link
from alongside.circle.registry import Part
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.prepared import Prepared
from alongside.safety.crisis import offer_help
from alongside.together import agenda, services
from alongside.together.forms import ANSWERED_TWICE, AgreementForm, AnswerForm, ItemForm, RitualForm
from alongside.together.models import (
    Agreement,
    AlreadyAnswered,
    Item,
    PromptAnswer,
    Reveal,
    Ritual,
    Session,
    partner_links,
    partner_links_of,
    together_open,
)
from alongside.together.prompts import Prompt
from alongside.together.reading import both, by_creation


def _link(request: AuthedHttpRequest, pk: int) -> Link:
    # The ritual (or its absence) comes along: every page of the week asks for it.
    link = Link.mine(request.user, pk, related=("ritual",))
    if link is None or link.kind != "partner":
        raise Http404
    return link


# Every poll of a prompt starts here: compiled once (alongside.lib.prepared). The ritual
# comes along (or its absence), so the page does not ask for it again.
_MY_SESSION = Prepared(
    lambda user, pk: Session.objects.select_related(
        "link__user_a", "link__user_b", "link__ritual"
    ).filter(link__in=partner_links_of(user), pk=pk),
    user=int,
    pk=int,
)


def _session(request: AuthedHttpRequest, pk: int) -> Session:
    found = _MY_SESSION(user=request.user.pk, pk=pk)
    if not found:
        raise Http404
    session = found[0]
    if not together_open(session.couple):
        raise Http404
    return session


def _week_passed(request: AuthedHttpRequest, session: Session) -> HttpResponse:
    """A past week takes nothing new: say so and go to this week's page."""
    messages.error(request, _("That week has passed. You can add it to this week instead."))
    return redirect("together:week", pk=session.couple.pk)


def link_part(viewer: Any, owner: Any, link: Link, audience: Any) -> Part | None:
    """On a partner's page: the way into checking in together (it reads nothing)."""
    if link.kind != "partner" or audience.pk != viewer.pk:
        return None
    return Part("together/_link_part.html", {"link": link})


def _ended_weeks(user: Any) -> models.QuerySet[Session]:
    """Weeks whose link has ended and in which ``user`` wrote something."""
    mine = Q(items__author=user) | Q(answers__author=user) | Q(agreements__owner=user)
    return Session.objects.filter(link__isnull=True).filter(mine).distinct()


def circle_part(viewer: Any, owner: Any, link: Any, audience: Any) -> Part | None:
    """On my circle page: the way to my part of weeks with links that have ended."""
    if not _ended_weeks(owner).exists():
        return None
    return Part("together/_my_part_entry.html", {})


@login_required
def my_part(request: AuthedHttpRequest) -> HttpResponse:
    """My own part of weeks checked in together with links that have since ended."""
    weeks = _ended_weeks(request.user).order_by("-week_start")
    return render(request, "together/my_part.html", {"weeks": weeks})


@login_required
def my_part_week(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One such week: only what I wrote (what the other wrote left with them)."""
    session = get_object_or_404(_ended_weeks(request.user), pk=pk)
    me = request.user
    answers = {a.prompt_key: a for a in session.answers.filter(author=me)}
    items = list(session.items.filter(author=me))
    return render(
        request,
        "together/my_part_week.html",
        {
            "session": session,
            "sections": agenda.sections(items),
            "has_items": bool(items),
            "answers": [
                (prompt, answers[prompt.key])
                for prompt in session.prompts()
                if prompt.key in answers
            ],
            "agreements": list(session.agreements.filter(owner=me)),
        },
    )


def _week_url(link_id: int, anchor: str = "") -> str:
    url = reverse("together:week", args=[link_id])
    return f"{url}#{anchor}" if anchor else url


def _is_htmx(request: AuthedHttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _paused(request: AuthedHttpRequest, link: Link) -> HttpResponse:
    other = link.other(request.user)
    return render(
        request,
        "together/paused.html",
        {
            "link": link,
            "other": other,
            "i_share": access.visible(request.user, other, "together"),
            "they_share": access.visible(other, request.user, "together"),
        },
    )


def _prompt_block(
    request: AuthedHttpRequest,
    session: Session,
    prompt: Prompt,
    form: AnswerForm | None = None,
    reveal: Reveal | None = None,
) -> dict[str, Any]:
    reveal = reveal or session.reveal(prompt, request.user)
    if form is None and reveal.mine is None:
        form = AnswerForm(session=session, prompt=prompt, author=request.user)
    return {"reveal": reveal, "form": form, "session": session}


def _render_week(
    request: AuthedHttpRequest,
    session: Session,
    *,
    item_form: ItemForm | None = None,
    agreement_form: AgreementForm | None = None,
    answer_forms: dict[str, AnswerForm] | None = None,
) -> HttpResponse:
    viewer = request.user
    link = session.couple
    other = link.other(viewer)
    answer_forms = answer_forms or {}
    return render(
        request,
        "together/week.html",
        {
            "link": link,
            "other": other,
            "ritual": Ritual.for_link(link),
            "session": session,
            "agenda": agenda.build(session, viewer),
            "prompts": [
                _prompt_block(request, session, r.prompt, answer_forms.get(r.prompt.key), r)
                for r in session.reveals(viewer)
            ],
            "agreements": session.agreements_for(viewer),
            "item_form": item_form or ItemForm(),
            "agreement_form": agreement_form
            or AgreementForm(
                session=session,
                viewer=viewer,
                today=viewer.local_today(),
                initial={"owner": viewer.pk},
            ),
            "current": True,
        },
    )


@login_required
def week(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """This week's check-in for the couple of link ``pk``; the session starts on first visit."""
    link = _link(request, pk)
    if not together_open(link):
        return _paused(request, link)
    session = Session.for_week(link, Ritual.for_link(link).week_start())
    return _render_week(request, session)


@login_required
def session_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A past week, read-only apart from marking one's own agreements done."""
    session = _session(request, pk)
    if session.is_current():
        return redirect("together:week", pk=session.couple.pk)
    other = session.couple.other(request.user)
    items = session.items_for(request.user)
    return render(
        request,
        "together/session.html",
        {
            "link": session.couple,
            "other": other,
            "session": session,
            "sections": agenda.sections(items),
            "has_items": bool(items),
            "prompts": [
                _prompt_block(request, session, r.prompt, reveal=r)
                for r in session.reveals(request.user)
            ],
            "agreements": session.agreements_for(request.user),
            "current": False,
        },
    )


@login_required
def history(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    if not together_open(link):
        return _paused(request, link)
    this_week = Ritual.for_link(link).week_start()
    sessions = list(link.together_sessions.filter(week_start__lt=this_week))
    other = link.other(request.user)
    # How much each week holds counts the partner's part too: read through the read path.
    past = Q(session__link=link, session__week_start__lt=this_week)
    items = both(request.user, other, Item.objects.filter(past), order=by_creation)
    agreed = both(request.user, other, Agreement.objects.filter(past), order=by_creation)
    weeks = [
        {
            "session": session,
            "items": sum(1 for i in items if i.session_id == session.pk),
            "agreements": sum(1 for a in agreed if a.session_id == session.pk),
        }
        for session in sessions
    ]
    return render(
        request,
        "together/history.html",
        {"link": link, "other": other, "weeks": weeks},
    )


@login_required
@require_http_methods(["GET", "POST"])
def ritual(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    link = _link(request, pk)
    if not together_open(link):
        return _paused(request, link)
    current = Ritual.for_link(link)
    form = RitualForm(request.POST or None, instance=current, viewer=request.user)
    if request.method == "POST" and form.is_valid():
        services.ritual_update(
            ritual=current,
            by=request.user,
            weekday=form.cleaned_data["weekday"],
            at=form.cleaned_data["at"],
        )
        other = link.other(request.user)
        messages.success(request, _("Saved. %(name)s has been told.") % {"name": str(other)})
        return redirect("together:week", pk=link.pk)
    return render(
        request,
        "together/ritual.html",
        {"link": link, "other": link.other(request.user), "ritual": current, "form": form},
    )


@login_required
@require_POST
def item_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not session.is_current():
        return _week_passed(request, session)
    form = ItemForm(request.POST)
    if not form.is_valid():
        return _render_week(request, session, item_form=form)
    item = form.save(commit=False)
    item.session, item.author = session, request.user
    item.save()
    messages.success(request, _("Added to this week's agenda."))
    # With help to show, open at the top where it is, not scrolled past it to the agenda.
    helped = offer_help(request, item.text)
    return redirect(_week_url(session.couple.pk, "" if helped else "agenda"))


@login_required
@require_POST
def item_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(
        Item.objects.select_related("session__link").filter(
            author=request.user, session__link__in=partner_links(request.user)
        ),
        pk=pk,
    )
    if not together_open(item.session.couple):
        raise Http404
    item.delete()
    messages.success(request, _("Taken off the agenda."))
    return redirect(_week_url(item.session.couple.pk, "agenda"))


@login_required
@require_http_methods(["GET", "POST"])
def prompt(request: AuthedHttpRequest, pk: int, key: str) -> HttpResponse:
    """One prompt: answer it (POST), or see whether both answers are in (GET, polled)."""
    try:
        session = _session(request, pk)
    except Http404:
        # A page left open after the link ended keeps polling: htmx's 286 tells it to
        # stop. Same answer for any id, so it reveals nothing a 404 would not.
        if request.method == "GET" and _is_htmx(request):
            return HttpResponse(status=286)
        raise
    found = session.prompt(key)
    if found is None:
        raise Http404
    if request.method == "GET":
        if not _is_htmx(request):
            return redirect(_session_url(session, f"prompt-{key}"))
        return _render_prompt(request, session, found)
    if not session.is_current():
        return _week_passed(request, session)
    form = AnswerForm(request.POST, session=session, prompt=found, author=request.user)
    if form.is_valid():
        try:
            PromptAnswer.give(
                session=session, prompt=found, author=request.user, text=form.cleaned_data["text"]
            )
        except AlreadyAnswered:
            form.add_error("text", ANSWERED_TWICE)
        else:
            helped = offer_help(request, form.cleaned_data["text"])
            if not _is_htmx(request):
                return redirect(_week_url(session.couple.pk, "" if helped else f"prompt-{key}"))
            return _render_prompt(request, session, found)
    if _is_htmx(request):
        return _render_prompt(request, session, found, form)
    return _render_week(request, session, answer_forms={key: form})


def _render_prompt(
    request: AuthedHttpRequest, session: Session, found: Prompt, form: AnswerForm | None = None
) -> HttpResponse:
    context = _prompt_block(request, session, found, form)
    context["current"] = session.is_current()
    return render(request, "together/_prompt.html", context)


def _session_url(session: Session, anchor: str) -> str:
    url = reverse("together:session", args=[session.pk])
    return f"{url}#{anchor}"


@login_required
@require_POST
def agreement_add(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    session = _session(request, pk)
    if not session.is_current():
        return _week_passed(request, session)
    form = AgreementForm(
        request.POST, session=session, viewer=request.user, today=request.user.local_today()
    )
    if not form.is_valid():
        return _render_week(request, session, agreement_form=form)
    agreement = form.save(commit=False)
    agreement.session, agreement.created_by = session, request.user
    agreement.save()
    messages.success(request, _("Agreement noted. It will come back next week until it's done."))
    helped = offer_help(request, agreement.text)
    return redirect(_week_url(session.couple.pk, "" if helped else "agreements"))


def _my_agreement(request: AuthedHttpRequest, pk: int) -> Agreement:
    """Only the partner who took an agreement on may mark it done or let it go."""
    agreement = get_object_or_404(
        Agreement.objects.select_related("session__link").filter(
            owner=request.user, session__link__in=partner_links(request.user)
        ),
        pk=pk,
    )
    if not together_open(agreement.session.couple):
        raise Http404
    return agreement


@login_required
@require_POST
def agreement_done(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    agreement = _my_agreement(request, pk)
    done = request.POST.get("done", "1") == "1"
    agreement.mark(done=done)
    if done:
        messages.success(request, _("Marked done. Well done, you two."))
    return redirect(_back(request, agreement))


@login_required
@require_POST
def agreement_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    agreement = _my_agreement(request, pk)
    agreement.delete()
    messages.success(request, _("You let that agreement go. It won't come back."))
    return redirect(_back(request, agreement))


def _back(request: AuthedHttpRequest, agreement: Agreement) -> str:
    if agreement.session.is_current() or request.POST.get("from") == "week":
        return _week_url(agreement.session.couple.pk, "agreements")
    return _session_url(agreement.session, "agreements")
