"""The two halves of practice were built side by side; this joins their migrations."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("practice", "0001_experiments"), ("practice", "0001_growth")]

    operations: list[migrations.operations.base.Operation] = []
