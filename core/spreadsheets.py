"""Reading an uploaded spreadsheet (XLSX / CSV) into rows — the part every import shares: the members and
organisations import (members.importing), the admin's import pages and the holiday notice (core.calendar_notice).

The file is checked before it is parsed: size (settings.IMPORT_MAX_UPLOAD_BYTES), that an .xlsx really is a
zip workbook, and that it does not expand beyond a sane size (a zip bomb renamed .xlsx). Every refusal is an
ImportFileError with a Chinese message.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date, datetime

import tablib
from django.conf import settings
from import_export import widgets

FORMATS = ("xlsx", "csv")
# Limits of an upload (issue 15): a workbook may expand to this many bytes in all; a part larger than
# MIN_RATIO_CHECKED_BYTES may not be more than MAX_COMPRESSION_RATIO times smaller packed (spreadsheet XML
# packs 5-30 times); at most this many rows, cells and columns are read.
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
MIN_RATIO_CHECKED_BYTES = 1024 * 1024
MAX_ROWS = 100_000
MAX_CELLS = 1_000_000
MAX_COLUMNS = 100
BOMB = "文件解压后异常巨大（疑似压缩炸弹），已拒绝导入。"


class ImportFileError(Exception):
    """The file itself cannot be imported (size, type, encoding); the message is Chinese."""


def read_upload(file, file_format: str) -> bytes:
    """The bytes of an uploaded file, refusing oversized files and fake or exploding workbooks."""
    if file_format not in FORMATS:
        raise ImportFileError(f"不支持的文件格式“{file_format}”，请上传 .xlsx 或 .csv 文件。")
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise ImportFileError(_too_big(limit))
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1) if hasattr(file, "read") else bytes(file)[: limit + 1]
    if len(data) > limit:
        raise ImportFileError(_too_big(limit))
    if not data.strip():
        raise ImportFileError("文件是空的，请使用导出的模板填写后再导入。")
    if file_format == "xlsx":
        _check_workbook(data)
    elif b"\x00" in data:  # neither UTF-8 nor GB18030 text has a NUL byte, and PostgreSQL refuses one
        raise ImportFileError("文件不是有效的CSV文本文件。")
    return data


def _too_big(limit: int) -> str:
    return f"文件超过{limit / 1024 / 1024:.0f}MB的上传限制，请分批导入。"


def _check_workbook(data: bytes) -> None:
    """Refuse a fake or exploding workbook from its zip directory alone, before anything is decompressed.

    Each part's declared size is binding (zipfile stops reading a part at its declared size), so the sum of
    the declared sizes bounds what parsing can expand to; a part far more compressed than spreadsheet XML
    ever is (a run of one repeated character) is a bomb even inside an archive padded with incompressible
    data, which is why the ratio is judged part by part and not over the whole archive."""
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError("文件不是有效的Excel（.xlsx）文件，请用Excel另存为.xlsx后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError("文件不是有效的Excel（.xlsx）文件，或已损坏。") from exc
    total = sum(info.file_size for info in infos)
    exploding = any(
        info.file_size > MIN_RATIO_CHECKED_BYTES
        and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1)
        for info in infos
    )
    if len(infos) > 1000 or total > MAX_UNCOMPRESSED_BYTES or exploding:
        raise ImportFileError(BOMB)
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise ImportFileError("文件不是有效的Excel（.xlsx）工作簿。")


def _count_sheet_rows_and_cells(archive: zipfile.ZipFile) -> None:
    """Count the rows and cells of every worksheet by scanning the decompressed XML (fast: no parsing), and
    refuse a file over the limits before the parser builds a single cell."""
    rows = cells = 0
    for name in archive.namelist():
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            continue
        tail = b""
        with archive.open(name) as part:
            while chunk := part.read(1 << 20):
                text = tail + chunk
                rows += text.count(b"<row") - tail.count(b"<row")
                cells += text.count(b"<c ") + text.count(b"<c>") - tail.count(b"<c ") - tail.count(b"<c>")
                tail = chunk[-4:]
                if rows > MAX_ROWS + 1 or cells > MAX_CELLS:
                    raise ImportFileError(_too_many_rows())


def row_estimate(data: bytes, file_format: str) -> int:
    """About how many data rows a checked file (``read_upload``'s bytes) has, without parsing it: the lines of
    a CSV, the ``<row`` elements of a workbook's sheets, less the header. Decides whether an import runs in
    the request or as a background job (settings.JOB_ROWS_THRESHOLD)."""
    if file_format == "csv":
        return max(0, data.count(b"\n") + (0 if data.endswith(b"\n") else 1) - 1)
    rows = 0
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                tail = b""
                with archive.open(name) as part:
                    while chunk := part.read(1 << 20):
                        rows += (tail + chunk).count(b"<row") - tail.count(b"<row")
                        tail = chunk[-4:]
    return max(0, rows - 1)


def _too_many_rows() -> str:
    return f"一次最多导入{MAX_ROWS}行、{MAX_CELLS}个单元格，请分批导入。"


def _active_sheet_index(archive: zipfile.ZipFile) -> int:
    """The sheet Excel opens on (``activeTab`` of the workbook view; the first sheet without one)."""
    match = re.search(rb"<(?:\w+:)?workbookView\b[^>]*\bactiveTab=\"(\d+)\"", archive.read("xl/workbook.xml"))
    return int(match.group(1)) if match else 0


def _cell(value):
    """A cell as openpyxl gives it (what the import widgets expect): an empty cell is None, a whole number an
    int, a date cell a datetime at midnight."""
    if value == "":
        return None
    if isinstance(value, str):
        if "\x00" in value:  # no valid workbook holds a NUL (XML cannot), and PostgreSQL refuses one
            raise ImportFileError("Excel文件无法读取，请确认是.xlsx格式且未加密。")
        return value
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if type(value) is date:
        return datetime(value.year, value.month, value.day)
    return value


def _xlsx_rows(data: bytes):
    """The active sheet's rows as lists of values, at most MAX_COLUMNS wide, from the top-left cell.

    Parsed by calamine (python-calamine, in Rust: some ten times faster than openpyxl, issue 21) after the
    checks above have bounded what the workbook can expand to; cells are given as openpyxl gave them."""
    from python_calamine import CalamineError, CalamineWorkbook

    _check_workbook(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        _count_sheet_rows_and_cells(archive)
        active = _active_sheet_index(archive)
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        sheet = book.get_sheet_by_index(active if active < len(names) else 0)
        first_row, first_column = sheet.start or (0, 0)
        rows = sheet.iter_rows()
    except (CalamineError, ValueError, IndexError) as exc:
        raise ImportFileError("Excel文件无法读取，请确认是.xlsx格式且未加密。") from exc
    pad = [None] * first_column

    def row_values(row) -> list:
        return (pad + [_cell(v) for v in row[: max(MAX_COLUMNS - first_column, 0)]])[:MAX_COLUMNS]

    try:
        if first_row:
            header: list = []
        else:
            top = next(rows, None)
            if top is None:  # an empty sheet
                return
            header = row_values(top)
        while header and header[-1] in (None, ""):
            header.pop()
        yield header
        width = max(len(header), 1)
        for _ in range(max(first_row - 1, 0)):
            yield [None] * width
        for row in rows:
            values = row_values(row)[:width]
            yield values + [None] * (width - len(values))
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError("Excel文件无法读取，请确认是.xlsx格式且未加密。") from exc


def _csv_rows(data: bytes):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError("无法识别CSV文件的编码，请保存为UTF-8编码后再导入。")
    try:
        for row in csv.reader(io.StringIO(text, newline="")):
            yield row[:MAX_COLUMNS]
    except csv.Error as exc:
        raise ImportFileError("CSV文件格式有误，无法读取。") from exc


def load_dataset(data: bytes, file_format: str) -> tablib.Dataset:
    """The file's rows under its header row, read as a stream with hard limits: at most MAX_ROWS non-blank
    rows (rows that are entirely blank — Excel often keeps formatted empty rows — are dropped), MAX_CELLS
    cells, MAX_COLUMNS columns. A file over a limit is refused as soon as the limit is passed."""
    rows = _csv_rows(data) if file_format == "csv" else _xlsx_rows(data)
    dataset = tablib.Dataset()
    headers = next(rows, None)
    if headers is None:
        return dataset
    while headers and headers[-1] in (None, ""):  # a sheet without a dimension is read MAX_COLUMNS wide
        headers.pop()
    dataset.headers = headers
    width, cells, seen = len(headers), 0, 0
    for row in rows:
        seen += 1
        if all(v in (None, "") for v in row):
            if seen > MAX_ROWS * 2:  # a file of millions of empty lines
                raise ImportFileError(_too_many_rows())
            continue
        if len(row) > width and any(v not in (None, "") for v in row[width:]):
            raise ImportFileError("文件中有的行比表头多出数据列，请核对后再导入。")
        cells += width
        if len(dataset) >= MAX_ROWS or cells > MAX_CELLS:
            raise ImportFileError(_too_many_rows())
        dataset.append((row + [""] * (width - len(row)))[:width])
    return dataset


class ChineseDateWidget(widgets.Widget):
    """Dates as 2026-01-05, 2026/1/5, 2026.1.5, 2026年1月5日 or an Excel date cell."""

    _pattern = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

    def __init__(self, *, required: bool = False):
        self.required = required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        text = "" if value is None else str(value).strip()
        if not text:
            if self.required:
                raise ValueError("不能为空")
            return None
        match = self._pattern.match(text.split(" ")[0])
        if not match:
            raise ValueError(f"“{text}”不是有效的日期，请写成2026-01-05")
        try:
            return date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise ValueError(f"“{text}”不是有效的日期") from exc

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""
