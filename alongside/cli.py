"""The ``alongside`` command: serve, worker, demo, and every management command."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click


def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alongside.settings")
    import django

    django.setup()


def _manage(*args: str) -> None:
    _django()
    from django.core.management import call_command

    call_command(*args)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Alongside: a private companion for healthy interdependence.

    Run `alongside COMMAND --help` for each command. Any Django management command
    (migrate, createsuperuser, ...) also works through `alongside manage ...`.
    """


@cli.command()
@click.option("--bind", default="127.0.0.1:8000", show_default=True, help="Address and port.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Web processes."
)
@click.option(
    "--task-workers",
    default=1,
    show_default=True,
    type=click.IntRange(0, 16),
    help="Background task workers started beside the web server (0 for none).",
)
@click.option(
    "--migrate/--no-migrate",
    default=True,
    show_default=True,
    help="Apply database migrations first.",
)
@click.option(
    "--restarts",
    default=10,
    show_default=True,
    type=click.IntRange(0, 1000),
    help="How often the web server or a task worker may be restarted within the restart "
    "window; one more exit and serve stops everything and exits 1 (0: never restart).",
)
@click.option(
    "--restart-window",
    default=600,
    show_default=True,
    type=click.IntRange(1, 86_400),
    help="Seconds over which --restarts are counted.",
)
def serve(
    bind: str, workers: int, task_workers: int, migrate: bool, restarts: int, restart_window: int
) -> None:
    """Serve the web app with gunicorn, with background workers beside it.

    A web server or task worker that exits is started again, after a pause that grows
    from 0.5 s to 30 s with each recent restart, while the rest keep running. Past
    --restarts within --restart-window seconds, serve stops everything and exits 1, so a
    supervisor (systemd, Docker, Kubernetes) sees the failure. SIGTERM or Ctrl+C stops
    everything (workers finish the task in hand) and exits 0.
    """
    import json

    _django()
    from django.core.management import call_command
    from django.db import connections

    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
    from django.conf import settings

    # DEBUG serves static files from their sources; otherwise collect only when needed
    # (collecting every time made a start take a minute or more).
    if not settings.DEBUG and _static_out_of_date():
        call_command("collectstatic", interactive=False, verbosity=0)
    connections.close_all()

    web = [
        sys.executable,
        "-m",
        "gunicorn",
        "alongside.wsgi:application",
        "--bind",
        bind,
        "--workers",
        str(workers),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
    ]
    worker = [sys.executable, "-m", "alongside.cli", "worker"]
    children = [{"name": "web server", "command": web}]
    children += [{"name": f"task worker {n + 1}", "command": worker} for n in range(task_workers)]
    # The supervisor needs none of what is loaded now (Django, the analytics): it becomes
    # a small process of its own, with the same PID.
    sys.stdout.flush()
    sys.stderr.flush()
    supervisor = [sys.executable, "-m", "alongside.supervise"]
    supervisor += ["--restarts", str(restarts), "--restart-window", str(restart_window)]
    os.execv(sys.executable, [*supervisor, json.dumps(children)])  # noqa: S606 - our own python


def _static_out_of_date() -> bool:
    """collectstatic only when a static source is newer than what was collected."""
    from pathlib import Path

    from django.conf import settings

    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():
        return True
    collected = manifest.stat().st_mtime
    sources = [Path(d) for d in settings.STATICFILES_DIRS]
    return any(f.stat().st_mtime > collected for d in sources for f in d.rglob("*") if f.is_file())


