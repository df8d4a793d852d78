from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alongside.care.services import is_therapist


def care(request: HttpRequest) -> dict[str, object]:
    """``IS_THERAPIST`` and ``IS_RESEARCHER`` for the navigation; each asked only when a
    page draws the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"IS_THERAPIST": False, "IS_RESEARCHER": False}

    def is_researcher() -> bool:
        from alongside.research.models import ResearcherProfile

        return ResearcherProfile.objects.filter(user=user).exists()

    return {
        "IS_THERAPIST": SimpleLazyObject(lambda: is_therapist(user)),
        "IS_RESEARCHER": SimpleLazyObject(is_researcher),
    }
