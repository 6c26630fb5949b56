"""Counts side by side (issue 21): the 工作台's counters and the statistics' figures, each the aggregate of its
predicate's one home (a queryset method or a condition), computed together in one statement instead of one
query per counter. With ``reuse`` the statement is compiled once per key (core.sqlreuse), run every time."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, QuerySet, Value

from core import sqlreuse
from core.sqlreuse import Statement

Parts = dict[str, tuple[QuerySet, dict[Any, Aggregate]]]


def side_by_side(
    parts: Parts | Callable[..., Parts],
    *,
    reuse: Hashable | None = None,
    now: datetime | None = None,
) -> dict[Any, Any]:
    """The aggregates of each part (name: (queryset, {key: aggregate})) over its queryset, in one query: per
    part one aggregate row (no GROUP BY: one row even over no rows), the rows side by side. A part over an
    empty queryset (``.none()``, a user without scope) gets each aggregate's value over no rows, without SQL.

    ``parts`` may be a function building them; with ``reuse`` (a key naming every input it reads, see
    core.sqlreuse) it is called only when no statement is stored under that key. With ``now``, ``parts`` is a
    function of the time of day: with ``reuse`` it is built with ``sqlreuse.NOW`` in the time's place and each
    run binds the time (``sqlreuse.bind_now``), so conditions that read the time are compiled once per key too.
    """

    def build() -> Statement:
        if now is not None:
            return _statement(parts(sqlreuse.NOW if reuse is not None else now))  # type: ignore[operator]
        return _statement(parts() if callable(parts) else parts)

    statement = build() if reuse is None else sqlreuse.reuse(("side_by_side", reuse), build)
    if now is not None and reuse is not None:
        statement = sqlreuse.bind_now(statement, now)
    defaults, keys = statement.shape
    values = dict(defaults)
    if statement.sql is not None:
        with connection.cursor() as cursor:
            cursor.execute(statement.sql, statement.params)
            values |= dict(zip(keys, cursor.fetchone(), strict=True))
    return values


def _statement(parts: Parts) -> Statement:
    """The one statement of ``side_by_side``, with (defaults, the key of each column) as its shape.

    A part of one aggregate is a scalar subquery in the select list, the others are cross-joined: many one-row
    parts in FROM made the planner search their join order (a WHERE per flag, recruitment.dashboard: planning
    1.3 ms for nine parts, issue 21); a scalar subquery is planned on its own."""
    defaults: dict[Any, Any] = {}
    keys: list[Any] = []  # the key of each column, in order
    columns: list[str] = []  # the select list: scalar subqueries and the columns of the cross-joined parts
    column_params: list[Any] = []
    joined: list[str] = []
    joined_params: list[Any] = []
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
        if len(aggregates) == 1:
            columns.append(f"({sql})")
            column_params.extend(found)
        else:
            columns.append(f"p{len(joined)}.*")
            joined.append(f"({sql}) AS p{len(joined)}")
            joined_params.extend(found)
    if not columns:
        return Statement(None, (), (tuple(defaults.items()), tuple(keys)))
    sql = "SELECT " + ", ".join(columns) + (" FROM " + " CROSS JOIN ".join(joined) if joined else "")
    return Statement(sql, (*column_params, *joined_params), (tuple(defaults.items()), tuple(keys)))


def _over_no_rows(aggregate: Aggregate) -> Any:
    """An aggregate's value over no rows: its ``default`` if it has one (``Sum(…, default=0)``), else SQL's."""
    default = getattr(aggregate, "default", None)
    return aggregate.empty_result_set_value if default is None else default
