"""The service worker script and the public key the page hands the browser."""

from __future__ import annotations

import re
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.test import Client

from alongside.push import vapid


def test_it_serves_the_service_worker_for_the_whole_site(client: Client) -> None:
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    source = response.content.decode()
    assert 'addEventListener("push"' in source
    assert 'addEventListener("notificationclick"' in source


def test_the_key_file_is_made_once_private_and_reused(settings: Any) -> None:
    path = Path(settings.DATA_DIR) / "vapid_private_key.pem"
    assert not path.exists()
    first = vapid.public_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    content = path.read_bytes()
    assert vapid.public_key() == first
    assert path.read_bytes() == content
    key = serialization.load_pem_private_key(content, password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    assert isinstance(key.curve, ec.SECP256R1)
    assert len(vapid.b64url_decode(first)) == 65


def test_a_configured_key_takes_the_place_of_the_file(settings: Any) -> None:
    own = ec.generate_private_key(ec.SECP256R1())
    settings.WEB_PUSH_VAPID_PRIVATE_KEY = own.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    point = own.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert vapid.public_key() == vapid.b64url(point)
    assert not (Path(settings.DATA_DIR) / "vapid_private_key.pem").exists()


def test_a_broken_configured_key_says_which_setting(settings: Any) -> None:
    from django.core.exceptions import ImproperlyConfigured

    settings.WEB_PUSH_VAPID_PRIVATE_KEY = "not a key"
    with pytest.raises(ImproperlyConfigured, match="WEB_PUSH_VAPID_PRIVATE_KEY"):
        vapid.public_key()


@pytest.mark.django_db
def test_the_page_gets_the_public_key_without_inline_script(alice_client: Client) -> None:
    html = alice_client.get("/settings/reminders/").content.decode()
    assert f'data-key="{vapid.public_key()}"' in html
    assert html.count('id="notifications"') == 1
    scripts = re.findall(r"<script[^>]*>", html)
    assert scripts and all("src=" in tag for tag in scripts)
    assert "alongside/push.js" in html
    assert settings.WEB_PUSH_CONTACT.startswith("mailto:")
