"""Paginators that do not count every row: for admin changelists over tens of thousands of rows, and for lists
whose number of rows a kept tally knows."""

from __future__ import annotations

import json

from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import DatabaseError, connections
from django.utils.functional import cached_property


def planner_estimate(queryset) -> int:
    """The rows PostgreSQL expects ``queryset`` to return (EXPLAIN; nothing is scanned)."""
    sql, params = queryset.order_by().query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """COUNT(*) reads every row the filter lets through, on every page of the changelist. Above
    ``threshold`` rows the planner's estimate is used (the page links are then approximate); smaller
    results are counted exactly."""

    threshold = 10_000

    @cached_property
    def count(self) -> int:
        if not hasattr(self.object_list, "query"):
            return super().count
        try:
            estimate = planner_estimate(self.object_list)
        except EmptyResultSet:  # a filter no row can match (e.g. an id out of range): nothing to count
            return 0
        except DatabaseError:
            return super().count
        return estimate if estimate >= self.threshold else super().count


class KnownCountPaginator(Paginator):
    """A paginator told how many rows its list has — an exact figure the database keeps (a tally kept by
    triggers in the same transaction as the rows) — instead of counting them on every page."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs) -> None:
        super().__init__(object_list, per_page, **kwargs)
        self.known_count = count

    @cached_property
    def count(self) -> int:
        return self.known_count
