"""``alongside manage load_care_bands FILE``: load cited expected-response bands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from alongside.care.bands import BandFileError, load_band_file


class Command(BaseCommand):
    help = (
        "Load expected-response bands (for the 'not on the expected track' alert) from a "
        "YAML or JSON file with a citation for each set. The whole file is checked first; "
        "a file with any problem loads nothing. See alongside/care/bands.py for the format."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The band file (.yaml, .yml or .json).")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            count = load_band_file(options["file"])
        except BandFileError as exc:
            lines = "\n".join(f"  {issue}" for issue in exc.issues)
            raise CommandError(f"Nothing was loaded. {exc.file}:\n{lines}") from None
        self.stdout.write(f"Loaded {count} band(s) from {options['file']}.")
