from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.core.exceptions import ImproperlyConfigured


def _configured_key_is_usable(**kwargs: Any) -> list[checks.CheckMessage]:
    """A broken WEB_PUSH_VAPID_PRIVATE_KEY stops the start, not the first reminder."""
    from django.conf import settings

    from alongside.push import vapid

    if not settings.WEB_PUSH_VAPID_PRIVATE_KEY:
        return []  # made in the data directory when first needed
    try:
        vapid.signer()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="push.E001")]
    return []


class PushConfig(AppConfig):
    name = "alongside.push"
    label = "push"
    verbose_name = "Notifications"

    def ready(self) -> None:
        checks.register(_configured_key_is_usable, deploy=False)
