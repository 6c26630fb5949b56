"""Compiled SQL reused within a process (issue 21): the statistics blocks and the 工作台's counters build the same
querysets from the rules' expression trees on every request of a day, and Django spends about half of each
block resolving and compiling them. This store keeps the *statement* — the SQL text, its parameters and how
to read its rows — never a result: every call still runs the statement and reads the database as it is now.

    counts = side_by_side(lambda: {...parts...}, reuse=("recruitment.flags", today, scope_key))
    rows = reused_rows(("dues.collected", org_ids, start, end), lambda: some_values_queryset)

What makes it safe:

1. The key names every input the build reads. The caller passes the function's name and every value the
   build depends on: the day (``local_today()`` or the day passed), the scope (the frozenset of organisation
   ids of ``core.access.scoped_organization_ids`` / ``reports.blocks.Scope``, or the user's pk where the query
   filters by the user), the period, any version read from the database (the rule profiles). The store adds
   the calendar: an entry belongs to one generation of the holiday calendar cache (``core.dates
   .calendar_generation``: it changes when the cache is invalidated and whenever a year is (re)loaded) and
   lives no longer than the calendar cache keeps the years it was built from (``core.dates._CACHE_SECONDS``),
   so it is never staler than the calendar already is. The whole store is emptied on Django's
   ``setting_changed`` (``override_settings``) and when the calendar cache is invalidated.
2. Check mode (``settings.SQL_REUSE_CHECK``, on under tests): every reuse also rebuilds the statement and
   raises AssertionError if its SQL, parameters or shape differ from the stored ones — the test suite proves
   that each key names all its inputs (a build that reads ``timezone.now()`` under a key of the day fails).
3. An empty statement (a part raising EmptyResultSet, ``.none()`` for a user without scope) is stored too:
   its defaults, with no SQL to run.
4. The time of day can be a parameter: a build given ``NOW`` where it would read ``timezone.now()`` makes a
   statement that holds ``NOW`` among its parameters, and each run puts the time in its place (``bind_now``;
   ``core.counting.side_by_side(..., now=...)``). The key then need not (and must not) name the time; check
   mode still compares the builds, both made with ``NOW``.
5. Rows read with a raw cursor go through the same converters the ORM applies (``reused_rows``: Decimal,
   durations, dates…), taken from the compiler when the statement was built, so the values equal the ORM's.

Builds keep each predicate's one home: the build functions call the same conditions and querysets as
before; a hit only skips building and compiling them again. ``settings.SQL_REUSE = False`` builds every time.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.signals import setting_changed
from django.db import connections
from django.db.models import Lookup, QuerySet
from django.db.models.query import FlatValuesListIterable, ValuesIterable, ValuesListIterable

from core import dates

MAX_ENTRIES = 512

# Stands for the time of day in a build (no real time is the first microsecond of year 1); ``bind_now`` puts
# the time of each run in its place.
NOW = datetime(1, 1, 1, 0, 0, 0, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Statement:
    """What a build produces: the SQL (None when the query is empty: nothing to run), its parameters, and its
    ``shape`` — what turns its row(s) into the caller's values (compared in check mode). ``converters`` are
    the ORM's converters per column (``SQLCompiler.get_converters``)."""

    sql: str | None
    params: tuple = ()
    shape: Any = None
    using: str = "default"
    converters: dict = field(default_factory=dict, compare=False)


@dataclass
class _Entry:
    statement: Statement
    expires: float  # time.monotonic()


_store: OrderedDict[Hashable, _Entry] = OrderedDict()
_lock = threading.Lock()
_generation = dates.calendar_generation()
_counts = {"hits": 0, "misses": 0}


def clear(**_kwargs) -> None:
    """Forget every statement (Django's ``setting_changed`` calls it: ``override_settings`` in tests)."""
    with _lock:
        _store.clear()


setting_changed.connect(clear, dispatch_uid="core.sqlreuse.clear")
dates.on_calendar_invalidated(clear)


def size() -> int:
    return len(_store)


def stats() -> dict[str, int]:
    """Hits and misses since the process started, and the entries stored now."""
    return {**_counts, "entries": len(_store)}


def reuse(key: Hashable, build: Callable[[], Statement]) -> Statement:
    """The statement stored under ``key`` (and the calendar's generation), or ``build()``'s, stored.

    ``key`` must name every input ``build`` reads (see the module's docstring); in check mode a reuse is
    rebuilt and compared."""
    global _generation
    if not getattr(settings, "SQL_REUSE", True):
        return build()
    generation = dates.calendar_generation()
    now = time.monotonic()
    with _lock:
        if generation != _generation:  # the calendar changed (or a year was reloaded): start again
            _store.clear()
            _generation = generation
        entry = _store.get(key)
        if entry is not None and entry.expires <= now:
            del _store[key]
            entry = None
        if entry is not None:
            _store.move_to_end(key)
        _counts["hits" if entry is not None else "misses"] += 1
    if entry is not None:
        if getattr(settings, "SQL_REUSE_CHECK", False):
            fresh = build()
            if fresh != entry.statement:
                raise AssertionError(
                    f"core.sqlreuse: the key {key!r} does not name every input of its build: "
                    f"stored {entry.statement!r}, rebuilt {fresh!r}"
                )
        return entry.statement
    statement = build()
    with _lock:
        # A build that loaded a calendar year (or ran beside an invalidation) is not stored: the next one is.
        if dates.calendar_generation() == generation == _generation:
            _store[key] = _Entry(statement, dates.calendar_fresh_until())
            _store.move_to_end(key)
            while len(_store) > MAX_ENTRIES:
                _store.popitem(last=False)
    return statement


