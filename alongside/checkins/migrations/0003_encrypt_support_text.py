"""Who gave or got support, in the person's words, is encrypted at rest, rows in place."""

import alongside.lib.crypto
from django.db import migrations

from alongside.lib.crypto_migration import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('checkins', '0002_checkin_given_to_people_checkin_is_private_and_more'),
    ]

    operations = [
        migrations.AlterField(
            model_name='checkin',
            name='support_given_to',
            field=alongside.lib.crypto.EncryptedCharField(blank=True, max_length=200, verbose_name='to whom'),
        ),
        migrations.AlterField(
            model_name='checkin',
            name='support_received_from',
            field=alongside.lib.crypto.EncryptedCharField(blank=True, max_length=200, verbose_name='from whom'),
        ),
        encrypt_columns("checkins", "CheckIn", "support_received_from", "support_given_to"),
    ]
