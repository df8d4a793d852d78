"""The admin signs in only through allauth, only with two-factor, and shows no secrets.

Django's admin has its own login form, which skips allauth's rate limits and two-factor
step. allauth's documented fix is to wrap ``admin.site.login``; on top of that a staff
member must have an authenticator app and must have used it in this session.
"""

from __future__ import annotations

from typing import Any

from allauth.account.authentication import get_authentication_records
from allauth.account.decorators import secure_admin_login
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _


def used_two_factor(request: HttpRequest) -> bool:
    """This session was signed in, or confirmed since, with an authenticator code."""
    records = get_authentication_records(request, request.user)
    return any(record.get("method") == "mfa" for record in records)


_is_active_staff = admin.site.has_permission


def has_permission(request: HttpRequest) -> bool:
    return _is_active_staff(request) and used_two_factor(request)


def _next_url(request: HttpRequest) -> str:
    url = request.GET.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return url if url and safe else reverse("admin:index")


@secure_admin_login  # anonymous: allauth's login page; signed in but not staff: 403
def login(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
    next_url = _next_url(request)
    if not is_mfa_enabled(request.user, types=[Authenticator.Type.TOTP]):
        messages.info(
            request,
            _(
                "The admin needs two-factor sign-in. Set up an authenticator app here, "
                "then go back to the admin."
            ),
        )
        return redirect("mfa_activate_totp")
    if not used_two_factor(request):
        query = urlencode({"next": next_url})
        return HttpResponseRedirect(f"{reverse('mfa_reauthenticate')}?{query}")
    return HttpResponseRedirect(next_url)


def password_change(request: HttpRequest, extra_context: dict[str, Any] | None = None) -> Any:
    # allauth's form sends the "password changed" notice and ends the API tokens.
    return redirect("account_change_password")


admin.site.login = login  # type: ignore[method-assign]
admin.site.has_permission = has_permission  # type: ignore[method-assign]
admin.site.password_change = password_change  # type: ignore[method-assign]


class AuthenticatorAdmin(AllauthAuthenticatorAdmin):
    """Who has which kind of authenticator, and a way to remove one for someone who lost
    their phone. Never the secret: not even encrypted, not even to a superuser."""

    fields = ("user", "type", "created_at", "last_used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


admin.site.unregister(Authenticator)
admin.site.register(Authenticator, AuthenticatorAdmin)
