"""With DEBUG off: a strict Content-Security-Policy with nonces, no framing, no referrer."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from alongside.lib.env import env_bool


@pytest.fixture(autouse=True)
def _production(settings: Any) -> None:
    settings.DEBUG = False


def directives(response: Any) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("url", ["/", "/help/", "/accounts/login/"])
def test_pages_carry_a_csp_with_a_nonce_for_scripts(client: Client, db: None, url: str) -> None:
    response = client.get(url)
    csp = directives(response)
    nonces = [v for v in csp["script-src"] if v.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0][len("'nonce-") : -1]
    assert f'<script nonce="{nonce}"' in response.content.decode()
    assert "'unsafe-inline'" not in csp["script-src"]
    assert csp["default-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]


def test_each_response_gets_a_fresh_nonce(client: Client, db: None) -> None:
    first = directives(client.get("/help/"))["script-src"]
    second = directives(client.get("/help/"))["script-src"]
    assert first != second


def test_signed_in_pages_carry_the_csp_too(alice_client: Client) -> None:
    response = alice_client.get("/checkin/")
    assert re.search(r"script-src 'self' 'nonce-[^']+'", response["Content-Security-Policy"])


def test_pages_cannot_be_framed(client: Client, db: None) -> None:
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    # Other sites learn nothing of where a person came from (same-origin keeps CSRF working).
    assert response["Referrer-Policy"] == "same-origin"


def test_the_api_is_not_framed_either(client: Client, db: None) -> None:
    response = client.get("/api/v1/checkins/")
    assert response.status_code == 401
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.skipif(env_bool("DEBUG"), reason="settings were loaded with DEBUG on")
def test_cookies_are_secure_and_hsts_is_on_outside_debug(
    settings: Any, client: Client, db: None
) -> None:
    # settings.py decides these at start, from DEBUG being off (the default).
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.CSRF_COOKIE_SECURE is True
    assert settings.SESSION_COOKIE_HTTPONLY is True
    response = client.get("/help/", secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
