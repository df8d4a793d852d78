"""Scale-out (issue 13, point 7): two ``alongside serve`` processes on two ports, each with
its own task worker and its own data directory, against one PostgreSQL database and the
shared cache (the database cache). A request sequence alternating between them: a session
started on one is valid on the other, and the failed-login limit counted on one holds on
the other. Then 500 reminders come due at once and both workers race for them: each is
sent exactly once. Runs when the suite runs on PostgreSQL (DATABASE_URL).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import PASSWORD
from tests.test_serve import _answers, _free_port
from tests.test_shared_cache import TOO_MANY
from tests.test_worker_kill import _recipients

ALONGSIDE = str(Path(sys.executable).with_name("alongside"))
PEOPLE = 500

ALICE = f"""
import django
django.setup()
from allauth.account.models import EmailAddress
from alongside.accounts.models import User
user = User.objects.create_user("alice@example.org", {PASSWORD!r}, display_name="Alice",
                                time_zone="UTC")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
"""

# As tests/test_worker_kill.py makes them due, 500 at once.
DUE = f"""
import datetime as dt
import django
django.setup()
from django.utils import timezone
from alongside.accounts.models import User
from alongside.reminders.models import ReminderSchedule
from alongside.reminders.tasks import send_reminder
due = timezone.now() - dt.timedelta(minutes=1)
User.objects.bulk_create(
    User(email=f"person{{i}}@example.org", display_name=f"Person {{i}}", time_zone="UTC")
    for i in range({PEOPLE})
)
for user in User.objects.filter(email__startswith="person"):
    schedule = ReminderSchedule.objects.create(
        owner=user, enabled=True, weekdays=list(range(7)),
        at=due.time().replace(second=0, microsecond=0), next_due_at=due, version=1,
    )
    send_reminder.using(run_after=due).enqueue(schedule.pk, 1)
"""


@pytest.fixture
def database_url() -> Iterator[str]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("runs when the suite runs on PostgreSQL (DATABASE_URL)")
    import psycopg

    base = url.rsplit("/", 1)[0]
    name = f"alongside_scale_{os.getpid()}"
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# The name the reverse proxy passes on to every server (nginx: proxy_set_header Host
# $host; Caddy does it unasked). allauth counts failed logins per site *and* address, and
# the site is the Host: servers that saw different hosts would count apart.
HOST = "alongside.test"


class Browser:
    """One person's browser behind one reverse proxy: one cookie jar for both servers
    (cookies ignore the port), and the same Host header."""

    def __init__(self) -> None:
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, url: str) -> tuple[int, str]:
        try:
            request = urllib.request.Request(url, headers={"Host": HOST})  # noqa: S310
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, site: str, password: str) -> str:
        """Post the login form of ``site``; the page it ends on."""
        _status, form = self.get(f"{site}/accounts/login/")
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form)
        assert found, "no CSRF token in the login form"
        body = urllib.parse.urlencode(
            {"csrfmiddlewaretoken": found[1], "login": "alice@example.org", "password": password}
        ).encode()
        request = urllib.request.Request(  # noqa: S310
            f"{site}/accounts/login/", data=body, headers={"Host": HOST}
        )
        with self.opener.open(request, timeout=30) as response:
            return str(response.read().decode())


@pytest.mark.database
def test_two_servers_share_sessions_limits_and_the_work(database_url: str, tmp_path: Path) -> None:
    from django.conf import settings

    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"REDIS_URL", "EMAIL_HOST", "RATE_LIMITS_DISABLED"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alongside.settings",
        DATABASE_URL=database_url,
        # What must be the same on every server: nothing else is kept on local disk.
        SECRET_KEY="one key for every server",
        NOTE_ENCRYPTION_KEYS=settings.NOTE_ENCRYPTION_KEYS[0],
        DEBUG="true",  # static files from their sources: no collectstatic, a quicker start
        SECURE_COOKIES="false",
        ALLOWED_HOSTS=f"{HOST},127.0.0.1",
        EMAIL_OUTBOX_QUIET="1",
        ALONGSIDE_DATA_DIR=str(tmp_path / "migrate"),
    )
    subprocess.run([ALONGSIDE, "manage", "migrate", "-v", "0"], env=env, check=True, timeout=300)
    subprocess.run([sys.executable, "-c", ALICE], env=env, check=True, timeout=120)

    servers: list[tuple[str, Path, subprocess.Popen[bytes]]] = []
    try:
        for n in (1, 2):
            port, data = _free_port(), tmp_path / f"server{n}"
            serve = subprocess.Popen(
                [
                    ALONGSIDE,
                    "serve",
                    "--no-migrate",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "1",
                    "--task-workers",
                    "1",
                ],
                env={**env, "ALONGSIDE_DATA_DIR": str(data)},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append((f"http://127.0.0.1:{port}", data, serve))
        deadline = time.monotonic() + 60
        for site, _data, serve in servers:
            while not _answers(f"{site}/healthz"):
                assert serve.poll() is None and time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        (one, _d1, _s1), (two, _d2, _s2) = servers

        # A session started on server 1 is valid on server 2.
        browser = Browser()
        assert browser.get(f"{two}/api/v1/checkins/")[0] == 401
        browser.sign_in(one, PASSWORD)
        assert browser.get(f"{two}/api/v1/checkins/")[0] == 200
        assert browser.get(f"{one}/api/v1/checkins/")[0] == 200

        # Five failed tries, taking turns: then even the right password is refused on both.
        stranger = Browser()
        for site in (one, two, one, two, one):
            assert TOO_MANY not in stranger.sign_in(site, "not alice's password")
        for site in (two, one):
            assert TOO_MANY in Browser().sign_in(site, PASSWORD)

        # 500 reminders come due at once; both workers take them, none is sent twice.
        started = time.monotonic()
        subprocess.run([sys.executable, "-c", DUE], env=env, check=True, timeout=300)
        outboxes = [data / "outbox" for _site, data, _serve in servers]

        def sent() -> list[Counter[str]]:
            return [_recipients(o) if o.exists() else Counter() for o in outboxes]

        deadline = time.monotonic() + 120
        while sum(len(c) for c in sent()) < PEOPLE:
            assert time.monotonic() < deadline, f"only {[len(c) for c in sent()]} sent"
            time.sleep(0.5)
        took = time.monotonic() - started
        time.sleep(3)  # anything sent twice would show up by now
        by_server = sent()
        everyone = by_server[0] + by_server[1]
        print(
            f"\n{PEOPLE} due reminders: server 1 sent {sum(by_server[0].values())}, "
            f"server 2 sent {sum(by_server[1].values())}, {len(everyone)} people reached, "
            f"{sum(n - 1 for n in everyone.values())} sent twice; {took:.1f} s"
        )
        assert len(everyone) == PEOPLE
        assert all(n == 1 for n in everyone.values()), "a reminder was sent twice"
        assert all(by_server), "one worker took no part"
    finally:
        for _site, _data, serve in servers:
            if serve.poll() is None:
                serve.send_signal(signal.SIGTERM)
        for _site, _data, serve in servers:
            try:
                serve.wait(timeout=30)
            except subprocess.TimeoutExpired:
                serve.kill()
                serve.wait()
