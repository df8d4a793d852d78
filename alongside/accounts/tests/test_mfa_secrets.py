"""Two-factor secrets are stored encrypted with the note keys, and rotate with them
(issue 8, point 4)."""

from __future__ import annotations

import importlib
import io
import json
import time
from typing import Any

import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, TOTP
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.test import Client

from alongside.accounts.tests.test_two_factor import code_for
from conftest import TEST_NOTE_KEY

PLAIN_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored_data(authenticator: Authenticator) -> str:
    """``Authenticator.data`` as the database holds it, not as the ORM gives it back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM mfa_authenticator WHERE id = %s", [authenticator.pk])
        (raw,) = cursor.fetchone()
    return raw if isinstance(raw, str) else json.dumps(raw)


def test_the_stored_totp_secret_is_not_the_plain_secret(
    alice_client: Client, alice: Any, reauthenticate: Any
) -> None:
    now = time.time()
    with time_machine.travel(now, tick=False):
        reauthenticate(alice_client)
        alice_client.get("/accounts/2fa/totp/activate/")
        secret = alice_client.session[SECRET_SESSION_KEY]
        alice_client.post("/accounts/2fa/totp/activate/", {"code": code_for(secret, now)})
    totp = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    raw = stored_data(totp)
    assert secret not in raw
    assert json.loads(raw)["secret"].startswith("gAAAA")  # a Fernet token
    codes = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    seed = json.loads(stored_data(codes))["seed"]
    assert seed.startswith("gAAAA")
    assert codes.wrap().validate_code(codes.wrap().get_unused_codes()[0])


def test_signing_in_with_an_encrypted_secret_still_works(alice: Any, password: str) -> None:
    TOTP.activate(alice, PLAIN_SECRET)
    assert PLAIN_SECRET not in stored_data(Authenticator.objects.get(user=alice))
    later = time.time() + 60
    with time_machine.travel(later, tick=False):
        client = Client()
        client.post("/accounts/login/", {"login": alice.email, "password": password})
        done = client.post("/accounts/2fa/authenticate/", {"code": code_for(PLAIN_SECRET, later)})
        assert done.status_code == 302
        assert client.get("/checkin/").status_code == 200


def test_the_migration_encrypts_secrets_stored_before_it(alice: Any, ben: Any) -> None:
    # Stored the way allauth did before MFA_ADAPTER encrypted anything.
    plain_totp = Authenticator.objects.create(
        user=alice, type=Authenticator.Type.TOTP, data={"secret": PLAIN_SECRET}
    )
    plain_codes = Authenticator.objects.create(
        user=alice,
        type=Authenticator.Type.RECOVERY_CODES,
        data={"seed": "ab" * 40, "used_mask": 0, "migrated_codes": ["12345678"]},
    )
    TOTP.activate(ben, "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU")  # already encrypted: left alone
    ben_before = stored_data(Authenticator.objects.get(user=ben))

    migration = importlib.import_module("alongside.accounts.migrations.0004_encrypt_mfa_secrets")
    migration.forwards(apps, connection.schema_editor())

    assert PLAIN_SECRET not in stored_data(plain_totp)
    assert "12345678" not in stored_data(plain_codes)
    assert "ab" * 40 not in stored_data(plain_codes)
    assert stored_data(Authenticator.objects.get(user=ben)) == ben_before
    now = time.time()
    plain_totp.refresh_from_db()
    with time_machine.travel(now, tick=False):
        assert TOTP(plain_totp).validate_code(code_for(PLAIN_SECRET, now))
    plain_codes.refresh_from_db()
    assert RecoveryCodes(plain_codes).validate_code("12345678")


def test_rotating_the_note_keys_re_encrypts_two_factor_secrets(alice: Any, settings: Any) -> None:
    TOTP.activate(alice, PLAIN_SECRET)
    RecoveryCodes.activate(alice)
    codes_before = RecoveryCodes(
        Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    new_key = Fernet.generate_key().decode()
    settings.NOTE_ENCRYPTION_KEYS = [new_key, TEST_NOTE_KEY]
    call_command("rotate_note_keys", stdout=io.StringIO())

    settings.NOTE_ENCRYPTION_KEYS = [new_key]  # the old key is gone
    totp = Authenticator.objects.get(user=alice, type=Authenticator.Type.TOTP)
    now = time.time()
    with time_machine.travel(now, tick=False):
        assert TOTP(totp).validate_code(code_for(PLAIN_SECRET, now))
    codes = Authenticator.objects.get(user=alice, type=Authenticator.Type.RECOVERY_CODES)
    assert RecoveryCodes(codes).get_unused_codes() == codes_before
