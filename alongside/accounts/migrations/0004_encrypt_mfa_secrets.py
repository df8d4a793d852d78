"""Two-factor secrets stored before MFA_ADAPTER encrypted them are encrypted now.

A value is already encrypted when it is a Fernet token ("gAAAAA…"): TOTP secrets are
base32 (upper case), seeds are hex and recovery codes are digits, so none can look like one.
"""

from django.db import migrations

from alongside.lib import crypto

FERNET_PREFIX = "gAAAAA"


def _changed(data, change):
    data = dict(data)
    for key in ("secret", "seed"):
        if isinstance(data.get(key), str):
            data[key] = change(data[key])
    if isinstance(data.get("migrated_codes"), list):
        data["migrated_codes"] = [change(code) for code in data["migrated_codes"]]
    return data


def _encrypt(value):
    return value if value.startswith(FERNET_PREFIX) else crypto.encrypt(value)


def _decrypt(value):
    return crypto.decrypt(value) if value.startswith(FERNET_PREFIX) else value


def _apply(apps, change):
    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.filter(type__in=("totp", "recovery_codes")):
        new = _changed(authenticator.data, change)
        if new != authenticator.data:
            Authenticator.objects.filter(pk=authenticator.pk).update(data=new)


def forwards(apps, schema_editor):
    _apply(apps, _encrypt)


def backwards(apps, schema_editor):
    _apply(apps, _decrypt)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_api_token_expiry"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
