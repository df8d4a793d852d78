"""Both partners' parts of checking in together, the other's always through the read path.

A week's items, answers and agreements belong to whoever wrote them (or took them on).
One's own are read directly; the partner's come through ``access.read``, so they appear
only while the partner shares "together", and each look lands in the partner's log.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from alongside.circle import access

DETAIL = "checking in together"


def both[M: models.Model](
    viewer: Any,
    other: Any,
    queryset: models.QuerySet[M] | access.BoundRows[M],
    *,
    order: Callable[[M], Any],
) -> list[M]:
    """Rows of ``queryset`` written by ``viewer`` or, as far as shared, by ``other``."""
    return access.read_ours(viewer, other, queryset, "together", detail=_(DETAIL), order=order)


def by_creation(row: Any) -> tuple[Any, int]:
    return (row.created_at, row.pk)
