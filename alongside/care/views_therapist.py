"""The therapist's pages: the caseload, a client, a couple, session notes, alerts.

What a page shows of a client comes from ``care.reading``, which reads only through
``circle.access`` (so only what the client shares now, and each look is in their access
log). Every URL here with an id answers 404 unless the care link, note or alert is the
signed-in therapist's own.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from alongside.assessments.models import catalogue
from alongside.care import reading
from alongside.care.forms_therapist import SessionNoteForm
from alongside.care.models import Alert, CareLink, SessionNote
from alongside.care.services import profile_of
from alongside.circle import access, registry
from alongside.circle.models import name_order
from alongside.lib.http import AuthedHttpRequest


def _my_client(request: AuthedHttpRequest, pk: int) -> CareLink:
    """A care link where I am the therapist (anyone else's answers 404)."""
    return get_object_or_404(
        CareLink.objects.select_related("client", "link"), pk=pk, therapist=request.user
    )


def _by_name(links: list[CareLink]) -> list[CareLink]:
    return sorted(links, key=lambda care: (name_order(str(care.client)), care.pk))


@dataclass(frozen=True)
class ClientRow:
    """One client on the caseload: only what they share, nothing about the rest."""

    care: CareLink
    trends: list[reading.Trend]
    assessments: list[reading.InstrumentSeries] | None
    practice: reading.PracticeSummary | None
    alerts: list[reading.AlertView]


@login_required
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    """Every client, each with what they share: trends, questionnaires, practice, alerts."""
    profile = profile_of(request.user)
    if profile is None:
        return redirect("care:become")
    me = request.user
    links = _by_name(list(CareLink.objects.of_therapist(me).select_related("client", "link")))
    specs = catalogue()
    sharing: dict[int, bool] = {}
    found = []
    for care in links:
        series = reading.assessment_series(me, care.client, specs=specs)
        sharing[care.client_id] = series is not None
        found.append(
            (
                care,
                reading.trends(me, care.client),
                series,
                reading.practice(me, care.client),
            )
        )
    open_alerts = reading.alerts(me, links, open_only=True, specs=specs, sharing=sharing)
    rows = [
        ClientRow(care, trends, series, practice, open_alerts[care.pk])
        for care, trends, series, practice in found
    ]
    earlier_notes = SessionNote.objects.filter(therapist=me).exclude(
        client__in=[care.client_id for care in links]
    )
    return render(
        request,
        "care/caseload.html",
        {
            "rows": rows,
            "couples": reading.couples(links),
            "earlier_notes": earlier_notes,
            "profile": profile,
        },
    )


@login_required
def client(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """One client: what they share, their questionnaires with reliable change, alerts."""
    care = _my_client(request, pk)
    me, person = request.user, care.client
    specs = catalogue()
    series = reading.assessment_series(me, person, specs=specs)
    grant = access.grant_between(person, me)
    alerts = reading.alerts(me, [care], specs=specs, sharing={person.pk: series is not None})
    return render(
        request,
        "care/client.html",
        {
            "care": care,
            "client": person,
            "shared_labels": registry.labels(access.shared_categories(person, me)),
            "last_day": grant.last_day(me.tz) if grant else None,
            "trends": reading.trends(me, person),
            "assessments": series,
            "shares_assessments": series is not None,
            "agreements": reading.client_agreements(me, person),
            "open_alerts": [alert for alert in alerts[care.pk] if alert.is_open],
            "seen_alerts": [alert for alert in alerts[care.pk] if not alert.is_open],
            "parts": registry.render_parts("person", me, person, care.link),
            "couple": reading.couple_of(care),
        },
    )


@login_required
def couple(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Two partners side by side, only when both are my clients, are partner-linked, and
    both chose to be seen beside each other; each shows only what they share."""
    care = _my_client(request, pk)
    found = reading.couple_of(care)
    if found is None:
        raise Http404
    me = request.user
    days = reading.couple_days(me, found)
    same_day = reading.same_day(days)
    trajectories = reading.couple_assessments(me, found)
    agreements = reading.agreements(me, found)
    shown = (days.mood_chart, days.needs_chart, same_day, trajectories, any(agreements.sharing))
    return render(
        request,
        "care/couple.html",
        {
            "couple": found,
            "names": days.names,
            "days": days,
            "same_day": same_day,
            "trajectories": trajectories,
            "agreements": agreements,
            "nothing": not any(shown),
        },
    )


# ----------------------------------------------------------------- session notes


@login_required
@require_http_methods(["GET", "POST"])
def notes(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """My notes of sessions with one client, and a form for a new one."""
    care = _my_client(request, pk)
    me = request.user
    form = SessionNoteForm(request.POST if request.method == "POST" else None, therapist=me)
    if request.method == "POST" and form.is_valid():
        note = form.save(commit=False)
        note.therapist = me
        note.client = care.client
        note.client_label = str(care.client)[:200]
        note.save()
        messages.success(request, _("Your note is saved."))
        return redirect("care:notes", pk=care.pk)
    return render(
        request,
        "care/notes.html",
        {
            "care": care,
            "client": care.client,
            "form": form,
            "notes": SessionNote.objects.filter(therapist=me, client=care.client),
        },
    )


def _my_note(request: AuthedHttpRequest, pk: int) -> tuple[SessionNote, CareLink | None]:
    note = get_object_or_404(SessionNote, pk=pk, therapist=request.user)
    care = (
        CareLink.objects.filter(therapist=request.user, client=note.client_id)
        .select_related("client")
        .first()
        if note.client_id
        else None
    )
    return note, care


def _after_note(care: CareLink | None) -> HttpResponse:
    return redirect("care:notes", pk=care.pk) if care else redirect("care:caseload")


@login_required
@require_http_methods(["GET", "POST"])
def note_edit(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note, care = _my_note(request, pk)
    form = SessionNoteForm(
        request.POST if request.method == "POST" else None, instance=note, therapist=request.user
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your note is saved."))
        return _after_note(care)
    return render(request, "care/note_form.html", {"note": note, "care": care, "form": form})


@login_required
@require_POST
def note_delete(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    note, care = _my_note(request, pk)
    note.delete()
    messages.success(request, _("The note is deleted."))
    return _after_note(care)


# ------------------------------------------------------------------------- alerts


@transaction.atomic
@login_required
@require_POST
def alert_ack(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk, care_link__therapist=request.user)
    if alert.acknowledge(by=request.user):
        messages.success(request, _("Marked as seen. It stays on the page, under “Seen”."))
    return redirect(reverse("care:client", args=[alert.care_link_id]) + "#alerts")
