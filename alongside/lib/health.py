"""Health and readiness for load balancers: no personal data, no sign-in.

``/healthz`` answers while the process is up. ``/readyz`` answers 200 only when the
database is reachable, every migration is applied and a task worker has written its
heartbeat recently; otherwise 503, with which check failed (never any data).
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

HEARTBEAT_KEY = "alongside:worker-heartbeat"
HEARTBEAT_EVERY = 20  # seconds between a worker's heartbeats


def healthz(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok\n", content_type="text/plain")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return "unreachable"
    return "ok"


def _migrations() -> str:
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return "unknown"
    return "ok" if not plan else "pending"


def _worker() -> str:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except DatabaseError:
        return "unknown"
    if beat is None:
        return "never"
    age = time.time() - float(beat)
    return "ok" if age <= settings.WORKER_HEARTBEAT_MAX_AGE else "stale"


def readyz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _database()}
    checks["migrations"] = _migrations() if checks["database"] == "ok" else "unknown"
    checks["worker"] = _worker() if checks["database"] == "ok" else "unknown"
    ready = all(value == "ok" for value in checks.values())
    response = JsonResponse({"ready": ready, **checks}, status=200 if ready else 503)
    response["Cache-Control"] = "no-store"
    return response


def beat() -> None:
    cache.set(HEARTBEAT_KEY, time.time(), timeout=None)


def start_heartbeat(stop: threading.Event) -> threading.Thread:
    """A worker's heartbeat, every ``HEARTBEAT_EVERY`` seconds until ``stop`` is set."""

    def run() -> None:
        from django.db import close_old_connections

        while not stop.is_set():
            try:
                beat()
            except DatabaseError:
                close_old_connections()  # try again next time, on a fresh connection
            stop.wait(HEARTBEAT_EVERY)

    thread = threading.Thread(target=run, name="alongside-heartbeat", daemon=True)
    thread.start()
    return thread
