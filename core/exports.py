"""The one writer of every spreadsheet the application produces: CSV and XLSX downloads (issue 15).

Every text cell goes through ``escape_formula`` here, so no export can hand a spreadsheet a formula: a value
typed as ``=HYPERLINK(…)`` into a name or a request is written as text (CSV/formula injection). Callers pass
plain values; numbers stay numbers.

The XLSX sheet is written directly, row by row, into the zip (the member export of 50,000 rows, issue 9):
openpyxl without lxml serialises every cell through a pure-Python element tree (about 1 ms per 18-cell row).
Text is written as inline strings; characters XML cannot carry (control characters other than tab / newline)
are dropped, as a spreadsheet could not hold them either. ``Cell`` gives a value one of a few styles (bold,
a shaded header, a large title, a 0.0% percentage) for the statistics workbooks.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from urllib.parse import quote
from xml.sax.saxutils import escape

from import_export.formats import base_formats as import_formats
from import_export.forms import SelectableFieldsExportForm

# A cell starting with one of these is a formula (or becomes one) in Excel, WPS and LibreOffice.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(value):
    """Text a spreadsheet would evaluate gets a leading apostrophe (shown as text, not run)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Cell:
    """A value with a style: "bold", "header" (bold on a shaded fill), "title" (bold, larger), "percent"."""

    value: object
    style: str = ""


STYLE_INDEX = {"": 0, "bold": 1, "header": 2, "title": 3, "percent": 4}

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="3"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="14"/><name val="Calibri"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFF3D9D9"/><bgColor indexed="64"/></patternFill></fill>'
    "</fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _workbook(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets>'
        "</workbook>"
    )


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_LETTERS: list[str] = []  # _column(i) for every column index met so far


def _letters(count: int) -> list[str]:
    while len(_LETTERS) < count:
        _LETTERS.append(_column(len(_LETTERS)))
    return _LETTERS


def _text_cell(attrs: str, text: str) -> str:
    """An inline-string cell: formula-escaped, without characters XML cannot carry, XML-escaped."""
    if text.startswith(FORMULA_STARTS):
        text = "'" + text
    elif not text:
        return ""
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if "&" in text or "<" in text or ">" in text:
        text = escape(text)
    return f'<c{attrs} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell(reference: str, value, style: str) -> str:
    if isinstance(value, Cell):
        value, style = value.value, value.style or style
    attrs = f' r="{reference}"' + (f' s="{STYLE_INDEX[style]}"' if style else "")
    if isinstance(value, bool) or value is None:
        value = "" if value is None else ("是" if value else "否")
    if isinstance(value, int | float | Decimal):
        return f"<c{attrs}><v>{float(value) if isinstance(value, Decimal) else value}</v></c>"
    return _text_cell(attrs, str(value))


# Anything in a text cell that needs more than copying: XML's special characters and what XML cannot carry.
_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
# A line of the row's cells joined by newlines that starts like a formula (or a cell with a newline does).
_FORMULA_LINE = re.compile(r"^[=+\-@\t\r]", re.MULTILINE)
_TEMPLATES: dict[tuple[bool, ...], str] = {}  # a row's XML by which of its cells are filled


def _row(values: Iterable, number: int, style: str = "") -> str:
    """One row's XML. A row of plain text without a style — nearly every row of a large export (issue 21:
    900,000 cells for 50,000 members) — that needs no escaping (searched once, the whole row joined) is
    filled into a template kept for its pattern of filled and empty cells; any other row goes cell by cell
    through ``_text_cell`` / ``_cell``. Either way the bytes are the same."""
    values = list(values)
    row = str(number)
    if not style:
        try:
            joined = "\n".join(values)
        except TypeError:  # not all text
            joined = None
        if joined is not None and not _SPECIAL.search(joined) and not _FORMULA_LINE.search(joined):
            return _template(tuple(map(bool, values))).format(row, *filter(None, values))
    letters = _letters(len(values))
    cells = []
    for letter, value in zip(letters, values, strict=False):
        if not style and type(value) is str:
            cells.append(_text_cell(f' r="{letter}{row}"', value))
        else:
            cells.append(_cell(f"{letter}{row}", value, style))
    return f'<row r="{row}">{"".join(cells)}</row>'


def _template(filled: tuple[bool, ...]) -> str:
    """``str.format`` text of a row of inline strings: {0} the row number, {1}… the filled cells in order
    (an empty cell is left out, as ``_text_cell`` leaves it)."""
    template = _TEMPLATES.get(filled)
    if template is None:
        letters = [letter for letter, full in zip(_letters(len(filled)), filled, strict=False) if full]
        cells = "".join(
            f'<c r="{letter}{{0}}" t="inlineStr"><is><t xml:space="preserve">{{{n}}}</t></is></c>'
            for n, letter in enumerate(letters, 1)
        )
        template = '<row r="{0}">' + cells + "</row>"
        if len(_TEMPLATES) < 4096:
            _TEMPLATES[filled] = template
    return template


