"""The shared cache's table: rate limits must hold across every server process.

Django's ``DatabaseCache`` (``CACHES`` in settings) reads and writes this table with its
own SQL; the model exists so that ``migrate``, which ``make run``, ``alongside serve``,
the tests and CI all run, creates the table on SQLite and PostgreSQL alike (no separate
``createcachetable`` step to forget), and so a test database flush empties it. The
columns are the ones ``createcachetable`` would make.
"""

from __future__ import annotations

from django.db import models

CACHE_TABLE = "alongside_cache"


class CacheEntry(models.Model):
    """One cached value, such as a rate-limit counter (their keys are hashed)."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = CACHE_TABLE

    def __str__(self) -> str:
        return self.cache_key
