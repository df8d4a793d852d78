"""The access log keeps one row per visit (categories gathered, reads counted), and the
viewer's name is encrypted at rest like every other name a person typed."""

import django.utils.timezone
from django.db import migrations, models

import alongside.lib.crypto


def forwards(apps, schema_editor):
    Entry = apps.get_model("accounts", "AccessLogEntry")
    for entry in Entry.objects.all().iterator(chunk_size=500):
        entry.viewer_name = entry.viewer_label
        entry.categories = [entry.category] if entry.category else []
        entry.details = [entry.detail] if entry.detail else []
        entry.first_at = entry.at
        entry.save(update_fields=["viewer_name", "categories", "details", "first_at"])


def backwards(apps, schema_editor):
    Entry = apps.get_model("accounts", "AccessLogEntry")
    for entry in Entry.objects.all().iterator(chunk_size=500):
        entry.viewer_label = entry.viewer_name[:120]
        entry.category = (entry.categories or [""])[0]
        entry.detail = ", ".join(entry.details)[:200]
        entry.save(update_fields=["viewer_label", "category", "detail"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            "accesslogentry", "viewer_name", alongside.lib.crypto.EncryptedTextField(default="")
        ),
        migrations.AddField("accesslogentry", "categories", models.JSONField(default=list)),
        migrations.AddField("accesslogentry", "details", models.JSONField(default=list)),
        migrations.AddField("accesslogentry", "reads", models.PositiveIntegerField(default=1)),
        migrations.AddField(
            "accesslogentry",
            "first_at",
            models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField("accesslogentry", "viewer_label"),
        migrations.RemoveField("accesslogentry", "category"),
        migrations.RemoveField("accesslogentry", "detail"),
        migrations.RenameField("accesslogentry", "viewer_name", "viewer_label"),
        migrations.AlterField(
            "accesslogentry", "viewer_label", alongside.lib.crypto.EncryptedTextField()
        ),
        migrations.AlterModelOptions("accesslogentry", options={"ordering": ("-at", "-pk")}),
        migrations.AddIndex(
            "accesslogentry",
            models.Index(fields=["owner", "viewer", "-at"], name="access_visit_idx"),
        ),
    ]
