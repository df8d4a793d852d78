"""Becoming a therapist, inviting a client, and the client's own page about a therapist."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.care.forms import CoupleViewForm, TherapistProfileForm
from alongside.care.models import CareLink
from alongside.care.services import profile_of, verified_phrase
from alongside.circle import access, registry
from alongside.circle.models import Invitation, Notice
from alongside.lib.http import AuthedHttpRequest


@login_required
@require_http_methods(["GET", "POST"])
def become(request: AuthedHttpRequest) -> HttpResponse:
    """Set up (or edit) a therapist profile. Verification is done by the site's staff."""
    profile = profile_of(request.user)
    form = TherapistProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        changed = profile is not None and form.has_changed()
        saved = form.save(commit=False)
        saved.user = request.user
        if changed and saved.is_verified:
            # A new licence is a new claim: it is checked again.
            saved.verified_at = None
            saved.verified_by = ""
        saved.save()
        messages.success(request, _("Your therapist profile is saved."))
        return redirect("care:caseload")
    return render(request, "care/become.html", {"form": form, "profile": profile})


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def invite_client(request: AuthedHttpRequest) -> HttpResponse:
    """A therapist invites a client. The therapist shares nothing; the client chooses."""
    if profile_of(request.user) is None:
        return redirect("care:become")
    if request.method == "POST":
        invitation = Invitation.objects.create(inviter=request.user, kind="client", scope=[])
        return redirect("circle:invitation", pk=invitation.pk)
    return render(request, "care/invite.html")


def _my_care(request: AuthedHttpRequest, pk: int) -> CareLink:
    """A care link where I am the client (someone else's answers 404)."""
    return get_object_or_404(
        CareLink.objects.select_related("therapist", "link"), pk=pk, client=request.user
    )


@login_required
def my_therapist(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The client's page about one therapist: who they are, what they see, what they ask."""
    care = _my_care(request, pk)
    grant = access.grant_between(request.user, care.therapist)
    shared = access.shared_categories(request.user, care.therapist)
    return render(
        request,
        "care/my_therapist.html",
        {
            "care": care,
            "therapist": care.therapist,
            "verified": verified_phrase(care.therapist),
            "profile": profile_of(care.therapist),
            "shared_labels": registry.labels(shared),
            "last_day": grant.last_day(request.user.tz) if grant else None,
            "couple_form": CoupleViewForm(initial={"couple_view": care.couple_view}),
            "dues": _client_dues(care),
        },
    )


def _client_dues(care: CareLink) -> list[object]:
    """The questionnaires this therapist asked for that are open now (the assign part
    draws them; empty until it exists)."""
    try:
        from alongside.care.schedule import open_dues_for
    except ImportError:
        return []
    return list(open_dues_for(care))


@login_required
@require_POST
def couple_view(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    care = _my_care(request, pk)
    form = CoupleViewForm(request.POST)
    if not form.is_valid():  # a checkbox is always valid; kept for the shape
        raise Http404
    if form.cleaned_data["couple_view"] and not care.couple_view:
        # Sharing more asks for the password; sharing less never waits for it.
        return _couple_view_on(request, care)
    return _couple_view_set(request, care, wanted=form.cleaned_data["couple_view"])


@reauthentication_required
def _couple_view_on(request: AuthedHttpRequest, care: CareLink) -> HttpResponse:
    return _couple_view_set(request, care, wanted=True)


def _couple_view_set(request: AuthedHttpRequest, care: CareLink, *, wanted: bool) -> HttpResponse:
    if wanted != care.couple_view:
        care.couple_view = wanted
        care.save(update_fields=["couple_view"])
        # Like any change to what a client shares: the therapist hears that, not what.
        Notice.objects.create(
            recipient=care.therapist,
            text=_("What %(name)s shares with you has changed.") % {"name": str(request.user)},
        )
    if wanted:
        messages.success(
            request,
            _("Saved. %(name)s sees you beside your partner only if your partner chooses this too.")
            % {"name": str(care.therapist)},
        )
    else:
        messages.success(
            request,
            _("Saved. %(name)s no longer sees you beside your partner.")
            % {"name": str(care.therapist)},
        )
    return redirect(reverse("care:my_therapist", args=[care.pk]))
