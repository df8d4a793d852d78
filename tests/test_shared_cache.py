"""Rate limits hold across processes: every server process counts in one shared cache.

Each test starts two separate Python processes against the test database (as two
gunicorn workers would run), with allauth's rate limits on as in production. They
take turns failing to sign in as alice: allauth allows 5 failed tries per login, so
after 3 in one process and 2 in the other, even the right password is refused in
either. With a cache per process, each would have allowed 5 of its own.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection

from conftest import PASSWORD, make_person

ROOT = Path(__file__).resolve().parents[1]
TOO_MANY = "Too many failed login attempts"

# A process that signs in through allauth's own login form, one password per line of
# input, and answers one line of JSON per try. Hashing is fast, like the test personas',
# and pages are drawn from the static sources (no collectstatic), as in the tests.
WORKER = """
import json, sys
import django
django.setup()
from django.conf import settings
from django.test import Client
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.STORAGES = {**settings.STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
from django.urls import get_resolver
get_resolver().url_patterns  # import every view now, while the other process does too
print(json.dumps({"ready": settings.CACHES["default"]["BACKEND"]}), flush=True)
for line in sys.stdin:
    response = Client().post("/accounts/login/", {"login": "alice@example.org", "password": line.strip()})
    body = response.content.decode()
    print(json.dumps({"status": response.status_code, "too_many": sys.argv[1] in body}), flush=True)
"""


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """One server-like process of its own, with its own memory."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", WORKER, TOO_MANY],
            cwd=ROOT,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    @property
    def backend(self) -> str:
        """Waits until the process is ready; the cache backend it runs with."""
        if not hasattr(self, "_backend"):
            self._backend = str(self._answer()["ready"])
        return self._backend

    def _answer(self) -> dict[str, Any]:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the worker process stopped"
        return dict(json.loads(line))

    def sign_in(self, password: str) -> dict[str, Any]:
        assert self.backend and self.process.stdin is not None
        self.process.stdin.write(password + "\n")
        self.process.stdin.flush()
        return self._answer()

    def stop(self) -> None:
        if self.process.stdin:
            self.process.stdin.close()
        self.process.wait(timeout=30)


def _environment(tmp_path: Path, **extra: str) -> dict[str, str]:
    (tmp_path / "shared-data" / "static").mkdir(parents=True, exist_ok=True)
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"RATE_LIMITS_DISABLED", "REDIS_URL", "DATABASE_URL", "DEBUG"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="alongside.settings",
        DATABASE_URL=_database_url(),
        ALONGSIDE_DATA_DIR=str(tmp_path / "shared-data"),
        SECRET_KEY="the same key in every process",
        NOTE_ENCRYPTION_KEYS=settings.NOTE_ENCRYPTION_KEYS[0],
        **extra,
    )
    return env


def _limit_holds_across(first: Worker, second: Worker) -> None:
    tries = [first, second, first, second, first]  # 5 failures, taking turns
    for worker in tries:
        answer = worker.sign_in("not alice's password")
        assert answer == {"status": 200, "too_many": False}, answer
    for worker in (second, first):
        answer = worker.sign_in(PASSWORD)
        assert answer == {"status": 200, "too_many": True}, answer


@pytest.mark.django_db(transaction=True)
def test_the_failed_login_limit_holds_across_two_processes(tmp_path: Path) -> None:
    make_person("alice@example.org", "Alice")
    env = _environment(tmp_path)
    first, second = Worker(env), Worker(env)
    try:
        assert first.backend == second.backend == "django.core.cache.backends.db.DatabaseCache"
        _limit_holds_across(first, second)
    finally:
        first.stop()
        second.stop()


def _redis_reachable() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=0.5).close()
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _redis_reachable(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.django_db(transaction=True)
def test_with_redis_url_the_limit_holds_across_two_processes_too(tmp_path: Path) -> None:
    import redis

    url = "redis://127.0.0.1:6379/15"  # a database of its own, emptied first
    # Every test run on this machine shares that database (CI runs its SQLite and its
    # PostgreSQL stage side by side): one run's flush must not land amid another's count.
    with open(Path(tempfile.gettempdir()) / "alongside-redis-test.lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        redis.Redis.from_url(url).flushdb()
        make_person("alice@example.org", "Alice")
        env = _environment(tmp_path, REDIS_URL=url)
        first, second = Worker(env), Worker(env)
        try:
            assert first.backend == second.backend == "django.core.cache.backends.redis.RedisCache"
            _limit_holds_across(first, second)
        finally:
            first.stop()
            second.stop()
            redis.Redis.from_url(url).flushdb()


def test_migrate_creates_the_cache_table_and_the_cache_uses_it(db: None) -> None:
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.db.DatabaseCache"
    table = settings.CACHES["default"]["LOCATION"]
    assert table in connection.introspection.table_names()
    cache.set("a key", "a value", 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        assert cursor.fetchone()[0] == 1
    assert cache.get("a key") == "a value"
    cache.clear()
    assert cache.get("a key") is None


def _settings_in_a_process(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    code = "import json; from alongside import settings; print(json.dumps(settings.CACHES))"
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=_environment(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_redis_url_chooses_redis_and_a_wrong_one_stops_the_start(tmp_path: Path) -> None:
    chosen = _settings_in_a_process(tmp_path, REDIS_URL="redis://cache.internal:6379/2")
    assert chosen.returncode == 0, chosen.stderr
    default = json.loads(chosen.stdout)["default"]
    assert default["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert default["LOCATION"] == "redis://cache.internal:6379/2"
    wrong = _settings_in_a_process(tmp_path, REDIS_URL="cache.internal:6379")
    assert wrong.returncode != 0
    assert "REDIS_URL: expected redis://" in wrong.stderr
