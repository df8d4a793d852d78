from __future__ import annotations

import hashlib
from functools import cache

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from ninja.errors import ValidationError

from alongside import push
from alongside.lib.http import AuthedHttpRequest
from alongside.lib.schemas import read_body
from alongside.push.models import PushSubscription, endpoint_digest
from alongside.push.schemas import SubscribeIn, UnsubscribeIn
from alongside.push.services import subscription_save


@cache
def _service_worker_source() -> str:
    # The shell's cache name changes with the release (and the static files' hashes),
    # so an update replaces what an older worker kept.
    shell = "".join(static(f"alongside/{name}") for name in ("site.css", "site.js", "offline.js"))
    version = hashlib.sha256(shell.encode()).hexdigest()[:12]
    return render_to_string("push/sw.js", {"version": version})


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from the site root so its scope is the whole site."""
    response = HttpResponse(_service_worker_source(), content_type="text/javascript")
    response["Service-Worker-Allowed"] = "/"
    # Browsers check for a new version at least daily; never serve them a stale one.
    response["Cache-Control"] = "no-cache"
    return response


def _invalid(exc: ValidationError) -> JsonResponse:
    return JsonResponse({"detail": exc.errors}, status=422)


@login_required
@require_POST
def subscribe(request: AuthedHttpRequest) -> HttpResponse:
    """Turn notifications on for the device that sends its subscription (JSON)."""
    try:
        data = read_body(request, SubscribeIn)
    except ValidationError as exc:
        return _invalid(exc)
    subscription = subscription_save(user=request.user, data=data)
    return JsonResponse({"id": subscription.pk}, status=201)


@login_required
@require_POST
def unsubscribe(request: AuthedHttpRequest) -> HttpResponse:
    """Forget the sending device (JSON ``{"endpoint": ...}``); only one's own is found."""
    try:
        data = read_body(request, UnsubscribeIn)
    except ValidationError as exc:
        return _invalid(exc)
    PushSubscription.objects.filter(
        owner=request.user, endpoint_digest=endpoint_digest(data.endpoint)
    ).delete()
    return HttpResponse(status=204)


@login_required
@require_POST
def remove(request: AuthedHttpRequest, pk: int) -> HttpResponse:
    """Stop notifying one device, from the list in Settings (works without JavaScript)."""
    subscription = get_object_or_404(PushSubscription, pk=pk, owner=request.user)
    subscription.delete()
    messages.success(request, _("That device will get no more notifications."))
    return redirect(reverse("reminders:settings") + "#notifications")


@login_required
@require_POST
def test(request: AuthedHttpRequest) -> HttpResponse:
    """Send a test notification to each of one's devices, from the task worker."""
    if not PushSubscription.objects.filter(owner=request.user).exists():
        messages.info(request, _("Turn on notifications on a device first."))
    else:
        push.send(
            request.user,
            "Alongside",
            _("Notifications are on. This is how a reminder will reach you."),
            reverse("reminders:settings"),
        )
        messages.success(request, _("A test notification is on its way to your devices."))
    return redirect(reverse("reminders:settings") + "#notifications")
