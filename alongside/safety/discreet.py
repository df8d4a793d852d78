"""Discreet mode and the quick exit: what a person at risk can choose, on their own.

Discreet mode gives the app a neutral name ("Notes") wherever someone glancing at a phone
or an inbox might see it: tab titles, the installed app's name and icon, e-mail subjects
and sender, the export's file name, the sign-in page. It is the person's choice alone; it
is stored on their account (so every device follows once they sign in) and in a cookie on
the device (so the sign-in page, before anyone is signed in, is neutral too).

The quick exit leaves for an ordinary website at once. Behind it the session is either
signed out (if the person chose that) or *locked*: the next page asks for the password
before anything personal is shown, so pressing Back shows nothing of theirs.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from email.utils import formataddr, parseaddr
from typing import Any
from urllib.parse import urlencode

from allauth.account.authentication import get_authentication_records
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

COOKIE = "als_discreet"
COOKIE_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
NEUTRAL_NAME = "Notes"  # deliberately not translated: the same plain word on every device
LOCK_KEY = "alongside_locked_at"

# Reachable while a session is locked: unlocking, leaving, help, and what pages need.
UNLOCKED_PREFIXES = (
    "/accounts/reauthenticate/",
    "/accounts/2fa/reauthenticate/",
    "/accounts/logout/",
    "/accounts/login/",
    "/exit/",
    "/help/",
    "/static/",
    "/manifest.webmanifest",
    "/sw.js",
    "/offline/",
)


def is_discreet(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return bool(user.discreet)
    return request.COOKIES.get(COOKIE) == "1"


def remember_on_device(response: HttpResponse, discreet: bool) -> None:
    if discreet:
        response.set_cookie(
            COOKIE,
            "1",
            max_age=COOKIE_AGE,
            httponly=True,
            samesite="Lax",
            secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")


def neutral_sender() -> str:
    """The deployment's sender address under the neutral name."""
    _name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return formataddr((NEUTRAL_NAME, address))


def neutral_subject() -> str:
    return _("A note for you")


def lock(request: HttpRequest) -> None:
    """After a quick exit: the next personal page needs the password first."""
    # The session key stays: the answer to the page's background request may arrive after
    # the page has gone, and a new cookie then would be lost (signing the person out).
    # Pages kept in the back/forward cache are reloaded by site.js, and signed-in pages are
    # sent with "Cache-Control: no-store".
    request.session[LOCK_KEY] = time.time()


def is_locked(request: HttpRequest) -> bool:
    locked_at = request.session.get(LOCK_KEY)
    if locked_at is None:
        return False
    records = get_authentication_records(request, request.user)
    if any(float(r.get("at", 0)) > float(locked_at) for r in records):
        del request.session[LOCK_KEY]  # the password was given again since the exit
        return False
    return True


class SafetyMiddleware:
    """Keeps a locked session's pages closed, and the device's discreet cookie in step
    with the signed-in person's choice."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and not request.path.startswith(UNLOCKED_PREFIXES) and is_locked(request):
            return self._closed(request)
        response = self.get_response(request)
        user = getattr(request, "user", None)  # signing in or out changes it mid-request
        if user is not None and user.is_authenticated:
            wanted = bool(user.discreet)
            if wanted != (request.COOKIES.get(COOKIE) == "1"):
                remember_on_device(response, wanted)
        return response

    @staticmethod
    def _closed(request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and "HTTP_AUTHORIZATION" not in request.META:
            return JsonResponse({"detail": "Sign in again to continue."}, status=401)
        if request.method != "GET" or request.headers.get("HX-Request"):
            # A form or an htmx poll from a page left open: nothing, and no hint.
            return HttpResponse(status=401)
        target: Any = redirect(
            "/accounts/reauthenticate/?" + urlencode({"next": request.get_full_path()})
        )
        return target
