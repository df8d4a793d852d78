"""On PostgreSQL a busy page runs on prepared statements: values bound in the server and
the plans kept per connection, so PostgreSQL stops parsing and planning the same queries
on every request."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's prepared statements"
)


def _prepared_here() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_a_page_asked_again_and_again_runs_on_prepared_statements(
    client: Client, alice: Any, ben: Any
) -> None:
    client.force_login(alice)
    for _ in range(6):  # psycopg prepares a statement on its fifth run on a connection
        assert client.get("/").status_code == 200
    prepared = _prepared_here()
    # The session lookup runs on every request: it is among them, with its value a
    # parameter rather than in the SQL.
    assert any("django_session" in statement and "$1" in statement for statement in prepared)
