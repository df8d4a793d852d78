"""Downloads: FHIR exports and the access log as AuditEvents.

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
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alongside.assessments.models import Take, catalogue
from alongside.care import fhir
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
