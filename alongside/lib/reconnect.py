"""Keep a long-running loop (the task worker) going across a database restart.

The worker's loop ends with ``OperationalError`` or ``InterfaceError`` when its database
goes away. Rather than exit (and leave the site without reminders until someone restarts
it), the broken connections are closed and the loop starts again after a pause that grows
from 0.5 s to 10 s, and starts over at 0.5 s once a run has lasted a while.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import click

FIRST_PAUSE = 0.5
LONGEST_PAUSE = 10.0
HEALTHY_AFTER = 30.0  # seconds a run must last for the next failure to start at 0.5 s again
# Errors of a database that answers but is not set up (never migrated, wrong name): waiting
# would not help, and ``alongside`` says what to run instead.
NOT_SET_UP = ("no such table", "does not exist")


def run_reconnecting(
    run: Callable[[], None],
    *,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Call ``run`` until it returns; after a lost database, reconnect and call it again."""
    from django.db import InterfaceError, OperationalError, connections

    pause = FIRST_PAUSE
    while True:
        started = clock()
        try:
            run()
            return
        except (OperationalError, InterfaceError) as error:
            if any(words in str(error).lower() for words in NOT_SET_UP):
                raise
            if clock() - started >= HEALTHY_AFTER:
                pause = FIRST_PAUSE
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else ""
            click.echo(
                f"alongside worker: lost the database ({type(error).__name__}: {first_line}); "
                f"trying again in {pause:g} s",
                err=True,
            )
        for connection in connections.all(initialized_only=True):
            try:
                connection.close()
            except (OperationalError, InterfaceError):
                connection.connection = None  # gone already; the next query opens a new one
        sleep(pause)
        pause = min(pause * 2, LONGEST_PAUSE)