@cli.command()
@click.option("--batch", is_flag=True, help="Run what is due now, then exit.")
def worker(batch: bool) -> None:
    """Run background tasks (reminders, reports) as they come due."""
    import threading

    args = ["db_worker", "--no-reload", "--queue-name", "*"]
    if batch:
        args += ["--batch", "--no-startup-delay"]
    _django()
    from django.core.management import call_command

    from alongside.accounts.tasks import ensure_scheduled
    from alongside.lib import tasks_recovery
    from alongside.lib.health import start_heartbeat
    from alongside.lib.reconnect import run_reconnecting

    def run() -> None:
        ensure_scheduled()  # the daily pruning of old access-log visits
        # What a killed worker left behind runs again, and lost schedules are queued again.
        tasks_recovery.repair()
        tasks_recovery.ensure_scheduled()
        call_command(*args)

    # /readyz reads this heartbeat: a worker that stops running stops beating.
    stop = threading.Event()
    start_heartbeat(stop)
    try:
        # A database restart does not end the worker: it reconnects, with back-off.
        run_reconnecting(run)
    finally:
        stop.set()


@cli.command()
@click.option("--force", is_flag=True, help="Seed even when the database already has people in it.")
def demo(force: bool) -> None:
    """Seed demo people with several weeks of realistic check-ins."""
    _manage("demo", *(["--force"] if force else []))


@cli.command()
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The backup file to write (replaced if it exists).",
)
def backup(out: Path) -> None:
    """Back up the database while the site keeps running.

    SQLite is copied with its online backup API, PostgreSQL with pg_dump; either way the
    copy is consistent and written 0600. The encryption keys are NOT in the backup: keep
    them, apart from it, or the backup cannot be read.
    """
    _django()
    from django.conf import settings
    from django.db import connections

    from alongside.lib import backup as backups

    try:
        done = backups.backup(connections["default"].settings_dict, out)
    except backups.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Backed up the {done.kind} database to {done.path} ({done.size:,} bytes).")
    click.echo("The keys are not in it. Keep these apart from the backup; without them the")
    click.echo("notes and names in it cannot be read:")
    for place in backups.key_locations(Path(settings.DATA_DIR)):
        click.echo(f"  {place}")


@cli.command()
@click.argument("backup_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already holds data.")
def restore(backup_file: Path, force: bool) -> None:
    """Restore a backup made by `alongside backup` into an empty database.

    For SQLite, into this data directory's database file (a stale -wal/-shm pair beside it
    is removed); for PostgreSQL, into the database DATABASE_URL names. A database that
    already holds data is left alone unless --force. The keys must be the ones the backup
    was made with (SECRET_KEY, NOTE_ENCRYPTION_KEYS or the files in the data directory).
    """
    _django()
    from django.db import connections

    from alongside.lib import backup as backups

    connections["default"].close()
    try:
        done = backups.restore(connections["default"].settings_dict, backup_file, force=force)
    except backups.BackupError as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"Restored the {done.kind} backup {backup_file}.")
    click.echo("Run `alongside manage migrate` if this release is newer than the backup.")


@cli.command(context_settings={"ignore_unknown_options": True, "allow_extra_args": True})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def manage(args: tuple[str, ...]) -> None:
    """Run any Django management command, e.g. `alongside manage migrate`."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alongside manage", *args])


def _attach_optional() -> None:
    # The analytics command line lives with the analytics package (no Django needed).
    try:
        from alongside.analytics.cli import analyze
    except ImportError:
        pass
    else:
        cli.add_command(analyze)
    from alongside.assessments.cli import instruments

    cli.add_command(instruments)
    from alongside.research.cli import study

    cli.add_command(study)


_attach_optional()


def _not_set_up(error: BaseException) -> bool:
    """Is this the database of a data directory where nothing was migrated yet?"""
    from django.db.utils import OperationalError, ProgrammingError

    text = str(error).lower()
    return isinstance(error, OperationalError | ProgrammingError) and (
        "no such table" in text or "does not exist" in text
    )


def main() -> None:
    try:
        cli()
    except Exception as error:
        # An empty data directory (or a fresh database) is not a bug: say what to run.
        if not _not_set_up(error):
            raise
        click.echo(
            "Alongside's database is not set up yet. Run `alongside manage migrate` first "
            "(or `make run`, which does it and adds the demo).",
            err=True,
        )
        sys.exit(1)


if __name__ == "__main__":
    main()
