"""Counts side by side (issue 21): the 工作台's counters and the statistics' figures, each the aggregate of its
predicate's one home (a queryset method or a condition), computed together in one statement instead of one
query per counter. With ``reuse`` the statement is compiled once per key (core.sqlreuse), run every time."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, QuerySet, Value

from core import sqlreuse
from core.sqlreuse import Statement

Parts = dict[str, tuple[QuerySet, dict[Any, Aggregate]]]


def side_by_side(parts: Parts | Callable[[], Parts], *, reuse: Hashable | None = None) -> dict[Any, Any]:
    """The aggregates of each part (name: (queryset, {key: aggregate})) over its queryset, in one query: per
    part one aggregate row (no GROUP BY: one row even over no rows), the rows side by side. A part over an
    empty queryset (``.none()``, a user without scope) gets each aggregate's value over no rows, without SQL.

    ``parts`` may be a function building them; with ``reuse`` (a key naming every input it reads, see
    core.sqlreuse) it is called only when no statement is stored under that key."""
    if reuse is None:
        statement = _statement(parts() if callable(parts) else parts)
    else:
        statement = sqlreuse.reuse(
            ("side_by_side", reuse), lambda: _statement(parts() if callable(parts) else parts)
        )
    defaults, keys = statement.shape
    values = dict(defaults)
    if statement.sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            values |= dict(zip(keys, cursor.fetchone(), strict=True))
    return values


def _statement(parts: Parts) -> Statement:
    """The one statement of ``side_by_side``, with (defaults, the key of each column) as its shape."""
    defaults: dict[Any, Any] = {}
    keys: list[Any] = []  # the key of each column, in order
    sql_parts: list[str] = []
    params: list[Any] = []
    for queryset, aggregates in parts.values():
        if not aggregates:
            continue
        defaults |= {key: _over_no_rows(aggregate) for key, aggregate in aggregates.items()}
        named = {f"a{len(keys) + i}": aggregate for i, aggregate in enumerate(aggregates.values())}
        # ``values`` of a constant first: one aggregate row of the whole queryset, not one per row
        query = queryset.order_by().values(one=Value(1)).annotate(**named).values(*named)
        try:
            sql, found = query.query.sql_with_params()
        except EmptyResultSet:
            continue
        keys.extend(aggregates)
        sql_parts.append(f"({sql}) AS p{len(sql_parts)}")
        params.extend(found)
    sql = "SELECT * FROM " + " CROSS JOIN ".join(sql_parts) if sql_parts else None
    return Statement(sql, tuple(params), (tuple(defaults.items()), tuple(keys)))


def _over_no_rows(aggregate: Aggregate) -> Any:
    """An aggregate's value over no rows: its ``default`` if it has one (``Sum(…, default=0)``), else SQL's."""
    default = getattr(aggregate, "default", None)
    return aggregate.empty_result_set_value if default is None else default
