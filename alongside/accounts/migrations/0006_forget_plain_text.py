"""Rewrite the tables whose secrets were just encrypted in place (names, two-factor keys),
so no plain text stays in freed pages.

Not atomic: ``VACUUM`` cannot run inside a transaction. It changes no data, so there is
nothing to undo when it is reversed.
"""

from django.db import migrations

from alongside.lib.crypto_migration import forget_old_pages


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("accounts", "0005_display_name_encrypted")]

    operations = [forget_old_pages("accounts_user", "mfa_authenticator")]
