"""A statistics block as an XLSX workbook: one sheet per block, its tables one below the other."""

from __future__ import annotations

from decimal import Decimal
from io import BytesIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from reports.blocks import Block, Scope
from reports.periods import Period

HEADER_FILL = PatternFill("solid", fgColor="F3D9D9")
BOLD = Font(bold=True)


def _value(table, row, index):
    value = row[index]
    if isinstance(value, Decimal):
        return float(value)
    if index in table.percent_columns and value is not None:
        return value  # formatted as a percentage below
    return "—" if value is None else value


def block_workbook(block: Block, scope: Scope, period: Period) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = block.title[:31]
    sheet.append([f"{block.title}（{scope.label}，{period.label}）"])
    sheet["A1"].font = Font(bold=True, size=14)
    if block.note:
        sheet.append([block.note])
    for table in block.tables:
        sheet.append([])
        sheet.append([table.title])
        sheet.cell(sheet.max_row, 1).font = BOLD
        sheet.append(list(table.columns))
        for cell in sheet[sheet.max_row]:
            cell.font, cell.fill = BOLD, HEADER_FILL
        for row in table.rows:
            sheet.append([_value(table, row, i) for i in range(len(table.columns))])
            for i in table.percent_columns:
                sheet.cell(sheet.max_row, i + 1).number_format = "0.0%"
    sheet.column_dimensions["A"].width = 28
    for letter in "BCDEFGH":
        sheet.column_dimensions[letter].width = 14
    for row in sheet.iter_rows(min_row=1, max_row=2):
        row[0].alignment = Alignment(wrap_text=False)
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
