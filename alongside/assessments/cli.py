"""``alongside instruments``: list, check and import questionnaires for a deployment.

Attached to the main command in ``alongside/cli.py``. Each command is thin: it reads
the file or the database through ``services`` and ``models`` and prints the outcome.
Problems print one clear line naming the file, row and field, and exit with status 1.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from alongside.assessments.services import ImportPlan

__all__ = ["instruments"]

_FILE = click.Path(exists=True, dir_okay=False, path_type=Path)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    import django

    django.setup()


def _who(by: str | None) -> str:
    if by:
        return by
    try:
        return f"{getpass.getuser()} (command line)"
    except (KeyError, OSError):  # no login name in some containers
        return "command line"


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def instruments() -> None:
    """Questionnaires: list them, check and import wording, instruments and figures.

    Third-party questionnaires ship as scoring keys without their wording; import the
    wording from your licensed copy (a REDCap data dictionary or a ReproSchema
    activity) with `alongside instruments import FILE --into ID`. See
    docs/instruments.md.
    """


@instruments.command("list")
def list_command() -> None:
    """List every questionnaire, whether its wording is installed, and its figures."""
    _setup()
    from alongside.assessments.models import (
        InstalledInstrument,
        InstalledWording,
        ReliableChangeFigures,
        catalogue,
    )

    wordings = {row.instrument_id: row for row in InstalledWording.objects.all()}
    imported = {row.instrument_id: row for row in InstalledInstrument.objects.all()}
    figures: dict[str, list[str]] = {}
    for figure in ReliableChangeFigures.objects.all():
        figures.setdefault(figure.instrument_id, []).append(figure.subscale_id)
    rows = [("ID", "KIND", "WORDING", "RELIABLE CHANGE")]
    for spec in catalogue().values():
        if spec.id in wordings:
            installed = wordings[spec.id]
            wording = f"imported {installed.imported_at:%Y-%m-%d} by {installed.imported_by or '?'}"
        elif spec.id in imported:
            wording = f"in the imported instrument ({imported[spec.id].source})"
        elif spec.wording_installed:
            wording = "shipped"
        else:
            wording = "NOT INSTALLED (see: alongside instruments import --help)"
        shipped_rc = [s.id for s in spec.subscales if s.reliable_change is not None]
        rc = ", ".join(sorted(set(shipped_rc) | set(figures.get(spec.id, [])))) or "-"
        rows.append((spec.id, spec.kind, wording, rc))
    widths = [max(len(r[i]) for r in rows) for i in range(3)]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(widths[i]) for i, cell in enumerate(row[:3])) + "  " + row[3]
        )


def _read(file: Path, into: str | None, form: str | None, language: str) -> ImportPlan:
    from alongside.assessments.services import import_file_read
    from alongside.assessments.spec import AssessmentError

    try:
        return import_file_read(path=file, into=into, form=form, language=language)
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None


_INTO = click.option(
    "--into",
    metavar="ID",
    help="The shipped key this file gives the wording for (for example ecr-rs). "
    "Without it, a .csv or .jsonld file becomes a whole new instrument.",
)
_FORM = click.option("--form", help="The REDCap form to read, when the dictionary has several.")
_LANGUAGE = click.option(
    "--language", default="en", show_default=True, help="Language of a ReproSchema file's texts."
)


@instruments.command()
@click.argument("file", type=_FILE)
@_INTO
@_FORM
@_LANGUAGE
def check(file: Path, into: str | None, form: str | None, language: str) -> None:
    """Check FILE (.csv, .jsonld, .json, .yaml) without storing anything."""
    _setup()
    plan = _read(file, into, form, language)
    click.echo(f"{file.name} is fine. Importing it would install:")
    for line in plan.describe():
        click.echo(f"  {line}")


@instruments.command("import")
@click.argument("file", type=_FILE)
@_INTO
@_FORM
@_LANGUAGE
@click.option("--by", metavar="NAME", help="Who is importing (default: your login name).")
def import_command(
    file: Path, into: str | None, form: str | None, language: str, by: str | None
) -> None:
    """Import FILE: wording for a shipped key (--into ID), a whole instrument, or
    reliable-change figures (a YAML file with reliable_change: [...])."""
    _setup()
    from alongside.assessments.services import import_file_install
    from alongside.assessments.spec import AssessmentError

    plan = _read(file, into, form, language)
    try:
        installed = import_file_install(plan=plan, imported_by=_who(by))
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Imported {file.name}:")
    for line in installed:
        click.echo(f"  {line}")


@instruments.command("set-reliable-change")
@click.argument("instrument_id", metavar="INSTRUMENT")
@click.argument("subscale_id", metavar="SUBSCALE")
@click.option("--sd", type=float, help="SD of the reference sample, on the subscale's scale.")
@click.option("--reliability", type=float, help="Reliability between 0 and 1 (for example .85).")
@click.option(
    "--reliability-kind",
    default="test-retest",
    show_default=True,
    help="Which reliability it is (test-retest, Cronbach's alpha, ...).",
)
@click.option("--citation", help="Where the SD and reliability come from (required).")
@click.option("--url", help="A link to the source (optional).")
@click.option("--by", metavar="NAME", help="Who is adding them (default: your login name).")
@click.option("--clear", is_flag=True, help="Remove the figures for this subscale instead.")
def set_reliable_change(
    instrument_id: str,
    subscale_id: str,
    sd: float | None,
    reliability: float | None,
    reliability_kind: str,
    citation: str | None,
    url: str | None,
    by: str | None,
    clear: bool,
) -> None:
    """Store a cited SD and reliability so reliable change can be computed.

    The shipped keys carry no verified reference-sample SD. Give figures from a
    published source or your own reference sample, and cite it, for example:

      alongside instruments set-reliable-change ecr-rs avoidance --sd 1.1
      --reliability .80 --reliability-kind test-retest --citation "Author (year) ..."
    """
    _setup()
    from alongside.assessments.models import ReliableChangeFigures
    from alongside.assessments.services import reliable_change_install
    from alongside.assessments.spec import AssessmentError

    if clear:
        deleted, _rows = ReliableChangeFigures.objects.filter(
            instrument_id=instrument_id, subscale_id=subscale_id
        ).delete()
        if not deleted:
            raise click.ClickException(f"no figures stored for {instrument_id} {subscale_id}")
        click.echo(f"Removed the reliable-change figures for {instrument_id} {subscale_id}.")
        return
    missing = [
        name
        for name, value in (("--sd", sd), ("--reliability", reliability), ("--citation", citation))
        if value is None
    ]
    if sd is None or reliability is None or citation is None:
        raise click.UsageError(f"missing {', '.join(missing)} (or pass --clear)")
    try:
        figure = reliable_change_install(
            instrument_id=instrument_id,
            subscale_id=subscale_id,
            sd=sd,
            reliability=reliability,
            reliability_kind=reliability_kind,
            citation=citation,
            url=url,
            installed_by=_who(by),
        )
    except AssessmentError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Stored reliable-change figures for {figure.instrument_id} {figure.subscale_id}: "
        f"SD {figure.sd:g}, {figure.reliability_kind} reliability {figure.reliability:g}."
    )
