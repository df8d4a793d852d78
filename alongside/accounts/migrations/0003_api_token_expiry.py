"""API tokens expire and remember when they were last used.

Tokens made before this had no end. Each now ends 90 days after it was made, the default
for new ones, but no sooner than a week after the upgrade, so a script still in use is
not cut off without time to notice the date on the tokens page.
"""

import datetime as dt

from django.db import migrations, models
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.functions import Greatest
from django.utils import timezone


def forwards(apps, schema_editor):
    ApiToken = apps.get_model("accounts", "ApiToken")
    grace = timezone.now() + dt.timedelta(days=7)
    ApiToken.objects.update(
        expires_at=Greatest(
            ExpressionWrapper(
                F("created_at") + dt.timedelta(days=90), output_field=models.DateTimeField()
            ),
            Value(grace, output_field=models.DateTimeField()),
        )
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_access_log_visits")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(),
        ),
    ]
