from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def help_now(request: HttpRequest) -> HttpResponse:
    """Help resources, open to everyone (no sign-in: someone may need them urgently)."""
    return render(request, "safety/help.html", {"resources": settings.HELP_RESOURCES})
