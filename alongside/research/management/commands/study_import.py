"""``alongside manage study_import FILE --researcher EMAIL``: a new study from its file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.accounts.models import User
from alongside.research import services
from alongside.research.definition import DefinitionError, load_yaml


class Command(BaseCommand):
    help = (
        "Create a study from a study file (YAML; the format is in docs/research.md). "
        "Every problem is named by its field path and nothing is stored unless all of "
        "the file is right."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The study file.")
        parser.add_argument(
            "--researcher", required=True, help="The sign-in address of the study's researcher."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = options["researcher"].strip()
        user = User.objects.filter(email__iexact=email).first()
        if user is None or not services.is_researcher(user):
            raise CommandError(f"{email} is not a researcher (see grant_researcher).")
        try:
            text = Path(options["file"]).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as problem:
            raise CommandError(f"Cannot read {options['file']}: {problem}") from None
        try:
            study = services.study_create(researcher=user, data=load_yaml(text))
        except DefinitionError as problem:
            raise CommandError(
                "Nothing was stored. Fix these and try again:\n"
                + "\n".join(f"  {issue}" for issue in problem.issues)
            ) from None
        self.stdout.write(f"Study {study.pk} ({study.code}) is created.")
