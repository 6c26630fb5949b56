"""Charts drawn on the server as SVG: no script, no internet, legible on a phone and in print (WeasyPrint);
and the tables of figures under them.

Colours are SVG presentation attributes (``fill``), not ``style=`` attributes, so the Content-Security-Policy
does not block them.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from reports.blocks import ChartFocus, Table

WIDTH = 360  # viewBox units; the SVG scales to its box, so this is about the width of a phone
LABEL_WIDTH = 104
VALUE_WIDTH = 62
BAR_HEIGHT = 14
ROW_GAP = 8
FONT_SIZE = 12
COLOURS = ("#b71c1c", "#f0a04b", "#5c6bc0")
MAX_LABEL_CHARS = 8


MAX_BARS = 10  # a longer table (every branch of the town) is charted by the rows that matter (Table.focus)
_NUMBERS = (int, float, Decimal)
_SEPARATOR = "\x1f"  # (ASCII unit separator) between a column's texts while they are escaped together


@dataclass(frozen=True)
class Figure:
    """One table as the page shows it: its chart (empty for none), what the chart shows when it is not every
    row, and the table of figures with every row."""

    table: Table
    chart: SafeString
    chart_note: str
    html: SafeString

    @property
    def long(self) -> bool:
        """More rows than a chart draws: the page shows the table in a box of its own height."""
        return len(self.table.rows) > MAX_BARS


def figure(table: Table) -> Figure:
    rows, note = chart_rows(table)
    return Figure(table, bar_chart(table, rows), note, table_html(table))


def _number(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, _NUMBERS):
        return float(value)
    return 0.0


def chart_rows(table: Table) -> tuple[list[Sequence], str]:
    """The rows the chart draws and, when that is not every row, what the caption says of them.

    Up to MAX_BARS rows: every row, in the table's order. A longer table (every branch of the town: 98 at
    50,000 members) would make a chart nobody can read: it draws the MAX_BARS rows with the largest
    ``table.focus`` value above zero (by default the first series), largest first, equal values in the table's
    order; the table under it lists every row.
    """
    if table.chart != "bar" or len(table.rows) <= MAX_BARS:
        return list(table.rows), ""
    first = table.series[0]
    focus = table.focus or ChartFocus(str(table.columns[first]), [row[first] for row in table.rows])
    ranked = [(-_number(value), n) for n, value in enumerate(focus.values) if _number(value) > 0]
    top = heapq.nsmallest(MAX_BARS, ranked)
    noun = table.columns[0]
    if not top:
        return [], f"没有{focus.label}的{noun}。"
    return (
        [table.rows[n] for _, n in top],
        f"图中为{focus.label}最多的{len(top)}个{noun}，下表列出全部{len(table.rows)}个。",
    )


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(table: Table, rows: Sequence[Sequence] | None = None) -> SafeString:
    """Horizontal bars, one group per row (``rows``: by default every row of the table), one bar per series; the
    value is printed at the end of the bar."""
    rows = table.rows if rows is None else rows
    if table.chart != "bar" or not rows:
        return mark_safe("")
    series = list(table.series)
    formats = table.formats()
    values = [[_number(row[i]) for i in series] for row in rows]
    top = max((v for group in values for v in group), default=0) or 1
    legend = len(series) > 1
    y = 22 if legend else 4
    group_height = len(series) * BAR_HEIGHT + ROW_GAP
    height = y + len(rows) * group_height
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-label="{escape(table.title)}" '
        f'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif" font-size="{FONT_SIZE}">'
    ]
    if legend:
        x = LABEL_WIDTH
        for n, index in enumerate(series):
            name = escape(str(table.columns[index]))
            parts.append(f'<rect x="{x}" y="4" width="10" height="10" fill="{COLOURS[n % len(COLOURS)]}"/>')
            parts.append(f'<text x="{x + 14}" y="13" fill="#333">{name}</text>')
            x += 24 + FONT_SIZE * len(str(table.columns[index]))
    for row, group in zip(rows, values, strict=True):
        label = escape(_short(str(row[0])))
        mid = y + len(series) * BAR_HEIGHT / 2 + FONT_SIZE / 2 - 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{mid:.1f}" text-anchor="end" fill="#222">'
            f"<title>{escape(str(row[0]))}</title>{label}</text>"
        )
        for n, (index, value) in enumerate(zip(series, group, strict=True)):
            width = max(span * value / top, 1 if value else 0)
            colour = COLOURS[n % len(COLOURS)]
            bar_y = y + n * BAR_HEIGHT
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{bar_y + 1}" width="{width:.1f}" height="{BAR_HEIGHT - 2}" '
                f'fill="{colour}"/>'
            )
            parts.append(
                f'<text x="{LABEL_WIDTH + width + 4:.1f}" y="{bar_y + BAR_HEIGHT - 3}" fill="#222">'
                f"{escape(formats[index](row[index]))}</text>"
            )
        y += group_height
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _html(text) -> str:
    """``text`` escaped as the template's autoescape would (safe strings as they are)."""
    return text.__html__() if hasattr(text, "__html__") else escape(str(text))


def _column_html(show, values) -> list[str]:
    """One column's cells, shown and escaped: the plain texts escaped at once (joined by a separator no
    figure or name holds), safe strings as they are."""
    texts = [show(value) for value in values]
    joined = _SEPARATOR.join(texts)
    if joined.count(_SEPARATOR) >= len(texts) or any(hasattr(text, "__html__") for text in texts):
        return [_html(text) for text in texts]
    return escape(joined).split(_SEPARATOR)


def table_html(table: Table) -> SafeString:
    """The table of figures under a chart, every row, its first column the row headers; joined here in one pass
    rather than cell by cell in the template, which cost more than any block's figures (issue 21: some 3,000
    cells on the page) — column by column, each escaped in one call, and one format string per row."""
    head = "".join(f"<th>{_html(column)}</th>" for column in table.columns)
    formats = table.formats()
    cells = zip(*table.rows, strict=True)  # column by column
    columns = [_column_html(show, values) for show, values in zip(formats, cells, strict=False)]
    row_html = '<tr><th scope="row">{}</th>' + "<td>{}</td>" * (len(columns) - 1) + "</tr>"
    body = "".join(map(row_html.format, *columns)) if columns else ""
    if not body:
        body = f'<tr><td colspan="{len(table.columns)}" class="muted">暂无数据</td></tr>'
    return mark_safe(f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
