from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from alongside.checkins.charts import mood_chart, needs_chart
from alongside.checkins.forms import CheckInForm
from alongside.checkins.history_html import entries_html, grid, table_html
from alongside.checkins.models import BACKFILL_DAYS, CheckIn, owned_between
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.prepared import Prepared
from alongside.safety.crisis import offer_help

RANGES = (30, 90)
FREE_TEXT = ("note", "support_received_from", "support_given_to")


def _written(form: CheckInForm) -> list[str]:
    """The words the person just wrote (on an edit, only what changed): for crisis words."""
    return [form.cleaned_data[name] for name in FREE_TEXT if name in form.changed_data]


def _save(request: AuthedHttpRequest, form: CheckInForm) -> CheckIn | None:
    """Save, turning a same-day race (two tabs submitting at once) into a field error."""
    try:
        with transaction.atomic():
            return form.save()
    except IntegrityError:
        form.add_error(
            "day" if "day" in form.fields else None,
            _("You already checked in for this day. You can edit that entry instead."),
        )
        return None


@login_required
@require_http_methods(["GET", "POST"])
def today(request: AuthedHttpRequest) -> HttpResponse:
    """Today's check-in: the form to create it, or to edit it if it exists."""
    local_today = request.user.local_today()
    existing = CheckIn.objects.filter(owner=request.user, day=local_today).first()
    if existing and request.method == "GET":
        return redirect("checkins:edit", pk=existing.pk)
    # A POST when today is already done (a second tab) falls through: the form refuses the
    # day with a message and re-renders with everything the person typed.
    form = CheckInForm(request.POST or None, owner=request.user, initial={"day": local_today})
    if request.method == "POST" and form.is_valid():
        checkin = _save(request, form)
        if checkin:
            messages.success(request, _("Thank you for checking in."))
            offer_help(request, *_written(form))
            return redirect("checkins:detail", pk=checkin.pk)
    return render(
        request, "checkins/form.html", {"form": form, "mode": "today", "day": local_today}
    )


@login_required
@require_http_methods(["GET", "POST"])
def backfill(request: AuthedHttpRequest) -> HttpResponse:
    """Fill in a missed day, explicitly, up to a week back."""
    local_today = request.user.local_today()
    yesterday = local_today - dt.timedelta(days=1)
    initial_day = request.GET.get("day") or yesterday.isoformat()
    form = CheckInForm(
        request.POST or None, owner=request.user, today=False, initial={"day": initial_day}
    )
    if request.method == "POST" and form.is_valid():
        checkin = _save(request, form)
        if checkin:
            messages.success(request, _("Saved your check-in for %(day)s.") % {"day": checkin.day})
            offer_help(request, *_written(form))
            return redirect("checkins:detail", pk=checkin.pk)
    return render(
        request,
        "checkins/form.html",
        {
            "form": form,
            "mode": "backfill",
            "earliest": CheckIn.earliest_backfill(local_today),
            "latest": local_today,
            "backfill_days": BACKFILL_DAYS,
        },
    )


@login_required
def detail(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, owner=request.user)
    return render(request, "checkins/detail.html", {"checkin": checkin})


@login_required
@require_http_methods(["GET", "POST"])
def edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, owner=request.user)
    is_today = checkin.day == request.user.local_today()
    form = CheckInForm(request.POST or None, instance=checkin, owner=request.user, today=is_today)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your check-in is updated."))
        offer_help(request, *_written(form))
        return redirect("checkins:detail", pk=checkin.pk)
    mode = "today" if is_today else "edit"
    return render(
        request,
        "checkins/form.html",
        {"form": form, "mode": mode, "checkin": checkin, "day": checkin.day},
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    checkin = get_object_or_404(CheckIn, pk=pk, owner=request.user)
    if request.method == "POST":
        checkin.delete()
        messages.success(request, _("That check-in is deleted."))
        return redirect("checkins:history")
    return render(request, "checkins/delete.html", {"checkin": checkin})


# The history page's three, compiled once (alongside.lib.prepared).
_SPAN: dict[str, type] = {"owner": int, "first": dt.date, "last": dt.date}
_DAYS = Prepared(lambda **span: owned_between(**span).order_by("day"), **_SPAN)
# The calendar's cells link each day and colour it by mood: nothing more is loaded.
_MONTH = Prepared(lambda **span: owned_between(**span).only("pk", "day", "mood"), **_SPAN)
_RECENT = Prepared(
    lambda owner: CheckIn.objects.filter(owner_id=owner).order_by("-day")[:14], owner=int
)


@login_required
def history(request: AuthedHttpRequest) -> HttpResponse:
    local_today = request.user.local_today()
    try:
        span = int(request.GET.get("range", 30))
    except ValueError:
        span = 30
    if span not in RANGES:
        span = 30
    start = local_today - dt.timedelta(days=span - 1)
    owner = request.user.pk
    in_range = _DAYS(owner=owner, first=start, last=local_today)
    try:
        month = dt.date.fromisoformat(request.GET.get("month", "") + "-01")
    except ValueError:
        month = local_today.replace(day=1)
    if not dt.date(1, 2, 1) <= month <= dt.date(9999, 11, 1):
        month = local_today.replace(day=1)  # no month before or after it to link to
    weeks = grid(month.year, month.month, {}, today=local_today)
    shown = _MONTH(owner=owner, first=weeks[0][0]["day"], last=weeks[-1][-1]["day"])
    weeks = grid(month.year, month.month, {c.day: c for c in shown}, today=local_today)
    earliest_backfill = CheckIn.earliest_backfill(local_today)
    recent = _RECENT(owner=owner)
    prev_month = (month - dt.timedelta(days=1)).replace(day=1)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    return render(
        request,
        "checkins/history.html",
        {
            "span": span,
            "ranges": RANGES,
            "mood": mood_chart(in_range, start=start, end=local_today),
            "needs": needs_chart(in_range, start=start, end=local_today),
            "recent": recent,
            "entries": entries_html(recent),
            "month": month,
            "calendar": table_html(weeks, today=local_today, earliest_backfill=earliest_backfill),
            "prev_month": prev_month,
            "next_month": next_month if next_month <= local_today else None,
        },
    )
