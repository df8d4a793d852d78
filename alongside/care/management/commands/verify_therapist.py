"""``alongside manage verify_therapist EMAIL [--undo]``: mark a therapist (not) verified."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.care.models import TherapistProfile


class Command(BaseCommand):
    help = (
        "Mark the therapist with this sign-in address as verified (their registration was "
        "checked by a person running this site), or with --undo, as not verified. Clients "
        "see which it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The therapist's sign-in address.")
        parser.add_argument("--undo", action="store_true", help="Mark them not verified.")
        parser.add_argument(
            "--by", default="site administrator", help="Who checked (kept with the mark)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        profile = (
            TherapistProfile.objects.select_related("user")
            .filter(user__email__iexact=email)
            .first()
        )
        if profile is None:
            raise CommandError(
                f"No therapist profile for {email}. They set one up at /care/become/ first."
            )
        if options["undo"]:
            profile.unverify()
            self.stdout.write(f"{email} is marked not verified.")
        else:
            profile.verify(by=options["by"])
            self.stdout.write(f"{email} is marked verified.")
