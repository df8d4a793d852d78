from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def safety(request: HttpRequest) -> dict[str, str]:
    return {"QUICK_EXIT_URL": settings.QUICK_EXIT_URL}
