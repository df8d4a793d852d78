"""PostgreSQL restarts under load (issue 13, point 4): ``alongside serve`` (web + worker)
against a private PostgreSQL cluster of its own, writers posting check-ins through the
API, and ``pg_ctl restart -m fast`` in the middle. Afterwards every check-in that was
answered 201 is stored, errors happened only around the restart, the site answers again
within seconds without restarting serve, and the task worker still runs tasks.

The machine's own PostgreSQL is never restarted (the suite runs on it): the cluster is
made with initdb in a temporary directory and run as the ``postgres`` user (PostgreSQL
refuses root) on a free port. Runs when the suite runs on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import datetime as dt
import glob
import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.test_serve import _answers, _free_port, _workers
from tests.test_worker_kill import _recipients

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))
PEOPLE = 300  # each can post 8 days (today and 7 back): far more writes than the test needs
WRITERS = 8
SECONDS_OF_LOAD_AFTER = 6.0  # writes keep going this long after the database is back

SEED = f"""
import json
import django
django.setup()
from alongside.accounts.models import ApiToken, User
users = User.objects.bulk_create(
    User(email=f"writer{{i}}@example.org", display_name=f"Writer {{i}}", time_zone="UTC")
    for i in range({PEOPLE})
)
print(json.dumps([ApiToken.issue(user, "load")[1] for user in User.objects.order_by("pk")]))
"""

# One due reminder, queued now: the worker sends it if it still runs tasks.
REMINDER = """
import datetime as dt
import django
django.setup()
from django.utils import timezone
from alongside.accounts.models import User
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tasks import send_reminder
due = timezone.now() - dt.timedelta(minutes=1)
user = User.objects.create(email="after-the-restart@example.org", display_name="After",
                           time_zone="UTC")
