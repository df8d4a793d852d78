"""Request typing for views that require a signed-in person."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpRequest

if TYPE_CHECKING:
    from alongside.accounts.models import User


class AuthedHttpRequest(HttpRequest):
    user: User
