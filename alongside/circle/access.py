"""The one read path. Every read of another person's data goes through here.

``read`` answers with the rows of one owner that a person may see right now, cut to the
categories the owner shares, with private rows left out (so their existence is hidden
too), and writes the read to the owner's access log in the same step: there is no way to
read without logging. ``read_shared`` does the same across everyone who shares a category
with the viewer. ``shared_categories`` and ``visible`` only answer whether something is
shared (to decide what to offer); they read no one's data.

Which model belongs to which category, and how a row is marked private, comes from the
registry each app contributes to (``circle/registry.py``): this module knows no feature app.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.utils import timezone

from alongside.accounts.models import AccessLogEntry
from alongside.circle import registry
from alongside.circle.models import Grant
from alongside.lib.prepared import Prepared


@dataclass(frozen=True)
class Reading[M: models.Model]:
    """What a read returned: the rows, and which of the asked categories they cover."""

    rows: list[M]
    categories: frozenset[str]

    def __iter__(self) -> Iterator[M]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __bool__(self) -> bool:
        return bool(self.rows)


class Rows[M: models.Model]:
    """A queryset for the read path that is compiled once (``alongside.lib.prepared``),
    for the reads on the pages people open most.

    Declared once, at module level, with the kinds of its values; each read binds the
    values: ``read(viewer, WEEK.of(start=..., end=...), ...)``. The read path still adds
    the owner and the private-row filters itself, exactly as for a queryset; they become
    part of the compiled query, one compiled form for each way they can be added.
    """

    def __init__(self, build: Callable[..., models.QuerySet[M]], **kinds: type) -> None:
        if {"owner_", "viewer_", "other_"} & kinds.keys():
            raise TypeError("owner_, viewer_ and other_ are the read path's own values")
        self.build = build
        self.kinds = kinds
        self._prepared: dict[tuple[Any, ...], Prepared[M]] = {}
        self._model: type[M] | None = None

    def of(self, **values: Any) -> BoundRows[M]:
        return BoundRows(self, values)

    def model(self) -> type[M]:
        if self._model is None:
            stand_ins = {name: _STAND_IN[kind] for name, kind in self.kinds.items()}
            self._model = self.build(**stand_ins).model
        return self._model

    def prepared(
        self, key: tuple[Any, ...], narrow: Callable[..., models.QuerySet[M]], **kinds: type
    ) -> Prepared[M]:
        """The compiled form for one way of narrowing (``key`` names it): ``narrow`` gets
        the built queryset and the read path's values."""
        found = self._prepared.get(key)
        if found is None:

            def build(**values: Any) -> models.QuerySet[M]:
                mine = {name: values.pop(name) for name in kinds}
                return narrow(self.build(**values), **mine)

            found = self._prepared[key] = Prepared(build, **self.kinds, **kinds)
        return found


@dataclass(frozen=True)
class BoundRows[M: models.Model]:
    rows: Rows[M]
    values: dict[str, Any]

    @property
    def model(self) -> type[M]:
        return self.rows.model()


# Any value of each kind will do to learn a Rows' model.
_STAND_IN: dict[type, Any] = {int: 0, str: "", dt.date: dt.date(2000, 1, 1)}
_STAND_IN[dt.datetime] = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)


@dataclass
class _Visit:
    owner: Any
    viewer: Any
    categories: set[str] = field(default_factory=set)
    details: list[str] = field(default_factory=list)
    reads: int = 0


@dataclass
class _Scope:
    """One web request's reads: what is shared is asked once per pair (on a GET), and
    the owners' log rows are written once, when the response is ready."""

    remember_shares: bool
    shares: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)
    visits: dict[tuple[int, int], _Visit] = field(default_factory=dict)


_scope: ContextVar[_Scope | None] = ContextVar("alongside_read_scope", default=None)


class ReadScopeMiddleware:
    """Gathers a request's reads so a page that reads one person's data in three places
    writes their log once (one row per visit either way) and asks for the grants once.

    The log is written before the response leaves: a failure to write it fails the
    request, so nothing is shown that the owner's log does not hold. Shares are
    remembered only within a GET or HEAD (which change no grant); any other request
    asks afresh on every read. Outside a request (the worker, commands), reads are
    logged at once and nothing is remembered.
    """

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        scope = _Scope(remember_shares=request.method in ("GET", "HEAD"))
        token = _scope.set(scope)
        try:
            return self.get_response(request)
        finally:
            _scope.reset(token)
            for visit in scope.visits.values():
                AccessLogEntry.record(
                    owner=visit.owner,
                    viewer=visit.viewer,
                    categories=visit.categories,
                    details=visit.details,
                    reads=visit.reads,
                )


def _grants_query(pairs: int) -> Callable[..., Any]:
    """The active grants between ``pairs`` (owner_i, viewer_i) pairs, at ``now``."""

    def build(now: dt.datetime, **ids: int) -> Any:
        wanted = Q()
        for i in range(pairs):
            wanted |= Q(owner_id=ids[f"owner_{i}"], grantee_id=ids[f"viewer_{i}"])
        return (
            Grant.objects.active(now)
            .filter(wanted)
            .values_list("owner_id", "grantee_id", "categories")
        )

    return build


