"""Reading a State Council holiday notice typed into a spreadsheet: columns 日期, 类型, 名称 (R-SV-07)."""

from __future__ import annotations

from datetime import date

from core.exceptions import DomainError
from core.spreadsheets import ChineseDateWidget, ImportFileError, load_dataset, read_upload

KINDS = {
    "节假日": "holiday",
    "法定节假日": "holiday",
    "调休上班日": "workday",
    "调休": "workday",
    "上班": "workday",
}


def parse_notice(data: bytes, file_format: str, year: int) -> tuple[dict[date, str], dict[date, str]]:
    """Holidays and make-up working days of ``year`` from the uploaded rows; every bad row is reported."""
    try:
        dataset = load_dataset(read_upload(data, file_format), file_format)
    except ImportFileError as exc:
        raise DomainError(str(exc), rule="R-SV-07") from exc
    headers = [str(h or "").strip() for h in dataset.headers or []]
    if headers[:2] != ["日期", "类型"] or not set(headers) <= {"日期", "类型", "名称"}:
        raise DomainError("表头应为：日期、类型（节假日/调休上班日）、名称（R-SV-07）。", rule="R-SV-07")
    if not len(dataset):
        raise DomainError("文件中没有数据行（R-SV-07）。", rule="R-SV-07")
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    problems = []
    widget = ChineseDateWidget(required=True)
    for number, row in enumerate(dataset, 2):
        values = dict(zip(headers, row, strict=False))
        try:
            day = widget.clean(values.get("日期"))
        except ValueError as exc:
            problems.append(f"第{number}行：{exc}")
            continue
        kind = KINDS.get(str(values.get("类型") or "").strip())
        if kind is None:
            problems.append(f"第{number}行：类型应为“节假日”或“调休上班日”")
        elif day.year != year:
            problems.append(f"第{number}行：{day:%Y-%m-%d}不属于{year}年")
        elif day in holidays or day in workdays:
            problems.append(f"第{number}行：{day:%Y-%m-%d}重复")
        else:
            (holidays if kind == "holiday" else workdays)[day] = str(values.get("名称") or "").strip()[:50]
    if problems:
        raise DomainError("节假日文件有误，未导入：" + "；".join(problems), rule="R-SV-07", problems=problems)
    return holidays, workdays
