from __future__ import annotations

from typing import Any

from django import template

from alongside.push import vapid
from alongside.push.models import PushSubscription

register = template.Library()


@register.inclusion_tag("push/settings_section.html", takes_context=True)
def push_settings(context: dict[str, Any]) -> dict[str, Any]:
    """The "Notifications on this device" part of a settings page: one's own devices."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
        "subscriptions": list(PushSubscription.objects.filter(owner=request.user)),
        "public_key": vapid.public_key(),
    }
