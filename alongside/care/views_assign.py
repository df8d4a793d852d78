"""Questionnaires on a schedule: the therapist asks (and stops asking); the client answers
or declines. Only the therapist of a care link sees its assign page; only the client can
act on what was asked of them (everyone else, the therapist included, gets 404)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.assessments.spec import AssessmentError
from alongside.care import schedule
from alongside.care.forms_assign import AssignForm
from alongside.care.models import DECLINED, DONE, LAPSED, Assignment, CareLink, Due
from alongside.circle import access
from alongside.lib.http import AuthedHttpRequest


@dataclass(frozen=True)
class Time:
    """One time of an assignment as the therapist reads it."""

    due: Due
    label: str


@dataclass(frozen=True)
class AssignmentRow:
    assignment: Assignment
    times: list[Time]


def _time_label(due: Due, care: CareLink) -> str:
    tz = care.client.tz
    now = timezone.now()
    if due.status == DONE:
        return _("answered")
    if due.status == DECLINED:
        return _("declined")
    if due.status == LAPSED or due.expires_at <= now:
        return _("closed without an answer")
    if due.opens_at > now:
        opens = time_format(timezone.localtime(due.opens_at, tz), "H:i")
        return _("opens at %(time)s their time") % {"time": opens}
    return _("open until the end of %(day)s") % {"day": date_format(due.last_day(tz), "j M")}


def _rows(care: CareLink) -> list[AssignmentRow]:
    return [
        AssignmentRow(a, [Time(d, _time_label(d, care)) for d in a.dues.all()])
        for a in care.assignments.prefetch_related("dues").order_by("stopped_at", "-created_at")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def assign(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Ask a client to answer a questionnaire, once or every few weeks."""
    care = get_object_or_404(
        CareLink.objects.select_related("client", "therapist"), pk=pk, therapist=request.user
    )
    form = AssignForm(request.POST or None, care=care)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        schedule.assignment_create(
            care=care,
            instrument_id=data["instrument"],
            relationship=data.get("relationship") or "",
            first_due_on=data["first_due_on"],
            every_weeks=data["every_weeks"],
            open_days=data["open_days"],
            ends_on=data["ends_on"],
        )
        messages.success(
            request,
            _("Saved. %(name)s will find it on their home page on the day it opens.")
            % {"name": care.client},
        )
        return redirect("care:assign", pk=care.pk)
    return render(
        request,
        "care/assign.html",
        {
            "care": care,
            "client": care.client,
            "form": form,
            "rows": _rows(care),
            "shares_results": access.visible(care.client, request.user, "assessments"),
        },
    )


@login_required
@require_POST
def assignment_stop(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    assignment = get_object_or_404(
        Assignment.objects.select_related("care_link__client"),
        pk=pk,
        care_link__therapist=request.user,
    )
    schedule.assignment_stop(assignment=assignment)
    messages.success(
        request,
        _("Stopped. %(name)s is no longer asked to answer %(title)s.")
        % {"name": assignment.care_link.client, "title": assignment.title},
    )
    return redirect("care:assign", pk=assignment.care_link_id)


def _my_due(request: AuthedHttpRequest, pk: int) -> Due:
    return get_object_or_404(
        Due.objects.select_related("assignment__care_link__therapist"),
        pk=pk,
        assignment__care_link__client=request.user,
    )


def _back(request: AuthedHttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    return redirect(target or "/")


def _still_open(request: AuthedHttpRequest, due: Due) -> bool:
    if due.is_open_at(timezone.now()) and not due.assignment.is_stopped:
        return True
    messages.info(request, _("That questionnaire has closed. There is nothing more to do."))
    return False


@login_required
@require_POST
def due_start(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Answer now: the ordinary questionnaire pages, remembering what was asked."""
    due = _my_due(request, pk)
    if not _still_open(request, due):
        return _back(request)
    try:
        take = schedule.due_start(due=due)
    except AssessmentError:
        messages.error(
            request,
            _("This questionnaire can't be answered here at the moment. Please try later."),
        )
        return _back(request)
    return redirect("assessments:take", pk=take.pk)


@login_required
@require_POST
def due_decline(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Not this one: no reason asked. The therapist sees "declined", nothing more."""
    due = _my_due(request, pk)
    if _still_open(request, due):
        schedule.due_decline(due=due)
        messages.success(
            request,
            _("That's off your list. %(name)s sees only that you declined.")
            % {"name": due.assignment.care_link.therapist},
        )
    return _back(request)
