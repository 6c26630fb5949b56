"""Counts side by side (issue 21): the 工作台's counters and the statistics' figures, each the aggregate of its
predicate's one home (a queryset method or a condition), computed together in one statement instead of one
query per counter."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Aggregate, QuerySet, Value


def side_by_side(parts: dict[str, tuple[QuerySet, dict[Any, Aggregate]]]) -> dict[Any, Any]:
    """The aggregates of each part (name: (queryset, {key: aggregate})) over its queryset, in one query: per
    part one aggregate row (no GROUP BY: one row even over no rows), the rows side by side. A part over an
    empty queryset (``.none()``, a user without scope) gets each aggregate's value over no rows, without SQL."""
    values: dict[Any, Any] = {}
    aliases: dict[str, Any] = {}  # column alias → key
    sql_parts: list[str] = []
    params: list[Any] = []
    for queryset, aggregates in parts.values():
        if not aggregates:
            continue
        values |= {key: aggregate.empty_result_set_value for key, aggregate in aggregates.items()}
        named = {f"a{len(aliases) + i}": aggregate for i, aggregate in enumerate(aggregates.values())}
        # ``values`` of a constant first: one aggregate row of the whole queryset, not one per row
        query = queryset.order_by().values(one=Value(1)).annotate(**named).values(*named)
        try:
            sql, found = query.query.sql_with_params()
        except EmptyResultSet:
            continue
        aliases |= dict(zip(named, aggregates, strict=True))
        sql_parts.append(f"({sql}) AS p{len(sql_parts)}")
        params.extend(found)
    if sql_parts:
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(sql_parts), params)
            row = cursor.fetchone()
            values |= {
                aliases[column.name]: value for column, value in zip(cursor.description, row, strict=True)
            }
    return values
