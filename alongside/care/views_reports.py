"""Downloads: FHIR exports, the access log as AuditEvents, and the PDF session report.

Every download asks for the password again first (exports always do). A therapist's
downloads read the client's data through ``circle.access`` (so they land in the
client's access log) and answer 404 for anyone else's client.
"""

from __future__ import annotations

import json
from typing import Any

from allauth.account.decorators import reauthentication_required
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alongside.assessments.models import Take, catalogue
from alongside.care import fhir, report
from alongside.care.models import CareEvent, CareLink
from alongside.circle import access
from alongside.lib.http import AuthedHttpRequest


def _download(
    request: AuthedHttpRequest, body: bytes, name: str, content_type: str
) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    # In discreet mode a download's name says nothing of the app.
    prefix = "notes" if request.user.discreet else "alongside"
    stamp = request.user.local_today().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="{prefix}-{name}-{stamp}{_ext(content_type)}"'
    )
    response["Cache-Control"] = "no-store"
    return response


def _ext(content_type: str) -> str:
    return ".pdf" if content_type == "application/pdf" else ".json"


def _json(document: dict[str, Any]) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=2).encode()


def _client_care(request: AuthedHttpRequest, pk: int) -> CareLink:
    """A care link where I am the therapist (anyone else's answers 404)."""
    return get_object_or_404(
        CareLink.objects.select_related("client"), pk=pk, therapist=request.user
    )


# ----------------------------------------------------------------------------- FHIR


@login_required
@require_GET
@reauthentication_required
def my_fhir(request: AuthedHttpRequest) -> HttpResponse:
    """All my finished questionnaires, with their Questionnaires, as a FHIR Bundle."""
    takes = list(Take.objects.filter(owner=request.user).complete().select_related("owner"))
    document = fhir.takes_bundle(takes, catalogue())
    return _download(request, _json(document), "questionnaires-fhir", fhir.FHIR_JSON)


@login_required
def client_fhir(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """A client's questionnaire results, as far as they share them: scores, never the
    answers. Not shared: an empty Bundle, the same as nothing taken."""
    # Someone else's client is not found before any password is asked for.
    return _client_fhir(request, _client_care(request, pk))


@require_GET
@reauthentication_required
def _client_fhir(request: AuthedHttpRequest, care: CareLink) -> HttpResponse:
    reading = access.read(
        request.user,
        Take.objects.complete().select_related("owner").order_by("completed_at", "pk"),
        "assessments",
        owner=care.client,
        detail=_("questionnaire results, as a FHIR file"),
    )
    document = fhir.takes_bundle(reading.rows, catalogue(), answers=False)
    CareEvent.objects.create(
        therapist=request.user, care_link=care, action="fhir_export", detail={}
    )
    return _download(request, _json(document), "client-fhir", fhir.FHIR_JSON)


@login_required
@require_GET
@reauthentication_required
def my_access_log_json(request: AuthedHttpRequest) -> HttpResponse:
    """Who saw my data, one FHIR AuditEvent per visit (``fhir.audit_event``)."""
    document = fhir.access_log_bundle(request.user)
    return _download(request, _json(document), "access-log", fhir.FHIR_JSON)


# ------------------------------------------------------------------------ the report


@login_required
def report_form(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Choose the period of a client's report; a good choice goes on to the PDF."""
    return _report_form(request, _client_care(request, pk))


@require_GET
def _report_form(request: AuthedHttpRequest, care: CareLink) -> HttpResponse:
    form = report.PeriodForm(request.GET or None, today=care.client.local_today())
    if form.is_bound and form.is_valid():
        built = report.build(
            viewer=request.user, client=care.client, period=form.period(), care=care
        )
        if built.empty:
            form.add_error(
                "start",
                _("%(name)s shares nothing from these dates yet. Try a longer period.")
                % {"name": str(care.client)},
            )
        else:
            return redirect(f"{reverse('care:report', args=[care.pk])}?{form.query()}")
    return render(
        request,
        "care/report_form.html",
        {"care": care, "client": care.client, "form": form, "mine": False},
    )


@login_required
def report_pdf(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """The PDF session report of a client over a period (only what they share)."""
    return _report_pdf(request, _client_care(request, pk))


@require_GET
@reauthentication_required
def _report_pdf(request: AuthedHttpRequest, care: CareLink) -> HttpResponse:
    form = report.PeriodForm(request.GET, today=care.client.local_today())
    if not form.is_valid():
        # The form page says what is wrong, next to the field.
        return redirect(f"{reverse('care:report_form', args=[care.pk])}?{request.GET.urlencode()}")
    period = form.period()
    built = report.build(viewer=request.user, client=care.client, period=period, care=care)
    if built.empty:
        return redirect(f"{reverse('care:report_form', args=[care.pk])}?{form.query()}")
    CareEvent.objects.create(
        therapist=request.user,
        care_link=care,
        action="report",
        detail={"start": period.start.isoformat(), "end": period.end.isoformat()},
    )
    return _download(request, report.render_pdf(built), "report", "application/pdf")


@login_required
@require_GET
def my_report_form(request: AuthedHttpRequest) -> HttpResponse:
    """Choose the period of my own report, and whose eyes it is drawn for."""
    form = report.PeriodForm(
        request.GET or None, today=request.user.local_today(), audiences=_audiences(request)
    )
    if form.is_bound and form.is_valid():
        audience = form.audience()
        built = report.build(
            viewer=request.user, client=request.user, period=form.period(), audience=audience
        )
        if not built.empty:
            return redirect(f"{reverse('care:my_report')}?{form.query()}")
        if audience is None:
            form.add_error("start", _("There is nothing of yours from these dates yet."))
        else:
            form.add_error(
                "start",
                _("%(name)s would see nothing of yours from these dates.")
                % {"name": str(audience)},
            )
    return render(
        request,
        "care/report_form.html",
        {"client": request.user, "form": form, "mine": True},
    )


def _audiences(request: AuthedHttpRequest) -> list[CareLink]:
    """My therapists, whose view of me my own report can show."""
    return list(CareLink.objects.of_client(request.user).select_related("therapist"))


@login_required
@require_GET
@reauthentication_required
def my_report(request: AuthedHttpRequest) -> HttpResponse:
    """My own report (the last twelve weeks unless chosen): everything of mine, or, with
    ``seen_by``, exactly what that therapist's report of me would hold, alerts aside."""
    form_page = reverse("care:my_report_form")
    if not request.GET:
        period, audience = report.default_period(request.user.local_today()), None
    else:
        form = report.PeriodForm(
            request.GET, today=request.user.local_today(), audiences=_audiences(request)
        )
        if not form.is_valid():
            return redirect(f"{form_page}?{request.GET.urlencode()}")
        period, audience = form.period(), form.audience()
    built = report.build(viewer=request.user, client=request.user, period=period, audience=audience)
    if built.empty:
        return redirect(f"{form_page}?{request.GET.urlencode() or period.query()}")
    return _download(request, report.render_pdf(built), "report", "application/pdf")
