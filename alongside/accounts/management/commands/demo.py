"""Seed the demo: people with weeks of realistic, generated check-ins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from alongside.accounts import demo
from alongside.accounts.models import User


class Command(BaseCommand):
    help = "Create demo people with realistic check-ins (only when the database is empty)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--force", action="store_true", help="Seed even if people exist.")
        parser.add_argument("--quiet-logins", action="store_true", help="Don't print the logins.")

    def handle(self, *args: Any, **options: Any) -> None:
        if User.objects.exists() and not options["force"]:
            self.stdout.write("The database already has people in it; no demo seeded.")
        else:
            demo.seed()
        if not options["quiet_logins"]:
            self.stdout.write(demo.logins_text())
