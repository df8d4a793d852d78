"""``alongside study``: preview a schedule (no database), list studies, export data.

The main ``alongside`` command attaches this group with ``cli.add_command(study)``.
numpy, pandas, Django and the engine are imported inside each command, when it runs, so
``alongside --help`` starts without them. Bad input prints one line naming the option
or argument, never a traceback.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NoReturn

import click

__all__ = ["study"]


class _OneLine(click.ClickException):
    exit_code = 2


class _PlanCommand(click.Command):
    """Usage errors (a bad integer, an unknown option) become one line, status 2."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            raise _OneLine(error.format_message()) from None


def _fail(field: str, message: str) -> NoReturn:
    raise _OneLine(f"--{field.replace('_', '-')}: {message}")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def study() -> None:
    """Research studies: preview a schedule, list studies, export their data.

    `alongside study plan` prints every prompt a schedule would send, for made-up
    participants, without a database (docs/research.md, "The schedule"). `list` and
    `export` read this site's database (docs/research.md, "Exports and codebook").
    """


@study.command(cls=_PlanCommand)
@click.option(
    "--windows",
    metavar="HH:MM-HH:MM,...",
    help="Local windows for random (or --every) prompts, e.g. 09:00-12:00,12:00-15:00.",
)
@click.option("--times", metavar="HH:MM,...", help="Fixed local times instead of windows.")
@click.option(
    "--per-window", default=1, show_default=True, type=int, help="Random prompts per window."
)
@click.option(
    "--min-gap", default=0, show_default=True, type=int, help="Minutes between two prompts."
)
@click.option("--every", default=0, type=int, help="A prompt every N minutes in each window.")
@click.option("--every-days", default=1, show_default=True, type=int, help="Plan every k-th day.")
@click.option("--every-weeks", type=int, help="Plan every k-th week (2: fortnightly).")
@click.option(
    "--expiry", default=60, show_default=True, type=int, help="Minutes a prompt stays open."
)
@click.option(
    "--reminders", default=0, show_default=True, type=int, help="Reminders before expiry."
)
@click.option("--start", required=True, metavar="YYYY-MM-DD", help="First day (any date).")
@click.option("--days", default=14, show_default=True, type=int, help="Number of days.")
@click.option("--tz", default="UTC", show_default=True, help="IANA time zone of participants.")
@click.option("--tz-b", help="IANA time zone of partner b with --dyads (default: --tz).")
@click.option("--participants", default=1, show_default=True, type=int, help="How many people.")
@click.option("--seed", default=0, show_default=True, type=int, help="Same seed, same plan.")
@click.option("--dyads", is_flag=True, help="Pair participants; partners are prompted together.")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["csv", "json"]),
    default="csv",
    show_default=True,
    help="csv: a table; json: a list of records.",
)
def plan(**options: Any) -> None:
    """Print every prompt a schedule plans, one row per participant and prompt.

    Columns: participant, dyad (with --dyads), day, window, prompt, local_time (ISO
    8601 with offset), utc_time, expires_utc, reminders_utc (';'-separated).

    \b
    Example:
      alongside study plan --windows 09:00-12:00,12:00-15:00,15:00-18:00,18:00-21:00 \\
        --per-window 1 --min-gap 60 --start 2027-03-22 --days 14 --tz Europe/London \\
        --participants 100 --seed 7 --dyads --tz-b America/New_York --format csv
    """
    from alongside.research.schedule import ScheduleError

    try:
        frame = _plan(**options)
    except ScheduleError as error:
        _fail(error.field, error.message)
    if not options["dyads"]:
        frame = frame.drop(columns=["dyad"])
    if options["output_format"] == "json":
        import json

        records = frame.to_dict(orient="records")
        for record in records:
            text = record["reminders_utc"]
            record["reminders_utc"] = text.split(";") if text else []
        click.echo(json.dumps(records, default=int))
    else:
        click.echo(frame.to_csv(index=False), nl=False)


