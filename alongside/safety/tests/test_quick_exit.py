"""A quick exit on every page, and a "Help now" page anyone can open."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from alongside.checkins.models import CheckIn

EXIT = "https://weather.example.net/today"

SIGNED_IN_PAGES = [
    "/",
    "/checkin/",
    "/checkin/missed-day/",
    "/checkins/",
    "/checkins/{pk}/",
    "/checkins/{pk}/edit/",
    "/checkins/{pk}/delete/",
    "/settings/profile/",
    "/settings/reminders/",
    "/settings/tokens/",
    "/settings/data/",
    "/settings/data/delete/",
    "/settings/access-log/",
    "/accounts/2fa/",
    "/accounts/password/change/",
    "/accounts/email/",
    "/accounts/reauthenticate/",
    "/help/",
]
ANONYMOUS_PAGES = [
    "/",
    "/help/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]


@pytest.fixture(autouse=True)
def _exit_url(settings: Any) -> None:
    settings.QUICK_EXIT_URL = EXIT


def assert_quick_exit(response: Any) -> None:
    assert response.status_code == 200, response
    html = response.content.decode()
    assert '<form method="post" action="/exit/" class="quick-exit-form"' in html
    assert '<button type="submit" form="quick-exit-form" class="quick-exit" id="quick-exit"' in html
    assert f'data-quick-exit="{EXIT}"' in html  # for the Escape-twice shortcut


@pytest.mark.parametrize("url", SIGNED_IN_PAGES)
def test_every_signed_in_page_has_the_quick_exit(
    alice_client: Client, alice: Any, url: str
) -> None:
    checkin = CheckIn.objects.create(
        owner=alice, day=alice.local_today() - dt.timedelta(days=1), mood=5
    )
    assert_quick_exit(alice_client.get(url.format(pk=checkin.pk)))


@pytest.mark.parametrize("url", ANONYMOUS_PAGES)
def test_every_public_page_has_the_quick_exit(client: Client, db: None, url: str) -> None:
    assert_quick_exit(client.get(url))


def test_error_pages_after_a_form_mistake_keep_the_quick_exit(alice_client: Client) -> None:
    assert_quick_exit(alice_client.post("/checkin/", {"mood": "11"}))


def test_the_quick_exit_script_is_loaded_with_the_csp_nonce(client: Client, db: None) -> None:
    html = client.get("/help/").content.decode()
    assert '<script nonce="' in html
    assert "alongside/site.js" in html


def test_help_is_open_without_signing_in(client: Client, db: None) -> None:
    response = client.get("/help/")
    assert response.status_code == 200
    assert "Help, right now" in response.content.decode()


def test_help_lists_the_resources_the_deployment_configures(
    client: Client, db: None, settings: Any
) -> None:
    settings.HELP_RESOURCES = [
        {
            "name": "Lifeline Example",
            "phone": "0800 123 456",
            "url": "https://lifeline.example.org",
            "description": "Free, 24 hours.",
        },
        {"name": "Text Line <Example>", "text": "SHOUT to 85258"},
    ]
    html = client.get("/help/").content.decode()
    assert "Lifeline Example" in html
    assert 'href="tel:0800123456"' in html
    assert 'href="https://lifeline.example.org"' in html
    assert "Free, 24 hours." in html
    assert "Text Line &lt;Example&gt;" in html
    assert "SHOUT to 85258" in html


def test_help_without_configured_resources_still_helps(
    client: Client, db: None, settings: Any
) -> None:
    settings.HELP_RESOURCES = []
    html = client.get("/help/").content.decode()
    assert "Call your local emergency number" in html
    assert "Finding a helpline" in html


def test_help_is_linked_from_every_page(client: Client, db: None) -> None:
    assert 'href="/help/"' in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_a_missing_page_is_friendly_and_keeps_the_quick_exit(client: Client, settings: Any) -> None:
    settings.DEBUG = False
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "We couldn't find that page" in body
    assert settings.QUICK_EXIT_URL in body
