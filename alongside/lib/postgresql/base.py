"""Django's PostgreSQL backend, except that a new connection waits for a database that is
starting or restarting (``DATABASE_CONNECT_WAIT_SECONDS``, 10 s by default) instead of
failing the request at once. A wrong name or password still fails at once: waiting
would not help. It also keeps more prepared statements per connection, and offers a
cursor that may send several statements at once (``several_statements_cursor``).
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.db import OperationalError
from django.db.backends.postgresql import base
from django.db.backends.utils import CursorWrapper

# What PostgreSQL says when waiting would not help; anything else (refused, "the database
# system is starting up / shutting down", a reset connection) is worth another try.
_HOPELESS = ("does not exist", "authentication failed", "no password supplied", "role ")


def _worth_waiting(error: Exception) -> bool:
    text = str(error).lower()
    return not any(word in text for word in _HOPELESS)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        wait = float(getattr(settings, "DATABASE_CONNECT_WAIT_SECONDS", 0))
        deadline = time.monotonic() + wait
        pause = 0.25
        while True:
            try:
                connection = super().get_new_connection(conn_params)
                break
            except Exception as error:  # psycopg's OperationalError, before Django wraps it
                if not _worth_waiting(error) or time.monotonic() + pause > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        # psycopg keeps 100 by default, fewer than the distinct statements of the busiest
        # pages together: past that it would drop and prepare them again in turn.
        connection.prepared_max = 500
        return connection

    def several_statements_cursor(self) -> CursorWrapper:
        """A cursor that binds values in the client, as Django's does without server-side
        binding: PostgreSQL runs "A; B" sent in one execute() only when no value travels
        apart from the SQL."""
        self.ensure_connection()
        self.validate_thread_sharing()
        cursor: Any = base.Cursor(self.connection)  # type: ignore[call-arg]  # psycopg 3
        return self.make_debug_cursor(cursor) if self.queries_logged else self.make_cursor(cursor)


__all__ = ["DatabaseWrapper", "OperationalError"]
