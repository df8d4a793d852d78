from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.circle import access, registry, services
from alongside.circle.forms import AcceptForm, GrantForm, InvitationForm, JoinForm, PersonForm
from alongside.circle.models import Grant, Invitation, Link, Notice, Person
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.ratelimit import CodeTries


@login_required
def circle(request: AuthedHttpRequest) -> HttpResponse:
    user = request.user
    notices = list(user.notices.filter(read_at__isnull=True)[:10])
    Notice.objects.filter(pk__in=[n.pk for n in notices]).update(read_at=timezone.now())
    return render(
        request,
        "circle/circle.html",
        {
            "people": Person.objects.filter(owner=user).select_related("link").by_name(),
            "parts": registry.render_parts("circle", user, user, None),
            # Names from this list appear in the support a person shares: say who sees them.
            "names_seen_by": [str(p) for p in access.audience(user, "support")],
            "invitations": [i for i in user.invitations.all()[:20] if i.is_open],
            "notices": notices,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_add(request: AuthedHttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.save(commit=False)
        person.owner = request.user
        person.save()
        messages.success(request, _("%(name)s is in your circle.") % {"name": person.name})
        return redirect("circle:circle")
    return render(request, "circle/person_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk, owner=request.user)
    form = PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Saved."))
        return redirect("circle:circle")
    return render(request, "circle/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=pk, owner=request.user, link__isnull=True)
    person.delete()
    messages.success(request, _("%(name)s is no longer in your circle.") % {"name": person.name})
    return redirect("circle:circle")


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def invite(request: AuthedHttpRequest) -> HttpResponse:
    form = InvitationForm(request.POST or None, owner=request.user)
    if request.method == "POST" and form.is_valid():
        invitation = form.save(commit=False)
        invitation.inviter = request.user
        invitation.save()
        return redirect("circle:invitation", pk=invitation.pk)
    return render(request, "circle/invite.html", {"form": form})


@login_required
def invitation(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inv = get_object_or_404(Invitation, pk=pk, inviter=request.user)
    url = request.build_absolute_uri(reverse("circle:accept", args=[inv.token]))
    return render(request, "circle/invitation.html", {"invitation": inv, "url": url})


@login_required
@require_POST
def invitation_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    inv = get_object_or_404(Invitation, pk=pk, inviter=request.user)
    if inv.revoked_at is None and inv.used_at is None:
        inv.revoked_at = timezone.now()
        inv.save(update_fields=["revoked_at"])
        messages.success(request, _("The invitation no longer works."))
    return redirect("circle:circle")


# Counted in the shared cache, so the limits hold across every server process.
CODE_TRIES = CodeTries("invitation")


def _too_many_tries_message() -> str:
    return _(
        "That's a lot of tries in a short time, so we've paused them for a while. "
        "Please try again later, or ask the person to send you their invitation link."
    )


@login_required
@require_http_methods(["GET", "POST"])
def join(request: AuthedHttpRequest) -> HttpResponse:
    """Enter a code; it leads to the same page as the invitation link."""
    form = JoinForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if CODE_TRIES.exceeded(request):
            # Checked before the lookup: while paused, no answer says anything about a code.
            form.add_error("code", _too_many_tries_message())
            status = 429
        else:
            found = Invitation.objects.filter(code=form.cleaned_data["code"]).first()
            try:
                services.invitation_check(invitation=found, user=request.user)
            except services.InvitationProblem as problem:
                if isinstance(problem, services.InvitationUnusable):
                    CODE_TRIES.fail(request)
                form.add_error("code", str(problem))
            else:
                assert found is not None
                return redirect("circle:accept", token=found.token)
    return render(request, "circle/join.html", {"form": form}, status=status)


@require_http_methods(["GET", "POST"])
def accept(request: HttpRequest, token: str) -> HttpResponse:
    # Check the invitation first: one that can't be used is explained before any
    # password prompt, and a person already linked is told so before ticking anything.
    if CODE_TRIES.exceeded(request):
        return render(
            request,
            "circle/accept_problem.html",
            {"problem": _too_many_tries_message()},
            status=429,
        )
    found = Invitation.objects.select_related("inviter").filter(token=token).first()
    if not request.user.is_authenticated:
        return _landing(request, found)
    try:
        inv = services.invitation_check(invitation=found, user=request.user)
    except services.InvitationProblem as problem:
        if isinstance(problem, services.InvitationUnusable):
            CODE_TRIES.fail(request)
        return _invitation_problem(request, problem)
    return _accept(request, inv)


def _landing(request: HttpRequest, found: Invitation | None) -> HttpResponse:
    """Someone signed out opened an invitation link: who invited them, and a way in.

    Only the inviter's chosen name is shown (never their e-mail, nothing they did), and
    only for an invitation that could be accepted; any other answers as a wrong guess.
    """
    try:
        inv = services.invitation_for_visitor(invitation=found)
    except services.InvitationUnusable as problem:
        CODE_TRIES.fail(request)
        return _invitation_problem(request, problem)
    back = reverse("circle:accept", args=[inv.token])
    return render(
        request,
        "circle/landing.html",
        {
            "inviter_name": services.inviter_name(inv),
            "kind": inv.kind,
            "signup_url": f"{reverse('account_signup')}?{urlencode({'next': back})}",
            "login_url": f"{reverse('account_login')}?{urlencode({'next': back})}",
        },
    )


def end_of(day: dt.date | None, tz: dt.tzinfo) -> dt.datetime | None:
    """ "Share until the 20th": the grant ends as the 21st begins, in the owner's zone."""
    if day is None:
        return None
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)


@reauthentication_required(allow_get=True)
def _accept(request: AuthedHttpRequest, inv: Invitation) -> HttpResponse:
    owned = registry.link_kind(inv.kind)
    asks_scope = owned is None or owned.accepter_shares
    form = AcceptForm(request.POST or None, tz=request.user.tz)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.invitation_accept(
                invitation=inv,
                user=request.user,
                scope=form.cleaned_data["scope"] if asks_scope else [],
                until=end_of(form.cleaned_data["until"], request.user.tz) if asks_scope else None,
            )
        except services.InvitationProblem as problem:
            return _invitation_problem(request, problem)
        messages.success(
            request, _("You are now linked with %(name)s.") % {"name": str(inv.inviter)}
        )
        after = owned.after_accept(link, request.user) if owned else ""
        return redirect(after or reverse("circle:link", args=[link.pk]))
    return render(
        request,
        "circle/accept.html",
        {
            "invitation": inv,
            "form": form,
            "asks_scope": asks_scope,
            "note": owned.describe(inv.inviter, request.user) if owned else "",
        },
    )


def _invitation_problem(request: HttpRequest, problem: services.InvitationProblem) -> HttpResponse:
    # Every invitation that can't be used answers alike (404), so the status tells a
    # guess no more than the words do.
    status = 404 if isinstance(problem, services.InvitationUnusable) else 200
    return render(request, "circle/accept_problem.html", {"problem": str(problem)}, status=status)


def _my_link(request: AuthedHttpRequest, pk: int) -> Link:
    # Both people with the link: every page of it names the other.
    link = Link.mine(request.user, pk)
    if link is None:
        raise Http404
    return link


@login_required
def link_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The person page: what they share with me (each app draws its own part), and what
    I share with them."""
    link = _my_link(request, pk)
    other = link.other(request.user)
    shared = access.shared_categories(other, request.user)
    mine = access.grant_between(request.user, other)
    return render(
        request,
        "circle/link.html",
        {
            "link": link,
            "other": other,
            "shared_labels": registry.labels(shared),
            "parts": registry.render_parts("person", request.user, other, link),
            "my_grant": mine,
            "my_labels": mine.category_labels() if mine else [],
            "my_last_day": mine.last_day(request.user.tz) if mine else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sharing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    # Find the link first: someone else's link answers 404 before any password prompt.
    return _sharing(request, _my_link(request, pk))


@reauthentication_required(allow_get=True)
def _sharing(request: AuthedHttpRequest, link: Link) -> HttpResponse:
    other = link.other(request.user)
    grant = Grant.objects.filter(owner=request.user, grantee=other, link=link).first()
    if grant is None:
        grant = Grant(owner=request.user, grantee=other, link=link, categories=[])
    initial = {
        "scope": grant.categories if grant.revoked_at is None else [],
        "until": grant.last_day(request.user.tz),
    }
    form = GrantForm(request.POST or None, initial=initial, tz=request.user.tz)
    if request.method == "POST" and form.is_valid():
        until = form.cleaned_data["until"]
        expires_at = end_of(until, request.user.tz)
        told = services.grant_update(
            grant=grant, categories=form.cleaned_data["scope"], expires_at=expires_at
        )
        if told == services.ADDED:
            messages.success(
                request,
                _("Saved. %(name)s has been told what you now also share.") % {"name": str(other)},
            )
        elif told == services.CHANGED:
            messages.success(
                request,
                _("Saved. %(name)s is told that what you share has changed, not what.")
                % {"name": str(other)},
            )
        else:
            # Narrowing is quiet: they just see what is shared now, next time they look.
            messages.success(
                request, _("Saved. %(name)s is not told about this change.") % {"name": str(other)}
            )
        return redirect("circle:link", pk=link.pk)
    # Partners are never told of narrowing; a therapist is told, neutrally, of any change.
    tells_changes = any(kind.tell_changes(grant) for kind in registry.link_kind_of_link(link.kind))
    return render(
        request,
        "circle/sharing.html",
        {"form": form, "link": link, "other": other, "tells_changes": tells_changes},
    )


@login_required
@require_http_methods(["GET", "POST"])
def unlink(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    link = _my_link(request, pk)
    other = link.other(request.user)
    if request.method == "POST":
        services.link_end(link=link, by=request.user)
        messages.success(request, _("You are no longer linked. Nothing is shared either way."))
        return redirect("circle:circle")
    return render(request, "circle/unlink.html", {"link": link, "other": other})


@login_required
def safety_review(request: AuthedHttpRequest) -> HttpResponse:
    """What can others see of me? For each linked person, exactly what they see today:
    drawn by the same parts, through the same read path, as their own view (as a
    preview: nothing is logged, since it is my own data)."""
    me = request.user
    people = []
    for link in Link.for_user(me).select_related("user_a", "user_b").order_by("pk"):
        other = link.other(me)
        shared = access.shared_categories(me, other)
        people.append(
            {
                "link": link,
                "other": other,
                "labels": registry.labels(shared),
                "parts": registry.render_parts("person", me, me, link, audience=other)
                if shared
                else [],
            }
        )
    return render(request, "circle/safety_review.html", {"people": people})


@login_required
@require_POST
def stop_sharing(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One tap: share nothing more with this person. No password: making oneself safer
    must never be slowed down (widening sharing still asks for it). Not announced."""
    link = _my_link(request, pk)
    other = link.other(request.user)
    grant = Grant.objects.filter(owner=request.user, grantee=other, link=link).first()
    if grant is not None:
        services.grant_update(grant=grant, categories=[], expires_at=None)
    messages.success(
        request,
        _("You now share nothing with %(name)s. They are not told.") % {"name": str(other)},
    )
    return redirect("circle:safety_review")