def bind_now(statement: Statement, now: datetime) -> Statement:
    """``statement`` with ``now`` in place of each ``NOW`` among its parameters."""
    if now.tzinfo is None:
        raise ValueError("bind_now takes an aware datetime (timezone.now())")
    params = tuple(now if type(p) is datetime and p == NOW else p for p in statement.params)
    return replace(statement, params=params)


class InArray(Lookup):
    """``filter(InArray(F("field"), ids))``: the field's value is one of ``ids``, bound as ONE array parameter
    (``= ANY(%s)``) where ``__in`` binds a placeholder per id. A statement with more than 50 parameters (or
    4 KB of SQL) is parsed again by psycopg on every run, and hundreds of ids are a millisecond of that."""

    lookup_name = "in_array"
    prepare_rhs = False

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s)", (*lhs_params, list(self.rhs))


def _compile(queryset: QuerySet) -> Statement:
    """A values queryset's statement: its SQL and parameters, the names or form of its rows, its converters."""
    iterable = queryset._iterable_class
    query = queryset.query
    if iterable is ValuesIterable:
        names = list(query.selected) if query.selected else [*query.extra_select, *query.values_select,
                                                              *query.annotation_select]  # fmt: skip
        shape: Any = ("dict", tuple(names))
    elif iterable is ValuesListIterable:
        shape = ("tuple",)
    elif iterable is FlatValuesListIterable:
        shape = ("flat",)
    else:
        raise TypeError("reused_rows reads values() or values_list() querysets")
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return Statement(None, (), shape, queryset.db)
    fields = [s[0] for s in compiler.select[0 : compiler.col_count]]
    if compiler.has_composite_fields(fields):
        raise TypeError("reused_rows does not read composite fields")
    return Statement(
        sql, tuple(params), (*shape, compiler.col_count), queryset.db, compiler.get_converters(fields)
    )


def rows_of(statement: Statement) -> list:
    """Run a statement of ``_compile``: its rows as the ORM returns them (dicts, tuples or single values)."""
    if statement.sql is None:
        return []
    connection = connections[statement.using]
    with connection.cursor() as cursor:
        cursor.execute(statement.sql, statement.params)
        fetched = cursor.fetchall()
    kind, count = statement.shape[0], statement.shape[-1]
    converters = list(statement.converters.items())
    rows = []
    for found in fetched:
        row = list(found[:count])
        for position, (functions, expression) in converters:
            value = row[position]
            for convert in functions:
                value = convert(value, expression, connection)
            row[position] = value
        rows.append(row)
    if kind == "dict":
        names = statement.shape[1]
        return [dict(zip(names, row, strict=True)) for row in rows]
    if kind == "flat":
        return [row[0] for row in rows]
    return [tuple(row) for row in rows]


def reused_rows(key: Hashable, build: Callable[[], QuerySet], *, where: dict[str, Any] | None = None) -> list:
    """``list(build())`` for a ``values()`` / ``values_list()`` queryset, its statement reused under ``key``.

    ``where`` ({column: value}, columns named in the ``values()``) narrows the rows to those equal to the values,
    outside the stored statement — ``SELECT * FROM (statement) WHERE column = %s`` — so that one statement
    serves every value (a member page's figures for whichever member: the planner pushes the condition into
    the statement, as it would have been written inside)."""
    statement = reuse(("rows", key), lambda: _compile(build()))
    if where and statement.sql is not None:
        quote = connections[statement.using].ops.quote_name
        conditions = " AND ".join(f"reused.{quote(column)} = %s" for column in where)
        statement = replace(
            statement,
            sql=f"SELECT * FROM ({statement.sql}) AS reused WHERE {conditions}",
            params=(*statement.params, *where.values()),
        )
    return rows_of(statement)


def reused_sql(key: Hashable, build: Callable[[], tuple[str, Any]]) -> tuple[str, Any]:
    """(sql, params) of a hand-written statement (around a compiled queryset), reused under ``key``."""

    def compiled() -> Statement:
        sql, params = build()
        return Statement(sql, tuple(params) if isinstance(params, list) else params)

    statement = reuse(("sql", key), compiled)
    return statement.sql or "", statement.params
