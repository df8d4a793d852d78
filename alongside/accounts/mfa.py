"""The secrets inside allauth's ``Authenticator.data``, which ``MFAAdapter`` encrypts."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from allauth.mfa.models import Authenticator
from django.db import transaction

from alongside.lib import crypto

# TOTP keeps its key in "secret"; recovery codes keep a "seed" and, for codes carried over
# from django-allauth-2fa, a list of "migrated_codes". WebAuthn keeps only public keys.
SECRET_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)


def with_secrets_changed(data: dict[str, Any], change: Callable[[str], str]) -> dict[str, Any]:
    """A copy of ``data`` with ``change`` applied to every secret in it."""
    changed = dict(data)
    for key in ("secret", "seed"):
        if isinstance(changed.get(key), str):
            changed[key] = change(changed[key])
    if isinstance(changed.get("migrated_codes"), list):
        changed["migrated_codes"] = [change(code) for code in changed["migrated_codes"]]
    return changed


def rotate_secrets() -> int:
    """Re-encrypt every two-factor secret under the first NOTE_ENCRYPTION_KEYS key."""
    count = 0
    pks = Authenticator.objects.filter(type__in=SECRET_TYPES).values_list("pk", flat=True)
    for pk in list(pks):
        # Locked like allauth locks it when a recovery code is used, so a code spent
        # while the keys rotate is not written back as unused.
        with transaction.atomic():
            authenticator = Authenticator.objects.select_for_update().filter(pk=pk).first()
            if authenticator is None:
                continue
            authenticator.data = with_secrets_changed(authenticator.data, crypto.rotate)
            authenticator.save(update_fields=["data"])
        count += 1
    return count
