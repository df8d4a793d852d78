"""``alongside manage study_export ID|CODE``: a study as its study file (YAML, to stdout)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.research import services
from alongside.research.definition import dump_yaml, normalise_code
from alongside.research.models import Study


class Command(BaseCommand):
    help = (
        "Write a study's definition as a study file (YAML) to standard output, or to "
        "--output. Importing the file gives the same study."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("id", help="The study's number, or its enrolment code.")
        parser.add_argument("--output", help="Write to this file instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        given = str(options["id"]).strip()
        if given.isdigit():
            study = Study.objects.filter(pk=int(given)).first()
        else:
            study = Study.objects.filter(code=normalise_code(given)).first()
        if study is None:
            raise CommandError(f"No study {options['id']}.")
        text = dump_yaml(services.study_data(study))
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")
