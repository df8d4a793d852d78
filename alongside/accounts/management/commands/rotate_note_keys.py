"""Re-encrypt every encrypted text field and two-factor secret under the first key."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from alongside.accounts import mfa
from alongside.lib.crypto import EncryptedTextField


class Command(BaseCommand):
    help = (
        "Re-encrypt every encrypted text (notes, names, ...) with the first key in "
        "NOTE_ENCRYPTION_KEYS. Run after putting a new key first; then the old key can be "
        "removed (docs/deploy.md)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            for obj in model._default_manager.only("pk", *fields).iterator(chunk_size=500):
                # update() skips auto_now: rotating keys is not an edit by the person.
                with transaction.atomic():
                    model._default_manager.filter(pk=obj.pk).update(
                        **{name: getattr(obj, name) for name in fields}
                    )
                count += 1
            total += count
            self.stdout.write(f"{model._meta.label}: {count} rows re-encrypted")
        # Two-factor secrets live inside allauth's JSON column, not in an encrypted field.
        count = mfa.rotate_secrets()
        total += count
        self.stdout.write(f"mfa.Authenticator: {count} rows re-encrypted")
        self.stdout.write(self.style.SUCCESS(f"Done: {total} rows."))