schedule = ReminderSchedule.objects.create(
    owner=user, enabled=True, weekdays=list(range(7)),
    at=due.time().replace(second=0, microsecond=0), next_due_at=due, version=1,
)
send_reminder.using(run_after=due).enqueue(schedule.pk, 1)
"""


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _why_no_private_cluster() -> str | None:
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        return "runs when the suite runs on PostgreSQL (DATABASE_URL)"
    if _pg_bin() is None:
        return "no /usr/lib/postgresql/*/bin/initdb to make a private cluster with"
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return "no postgres user to run a private cluster as"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != "postgres":
        return "needs root (to run the cluster as postgres with runuser) or the postgres user"
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        return "no runuser to run the private cluster as postgres"
    return None


@dataclass
class Cluster:
    bin: Path
    data: Path
    sockets: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/alongside"

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.sockets} -c listen_addresses=127.0.0.1"
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options]
        command += ["-l", str(self.data.parent / "log"), "-w", *args]
        _as_postgres(command)


def _as_postgres(command: list[str]) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=120)


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    why = _why_no_private_cluster()
    if why:
        pytest.skip(why)
    bin_dir = _pg_bin()
    assert bin_dir is not None
    # Not under pytest's tmp_path: its parents are root's alone, and postgres must enter.
    root = Path(tempfile.mkdtemp(prefix="alongside-pg-"))
    root.chmod(0o755)
    postgres = pwd.getpwnam("postgres")
    os.chown(root, postgres.pw_uid, postgres.pw_gid)
    here = Cluster(bin=bin_dir, data=root / "data", sockets=root, port=_free_port())
    try:
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(here.data),
                "-U",
                "postgres",
                "-A",
                "trust",
                "--no-sync",
                "-E",
                "UTF8",
            ]
        )
        here.ctl("start")
        import psycopg

        base = f"postgres://postgres@127.0.0.1:{here.port}"
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute("CREATE DATABASE alongside")
        yield here
    finally:
        if (here.data / "postmaster.pid").exists():
            here.ctl("stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Write:
    started: float
    ended: float
    status: int  # 0: no answer (connection refused or reset, timed out)
    checkin_id: int | None


def _post(url: str, token: str, day: dt.date) -> Write:
    body = json.dumps({"day": day.isoformat(), "mood": 5, "note": "written under load"})
    request = urllib.request.Request(  # noqa: S310 - our local test server
        url,
        data=body.encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            answer = json.loads(response.read())
            return Write(started, time.monotonic(), response.status, int(answer["id"]))
    except urllib.error.HTTPError as error:
        return Write(started, time.monotonic(), error.code, None)
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return Write(started, time.monotonic(), 0, None)


@pytest.mark.database
def test_a_postgresql_restart_under_load_loses_no_acknowledged_write(
    cluster: Cluster, tmp_path: Path
) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_SETTINGS_MODULE", "REDIS_URL", "EMAIL_HOST"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alongside.settings",
        DATABASE_URL=cluster.url,
        ALONGSIDE_DATA_DIR=str(tmp_path / "data"),
        DEBUG="true",  # static files from their sources: no collectstatic, a quicker start
        SECURE_COOKIES="false",
        EMAIL_OUTBOX_QUIET="1",
        RATE_LIMITS_DISABLED="true",
    )
    subprocess.run([ALONGSIDE, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    seeded = subprocess.run([sys.executable, "-c", SEED], env=env, capture_output=True, text=True)
    assert seeded.returncode == 0, seeded.stderr
    tokens: list[str] = json.loads(seeded.stdout)
    today = dt.datetime.now(dt.UTC).date()
    # Yesterday back: today's UTC date could change during the run.
    jobs = [(token, today - dt.timedelta(days=d)) for d in range(1, 8) for token in tokens]

    port = _free_port()
    site = f"http://127.0.0.1:{port}"
    serve = subprocess.Popen(
        [ALONGSIDE, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    writes: list[Write] = []
    lock = threading.Lock()
    stop_at = [float("inf")]
    try:
        deadline = time.monotonic() + 60
        while not _answers(f"{site}/healthz"):
            assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
            time.sleep(0.2)
        deadline = time.monotonic() + 30
        while not _workers(serve.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        (worker,) = _workers(serve.pid)

        def write() -> None:
            while time.monotonic() < stop_at[0]:
                with lock:
                    if not jobs:
                        return
                    token, day = jobs.pop()
                done = _post(f"{site}/api/v1/checkins/", token, day)
                with lock:
                    writes.append(done)

        threads = [threading.Thread(target=write) for _ in range(WRITERS)]
        for thread in threads:
            thread.start()
        time.sleep(3)
        restart_began = time.monotonic()
        cluster.ctl("restart", "-m", "fast")
        back = time.monotonic()
        stop_at[0] = back + SECONDS_OF_LOAD_AFTER
        # The site answers again (database and all) without restarting serve.
        while True:
            try:
                with urllib.request.urlopen(f"{site}/readyz", timeout=5) as ready:  # noqa: S310
                    if json.loads(ready.read())["database"] == "ok":
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            assert time.monotonic() - back < 10, "the site did not come back within 10 s"
            time.sleep(0.05)
        answering = time.monotonic() - back
        for thread in threads:
            thread.join(timeout=60)
        assert serve.poll() is None, "serve ended"

        # The task worker survived (or was brought back) and still runs tasks.
        workers_after = _workers(serve.pid)
        subprocess.run([sys.executable, "-c", REMINDER], env=env, check=True)
        outbox = tmp_path / "data" / "outbox"
        deadline = time.monotonic() + 30
        while not (outbox.exists() and _recipients(outbox)):
            assert time.monotonic() < deadline, "no task ran after the restart"
            time.sleep(0.2)
        assert _recipients(outbox) == {"after-the-restart@example.org": 1}
    finally:
        stop_at[0] = 0
        serve.terminate()
        try:
            serve.wait(timeout=30)
        except subprocess.TimeoutExpired:
            serve.kill()
            serve.wait()

    import psycopg

    acknowledged = {w.checkin_id for w in writes if w.status == 201}
    with psycopg.connect(cluster.url) as conn:
        stored = {row[0] for row in conn.execute("SELECT id FROM checkins_checkin").fetchall()}
    failed = [w for w in writes if w.status != 201]
    # "Around the restart": a request that was in flight when it began, up to the moment
    # the site answered again, and a second's grace for connections being replaced.
    window = (restart_began - 30, back + answering + 1)
    outside = [w for w in failed if w.ended < window[0] or w.started > window[1]]
    before = sum(1 for w in writes if w.ended < restart_began and w.status == 201)
    after = sum(1 for w in writes if w.started > back + answering and w.status == 201)
    print(
        f"\nPostgreSQL restart took {back - restart_began:.2f} s; the site answered "
        f"{answering:.2f} s after it was back; {len(writes)} writes, "
        f"{len(acknowledged)} answered 201 ({before} before the restart, {after} after), "
        f"{len(failed)} failed (statuses {sorted({w.status for w in failed})}), "
        f"{len(acknowledged - stored)} acknowledged writes missing; worker "
        f"{'the same process' if worker in workers_after else f'replaced: {workers_after}'}"
    )
    assert acknowledged <= stored, f"acknowledged but lost: {sorted(acknowledged - stored)}"
    assert not outside, f"{len(outside)} writes failed away from the restart"
    assert before >= 5 and after >= 5, "too few writes around the restart to test anything"
    assert worker in workers_after, "the task worker died on the database restart"
