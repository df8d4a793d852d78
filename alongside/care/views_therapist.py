"""The therapist's pages: caseload, a client, a couple (built out by the care pages)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from alongside.care.models import CareLink
from alongside.care.services import profile_of
from alongside.lib.http import AuthedHttpRequest


@login_required
def caseload(request: AuthedHttpRequest) -> HttpResponse:
    if profile_of(request.user) is None:
        return redirect("care:become")
    links = CareLink.objects.of_therapist(request.user).select_related("client")
    return render(request, "care/caseload.html", {"links": links})


@login_required
def client(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    care = get_object_or_404(
        CareLink.objects.select_related("client"), pk=pk, therapist=request.user
    )
    return render(request, "care/client.html", {"care": care, "client": care.client})
