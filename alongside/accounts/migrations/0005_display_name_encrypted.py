"""The name a person shows to linked people is encrypted at rest; stored names are
encrypted in place."""

from django.db import migrations

import alongside.lib.crypto
from alongside.lib.crypto_migration import encrypt_columns


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_encrypt_mfa_secrets")]

    operations = [
        migrations.AlterField(
            model_name="user",
            name="display_name",
            field=alongside.lib.crypto.EncryptedCharField(
                blank=True,
                help_text="How you'd like to be called. Only people you link with will see it.",
                max_length=80,
                verbose_name="name to show",
            ),
        ),
        encrypt_columns("accounts", "User", "display_name"),
    ]
