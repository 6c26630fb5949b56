"""The statistics block registry (issue 8): each app adds its figures with one ``register_block`` call.

A block is computed for a ``Scope`` (which organisations count) and a ``Period``; it returns tables. The same
tables feed the chart on the page, the XLSX download and printed documents, so a figure is computed once.

How an app adds its block (in ``<app>/statistics.py``, imported from the app's ``AppConfig.ready()``)::

    from reports.blocks import Block, Table, register_block

    def conversion_block(scope, period) -> Block:
        cases = scope.filter(Case.objects.all(), "member__organization")   # scoped like the page
        row = cases.aggregate(open=Count("pk", filter=Q(closed_on__isnull=True)), ...)
        return Block(tables=[Table("转化对象", ("项目", "人数"), [("在管", row["open"]), ...])])

    register_block("conversion", "转化管理", conversion_block, order=40)

Figures must come from SQL aggregation and a fixed number of queries per block, whatever the data size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from core.access import scoped_organization_ids
from core.rules import RULE_ID, cite
from members.analysis import counting_day
from reports.periods import Period


@dataclass(frozen=True)
class Scope:
    """Which organisations a statistics page counts: ``None`` ids means the whole town."""

    organization_ids: frozenset[int] | None
    label: str = "全镇"

    @classmethod
    def for_user(cls, user) -> Scope:
        """The town for administrators, clerks and auditors; a secretary's own organisation and below."""
        ids = scoped_organization_ids(user)
        if ids is None:
            return cls(None)
        profile = getattr(user, "staff_profile", None)
        organization = getattr(profile, "organization", None)
        return cls(ids, organization.name if organization else "（无）")

    @classmethod
    def for_organization(cls, organization) -> Scope:
        if organization is None:
            return cls(None)
        from core.models import Organization

        return cls(frozenset(Organization.objects.descendant_ids(organization.pk)), organization.name)

    @property
    def is_town(self) -> bool:
        return self.organization_ids is None

    def filter(self, queryset: QuerySet, organization_field: str = "organization") -> QuerySet:
        """``queryset`` limited to this scope; ``organization_field`` is the path to the organisation."""
        if self.organization_ids is None:
            return queryset
        # sorted: the same scope gives the same SQL parameters however its set was built (core.sqlreuse)
        return queryset.filter(**{f"{organization_field}__in": sorted(self.organization_ids)})


def _cited(row: Sequence) -> Sequence:
    """A row whose label names a rule ID, with the regulation instead; any other row as it is."""
    if not row or not isinstance(row[0], str) or not RULE_ID.search(row[0]):
        return row
    return type(row)([cite(row[0]), *row[1:]]) if type(row) in (list, tuple) else row


def _plain(value) -> str:
    return "—" if value is None else str(value)


def _percent(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


@dataclass(frozen=True)
class ChartFocus:
    """Which rows the chart of a long table draws (reports.charts.chart_rows): those with the largest
    ``values`` (one per row, in the rows' order) above zero; ``label`` says what the values count, for the
    caption (图中为{label}最多的10个党组织)."""

    label: str
    values: Sequence


@dataclass(frozen=True)
class Table:
    """One table of figures: the first column labels the rows, ``series`` are the columns drawn as bars.

    ``chart`` is "bar" (horizontal bars, one or two series) or "none" (a table only, e.g. many columns).
    ``percent_columns`` are fractions 0–1 shown as percentages. ``focus``: the rows the chart draws when the
    table is longer than a chart can show (every branch of the town); by default the largest first series.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence]
    series: Sequence[int] = (1,)
    chart: str = "bar"
    percent_columns: Sequence[int] = ()
    note: str = ""
    focus: ChartFocus | None = None

    def __post_init__(self) -> None:
        # Rows and titles are written with rule IDs; the page, the chart and the Excel file show the
        # regulations (core.rules.cite).
        object.__setattr__(self, "title", cite(self.title))
        object.__setattr__(self, "note", cite(self.note))
        object.__setattr__(self, "rows", [_cited(row) for row in self.rows])
        if self.focus is not None and len(self.focus.values) != len(self.rows):
            raise ValueError("ChartFocus.values needs one value per row")

    def formats(self) -> list[Callable[[object], str]]:
        """How each column's values are shown: "—" for none, percentages, the rest as they are."""
        return [_percent if i in self.percent_columns else _plain for i in range(len(self.columns))]

    def cell(self, row: Sequence, index: int) -> str:
        return (_percent if index in self.percent_columns else _plain)(row[index])

    @property
    def display_rows(self) -> list[list[str]]:
        formats = self.formats()
        return [[show(value) for show, value in zip(formats, row, strict=False)] for row in self.rows]


@dataclass(frozen=True)
class Block:
    tables: list[Table]
    note: str = ""
    key: str = ""
    title: str = ""
    order: int = 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "note", cite(self.note))
        object.__setattr__(self, "title", cite(self.title))


Compute = Callable[[Scope, Period], Block]


@dataclass(frozen=True)
class BlockSpec:
    key: str
    title: str
    compute: Compute
    order: int = 100


_blocks: dict[str, BlockSpec] = {}


def register_block(key: str, title: str, compute: Compute, *, order: int = 100) -> None:
    """Add a statistics block. ``compute(scope, period)`` returns a ``Block`` of tables; ``order`` sorts the
    page (members 10–30, conversion 40, recruitment 50, services 60). Registering a key again replaces it."""
    _blocks[key] = BlockSpec(key=key, title=title, compute=compute, order=order)


def registered_blocks() -> list[BlockSpec]:
    return sorted(_blocks.values(), key=lambda spec: (spec.order, spec.key))


def get_block_spec(key: str) -> BlockSpec | None:
    return _blocks.get(key)


def compute_block(spec: BlockSpec, scope: Scope, period: Period) -> Block:
    block = spec.compute(scope, period)
    return dataclasses.replace(block, key=spec.key, title=spec.title, order=spec.order)


def compute_blocks(scope: Scope, period: Period) -> list[Block]:
    return [compute_block(spec, scope, period) for spec in registered_blocks()]


def period_counting_day(period: Period, today: date | None = None) -> date:
    """The day snapshot figures (the roll, ages) are counted on."""
    return counting_day(period.end, today)
