"""``alongside serve`` keeps the website up when a task worker dies, brings the worker
back, starts quickly on demo data, and exits non-zero when the web server itself fails
(issue 13: a supervisor must see a failure)."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - local test server
            return bool(response.status == 200)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _workers(serve_pid: int) -> set[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(serve_pid), "-f", "alongside.cli worker"],
        capture_output=True,
        text=True,
        check=False,
    )
    return {int(pid) for pid in found.stdout.split()}


def _gunicorns(serve_pid: int) -> set[int]:
    found = subprocess.run(
        ["pgrep", "-P", str(serve_pid), "-f", "gunicorn"], capture_output=True, text=True
    )
    return {int(pid) for pid in found.stdout.split()}


@pytest.fixture(scope="module")
def data_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    tmp_path = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    env.pop("DATABASE_URL", None)  # its own SQLite, never the suite's database
    env.update(
        ALONGSIDE_DATA_DIR=str(tmp_path / "data"),
        SECURE_COOKIES="false",
        EMAIL_HOST="",
    )
    for args in (
        ["manage", "migrate", "-v", "0"],
        ["demo"],
        ["manage", "collectstatic", "--no-input", "-v", "0"],
    ):
        subprocess.run([ALONGSIDE, *args], env=env, check=True, capture_output=True, timeout=600)
    yield env


def test_serve_answers_fast_survives_a_killed_worker_and_stops_cleanly(
    data_env: dict[str, str],
) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    started = time.monotonic()
    serve = subprocess.Popen(
        [
            ALONGSIDE,
            "serve",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--task-workers",
            "1",
        ],
        env=data_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        while not _answers(url):
            assert serve.poll() is None, serve.stderr.read().decode() if serve.stderr else ""
            assert time.monotonic() - started < 60, "serve did not answer within a minute"
            time.sleep(0.2)
        # How soon is measured by bench/serve_start.py, not asserted here (a busy
        # machine would make a timed test flaky).
        print(f"\nalongside serve answered after {time.monotonic() - started:.1f} s")
        deadline = time.monotonic() + 30
        while not _workers(serve.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        (worker,) = _workers(serve.pid)
        os.kill(worker, signal.SIGKILL)
        # The website answers all along, and a new worker takes the old one's place.
        deadline = time.monotonic() + 30
        replaced: set[int] = set()
        while time.monotonic() < deadline:
            assert _answers(url)
            replaced = _workers(serve.pid) - {worker}
            if replaced:
                break
            time.sleep(0.3)
        assert replaced, "the task worker did not come back"
        assert serve.poll() is None
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def test_serve_restarts_a_dead_web_server_and_stays_small(data_env: dict[str, str]) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    serve = subprocess.Popen(
        [ALONGSIDE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        env=data_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _answers(url):
            assert serve.poll() is None and time.monotonic() < deadline
            time.sleep(0.2)
        # The supervisor is a small process: Django lives in its children only.
        rss = _rss_mib(serve.pid)
        print(f"\nthe supervising process holds {rss:.0f} MiB")
        assert rss < 60
        (gunicorn,) = _gunicorns(serve.pid)
        os.kill(gunicorn, signal.SIGKILL)
        killed = time.monotonic()
        deadline = killed + 60
        while _gunicorns(serve.pid) in (set(), {gunicorn}):  # the old one reaped, a new one up
            assert serve.poll() is None, "serve gave up on the first death of its web server"
            assert time.monotonic() < deadline, "the web server was not started again"
            time.sleep(0.1)
        while not _answers(url):
            assert serve.poll() is None, "serve gave up on the first death of its web server"
            assert time.monotonic() < deadline, "the web server did not come back"
            time.sleep(0.2)
        print(f"the web server answered again {time.monotonic() - killed:.1f} s after kill -9")
        serve.send_signal(signal.SIGTERM)
        assert serve.wait(timeout=30) == 0
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()


def test_serve_gives_up_non_zero_when_a_worker_always_fails(tmp_path: Path) -> None:
    """The supervisor itself (what ``alongside serve`` becomes), with a stand-in web server
    and a task worker that exits at once, every time: after ``--restarts`` restarts it
    stops the web server too and exits 1, where a supervisor above it can see that."""
    port = _free_port()
    (tmp_path / "healthz").write_text("ok\n")
    web = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
    failing = [sys.executable, "-c", "import sys; sys.exit(3)"]
    children = [{"name": "web server", "command": web}, {"name": "task worker", "command": failing}]
    started = time.monotonic()
    supervisor = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "alongside.supervise",
            "--restarts",
            "3",
            "--restart-window",
            "60",
            json.dumps(children),
        ],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 10
        while not _answers(f"http://127.0.0.1:{port}/healthz"):
            assert time.monotonic() < deadline, "the web server never answered"
            time.sleep(0.1)
        assert supervisor.wait(timeout=30) == 1
        took = time.monotonic() - started
        _out, err = supervisor.communicate()
        # Back-off between the restarts: 0.5 s, 1 s, 2 s.
        assert took >= 3.5, f"gave up after {took:.1f} s: no back-off"
        assert err.count("starting it again") == 3, err
        assert "after 3 restarts within 60 s; giving up" in err
        assert not _answers(f"http://127.0.0.1:{port}/healthz"), "the web server was left running"
    finally:
        if supervisor.poll() is None:
            supervisor.kill()
            supervisor.wait()
