"""Charts drawn on the server as SVG: no script, no internet, legible on a phone and in print (WeasyPrint);
and the tables of figures under them.

Colours are SVG presentation attributes (``fill``), not ``style=`` attributes, so the Content-Security-Policy
does not block them.
"""

from __future__ import annotations

from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

from reports.blocks import Table

WIDTH = 360  # viewBox units; the SVG scales to its box, so this is about the width of a phone
LABEL_WIDTH = 104
VALUE_WIDTH = 62
BAR_HEIGHT = 14
ROW_GAP = 8
FONT_SIZE = 12
COLOURS = ("#b71c1c", "#f0a04b", "#5c6bc0")
MAX_LABEL_CHARS = 8


def _number(value) -> float:
    if value is None:
        return 0.0
    if isinstance(value, Decimal | int | float):
        return float(value)
    return 0.0


def _short(label: str) -> str:
    return label if len(label) <= MAX_LABEL_CHARS else label[: MAX_LABEL_CHARS - 1] + "…"


def bar_chart(table: Table) -> SafeString:
    """Horizontal bars, one group per row, one bar per series; the value is printed at the end of the bar."""
    if table.chart != "bar" or not table.rows:
        return mark_safe("")
    series = list(table.series)
    values = [[_number(row[i]) for i in series] for row in table.rows]
    top = max((v for group in values for v in group), default=0) or 1
    legend = len(series) > 1
    y = 22 if legend else 4
    group_height = len(series) * BAR_HEIGHT + ROW_GAP
    height = y + len(table.rows) * group_height
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
    for row, group in zip(table.rows, values, strict=True):
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
                f"{escape(table.cell(row, index))}</text>"
            )
        y += group_height
    parts.append("</svg>")
    return mark_safe("".join(parts))


def _html(text) -> str:
    """``text`` escaped as the template's autoescape would (safe strings as they are)."""
    return text.__html__() if hasattr(text, "__html__") else escape(str(text))


def table_html(table: Table) -> SafeString:
    """The table of figures under a chart, its first column the row headers; joined here in one pass rather
    than cell by cell in the template, which cost more than any block's figures (issue 21: some 3,000 cells
    on the page)."""
    head = "".join(f"<th>{_html(column)}</th>" for column in table.columns)
    body = "".join(
        f'<tr><th scope="row">{_html(cells[0])}</th>'
        + "".join(f"<td>{_html(cell)}</td>" for cell in cells[1:])
        + "</tr>"
        for cells in table.display_rows
    )
    if not body:
        body = f'<tr><td colspan="{len(table.columns)}" class="muted">暂无数据</td></tr>'
    return mark_safe(f'<table class="table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>')
