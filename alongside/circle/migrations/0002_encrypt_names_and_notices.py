"""Circle names and notices are encrypted at rest; existing rows are encrypted in place.

People are no longer ordered by name in the database (it sees only ciphertext).
"""

import alongside.lib.crypto
from django.db import migrations

from alongside.lib.crypto_migration import encrypt_columns


class Migration(migrations.Migration):

    dependencies = [
        ('circle', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='person',
            options={},
        ),
        migrations.AlterField(
            model_name='notice',
            name='text',
            field=alongside.lib.crypto.EncryptedCharField(max_length=300),
        ),
        migrations.AlterField(
            model_name='person',
            name='name',
            field=alongside.lib.crypto.EncryptedCharField(max_length=80, verbose_name='name'),
        ),
        encrypt_columns("circle", "Person", "name"),
        encrypt_columns("circle", "Notice", "text"),
    ]
