"""Admin changelists over tens of thousands of rows (issue 9): row links, and the date hierarchy's years.

Row links. On a filtered changelist, Django passes every row's link through ``add_preserved_filters``, which
resolves the link against every admin URL to learn whether it is the changelist itself (it never is: a row links to
its change page). ``QuickLinksChangeList`` appends the same ``_changelist_filters`` query once computed.

Years. Django's date hierarchy first takes the first and last date of the changelist (``aggregate(Min, Max)``,
to pick the level it opens at), then lists its years with ``queryset.dates(field, "year")``: ``SELECT DISTINCT
DATE_TRUNC('year', field)``, which truncates the date of every row the filters let through (50,000 members: tens
of milliseconds on every first page). Here the years come from the index on the field instead: between the first
and the last date, each year is kept if one row in it exists (an index range probe that stops at the first row).
When Django asks for the first and last date, they and the years are answered together in one query
(``dates_and_years``: from the first year, the first date of the next year on, one probe per year that has a
row), and ``dates`` asks nothing more; a changelist of a few rows (a search: ``READ_ROWS``) reads its rows'
dates instead, since each probe would test row after row of other years. Same years, same order; the result is
exact, nothing is kept beyond the request's queryset.

A choice of the related row (组织类别 = 企业: ``organization__category``). Django joins the related table and
filters it, and the planner, which cannot know how many members the few matching organisations hold, hashes the
join over every member: the first page, the first and last date and the years each read the whole list. Here the
related ids are looked up first (a few hundred organisations) and the rows filtered by their own foreign key
(``organization_id IN (…)``), which the indexes on it answer in their order. Same rows. The ids are written
as ranges of consecutive ids (``organization_id >= 3 AND organization_id <= 82``, ``ids_in``): PostgreSQL estimates an IN list
value by value, 1–2 ms of planning for 300 village branches in each of the page's five queries, and a range at
once.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, urlencode

from django.contrib.admin.filters import ChoicesFieldListFilter
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.utils import build_q_object_from_lookup_parameters
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import connections
from django.db.models import DateField, F, ForeignKey, Max, Min, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP


def years_with_rows(queryset: QuerySet, field_name: str, *, descending: bool = False) -> list[int]:
    """The years in which at least one row of ``queryset`` has a ``field_name`` date."""
    rows = queryset.order_by().values(hierarchy_day=F(field_name))
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (pk__in=[])
        return []
    sql = f"""
        WITH picked AS NOT MATERIALIZED ({inner})
        SELECT candidate
        FROM (SELECT min(hierarchy_day) AS first, max(hierarchy_day) AS last FROM picked) AS bounds,
             generate_series(extract(year FROM bounds.first)::int, extract(year FROM bounds.last)::int) AS candidate
        WHERE EXISTS (
            SELECT 1 FROM picked
            WHERE hierarchy_day >= make_date(candidate, 1, 1) AND hierarchy_day < make_date(candidate + 1, 1, 1)
        )
        ORDER BY candidate {"DESC" if descending else "ASC"}
    """
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


READ_ROWS = 2_000  # a changelist of at most this many rows reads its dates from its rows


def dates_and_years(
    queryset: QuerySet, field_name: str, *, from_rows: bool = False
) -> tuple[date | None, date | None, list[int]]:
    """The first and last ``field_name`` date of the rows of ``queryset`` and the years they fall in, ascending,
    in one query: along the date's index (from the first year, the first date of the next year on: one probe
    per year that has a row, each stopping at its first row), or, ``from_rows``, from the rows themselves — for
    a few rows found through their own index (a search), where each probe would test row after row of other
    years."""
    rows = queryset.order_by().values(hierarchy_day=F(field_name))
    try:
        inner, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None, None, []
    if from_rows:  # MATERIALIZED: the rows are found as the query alone would find them
        sql = f"""
            WITH picked AS MATERIALIZED ({inner})
            SELECT min(hierarchy_day), max(hierarchy_day),
                   array_agg(DISTINCT extract(year FROM hierarchy_day)::int)
                       FILTER (WHERE hierarchy_day IS NOT NULL)
            FROM picked
        """
    else:
        sql = f"""
            WITH RECURSIVE picked AS NOT MATERIALIZED ({inner}),
            years(year) AS (
                SELECT extract(year FROM (SELECT min(hierarchy_day) FROM picked))::int
              UNION ALL
                SELECT (SELECT extract(year FROM min(hierarchy_day))::int FROM picked
                        WHERE hierarchy_day >= make_date(years.year + 1, 1, 1))
                FROM years WHERE years.year IS NOT NULL
            )
            SELECT (SELECT min(hierarchy_day) FROM picked), (SELECT max(hierarchy_day) FROM picked),
                   array(SELECT year FROM years WHERE year IS NOT NULL)
        """
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        first, last, years = cursor.fetchone()
    return first, last, sorted(years or [])


class IndexedYearsQuerySet(QuerySet):
    """A queryset whose ``aggregate(a=Min(field), b=Max(field))`` — for a date field of its own model, as the
    date hierarchy asks just before the years — also finds the years (``dates_and_years``: from its rows when
    marked ``few_rows``), so that ``dates(field, "year")`` asks nothing more; without it, ``dates`` uses
    ``years_with_rows``."""

    few_rows = False

    def aggregate(self, *args, **kwargs):
        bounds = _min_max_names(kwargs) if not args else None
        if bounds is None or not _plain_date(self, bounds[2]):
            return super().aggregate(*args, **kwargs)
        first_name, last_name, field_name = bounds
        first, last, years = dates_and_years(self, field_name, from_rows=self.few_rows)
        self._years = {field_name: years}
        return {first_name: first, last_name: last}

    def dates(self, field_name, kind, order="ASC"):
        if kind != "year" or not _plain_date(self, field_name):
            return super().dates(field_name, kind, order)
        years = getattr(self, "_years", {}).get(field_name)
        if years is not None:
            years = years[::-1] if order == "DESC" else years
        else:
            years = years_with_rows(self, field_name, descending=order == "DESC")
        return [date(year, 1, 1) for year in years]


def _plain_date(queryset: QuerySet, field_name: str) -> bool:
    """Whether ``field_name`` is a date field of the queryset's own model, on a plain (unsliced) query."""
    return not (
        LOOKUP_SEP in field_name
        or queryset.query.is_sliced
        or queryset.query.combinator
        or type(queryset.model._meta.get_field(field_name)) is not DateField
    )


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
        if type(source) is not F:  # a plain field name (not a slice of one, not an expression)
            return None
        by_kind[type(aggregate)] = (name, source.name)  # type: ignore[attr-defined]  # (not in django-stubs)
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

    def get_results(self, request):
        super().get_results(request)
        # A count under the paginator's threshold is exact (core.paginator): the date hierarchy of a few rows
        # reads their dates (a search for 张 at 50,000 members: 500 rows, not 5,000 tested along the index).
        if isinstance(self.queryset, IndexedYearsQuerySet) and self.result_count <= READ_ROWS:
            self.queryset.few_rows = True