def _columns(widths: dict[int, float] | None) -> bytes:
    if not widths:
        return b""
    cols = "".join(
        f'<col min="{i + 1}" max="{i + 1}" width="{width}" customWidth="1"/>'
        for i, width in sorted(widths.items())
    )
    return f"<cols>{cols}</cols>".encode()


def write_xlsx(
    headers: list[str] | None,
    rows: Iterable[Iterable],
    *,
    title: str = "Sheet1",
    widths: dict[int, float] | None = None,
) -> bytes:
    """An XLSX workbook of one sheet: a bold header row (if any), then ``rows``, streamed.

    A value may be text, a number, None (an empty cell) or a ``Cell`` with a style; ``widths`` maps a column
    index (from 0) to its width in characters."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _workbook(title[:31] or "Sheet1"))
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _STYLES)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                + _columns(widths)
                + b"<sheetData>"
            )
            chunk = [_row(headers, 1, "bold")] if headers else []
            for number, row in enumerate(rows, 2 if headers else 1):
                chunk.append(_row(row, number))
                if len(chunk) >= 2000:
                    sheet.write("".join(chunk).encode())
                    chunk = []
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


class _Echo:
    def write(self, value):
        return value


def csv_lines(headers: list[str], rows: Iterable[Iterable]) -> Iterable[str]:
    """CSV text, line by line (for a streaming response), with a BOM so Excel reads it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([escape_formula(str(h)) for h in headers])
    for row in rows:
        yield writer.writerow([_csv_value(v) for v in row])


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return str(value)
    return escape_formula(str(value))


def write_csv(headers: list[str], rows: Iterable[Iterable]) -> bytes:
    """A whole CSV file as UTF-8 bytes with a BOM."""
    return "".join(csv_lines(headers, rows)).encode("utf-8")


# The admin's export formats (django-import-export): the same writer, so the admin's files are escaped too.


class AdminCSV(import_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return "".join(csv_lines(dataset.headers or [], dataset))


class AdminXLSX(import_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return write_xlsx(dataset.headers, dataset, title=dataset.title or "Sheet1")


def write_template_xlsx(
    headers: list[str], example: Iterable, notes: Iterable[tuple[str, str, str]], *, title: str
) -> bytes:
    """An import template: sheet ``title`` with the headers and one filled-in example row, and a sheet
    「填写说明」 saying, for each column, whether it must be filled and how. Every cell is text (an ID number
    or a phone stays as typed, not a number in scientific notation)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(headers)
    sheet.append([escape_formula(v) for v in example])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, header in enumerate(headers, 1):
        letter = sheet.cell(row=1, column=column).column_letter
        sheet.column_dimensions[letter].width = max(10, len(header) * 2 + 4)
        for line in (1, 2):
            sheet.cell(row=line, column=column).number_format = "@"
    guide = book.create_sheet("填写说明")
    guide.append(["列名", "是否必填", "填写说明"])
    for cell in guide[1]:
        cell.font = Font(bold=True)
    for note in notes:
        guide.append(list(note))
    guide.append([])
    guide.append(["说明", "", "第2行是示例，导入前请删除或改为实际数据；表头（第1行）不要修改。"])
    guide.column_dimensions["A"].width = 22
    guide.column_dimensions["B"].width = 10
    guide.column_dimensions["C"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


class ChineseExportForm(SelectableFieldsExportForm):
    """The admin's export form: each column ticked by its Chinese header (「身份证号」), not by a title-cased
    attribute name (「Id Number (身份证号)」)."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return str(field.column_name) if field and field.column_name else field_name


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def export_names(model, extension: str, *, on: date) -> tuple[str, str]:
    """The admin's export of ``model``: the file name 「党员-2026年12月1日.xlsx」 (the day in Beijing) and the
    sheet's name 「党员」 (a sheet name holds at most 31 characters and none of []:*?/\\)."""
    name = str(model._meta.verbose_name)
    sheet = _SHEET_FORBIDDEN.sub("", name)[:31] or "Sheet1"
    return f"{name}-{on.year}年{on.month}月{on.day}日.{extension}", sheet


def attachment(filename: str) -> str:
    """A Content-Disposition for a Chinese file name (RFC 5987 ``filename*``, an ASCII fallback beside it)."""
    fallback = re.sub(r"[^A-Za-z0-9._-]", "", filename.rsplit(".", 1)[-1])
    return f"attachment; filename=\"export.{fallback}\"; filename*=UTF-8''{quote(filename)}"
