"""Delivery, in the task worker: pushes wait on other companies' servers."""

from __future__ import annotations

import logging

from django.conf import settings
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from pywebpush import WebPushException, webpush

from alongside.push import vapid
from alongside.push.models import PushSubscription
from alongside.push.schemas import allowed_endpoint

log = logging.getLogger(__name__)

# A reminder that arrives hours late is no help: push services drop it after this.
TIME_TO_LIVE = 4 * 3600
TIMEOUT = 10  # seconds per push service request
GONE = {404, 410}  # the browser unsubscribed or the subscription expired (RFC 8030 7.3)


@task()
def deliver(user_id: int, payload: str) -> str:
    """Send ``payload`` (JSON: title, body, url) to each of the person's devices."""
    signer = vapid.signer()
    sent = removed = failed = 0
    for subscription in PushSubscription.objects.filter(owner_id=user_id):
        if not allowed_endpoint(subscription.endpoint):  # the allowed services changed
            failed += 1
            continue
        try:
            webpush(
                subscription.subscription_info(),
                payload,
                vapid_private_key=signer,
                # A new dict each time: pywebpush writes this endpoint's "aud" into it.
                vapid_claims={"sub": settings.WEB_PUSH_CONTACT},
                ttl=TIME_TO_LIVE,
                timeout=TIMEOUT,
                headers={"Urgency": "normal"},
            )
        except WebPushException as exc:
            status = exc.response.status_code if exc.response is not None else None
            if status in GONE:
                subscription.delete()
                removed += 1
                continue
            log.warning("push to subscription %s failed: %s", subscription.pk, status or exc)
            PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
            failed += 1
            continue
        except OSError as exc:  # requests' connection errors and timeouts are OSErrors
            log.warning("push to subscription %s failed: %s", subscription.pk, type(exc).__name__)
            PushSubscription.objects.filter(pk=subscription.pk).update(failures=F("failures") + 1)
            failed += 1
            continue
        PushSubscription.objects.filter(pk=subscription.pk).update(
            last_success_at=timezone.now(), failures=0
        )
        sent += 1
    return f"sent {sent}, removed {removed}, failed {failed}"
