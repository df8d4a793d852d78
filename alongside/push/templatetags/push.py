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
    subscriptions = list(PushSubscription.objects.filter(owner=request.user))
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "csp_nonce": context.get("csp_nonce"),
        "subscriptions": subscriptions,
        # So the page can tell whether *this* browser is among them (push.js hashes its
        # own endpoint the same way), without the endpoints themselves in the page.
        "digests": " ".join(s.endpoint_digest for s in subscriptions),
        "public_key": vapid.public_key(),
    }
