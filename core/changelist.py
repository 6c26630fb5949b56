"""Admin changelists over tens of thousands of rows (issue 9): row links, and the date hierarchy's years.

Row links. On a filtered changelist, Django passes every row's link through ``add_preserved_filters``, which
resolves the link against every admin URL to learn whether it is the changelist itself (it never is: a row links to
its change page). ``QuickLinksChangeList`` appends the same ``_changelist_filters`` query once computed.

Years. Django's date hierarchy first takes the first and last date of the changelist (``aggregate(Min, Max)``,
to pick the level it opens at), then lists its years with ``queryset.dates(field, "year")``: ``SELECT DISTINCT
DATE_TRUNC('year', field)``. Both read the date of every row the filters let through (50,000 members: tens of
milliseconds on every first page; 2,300 probationary members of the village branches: 13 ms, ten times S's).
Here both come from an index on the field instead: the first and the last date are each the first row of an
ordered index walk (``ORDER BY field LIMIT 1``), and between them each year is kept if one row in it exists (an
index range probe that stops at the first row). Same dates, same years, same order; exact, nothing is cached.
A filter on status walks the index on (status, joined_on) (issue 21), any other the one on joined_on.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import DateField, F, Max, Min, QuerySet
from django.db.models.constants import LOOKUP_SEP


def _picked(queryset: QuerySet, field_name: str) -> tuple[str, tuple] | None:
    """A CTE of ``queryset``'s non-null ``field_name`` dates, as ``hierarchy_day`` (None: no row can match)."""
    rows = queryset.order_by().filter(**{f"{field_name}__isnull": False}).values(hierarchy_day=F(field_name))
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
        return None
    return f"picked AS NOT MATERIALIZED ({inner})", params


# The first and the last date: each an ordered index walk that stops at its first row (min() and max() over a
# join read every row the filters let through; PostgreSQL only walks an index for them on a single table).
_BOUNDS = """
    SELECT (SELECT hierarchy_day FROM picked ORDER BY hierarchy_day ASC LIMIT 1) AS first,
           (SELECT hierarchy_day FROM picked ORDER BY hierarchy_day DESC LIMIT 1) AS last
"""


def date_bounds(queryset: QuerySet, field_name: str) -> tuple[date | None, date | None]:
    """The first and the last ``field_name`` date of ``queryset``'s rows: ``aggregate(Min(f), Max(f))``."""
    picked = _picked(queryset, field_name)
    if picked is None:
        return None, None
    cte, params = picked
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"WITH {cte} {_BOUNDS}", params)
        return cursor.fetchone()


def years_with_rows(queryset: QuerySet, field_name: str, *, descending: bool = False) -> list[int]:
    """The years in which at least one row of ``queryset`` has a ``field_name`` date."""
    picked = _picked(queryset, field_name)
    if picked is None:
        return []
    cte, params = picked
    # LATERAL … LIMIT 1: one probe per year, run for each year (an EXISTS would be planned as one semi join
    # over every row the filters let through).
    sql = f"""
        WITH {cte}
        SELECT candidate
        FROM ({_BOUNDS}) AS bounds,
             generate_series(extract(year FROM bounds.first)::int, extract(year FROM bounds.last)::int) AS candidate,
             LATERAL (
                SELECT 1 FROM picked
                WHERE hierarchy_day >= make_date(candidate, 1, 1) AND hierarchy_day < make_date(candidate + 1, 1, 1)
                LIMIT 1
             ) AS hit
        ORDER BY candidate {"DESC" if descending else "ASC"}
    """
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


class IndexedYearsQuerySet(QuerySet):
    """A queryset whose ``dates(field, "year")`` and ``aggregate(a=Min(field), b=Max(field))`` — for a date field
    of its own model — use ``years_with_rows`` and ``date_bounds``."""

    def _own_date_field(self, field_name) -> bool:
        return (
            isinstance(field_name, str)
            and LOOKUP_SEP not in field_name
            and not self.query.is_sliced
            and not self.query.combinator
            and not self.query.distinct
            and type(self.model._meta.get_field(field_name)) is DateField
        )

    def dates(self, field_name, kind, order="ASC"):
        if kind != "year" or not self._own_date_field(field_name):
            return super().dates(field_name, kind, order)
        years = years_with_rows(self, field_name, descending=order == "DESC")
        return [date(year, 1, 1) for year in years]

    def aggregate(self, *args, **kwargs):
        """The date hierarchy's ``aggregate(first=Min(field), last=Max(field))``; any other aggregate is Django's."""
        bounds = _min_max_names(kwargs) if not args else None
        if bounds is None or self.query.annotations or not self._own_date_field(bounds[2]):
            return super().aggregate(*args, **kwargs)
        first_name, last_name, field_name = bounds
        first, last = date_bounds(self, field_name)
        return {first_name: first, last_name: last}


def _min_max_names(aggregates: dict) -> tuple[str, str, str] | None:
    """(the Min's name, the Max's name, their field) when ``aggregates`` is one plain Min and one plain Max of
    the same field, else None."""
    if len(aggregates) != 2:
        return None
    by_kind: dict[type, tuple[str, str]] = {}
    for name, aggregate in aggregates.items():
        if type(aggregate) not in (Min, Max) or aggregate.filter is not None or aggregate.default is not None:
            return None
        source = aggregate.get_source_expressions()[0]  # its one argument (then its filter)
        if not isinstance(source, F):
            return None
        by_kind[type(aggregate)] = (name, source.name)
    if set(by_kind) != {Min, Max} or by_kind[Min][1] != by_kind[Max][1]:
        return None
    return by_kind[Min][0], by_kind[Max][0], by_kind[Min][1]


class QuickLinksChangeList(ChangeList):
    """Row links carry the changelist's filters, as ``add_preserved_filters`` would add them, without resolving
    each link (ModelAdmin.get_changelist)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.row_link_query = urlencode(dict(parse_qsl(self.preserved_filters)))
        self.preserved_filters = ""  # already in url_for_result: add_preserved_filters has nothing left to do

    def url_for_result(self, result):
        url = super().url_for_result(result)
        return f"{url}?{self.row_link_query}" if self.row_link_query else url


class IndexedYearsChangeList(QuickLinksChangeList):
    """… whose date hierarchy also lists its years with ``years_with_rows``: for a date field with an index."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        indexed = IndexedYearsQuerySet(model=queryset.model, query=queryset.query.chain(), using=queryset.db)
        indexed._prefetch_related_lookups = queryset._prefetch_related_lookups
        return indexed
