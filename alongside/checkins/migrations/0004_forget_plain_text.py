"""Rewrite the tables that were just encrypted, so no plain text stays in freed pages.

Not atomic: ``VACUUM`` cannot run inside a transaction. It changes no data, so there is
nothing to undo when it is reversed.
"""

from django.db import migrations

from alongside.lib.crypto_migration import forget_old_pages


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("checkins", "0003_encrypt_support_text"),
        ("circle", "0002_encrypt_names_and_notices"),
    ]

    operations = [
        forget_old_pages("circle_person", "circle_notice", "checkins_checkin"),
    ]
