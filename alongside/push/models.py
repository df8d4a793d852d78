"""A browser's permission to be notified: one row per device (per browser profile).

The endpoint is a capability URL at the browser vendor's push service that names one
browser install, and the keys decrypt what is sent to it: all three are encrypted at rest.
Only their owner ever sees or removes them; nothing here is shared with anyone.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alongside.lib.crypto import EncryptedTextField


def endpoint_digest(endpoint: str) -> str:
    # The ciphertext differs on every save, so the same device subscribing again is found
    # by this instead. The endpoint holds a long random token: its hash reveals nothing.
    return hashlib.sha256(endpoint.encode("utf-8")).hexdigest()


class PushSubscription(models.Model):
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="push_subscriptions"
    )
    endpoint = EncryptedTextField()
    endpoint_digest = models.CharField(max_length=64, unique=True, editable=False)
    p256dh = EncryptedTextField()
    auth = EncryptedTextField()
    created_at = models.DateTimeField(_("turned on"), auto_now_add=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    # Deliveries that failed in a row (not counting "gone", which removes the row).
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of {self.owner_id}"

    def subscription_info(self) -> dict[str, object]:
        """What pywebpush takes: the browser's ``PushSubscription.toJSON()`` shape."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}

    def to_dict(self) -> dict[str, Any]:
        """For the person's export: when, not where. The endpoint and keys are a way to
        reach the device, like a token: they stay out of files that get passed around."""
        return {
            "turned_on_at": self.created_at.isoformat(),
            "last_delivered_at": self.last_success_at.isoformat() if self.last_success_at else None,
            "failures_in_a_row": self.failures,
        }
