from __future__ import annotations

import datetime as dt
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.dateformat import time_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from alongside.accounts import notices
from alongside.accounts.export import build_zip
from alongside.accounts.forms import ApiTokenForm, DeleteAccountForm, ProfileForm
from alongside.accounts.models import AccessLogEntry, ApiToken
from alongside.care.schedule import open_dues_for_client
from alongside.checkins.charts import mood_chart
from alongside.checkins.models import CheckIn
from alongside.circle import services
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.prepared import Prepared
from alongside.practice.models_experiments import RelianceExperiment
from alongside.reminders.models import ReminderSchedule
from alongside.safety.discreet import is_discreet
from alongside.together.home import week_card

# On every home page: compiled once (see alongside.lib.prepared).
_ASKS = Prepared(
    lambda invited: (
        RelianceExperiment.objects.filter(invited_id=invited, asked_answer__isnull=True)
        .select_related("owner")
        .order_by("created_at")
    ),
    invited=int,
)
_RECENT = Prepared(
    # The card and the chart use the day and the mood: not the notes, which would be
    # decrypted for nothing.
    lambda owner, since: (
        CheckIn.objects.filter(owner_id=owner, day__gte=since)
        .only("owner_id", "day", "mood")
        .order_by("day")
    ),
    owner=int,
    since=dt.date,
)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        if is_discreet(request):
            # The welcome page talks about relationships; a discreet device goes straight
            # to a plain sign-in.
            return redirect("account_login")
        return render(request, "accounts/welcome.html")
    user = request.user
    today = user.local_today()
    start = today - dt.timedelta(days=13)
    recent = _RECENT(owner=user.pk, since=start)
    return render(
        request,
        "accounts/home.html",
        {
            "today": today,
            "todays": next((c for c in recent if c.day == today), None),
            "mood": mood_chart(recent, start=start, end=today) if recent else None,
            # What a therapist asked this person to answer, open now (theirs alone).
            "dues": open_dues_for_client(user),
            "together": week_card(user),
            # Small asks someone made of this person, not answered yet (theirs to answer).
            "asks": _ASKS(invited=user.pk),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def welcome(request: AuthedHttpRequest) -> HttpResponse:
    """The first-run welcome: shown once after sign-up; either button ends it for good."""
    user = request.user
    if request.method == "POST":
        if user.welcomed_at is None:
            user.welcomed_at = timezone.now()
            user.save(update_fields=["welcomed_at"])
        return redirect("checkins:today" if request.POST.get("next") == "checkin" else "home")
    if user.welcomed_at is not None:
        return redirect("home")
    return render(request, "accounts/first_run.html")


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: AuthedHttpRequest) -> HttpResponse:
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        # A new time zone moves "20:00 on Mondays" to a different instant.
        if "time_zone" in form.changed_data:
            schedule = ReminderSchedule.objects.filter(owner=request.user).first()
            if schedule:
                schedule.reschedule()
        # Say "saved" in the language just chosen, not the one the form was filled in.
        if "language" in form.changed_data:
            translation.activate(
                request.user.language or translation.get_language_from_request(request)
            )
        messages.success(request, _("Your profile is saved."))
        return redirect("accounts:profile")
    return render(
        request, "accounts/profile.html", {"form": form, "welcome": "welcome" in request.GET}
    )


@login_required
@require_http_methods(["GET", "POST"])
# A token is a password that skips two-factor: someone holding a signed-in phone must not
# be able to make one. allauth replays the form after the password, so nothing is lost.
@reauthentication_required(allow_get=True)
def tokens(request: AuthedHttpRequest) -> HttpResponse:
    form = ApiTokenForm(request.POST or None)
    new_token = None
    if request.method == "POST" and form.is_valid():
        token, new_token = ApiToken.issue(
            request.user, form.cleaned_data["name"], lifetime=form.lifetime_delta
        )
        notices.api_token_created(request, token)
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "tokens": request.user.api_tokens.all(), "new_token": new_token},
    )


@login_required
@require_POST
def token_revoke(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, owner=request.user)
    token.delete()
    messages.success(request, _("The token '%(name)s' no longer works.") % {"name": token.name})
    return redirect("accounts:tokens")


@login_required
def data(request: AuthedHttpRequest) -> HttpResponse:
    return render(request, "accounts/data.html")


@login_required
@require_POST
@reauthentication_required
def export(request: AuthedHttpRequest) -> HttpResponse:
    payload = build_zip(request.user)
    response = HttpResponse(payload, content_type="application/zip")
    stamp = request.user.local_today().isoformat()
    # In discreet mode the download's name says nothing of the app either.
    prefix = "notes" if request.user.discreet else "alongside"
    response["Content-Disposition"] = f'attachment; filename="{prefix}-{stamp}.zip"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
@reauthentication_required(allow_get=True)
def delete_account(request: AuthedHttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        services.account_leaving(user=user)
        logout(request)
        # Hard delete: every record the person owns cascades with the account.
        user.delete()
        return render(request, "accounts/deleted.html")
    return render(request, "accounts/delete.html", {"form": form})


ACCESS_LOG_PAGE = 25


def _and(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s and %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}


def visit_sentence(entry: AccessLogEntry, tz: dt.tzinfo) -> str:
    """ "Ben looked at your mood and needs, 3 times between 19:02 and 19:20"."""
    from alongside.circle import registry

    what = _and(registry.phrases(entry.categories)) or _("your data")
    first, last = entry.first_at.astimezone(tz), entry.at.astimezone(tz)
    values = {
        "who": entry.viewer_label,
        "what": what,
        "n": entry.reads,
        "start": time_format(first, "H:i"),
        "end": time_format(last, "H:i"),
    }
    if entry.reads == 1:
        return _("%(who)s looked at %(what)s at %(start)s") % values
    return (
        ngettext(
            "%(who)s looked at %(what)s, %(n)d time between %(start)s and %(end)s",
            "%(who)s looked at %(what)s, %(n)d times between %(start)s and %(end)s",
            entry.reads,
        )
        % values
    )


@login_required
def access_log(request: AuthedHttpRequest) -> HttpResponse:
    """Every visit to my data, newest first, a page at a time, optionally one person's."""
    entries = request.user.access_log.all()
    people: dict[int, str] = {}
    for viewer_id, label in request.user.access_log.exclude(viewer=None).values_list(
        "viewer_id", "viewer_label"
    ):
        people.setdefault(viewer_id, label)  # the newest name each person went by
    chosen = request.GET.get("person", "")
    if chosen.isdigit() and int(chosen) in people:
        entries = entries.filter(viewer_id=int(chosen))
    else:
        chosen = ""
    page = Paginator(entries, ACCESS_LOG_PAGE).get_page(request.GET.get("page"))
    tz = request.user.tz
    days: dict[dt.date, list[dict[str, Any]]] = {}
    for e in page:
        days.setdefault(e.at.astimezone(tz).date(), []).append(
            {"sentence": visit_sentence(e, tz), "details": e.details}
        )
    return render(
        request,
        "accounts/access_log.html",
        {
            "days": list(days.items()),
            "page": page,
            "people": sorted(people.items(), key=lambda item: item[1].lower()),
            "chosen": chosen,
        },
    )
