"""Subscribing a device and notifying a person: the operations that reach outside."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, TypedDict

from django.db import transaction

from alongside.push.models import PushSubscription, endpoint_digest
from alongside.push.schemas import SubscribeIn

if TYPE_CHECKING:
    from alongside.accounts.models import User


class Payload(TypedDict):
    """All a notification carries (encrypted end to end to the browser)."""

    title: str
    body: str
    url: str


def neutral_payload(title: str, body: str, url: str, *, discreet: bool) -> Payload:
    """In discreet mode the words are replaced here, before anything leaves the server."""
    from alongside.safety.discreet import NEUTRAL_NAME, neutral_subject

    if discreet:
        return {"title": NEUTRAL_NAME, "body": neutral_subject(), "url": url}
    return {"title": title, "body": body, "url": url}


def subscription_save(*, user: User, data: SubscribeIn) -> PushSubscription:
    """Store this device for ``user``. A device that subscribes again is updated, and one
    that another account used before now notifies only the person signed in on it."""
    digest = endpoint_digest(data.endpoint)
    with transaction.atomic():
        found = PushSubscription.objects.select_for_update().filter(endpoint_digest=digest)
        subscription = found.first() or PushSubscription(endpoint_digest=digest)
        subscription.owner = user
        subscription.endpoint = data.endpoint
        subscription.p256dh = data.keys.p256dh
        subscription.auth = data.keys.auth
        subscription.failures = 0
        subscription.save()
    return subscription


def notification_send(*, user: User, title: str, body: str, url: str, discreet: bool) -> None:
    """Queue one notification to each of ``user``'s devices (see ``alongside.push.send``)."""
    from alongside.push.tasks import deliver

    if not PushSubscription.objects.filter(owner=user).exists():
        return
    payload = neutral_payload(title, body, url, discreet=discreet)
    user_id = user.pk
    transaction.on_commit(lambda: deliver.enqueue(user_id, json.dumps(payload)))
