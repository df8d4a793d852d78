from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from alongside.care.services import is_therapist


def care(request: HttpRequest) -> dict[str, object]:
    """``IS_THERAPIST`` for the navigation; asked only when a page draws the menu."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"IS_THERAPIST": False}
    return {"IS_THERAPIST": SimpleLazyObject(lambda: is_therapist(user))}