# By the number of pairs (one each way for a couple, one for everyone else), compiled on
# first use: on every page that shows someone else's data, compiling was most of this
# query's cost.
_GRANTS: dict[int, Prepared[tuple[int, int, list[str]]]] = {}


def _grants_between(asked: list[tuple[int, int]]) -> list[tuple[int, int, list[str]]]:
    pairs = len(asked)
    prepared = _GRANTS.get(pairs)
    if prepared is None:
        ids = {f"{role}_{i}": int for i in range(pairs) for role in ("owner", "viewer")}
        prepared = _GRANTS[pairs] = Prepared(_grants_query(pairs), now=dt.datetime, **ids)
    values: dict[str, Any] = {"now": timezone.now()}
    for i, (owner_id, viewer_id) in enumerate(asked):
        values |= {f"owner_{i}": owner_id, f"viewer_{i}": viewer_id}
    return prepared(**values)


def _shares(pairs: list[tuple[Any, Any]]) -> list[frozenset[str]]:
    """What each (owner, viewer) pair's owner shares with its viewer now, in one query
    for all the pairs not remembered yet (within a GET request; see ReadScopeMiddleware)."""
    scope = _scope.get()
    memo = scope.shares if scope is not None and scope.remember_shares else {}
    keys = [(owner.pk, viewer.pk) for owner, viewer in pairs]
    asked = [key for key in dict.fromkeys(keys) if key not in memo]
    if asked:
        found: dict[tuple[int, int], set[str]] = {key: set() for key in asked}
        # Read fresh on every request: a revoked or expired grant stops access on the next.
        for owner_id, grantee_id, categories in _grants_between(asked):
            found[(owner_id, grantee_id)].update(categories)
        known = frozenset(registry.keys())
        memo = {**memo, **{key: frozenset(cats) & known for key, cats in found.items()}}
        if scope is not None and scope.remember_shares:
            scope.shares.update(memo)
    return [memo[key] for key in keys]


def shared_categories(owner: Any, viewer: Any) -> frozenset[str]:
    """Every category ``owner`` lets ``viewer`` see at this moment (all, for oneself)."""
    if viewer is None or not getattr(viewer, "is_authenticated", False):
        return frozenset()
    if owner.pk == viewer.pk:
        return frozenset(registry.keys())
    return _shares([(owner, viewer)])[0]


def shared_each_way(a: Any, b: Any) -> tuple[frozenset[str], frozenset[str]]:
    """(what ``a`` shares with ``b``, what ``b`` shares with ``a``), in one query: a
    couple's pages ask both to know whether something is open for the two of them."""
    if a.pk == b.pk:
        return shared_categories(a, b), shared_categories(b, a)
    ab, ba = _shares([(a, b), (b, a)])
    return ab, ba


def grant_between(owner: Any, grantee: Any) -> Grant | None:
    """The owner's active grant to ``grantee`` (for the owner's own pages: "you share X
    until the 20th"). Reads no data."""
    found = _GRANT_BETWEEN(owner=owner.pk, grantee=grantee.pk, now=timezone.now())
    return found[0] if found else None


# On every person page: compiled once (alongside.lib.prepared).
_GRANT_BETWEEN = Prepared(
    lambda owner, grantee, now: (
        Grant.objects.active(now).filter(owner_id=owner, grantee_id=grantee).order_by("pk")[:1]
    ),
    owner=int,
    grantee=int,
    now=dt.datetime,
)


def visible(owner: Any, viewer: Any, category: str) -> bool:
    """Does ``owner`` share ``category`` with ``viewer`` now? (Reads none of the data.)"""
    return category in shared_categories(owner, viewer)


# Asked on every check-in page (who will be able to read the note): compiled once.
_GRANTS_GIVEN = Prepared(
    lambda owner, now: (
        Grant.objects.active(now=now).filter(owner_id=owner).select_related("grantee")
    ),
    owner=int,
    now=dt.datetime,
)


def audience(owner: Any, category: str) -> list[Any]:
    """Who, besides the owner, may see the owner's ``category`` now (for truthful copy)."""
    people = {
        grant.grantee_id: grant.grantee
        for grant in _GRANTS_GIVEN(owner=owner.pk, now=timezone.now())
        if category in grant.categories
    }
    return sorted(people.values(), key=lambda person: str(person).lower())


def _asked(categories: str | Iterable[str]) -> frozenset[str]:
    asked = frozenset([categories] if isinstance(categories, str) else categories)
    for key in asked:
        registry.get(key)  # an unknown key is a programming error, not "nothing shared"
    if not asked:
        raise ValueError("read() needs at least one category")
    return asked


def _sources(model: type[models.Model], categories: frozenset[str]) -> registry.Source:
    found = {registry.source_for(registry.get(key), model) for key in sorted(categories)}
    if len({(s.owner_field, s.private_field) for s in found}) != 1:
        raise ValueError(f"{model._meta.label}: categories disagree on owner or private field")
    return next(iter(found))


