"""The one visibility check. Every read of another person's data goes through here.

``visible`` answers one question: may ``viewer`` see ``owner``'s data of ``category``
right now? ``visible_to`` applies the same rule to a queryset, and ``log_read`` writes the
owner's access log. Views, API, exports and charts use these and nothing else.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from alongside.accounts.models import AccessLogEntry
from alongside.circle.models import CATEGORIES, Grant


def shared_categories(owner: Any, viewer: Any) -> frozenset[str]:
    """Every category ``owner`` lets ``viewer`` see at this moment (all, for oneself)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return frozenset()
    if owner.pk == viewer.pk:
        return frozenset(key for key, _label in CATEGORIES)
    found: set[str] = set()
    # Read fresh on every call: a revoked or expired grant stops access on the next request.
    for categories in (
        Grant.objects.active()
        .filter(owner=owner, grantee=viewer)
        .values_list("categories", flat=True)
    ):
        found.update(categories)
    return frozenset(found)


def visible(owner: Any, viewer: Any, category: str) -> bool:
    return category in shared_categories(owner, viewer)


def owners_sharing(viewer: Any, category: str) -> list[int]:
    """Ids of the people who currently share ``category`` with ``viewer``."""
    return [
        owner_id
        for owner_id, categories in Grant.objects.active()
        .filter(grantee=viewer)
        .values_list("owner_id", "categories")
        if category in categories
    ]


def visible_to[M: models.Model](
    viewer: Any, queryset: models.QuerySet[M], category: str, *, owner_field: str = "owner"
) -> models.QuerySet[M]:
    """The rows of ``queryset`` that ``viewer`` may see for ``category``.

    Rows the owner marked private (``is_private``) are left out for everyone but the owner,
    so a viewer cannot even tell that they exist.
    """
    mine = Q(**{owner_field: viewer})
    shared = Q(**{f"{owner_field}__in": owners_sharing(viewer, category)})
    rows = queryset.filter(mine | shared)
    if any(f.name == "is_private" for f in queryset.model._meta.get_fields()):
        rows = rows.exclude(~mine & Q(is_private=True))
    return rows


def log_read(owner: Any, viewer: Any, categories: Iterable[str], detail: str = "") -> None:
    """Append to the owner's access log; reading one's own data is not logged."""
    if owner.pk == viewer.pk:
        return
    AccessLogEntry.record(owner=owner, viewer=viewer, categories=categories, detail=detail)
