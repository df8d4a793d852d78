"""The name a person shows to linked people is encrypted at rest, like notes.

The column becomes text first (a Fernet token is longer than 80 characters), then each
stored name is encrypted in place. Raw SQL, so the step reads the plain value whatever the
model says the column holds; a value that is already a token is left alone.
"""

import django.core.validators
from django.db import migrations, models

import alongside.lib.crypto
from alongside.lib import crypto

FERNET_PREFIX = "gAAAAA"
HELP = "How you'd like to be called. Only people you link with will see it."


def _rewrite(schema_editor, change):
    connection = schema_editor.connection
    table = connection.ops.quote_name("accounts_user")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, display_name FROM {table} WHERE display_name <> ''")  # noqa: S608
        rows = cursor.fetchall()
        for pk, value in rows:
            new = change(value)
            if new != value:
                cursor.execute(
                    f"UPDATE {table} SET display_name = %s WHERE id = %s",  # noqa: S608
                    [new, pk],
                )


def encrypt_existing(apps, schema_editor):
    _rewrite(
        schema_editor,
        lambda value: value if value.startswith(FERNET_PREFIX) else crypto.encrypt(value),
    )


def decrypt_existing(apps, schema_editor):
    _rewrite(
        schema_editor,
        lambda value: crypto.decrypt(value)[:80] if value.startswith(FERNET_PREFIX) else value,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_encrypt_mfa_secrets")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=models.TextField(blank=True, verbose_name="name to show"),
        ),
        migrations.RunPython(encrypt_existing, decrypt_existing),
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=alongside.lib.crypto.EncryptedTextField(
                blank=True,
                help_text=HELP,
                max_length=80,
                validators=[django.core.validators.MaxLengthValidator(80)],
                verbose_name="name to show",
            ),
        ),
    ]
