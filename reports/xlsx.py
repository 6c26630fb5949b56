"""A statistics block as an XLSX workbook: one sheet per block, its tables one below the other.

Written by the application's one export writer (core.exports), which escapes formulas in every text cell."""

from __future__ import annotations

from decimal import Decimal

from core.exports import Cell, write_xlsx
from reports.blocks import Block, Scope
from reports.periods import Period

WIDTHS = {0: 28, **{i: 14 for i in range(1, 8)}}


def _value(table, row, index):
    value = row[index]
    if isinstance(value, Decimal):
        return float(value)
    if index in table.percent_columns and value is not None:
        return Cell(value, "percent")
    return "—" if value is None else value


def _rows(block: Block, scope: Scope, period: Period):
    yield [Cell(f"{block.title}（{scope.label}，{period.label}）", "title")]
    if block.note:
        yield [block.note]
    for table in block.tables:
        yield []
        yield [Cell(table.title, "bold")]
        yield [Cell(column, "header") for column in table.columns]
        for row in table.rows:
            yield [_value(table, row, i) for i in range(len(table.columns))]
        if table.note:
            yield [table.note]


def block_workbook(block: Block, scope: Scope, period: Period) -> bytes:
    return write_xlsx(None, _rows(block, scope, period), title=block.title, widths=WIDTHS)
