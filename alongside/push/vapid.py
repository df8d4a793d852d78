"""The deployment's VAPID key pair: the private half signs pushes, the public half is the
page's ``applicationServerKey`` (RFC 8292)."""

from __future__ import annotations

import base64

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from py_vapid import Vapid

from alongside.lib import keys


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def signer() -> Vapid:
    """The private key: from ``WEB_PUSH_VAPID_PRIVATE_KEY`` or the data directory."""
    configured = settings.WEB_PUSH_VAPID_PRIVATE_KEY
    text = configured or keys.vapid_private_key(settings.DATA_DIR)
    try:
        if text.lstrip().startswith("-----BEGIN"):
            vapid = Vapid.from_pem(text.encode("ascii"))
        else:
            vapid = Vapid.from_string(text)
    except Exception as exc:  # py_vapid wraps every parse error differently
        where = "WEB_PUSH_VAPID_PRIVATE_KEY" if configured else "vapid_private_key.pem"
        raise ImproperlyConfigured(f"{where}: not a usable P-256 private key ({exc})") from exc
    if not isinstance(vapid.private_key, ec.EllipticCurvePrivateKey) or not isinstance(
        vapid.private_key.curve, ec.SECP256R1
    ):
        raise ImproperlyConfigured("WEB_PUSH_VAPID_PRIVATE_KEY: expected a P-256 (prime256v1) key")
    return vapid


def public_key() -> str:
    """The public key as browsers take it: an uncompressed point, base64url."""
    point = signer().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64url(point)
