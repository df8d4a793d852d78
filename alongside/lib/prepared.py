"""Querysets compiled once per process, then run again with new values.

Turning a queryset into SQL costs more than running it on the pages people open most:
here 1.0 of the 1.2 ms a small query took went to building and compiling it, the
database answered in a few hundredths of one. ``Prepared`` builds the queryset once
for each database connection, remembers its SQL and where each value goes, and after
that only puts the new values in.

It is only for querysets whose SQL does not depend on their values (no lists of
varying length, no ``None`` that would become ``IS NULL``). That is checked, not
trusted: the first use builds the queryset twice, with two different sets of stand-in
values and under two time zones, and refuses (``UnpreparableQuery``) unless the SQL is
the same and every parameter that differs is one of the values. Anything else the SQL
depended on (the current time, the active time zone) would show up there. Under the
tests (``ALONGSIDE_CHECK_PREPARED``, set by ``conftest.py``) every call also builds the
queryset the ordinary way and fails if its SQL or parameters differ.

    recent = Prepared(
        lambda owner, since: CheckIn.objects.filter(owner_id=owner, day__gte=since),
        owner=int, since=dt.date,
    )
    rows = recent(owner=user.pk, since=start)  # a list of CheckIn

What comes back is a list: a queryset could be filtered further, and that filter would
not be in the remembered SQL.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import QuerySet
from django.utils import timezone

# What a value may be, and a stand-in for each of the two trial builds.
_KINDS: dict[type, Callable[[int, int], Any]] = {
    int: lambda trial, i: 1_000_000_007 * trial + 7919 * i,
    str: lambda trial, i: f"\x1fprepared-{trial}-{i}\x1f",
    dt.date: lambda trial, i: dt.date(1900 + trial, 1 + i, 2 + trial),
    dt.datetime: lambda trial, i: dt.datetime(1900 + trial, 1 + i, 2, 3, 4, 5, tzinfo=dt.UTC),
}
# Two time zones with different offsets, so SQL that used the active one differs.
_ZONES = ("UTC", "Pacific/Chatham")


class UnpreparableQuery(Exception):
    """The queryset's SQL depends on more than its values; use it unprepared."""


@dataclass(frozen=True)
class _Plan:
    queryset: QuerySet[Any]
    compiler: Any
    sql: str
    # For each parameter: ("value", name) to take the call's value, ("constant", p).
    slots: tuple[tuple[str, Any], ...]
    # How each column's value is turned into Python, worked out once per connection (the
    # ORM asks every field again on every run: a tenth of a small query's time here).
    converters: weakref.WeakKeyDictionary[Any, dict[int, Any]] = field(
        default_factory=weakref.WeakKeyDictionary
    )


def _alike(queryset: Any, query: Any) -> Any:
    """``queryset._clone()`` without its cost: the query is already a copy."""
    alike = type(queryset)(model=queryset.model, query=query, using=queryset.db)
    alike._prefetch_related_lookups = queryset._prefetch_related_lookups
    alike._known_related_objects = queryset._known_related_objects
    alike._iterable_class = queryset._iterable_class
    alike._fetch_mode = queryset._fetch_mode
    alike._fields = queryset._fields
    return alike


def _checking() -> bool:
    return os.environ.get("ALONGSIDE_CHECK_PREPARED", "") == "1"


