"""The JSON API, version 1 (OpenAPI docs at /api/docs)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth

from alongside.accounts.models import ApiToken, User


class TokenAuth(HttpBearer):
    """``Authorization: Bearer als_…`` with a personal access token from Settings."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = ApiToken.owner_for(token)
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="Alongside API",
    version="1",
    description=(
        "Your own data in Alongside. Authenticate with a personal access token "
        "(Settings → API tokens) as `Authorization: Bearer <token>`, or with your browser "
        "session. Errors in what you send answer 422 and name the field."
    ),
    auth=[TokenAuth(), django_auth],
    urls_namespace="api",
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # Malformed JSON is a problem with the body the client sent: answer like any other
    # validation error, 422 naming the field ("body").
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return api.create_response(
            request,
            {
                "detail": [
                    {
                        "loc": ["body"],
                        "msg": "The request body is not valid JSON.",
                        "type": "json_invalid",
                    }
                ]
            },
            status=422,
        )
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


api.add_router("/v1/checkins", "alongside.checkins.api.router")
api.add_router("/v1/assessments", "alongside.assessments.api.router")

__all__ = ["api"]
