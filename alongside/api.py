"""The JSON API, version 1 (OpenAPI docs at /api/docs)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import HttpError
from ninja.parser import Parser
from ninja.security import HttpBearer, SessionAuth

from alongside.accounts.models import ApiToken, User
from alongside.lib.text import unstorable_place


class TokenAuth(HttpBearer):
    """``Authorization: Bearer als_…`` with a personal access token from Settings."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.owner_for(token)
        if user is not None:
            request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser session; its writes need the CSRF token, as in the app.

    ninja checks CSRF before asking whether anyone is signed in, so a request with no
    session at all got 403 ("CSRF check failed") instead of 401. Nobody signed in means
    401 whatever the method; a signed-in session is CSRF-checked exactly as before.
    """

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


class UnstorableText(ValueError):
    """A JSON string (value or key) with a lone surrogate, at ``place`` in the body."""

    def __init__(self, place: list[Any]) -> None:
        super().__init__("unstorable text")
        self.place = place


class StorableJsonParser(Parser):
    """JSON whose every string can be stored; ``"\\ud800"`` is valid JSON but cannot be.

    Checked here once for every endpoint, so no field (a note, an id, an answer's key)
    can reach encryption or the database with text that fails there.
    """

    def parse_body(self, request: HttpRequest) -> Any:
        data = super().parse_body(request)
        place = unstorable_place(data, ["body"])
        if place is not None:
            raise UnstorableText(place)
        return data


api = NinjaAPI(
    title="Alongside API",
    version="1",
    description=(
        "Your own data in Alongside. Authenticate with a personal access token "
        "(Settings → API tokens) as `Authorization: Bearer <token>`, or with your browser "
        "session. Errors in what you send answer 422 and name the field."
    ),
    auth=[TokenAuth(), BrowserSession()],
    parser=StorableJsonParser(),
    urls_namespace="api",
)


def _body_error(request: HttpRequest, loc: list[Any], msg: str, kind: str) -> HttpResponse:
    return api.create_response(
        request, {"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # A body that can't be parsed is a problem with what the client sent: answer like any
    # other validation error, 422 naming the field.
    if exc.status_code == 400 and isinstance(exc.__cause__, UnstorableText):
        return _body_error(
            request,
            exc.__cause__.place,
            "This text has a character that can't be stored (a lone surrogate).",
            "string_unstorable",
        )
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return _body_error(request, ["body"], "The request body is not valid JSON.", "json_invalid")
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # One answer for every 404, in DEBUG too: it names no model and no query.
    return api.create_response(request, {"detail": "Not found"}, status=404)


api.add_router("/v1/checkins", "alongside.checkins.api.router")
api.add_router("/v1/assessments", "alongside.assessments.api.router")
api.add_router("/v1/practice", "alongside.practice.api_experiments.router")
api.add_router("/v1/practice", "alongside.practice.api_growth.router")
api.add_router("/v1/care", "alongside.care.api.router")
api.add_router("/v1/research", "alongside.research.api.router")

# Last, so it matches only what nothing above did (such as /v1/checkins/abc): a JSON 404
# rather than the HTML page, after the same sign-in check as everything else (401).
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:rest}", include_in_schema=False
)
def unknown_path(request: HttpRequest, rest: str) -> None:
    raise Http404


api.add_router("", fallback)

__all__ = ["api"]
