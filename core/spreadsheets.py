"""Reading an uploaded spreadsheet (XLSX / CSV) into rows — the part every import shares: the members and
organisations import (members.importing), the admin's import pages and the holiday notice (core.calendar_notice).

The file is checked before it is parsed: size (settings.IMPORT_MAX_UPLOAD_BYTES), that an .xlsx really is a
zip workbook, and that it does not expand beyond a sane size (a zip bomb renamed .xlsx). Every refusal is an
ImportFileError with a Chinese message.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime

import tablib
from django.conf import settings
from import_export import widgets

FORMATS = ("xlsx", "csv")
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ROWS = 100_000


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
    if not data.startswith(b"PK\x03\x04"):
        raise ImportFileError("文件不是有效的Excel（.xlsx）文件，请用Excel另存为.xlsx后再导入。")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError) as exc:
        raise ImportFileError("文件不是有效的Excel（.xlsx）文件，或已损坏。") from exc
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if len(infos) > 1000 or total > MAX_UNCOMPRESSED_BYTES or total / packed > MAX_COMPRESSION_RATIO:
        raise ImportFileError("文件解压后异常巨大（疑似压缩炸弹），已拒绝导入。")
    if "xl/workbook.xml" not in {info.filename for info in infos}:
        raise ImportFileError("文件不是有效的Excel（.xlsx）工作簿。")


def load_dataset(data: bytes, file_format: str) -> tablib.Dataset:
    if file_format == "csv":
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise ImportFileError("无法识别CSV文件的编码，请保存为UTF-8编码后再导入。")
        try:
            dataset = tablib.Dataset().load(text, format="csv")
        except Exception as exc:
            raise ImportFileError("CSV文件格式有误，无法读取。") from exc
    else:
        try:
            dataset = tablib.Dataset().load(io.BytesIO(data), format="xlsx")
        except Exception as exc:
            raise ImportFileError("Excel文件无法读取，请确认是.xlsx格式且未加密。") from exc
    # Drop rows that are entirely blank (Excel often keeps formatted empty rows).
    blank = [i for i, row in enumerate(dataset) if all(v in (None, "") for v in row)]
    for index in reversed(blank):
        del dataset[index]
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(f"一次最多导入{MAX_ROWS}行，请分批导入。")
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