def _log(owner: Any, viewer: Any, categories: Iterable[str], detail: str) -> None:
    if owner.pk == viewer.pk:
        return
    scope = _scope.get()
    if scope is None:
        AccessLogEntry.record(owner=owner, viewer=viewer, categories=categories, detail=detail)
        return
    visit = scope.visits.setdefault((owner.pk, viewer.pk), _Visit(owner, viewer))
    visit.categories.update(categories)
    if detail and detail not in visit.details:
        visit.details.append(detail)
    visit.reads += 1


def log_reused_read(viewer: Any, owner: Any, categories: Iterable[str], *, detail: str) -> None:
    """Log a look at what an earlier ``read`` of ``owner``'s rows produced (a cached page).

    For a result kept under a key that includes the owner's current grants to ``viewer``
    (so a revoked share never meets a kept result): the look lands in the owner's log
    exactly as the read itself would have, under the categories shared right now.
    """
    shared = _asked(categories) & shared_categories(owner, viewer)
    if shared:
        _log(owner, viewer, shared, str(detail))


def read[M: models.Model](
    viewer: Any,
    queryset: models.QuerySet[M] | BoundRows[M],
    categories: str | Iterable[str],
    *,
    owner: Any,
    detail: str,
    audience: Any = None,
) -> Reading[M]:
    """``owner``'s rows of ``queryset`` that may be seen under ``categories``, logged.

    ``viewer`` is the person looking. ``audience`` (default: the viewer) is whose eyes the
    rows are chosen for: the owner may look at their own data as someone they share with
    sees it (a preview, not logged); anyone else only ever reads as themselves. Rows the
    owner marked private are left out for every audience but the owner. A read by
    someone other than the owner lands in the owner's access log, even when it found no
    rows: the look itself is what the owner has a right to know about.
    """
    audience = viewer if audience is None else audience
    if viewer.pk != owner.pk and audience.pk != viewer.pk:
        raise ValueError("only the owner may read through someone else's eyes")
    asked = _asked(categories)
    shared = asked & shared_categories(owner, audience)
    if not shared:
        return Reading(rows=[], categories=frozenset())
    source = _sources(queryset.model, shared)
    private = source.private_field if audience.pk != owner.pk else ""

    def narrow(rows: models.QuerySet[M], owner_: Any) -> models.QuerySet[M]:
        rows = rows.filter(**{source.owner_field: owner_})
        return rows.exclude(**{private: True}) if private else rows

    if isinstance(queryset, BoundRows):
        prepared = queryset.rows.prepared(("read", source.owner_field, private), narrow, owner_=int)
        found = prepared(owner_=owner.pk, **queryset.values)
    else:
        found = list(narrow(queryset, owner))
    _log(owner, viewer, shared, str(detail))
    return Reading(rows=found, categories=shared)


def read_ours[M: models.Model](
    viewer: Any,
    other: Any,
    queryset: models.QuerySet[M] | BoundRows[M],
    category: str,
    *,
    detail: str,
    order: Callable[[M], Any] | None = None,
) -> list[M]:
    """For what two people write side by side (a week together, a shared goal): the
    viewer's own rows of ``queryset`` and, as far as shared, ``other``'s (logged), in
    one query."""
    asked = _asked(category)
    source = _sources(queryset.model, asked)
    shared = asked & shared_categories(other, viewer) if other.pk != viewer.pk else frozenset()

    def narrow(rows: models.QuerySet[M], viewer_: Any, other_: Any = None) -> models.QuerySet[M]:
        wanted = Q(**{source.owner_field: viewer_})
        if other_ is not None:
            theirs = Q(**{source.owner_field: other_})
            if source.private_field:
                theirs &= ~Q(**{source.private_field: True})
            wanted |= theirs
        return rows.filter(wanted)

    if isinstance(queryset, BoundRows):
        key = ("ours", source.owner_field, source.private_field, bool(shared))
        people = {"viewer_": viewer.pk, **({"other_": other.pk} if shared else {})}
        prepared = queryset.rows.prepared(key, narrow, **dict.fromkeys(people, int))
        rows = prepared(**people, **queryset.values)
    else:
        rows = list(narrow(queryset, viewer, other if shared else None))
    if shared:
        _log(other, viewer, shared, str(detail))
    return sorted(rows, key=order) if order else rows


def read_shared[M: models.Model](
    viewer: Any, queryset: models.QuerySet[M], category: str, *, detail: str
) -> Reading[M]:
    """Rows of ``queryset`` from everyone who shares ``category`` with ``viewer`` (not the
    viewer's own), private rows left out; each of those people's logs gets the read."""
    asked = _asked(category)
    owners = list(
        {
            grant.owner_id: grant.owner
            for grant in Grant.objects.active().filter(grantee=viewer).select_related("owner")
            if category in grant.categories
        }.values()
    )
    if not owners:
        return Reading(rows=[], categories=frozenset())
    source = _sources(queryset.model, asked)
    rows = queryset.filter(Q(**{f"{source.owner_field}__in": [o.pk for o in owners]}))
    if source.private_field:
        rows = rows.exclude(**{source.private_field: True})
    found = list(rows)
    for owner in owners:
        _log(owner, viewer, asked, str(detail))
    return Reading(rows=found, categories=asked)
