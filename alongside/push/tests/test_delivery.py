"""Pushes go out through the real pywebpush code path, from the real task worker, to a
local push service that checks the VAPID signature and decrypts what it got."""

from __future__ import annotations

import datetime as dt
import json
import time
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from alongside import push
from alongside.push.models import PushSubscription
from alongside.push.tests.conftest import Browser, PushService, vapid_claims
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tasks import send_reminder
from conftest import run_worker

pytestmark = pytest.mark.django_db(transaction=True)


def subscribe(client: Client, browser: Browser, endpoint: str) -> None:
    response = client.post(
        "/settings/notifications/subscribe/",
        json.dumps(browser.subscription(endpoint)),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content.decode()


def deployment_public_key() -> ec.EllipticCurvePublicKey:
    pem = (settings.DATA_DIR / "vapid_private_key.pem").read_bytes()
    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return key.public_key()


def test_it_delivers_an_encrypted_signed_push(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser
) -> None:
    subscribe(alice_client, browser, push_service.endpoint("alice-phone"))
    push.send(alice, "Alongside", "Time for your check-in.", "/checkin/")
    assert push_service.received == []  # queued, not sent by the caller
    assert run_worker() == ["sent 1, removed 0, failed 0"]

    (request,) = push_service.received
    assert request.path == "/push/alice-phone"
    assert request.headers["content-encoding"] == "aes128gcm"
    assert request.headers["ttl"] == str(4 * 3600)
    assert b"check-in" not in request.body  # encrypted end to end
    assert browser.decrypt(request.body) == {
        "title": "Alongside",
        "body": "Time for your check-in.",
        "url": "/checkin/",
    }
    claims = vapid_claims(request.headers["authorization"], deployment_public_key())
    assert claims["aud"] == push_service.origin
    assert claims["sub"] == settings.WEB_PUSH_CONTACT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    subscription = PushSubscription.objects.get(owner=alice)
    assert subscription.last_success_at is not None
    assert subscription.failures == 0


def test_in_discreet_mode_it_names_nothing(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser
) -> None:
    alice.discreet = True
    alice.save()
    subscribe(alice_client, browser, push_service.endpoint("alice-phone"))
    push.send(alice, "Alongside", "Time for your check-in, whenever you're ready.", "/checkin/")
    run_worker()
    (request,) = push_service.received
    payload = browser.decrypt(request.body)
    assert payload == {"title": "Notes", "body": "A note for you", "url": "/checkin/"}
    words = json.dumps(payload).lower()
    for telling in ("alongside", "check-in", "feel", "partner", "relationship", "mood"):
        assert telling not in words


def test_a_gone_subscription_is_deleted(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser
) -> None:
    subscribe(alice_client, browser, push_service.endpoint("old-laptop"))
    subscribe(alice_client, Browser(), push_service.endpoint("phone"))
    push_service.status["/push/old-laptop"] = 410
    push.send(alice, "Alongside", "Hello", "/")
    assert run_worker() == ["sent 1, removed 1, failed 0"]
    (left,) = PushSubscription.objects.filter(owner=alice)
    assert left.endpoint == push_service.endpoint("phone")


def test_a_failing_push_service_is_counted_not_deleted(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser
) -> None:
    subscribe(alice_client, browser, push_service.endpoint("phone"))
    push_service.status["/push/phone"] = 500
    push.send(alice, "Alongside", "Hello", "/")
    assert run_worker() == ["sent 0, removed 0, failed 1"]
    assert PushSubscription.objects.get(owner=alice).failures == 1


def test_nothing_is_queued_for_someone_without_devices(alice: Any) -> None:
    push.send(alice, "Alongside", "Hello", "/")
    assert not DBTaskResult.objects.exists()


def test_the_test_button_pushes_from_the_worker(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser
) -> None:
    subscribe(alice_client, browser, push_service.endpoint("phone"))
    response = alice_client.post("/settings/notifications/test/")
    assert response.status_code == 302
    assert push_service.received == []
    run_worker()
    (request,) = push_service.received
    payload = browser.decrypt(request.body)
    assert payload["title"] == "Alongside"
    assert payload["url"] == "/settings/reminders/"


def test_a_check_in_reminder_also_pushes(
    alice: Any, alice_client: Client, push_service: PushService, browser: Browser, mailoutbox: Any
) -> None:
    subscribe(alice_client, browser, push_service.endpoint("phone"))
    schedule = ReminderSchedule.objects.create(
        owner=alice,
        weekdays=[0, 1, 2, 3, 4, 5, 6],
        at=dt.time(20, 0),
        next_due_at=timezone.now() - dt.timedelta(minutes=1),
        version=1,
    )
    send_reminder.enqueue(schedule.pk, 1)
    run_worker()
    run_worker()  # the push the reminder queued, should one worker pass not have seen it
    assert len(mailoutbox) == 1  # e-mail as before
    (request,) = push_service.received
    assert browser.decrypt(request.body) == {
        "title": "Alongside",
        "body": "Time for your check-in, whenever you're ready.",
        "url": "/checkin/",
    }


def test_a_research_prompt_also_pushes_and_opens_its_page(
    alice: Any,
    dana: Any,
    alice_client: Client,
    push_service: PushService,
    browser: Browser,
    mailoutbox: Any,
) -> None:
    from alongside.research import delivery
    from alongside.research.models import Prompt
    from alongside.research.tests.helpers import enrol, make_study, plan_prompt
    from conftest import make_researcher

    make_researcher(dana)
    me = enrol(alice, make_study(dana, couple=False))
    Prompt.objects.filter(participant=me).delete()
    prompt = plan_prompt(me, timezone.now() - dt.timedelta(minutes=1))
    subscribe(alice_client, browser, push_service.endpoint("phone"))
    delivery.run()
    run_worker()
    assert len(mailoutbox) == 1
    (request,) = push_service.received
    payload = browser.decrypt(request.body)
    assert payload["url"] == f"/research/prompts/{prompt.pk}/"
    assert payload["title"] == "Alongside"
    assert "questions for the study" in payload["body"]
