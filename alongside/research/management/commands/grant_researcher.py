"""``alongside manage grant_researcher EMAIL [--undo]``: give (or take away) the role."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.models import User
from alongside.research import services


class Command(BaseCommand):
    help = (
        "Give the person with this sign-in address the researcher role (they can then "
        "create studies), or with --undo, take it away. Their studies stay either way."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email", help="The person's sign-in address.")
        parser.add_argument("--undo", action="store_true", help="Take the role away.")
        parser.add_argument(
            "--by", default="site administrator", help="Who gave it (kept with the role)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["email"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            raise CommandError(f"No account signs in with {email}. They sign up first.")
        if options["undo"]:
            services.researcher_revoke(user=user)
            self.stdout.write(f"{email} is no longer a researcher.")
        else:
            services.researcher_grant(user=user, by=options["by"])
            self.stdout.write(f"{email} is a researcher.")
