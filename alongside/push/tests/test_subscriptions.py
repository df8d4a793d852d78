"""Subscribing, unsubscribing and removing devices: strict input, one's own rows only."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from alongside.push.models import PushSubscription
from alongside.push.tests.conftest import Browser

FCM = "https://fcm.googleapis.com/fcm/send/abc123"


def post_json(client: Client, url: str, data: Any) -> Any:
    return client.post(url, json.dumps(data), content_type="application/json")


def subscribe(client: Client, data: Any) -> Any:
    return post_json(client, "/settings/notifications/subscribe/", data)


def field_of(response: Any) -> list[Any]:
    assert response.status_code == 422, response.content.decode()
    return [error["loc"][2:] for error in response.json()["detail"]]


def test_it_stores_a_subscription(alice: Any, alice_client: Client) -> None:
    browser = Browser()
    response = subscribe(alice_client, browser.subscription(FCM))
    assert response.status_code == 201
    subscription = PushSubscription.objects.get(owner=alice)
    assert subscription.pk == response.json()["id"]
    assert subscription.endpoint == FCM
    assert subscription.p256dh == browser.keys()["p256dh"]


def test_the_same_device_subscribing_again_keeps_one_row(
    alice: Any, ben: Any, alice_client: Client, ben_client: Client
) -> None:
    subscribe(alice_client, Browser().subscription(FCM))
    subscribe(alice_client, Browser().subscription(FCM))
    assert PushSubscription.objects.count() == 1
    # A shared computer: whoever turned notifications on last gets them, not both.
    subscribe(ben_client, Browser().subscription(FCM))
    (only,) = PushSubscription.objects.all()
    assert only.owner == ben


def test_the_endpoint_and_keys_are_encrypted_at_rest(alice: Any, alice_client: Client) -> None:
    browser = Browser()
    subscribe(alice_client, browser.subscription(FCM))
    with connection.cursor() as cursor:
        cursor.execute("SELECT endpoint, p256dh, auth FROM push_pushsubscription")
        row = cursor.fetchone()
    assert "fcm.googleapis.com" not in row[0]
    assert browser.keys()["p256dh"] not in row[1]
    assert browser.keys()["auth"] not in row[2]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"endpoint": "http://fcm.googleapis.com/fcm/send/abc"}, ["endpoint"]),
        ({"endpoint": "https://intranet.example.org/admin"}, ["endpoint"]),
        ({"endpoint": "https://127.0.0.1/push"}, ["endpoint"]),
        ({"endpoint": 42}, ["endpoint"]),
        ({"keys": {"p256dh": "not base64!", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, ["keys", "p256dh"]),
        ({"keys": {"p256dh": "AAAA", "auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, ["keys", "p256dh"]),
        ({"keys": {"auth": "AAAAAAAAAAAAAAAAAAAAAA"}}, ["keys", "p256dh"]),
        ("short-auth", ["keys", "auth"]),
        ({"colour": "blue"}, ["colour"]),
    ],
)
def test_bad_input_is_422_naming_the_field(
    alice_client: Client, change: Any, field: list[str]
) -> None:
    data = Browser().subscription(FCM)
    if change == "short-auth":
        data["keys"]["auth"] = "AAAA"
    else:
        data.update(change)
    assert field in field_of(subscribe(alice_client, data))
    assert not PushSubscription.objects.exists()


def test_missing_body_is_422(alice_client: Client) -> None:
    response = alice_client.post("/settings/notifications/subscribe/", "{", "application/json")
    assert response.status_code == 422
    assert PushSubscription.objects.count() == 0


def test_subscribing_needs_the_csrf_token(alice: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert subscribe(client, Browser().subscription(FCM)).status_code == 403


def test_a_local_http_endpoint_needs_the_test_setting(alice_client: Client, settings: Any) -> None:
    local = Browser().subscription("http://127.0.0.1:9/push/x")
    assert field_of(subscribe(alice_client, local)) == [["endpoint"]]
    settings.WEB_PUSH_ALLOW_LOCAL_HTTP = True
    assert subscribe(alice_client, local).status_code == 201


def test_unsubscribe_forgets_only_ones_own(
    alice: Any, alice_client: Client, eve_client: Client
) -> None:
    subscribe(alice_client, Browser().subscription(FCM))
    response = post_json(eve_client, "/settings/notifications/unsubscribe/", {"endpoint": FCM})
    assert response.status_code == 204
    assert PushSubscription.objects.filter(owner=alice).count() == 1
    response = post_json(alice_client, "/settings/notifications/unsubscribe/", {"endpoint": FCM})
    assert response.status_code == 204
    assert not PushSubscription.objects.exists()


def test_a_stranger_cannot_remove_someones_device(
    alice: Any, alice_client: Client, eve_client: Client
) -> None:
    subscribe(alice_client, Browser().subscription(FCM))
    subscription = PushSubscription.objects.get(owner=alice)
    url = f"/settings/notifications/{subscription.pk}/remove/"
    assert eve_client.post(url).status_code == 404
    assert PushSubscription.objects.filter(pk=subscription.pk).exists()
    assert alice_client.post(url).status_code == 302
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()


def test_the_settings_page_lists_only_ones_own_devices(
    alice: Any, alice_client: Client, eve_client: Client
) -> None:
    subscribe(alice_client, Browser().subscription(FCM))
    subscription = PushSubscription.objects.get(owner=alice)
    remove = f"/settings/notifications/{subscription.pk}/remove/"
    mine = alice_client.get("/settings/reminders/").content.decode()
    assert "Notifications on this device" in mine
    assert remove in mine
    assert "Send a test notification" in mine
    assert f'data-devices="{subscription.endpoint_digest}"' in mine  # this browser's, hashed
    assert FCM not in mine
    theirs = eve_client.get("/settings/reminders/").content.decode()
    assert "Notifications on this device" in theirs
    assert remove not in theirs
    assert "Send a test notification" not in theirs
    assert subscription.endpoint_digest not in theirs


def test_the_export_lists_devices_without_their_addresses(
    alice: Any, eve: Any, alice_client: Client
) -> None:
    from alongside.accounts.export import sections

    subscribe(alice_client, Browser().subscription(FCM))
    (device,) = sections(alice)["notification_devices"]
    assert set(device) == {"turned_on_at", "last_delivered_at", "failures_in_a_row"}
    assert "fcm" not in json.dumps(sections(alice))
    assert sections(eve)["notification_devices"] == []
