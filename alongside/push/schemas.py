"""What the page sends: the browser's ``PushSubscription.toJSON()``, checked strictly."""

from __future__ import annotations

import binascii
from typing import Annotated
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from pydantic import AfterValidator, Field

from alongside.lib.schemas import Strict, Text
from alongside.push.vapid import b64url_decode


def _decoded(value: str) -> bytes:
    if not value or any(c not in _B64URL for c in value.rstrip("=")):
        raise ValueError("Expected base64url text (A-Z, a-z, 0-9, - and _).")
    try:
        return b64url_decode(value.rstrip("="))
    except (binascii.Error, ValueError):
        raise ValueError("Expected base64url text.") from None


_B64URL = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _p256dh(value: str) -> str:
    raw = _decoded(value)
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), raw)
    except ValueError:
        raise ValueError("Expected the browser's P-256 public key (65 bytes).") from None
    if len(raw) != 65:
        raise ValueError("Expected the browser's P-256 public key (65 bytes).")
    return value


def _auth(value: str) -> str:
    if len(_decoded(value)) != 16:
        raise ValueError("Expected the browser's 16-byte authentication secret.")
    return value


def allowed_endpoint(value: str) -> bool:
    """An https address at a known push service (or, in tests, a local stand-in)."""
    parts = urlsplit(value)
    host = (parts.hostname or "").lower()
    if settings.WEB_PUSH_ALLOW_LOCAL_HTTP and parts.scheme == "http" and host == "127.0.0.1":
        return True
    if parts.scheme != "https" or not host or parts.username or parts.password:
        return False
    return any(
        host == known or host.endswith("." + known)
        for known in (h.lower().lstrip(".") for h in settings.WEB_PUSH_SERVICE_HOSTS)
    )


def _endpoint(value: str) -> str:
    if not urlsplit(value).scheme == "https" and not settings.WEB_PUSH_ALLOW_LOCAL_HTTP:
        raise ValueError("The endpoint must be an https:// address.")
    if not allowed_endpoint(value):
        raise ValueError("The endpoint must be an https:// address at a known push service.")
    return value


class SubscriptionKeys(Strict):
    p256dh: Annotated[Text, AfterValidator(_p256dh)] = Field(max_length=200)
    auth: Annotated[Text, AfterValidator(_auth)] = Field(max_length=100)


class SubscribeIn(Strict):
    endpoint: Annotated[Text, AfterValidator(_endpoint)] = Field(max_length=2000)
    # Sent by browsers (usually null); we rely on 404/410 from the push service instead.
    expirationTime: int | float | None = None  # the browser's own name
    keys: SubscriptionKeys


class UnsubscribeIn(Strict):
    endpoint: Text = Field(max_length=2000)