def _plan(**options: Any) -> Any:
    from alongside.research import schedule as engine

    try:
        start = dt.date.fromisoformat(options["start"])
    except ValueError:
        _fail("start", f"{options['start']!r} is not a date like 2027-03-22")
    windows, times = options["windows"], options["times"]
    if bool(windows) == bool(times):
        _fail("windows", "give either --windows or --times")
    every_days = options["every_days"]
    if options["every_weeks"] is not None:
        if every_days != 1:
            _fail("every_weeks", "give --every-days or --every-weeks, not both")
        if options["every_weeks"] < 1:
            _fail("every_weeks", "must be at least 1")
        every_days = 7 * options["every_weeks"]
    common = {
        "every_days": every_days,
        "expiry": options["expiry"],
        "reminders": options["reminders"],
    }
    if times:
        listed = [t.strip() for t in times.split(",")]
        if len(listed) == 1:
            spec = engine.ScheduleSpec.daily(listed[0], **common)
        else:
            spec = engine.ScheduleSpec.fixed(listed, **common)
    elif options["every"]:
        spec = engine.ScheduleSpec.interval(windows, every=options["every"], **common)
    else:
        spec = engine.ScheduleSpec.random(
            windows, per_window=options["per_window"], min_gap=options["min_gap"], **common
        )
    count = options["participants"]
    if count < 1:
        _fail("participants", "must be at least 1")
    width = max(3, len(str(count)))
    people: list[engine.Participant | engine.Dyad] = []
    if options["dyads"]:
        if count % 2:
            _fail("participants", f"with --dyads give an even number ({count} is odd)")
        tz_b = options["tz_b"] or options["tz"]
        for number in range(1, count // 2 + 1):
            label = f"d{number:0{width}d}"
            people.append(
                engine.Dyad(
                    label,
                    engine.Participant(f"{label}a", options["tz"]),
                    engine.Participant(f"{label}b", tz_b),
                )
            )
    else:
        if options["tz_b"]:
            _fail("tz_b", "only with --dyads")
        people = [engine.Participant(f"p{n:0{width}d}", options["tz"]) for n in range(1, count + 1)]
    # A preview accepts any start date (now=None); a study plans from today.
    result = engine.plan(
        spec, people, start=start, days=options["days"], seed=options["seed"], now=None
    )
    return result.to_frame()


def _django() -> None:
    # The main command's Django setup, the one every database command goes through.
    from alongside.cli import _django as setup

    setup()


@study.command(name="list")
def list_studies() -> None:
    """Print one line per study: its id, enrolment code and title, tab-separated.

    No header line; the id is what `alongside study export` takes.
    """
    _django()
    from alongside.research.models import Study

    for pk, code, title in Study.objects.order_by("pk").values_list("pk", "code", "title"):
        click.echo(f"{pk}\t{code}\t{title}")


@study.command(name="export")
@click.argument("study_ref", metavar="STUDY")
@click.option(
    "--layout",
    type=click.Choice(["long", "dyadic", "pairwise"]),
    default="long",
    show_default=True,
    help="long: a row per participant and prompt; dyadic: a row per dyad and occasion; "
    "pairwise: two rows per dyad and occasion (couple studies only for the last two).",
)
@click.option(
    "--out",
    required=True,
    metavar="DIR",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write into (made if missing; files there of the same name are replaced).",
)
def export(study_ref: str, layout: str, out: Path) -> None:
    """Write a study's answers, codebook and dataset_description.json into DIR.

    STUDY is the study's id (from `alongside study list`) or its enrolment code. Files:
    data/study-CODE_layout-LAYOUT_data.csv, codebook.csv, codebook.json and
    dataset_description.json (Psych-DS). See docs/research.md, "Exports and codebook".

    \b
    Example:
      alongside study export 3 --layout pairwise --out evenings-export
      alongside analyze apim --data evenings-export/data/study-EVENINGS_layout-pairwise_data.csv \\
        --dyad dyad_occasion --outcome close_A --actor calm_A --partner calm_P
    """
    _django()
    from alongside.research import exports
    from alongside.research.definition import normalise_code
    from alongside.research.models import Study

    found = Study.objects.filter(pk=int(study_ref)) if study_ref.isdigit() else Study.objects.none()
    chosen = found.first() or Study.objects.filter(code=normalise_code(study_ref)).first()
    if chosen is None:
        raise click.ClickException(
            f"no study {study_ref!r}: give its id or code (`alongside study list` shows them)"
        )
    try:
        written = exports.write_export(chosen, layout, out)
    except exports.ExportProblem as problem:
        raise click.ClickException(str(problem)) from None
    for path in written:
        click.echo(f"Wrote {path}")
