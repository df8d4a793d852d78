"""The process ``alongside serve`` becomes once the database is migrated: it starts the web
server and the task workers, restarts any that dies, with back-off, and gives up (stops
everything, exits 1) when one has to be restarted more than ``--restarts`` times within
``--restart-window`` seconds, so that systemd, Docker or Kubernetes see the failure.

Only the standard library: the supervisor lives as long as the site, and Django, the
analytics and the rest stay in the processes that use them (``alongside serve`` replaces
itself with this module by ``exec``, so the supervisor keeps its PID and its small size).

    python -m alongside.supervise --restarts 10 --restart-window 600 '[{"name": "web",
        "command": ["gunicorn", ...]}, {"name": "task worker", "command": [...]}]'
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from typing import Any

FIRST_PAUSE = 0.5  # seconds before the first restart; doubled for each recent one
LONGEST_PAUSE = 30.0
STOP_GRACE = 20.0  # seconds the children get to finish (a task in hand) on SIGTERM


def _say(message: str) -> None:
    print(f"alongside serve: {message}", file=sys.stderr, flush=True)


@dataclass
class Child:
    name: str
    command: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: list[float] = field(default_factory=list)  # when it was restarted, recently
    restart_at: float | None = None  # when it is due to start again, after it died

    def start(self) -> None:
        # A process group of its own: a web server killed outright leaves its own worker
        # processes behind, and those are ended with it (see ``reap``).
        self.process = subprocess.Popen(self.command, start_new_session=True)
        self.restart_at = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, signum: int) -> None:
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signum)

    def reap(self) -> None:
        """What is left of a child whose leader died: end it, so its port is free."""
        self.signal_group(signal.SIGKILL)


def supervise(
    children: list[Child],
    *,
    restarts: int,
    window: float,
    first_pause: float = FIRST_PAUSE,
    longest_pause: float = LONGEST_PAUSE,
) -> int:
    """Run the children until asked to stop (0) or until one fails too often (1)."""
    asked_to_stop = False

    def on_signal(*_args: object) -> None:
        nonlocal asked_to_stop
        asked_to_stop = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    for child in children:
        child.start()
    outcome = 0
    try:
        while not asked_to_stop:
            now = time.monotonic()
            for child in children:
                if child.running:
                    continue
                if child.restart_at is None:
                    assert child.process is not None
                    code = child.process.returncode
                    child.reap()
                    child.restarts = [t for t in child.restarts if now - t < window]
                    if len(child.restarts) >= restarts:
                        _say(
                            f"the {child.name} exited ({code}) after {len(child.restarts)} "
                            f"restarts within {window:g} s; giving up"
                        )
                        outcome = 1
                        return outcome
                    pause = min(longest_pause, first_pause * 2 ** len(child.restarts))
                    child.restarts.append(now)
                    child.restart_at = now + pause
                    # The others keep running meanwhile: the site answers while a task
                    # worker comes back, and the workers keep sending while the web does.
                    _say(f"the {child.name} exited ({code}); starting it again in {pause:g} s")
                elif now >= child.restart_at:
                    child.start()
            time.sleep(0.2)
        return outcome
    finally:
        _stop(children)


def _stop(children: list[Child]) -> None:
    for child in children:
        if child.running:
            child.signal_group(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for child in children:
        if child.process is None:
            continue
        try:
            child.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _say(f"the {child.name} did not stop within {STOP_GRACE:g} s; killing it")
        child.reap()
        if child.process.poll() is None:
            child.process.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m alongside.supervise")
    parser.add_argument("--restarts", type=int, default=10)
    parser.add_argument("--restart-window", type=float, default=600.0)
    parser.add_argument("children", help="JSON: a list of {name, command}")
    options = parser.parse_args(argv)
    spec: list[dict[str, Any]] = json.loads(options.children)
    children = [Child(name=str(c["name"]), command=[str(a) for a in c["command"]]) for c in spec]
    sys.exit(supervise(children, restarts=options.restarts, window=options.restart_window))


if __name__ == "__main__":
    main()
