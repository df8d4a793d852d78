from typing import Any

from django.db import migrations, models
from django.utils import timezone


def everyone_so_far_is_welcomed(apps: Any, schema_editor: Any) -> None:
    # People who were here before the welcome existed never see it.
    User = apps.get_model("accounts", "User")
    User.objects.filter(welcomed_at__isnull=True).update(welcomed_at=timezone.now())


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_user_language"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="welcomed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(everyone_so_far_is_welcomed, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="user",
            name="welcomed_at",
            field=models.DateTimeField(blank=True, default=timezone.now, null=True),
        ),
    ]