class RelatedChoicesListFilter(ChoicesFieldListFilter):
    """The choices filter of a field of the row a non-null foreign key points to (``list_filter`` entry
    ``("organization__category", RelatedChoicesListFilter)``): the same parameters, choices and rows as Django's,
    filtered by the foreign key on the ids of the related rows that match (``organization_id IN (…)``)."""

    def queryset(self, request, queryset):
        if not self.used_parameters:
            return queryset
        relation, _, remote_path = self.field_path.partition(LOOKUP_SEP)
        foreign_key = queryset.model._meta.get_field(relation)
        if not isinstance(foreign_key, ForeignKey) or foreign_key.null or LOOKUP_SEP in remote_path:
            return super().queryset(request, queryset)  # a nullable key or a longer path: Django's join
        prefix = relation + LOOKUP_SEP
        remote = {name.removeprefix(prefix): value for name, value in self.used_parameters.items()}
        target = foreign_key.target_field.attname
        try:
            related = foreign_key.related_model._base_manager.filter(  # as the join: no manager's filter
                build_q_object_from_lookup_parameters(remote)
            )
            ids = list(related.order_by(target).values_list(target, flat=True))
        except (ValueError, ValidationError) as error:
            raise IncorrectLookupParameters(error) from error
        return queryset.filter(ids_in(foreign_key.attname, ids))


RUN = 3  # consecutive ids from which a range is shorter to plan than the ids one by one


def ids_in(field: str, ids: list) -> Q:
    """``field IN ids`` (integers, sorted) as ranges of consecutive ids and the ids left over: the same rows,
    a few clauses for the planner however many ids. Other keys (a text ``to_field``) are left as an IN list."""
    if not all(type(value) is int for value in ids):
        return Q(**{f"{field}__in": ids})
    runs: list[list[int]] = []
    for value in ids:
        if runs and value == runs[-1][-1] + 1:
            runs[-1].append(value)
        else:
            runs.append([value])
    single = [value for run in runs if len(run) < RUN for value in run]
    condition = Q(**{f"{field}__in": single}) if single or not ids else Q()
    for run in runs:
        if len(run) >= RUN:
            condition |= Q(**{f"{field}__gte": run[0], f"{field}__lte": run[-1]})  # (no __range on a key)
    return condition
