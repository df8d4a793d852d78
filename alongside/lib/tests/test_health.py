"""/healthz and /readyz for load balancers, and the worker's heartbeat (issue 13, point 5)."""

from __future__ import annotations

import threading
import time
from typing import Any

import time_machine
from django.core.cache import cache
from django.test import Client

from alongside.lib import health


def test_healthz_answers_without_the_database(client: Client) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok\n")


def test_readyz_waits_for_a_worker_then_says_ready(client: Client, db: None) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json() == {
        "ready": False,
        "database": "ok",
        "migrations": "ok",
        "worker": "never",
    }
    health.beat()
    response = client.get("/readyz")
    assert (response.status_code, response.json()["ready"]) == (200, True)
    assert "no-store" in response["Cache-Control"]


def test_a_silent_worker_makes_readyz_say_stale(client: Client, db: None, settings: Any) -> None:
    health.beat()
    with time_machine.travel(time.time() + settings.WORKER_HEARTBEAT_MAX_AGE + 5):
        response = client.get("/readyz")
    assert (response.status_code, response.json()["worker"]) == (503, "stale")


def test_readyz_holds_no_personal_data(alice_client: Client, alice: Any) -> None:
    health.beat()
    body = alice_client.get("/readyz").content.decode()
    assert alice.email not in body and "Alice" not in body


def test_the_heartbeat_thread_beats_until_stopped(transactional_db: None) -> None:
    cache.delete(health.HEARTBEAT_KEY)
    stop = threading.Event()
    thread = health.start_heartbeat(stop)
    deadline = time.time() + 5
    while cache.get(health.HEARTBEAT_KEY) is None and time.time() < deadline:
        time.sleep(0.05)
    assert cache.get(health.HEARTBEAT_KEY) is not None
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
