"""A paginator for admin changelists over tens of thousands of rows."""

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