class Prepared[T]:
    def __init__(self, build: Callable[..., QuerySet[Any, T]], **kinds: type) -> None:
        for name, kind in kinds.items():
            if kind not in _KINDS:
                raise TypeError(f"{name}: a prepared value is an int, str, date or datetime")
        self.build = build
        self.kinds = kinds
        self._plans: dict[tuple[str, str], _Plan] = {}

    def __call__(self, *, using: str = "default", **values: Any) -> list[T]:
        self._check_values(values)
        plan = self._plan(using)
        ops = connections[using].ops
        params = tuple(
            self._adapt(ops, self.kinds[what], values[what]) if how == "value" else what
            for how, what in plan.slots
        )
        if _checking():
            built = self.build(**values).using(using).query
            expected = built.get_compiler(using=using).as_sql()
            if (expected[0], tuple(expected[1])) != (plan.sql, params):
                raise AssertionError(f"prepared SQL drifted:\n{expected}\n{(plan.sql, params)}")
        compiler = copy.copy(plan.compiler)
        # Connections belong to a thread: the plan may have been made in another one.
        connection = compiler.connection = connections[using]
        converters = plan.converters.get(connection)
        if converters is None:
            columns = [s[0] for s in compiler.select[0 : compiler.col_count]]
            converters = plan.converters[connection] = compiler.get_converters(columns)
        compiler.get_converters = lambda expressions: converters
        # The compiler keeps what the first compile worked out (columns, related models);
        # only the SQL text and parameters are given instead of compiled again.
        compiler.as_sql = lambda *args, **kwargs: (plan.sql, params)
        query = copy.copy(plan.queryset.query)
        query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
        return list(_alike(plan.queryset, query))

    def _check_values(self, values: dict[str, Any]) -> None:
        if values.keys() != self.kinds.keys():
            raise TypeError(f"expected the values {sorted(self.kinds)}, got {sorted(values)}")
        for name, value in values.items():
            kind = self.kinds[name]
            # bool is an int to Python but a different SQL shape to the ORM; a date
            # stand-in for a datetime would compare differently.
            wrong = isinstance(value, bool) or (kind is dt.date and isinstance(value, dt.datetime))
            if wrong or not isinstance(value, kind):
                raise TypeError(f"{name}: expected {kind.__name__}, got {value!r}")

    @staticmethod
    def _adapt(ops: Any, kind: type, value: Any) -> Any:
        if kind is dt.datetime:
            return ops.adapt_datetimefield_value(value)
        if kind is dt.date:
            return ops.adapt_datefield_value(value)
        return value

    def _plan(self, using: str) -> _Plan:
        connection = connections[using]
        key = (using, connection.vendor)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._prepare(using)
        return plan

    def _prepare(self, using: str) -> _Plan:
        ops = connections[using].ops
        trials = []
        for trial, zone in enumerate(_ZONES, start=1):
            stand_ins = {
                name: _KINDS[kind](trial, i) for i, (name, kind) in enumerate(self.kinds.items())
            }
            with timezone.override(zone):
                queryset = self.build(**stand_ins).using(using)
                compiler = queryset.query.get_compiler(using=using)
                sql, params = compiler.as_sql()
            trials.append((stand_ins, queryset, compiler, sql, tuple(params)))
        (first, queryset, compiler, sql, params), (second, _, _, sql_2, params_2) = trials
        if sql != sql_2 or len(params) != len(params_2):
            raise UnpreparableQuery("the SQL changes with the values")
        slots: list[tuple[str, Any]] = []
        for p, p_2 in zip(params, params_2, strict=True):
            if p == p_2:
                slots.append(("constant", p))
                continue
            names = [
                name
                for name, kind in self.kinds.items()
                if self._adapt(ops, kind, first[name]) == p
                and self._adapt(ops, kind, second[name]) == p_2
            ]
            if len(names) != 1:
                raise UnpreparableQuery(f"a parameter is not one of the values: {p!r}")
            slots.append(("value", names[0]))
        return _Plan(queryset=queryset, compiler=compiler, sql=sql, slots=tuple(slots))


class PreparedIn[T]:
    """A ``Prepared`` with one list of ids of any length (``pk__in=...``).

    The SQL has a placeholder per id, so each length needs its own compiled form. The
    list is padded up to a power of two with ids that cannot exist (-1, -2, ...), so
    lists of 1 to 100 ids share eight forms (and PostgreSQL eight prepared statements).
    An empty list matches nothing and asks the database nothing.

        people = PreparedIn(lambda ids: Person.objects.filter(pk__in=ids), many="ids")
        people(ids=[4, 9, 12])
    """

    def __init__(self, build: Callable[..., QuerySet[Any, T]], *, many: str, **kinds: type) -> None:
        self.build = build
        self.many = many
        self.kinds = kinds
        self._sized: dict[int, Prepared[T]] = {}

    def __call__(self, *, using: str = "default", **values: Any) -> list[T]:
        ids = list(dict.fromkeys(values.pop(self.many)))
        if not ids:
            return []
        if any(isinstance(i, bool) or not isinstance(i, int) or i < 0 for i in ids):
            raise TypeError(f"{self.many}: expected ids (ints of 0 or more), got {ids!r}")
        size = 1 << (len(ids) - 1).bit_length()
        ids += range(-1, -1 - (size - len(ids)), -1)
        return self._of_size(size)(
            using=using, **values, **{f"{self.many}_{i}": pk for i, pk in enumerate(ids)}
        )

    def _of_size(self, size: int) -> Prepared[T]:
        prepared = self._sized.get(size)
        if prepared is None:
            names = [f"{self.many}_{i}" for i in range(size)]

            def build(**values: Any) -> QuerySet[Any, T]:
                listed = [values.pop(name) for name in names]
                return self.build(**values, **{self.many: listed})

            ids = dict.fromkeys(names, int)
            prepared = self._sized[size] = Prepared(build, **self.kinds, **ids)
        return prepared
