"""The foundation's scheduled job: next year's holiday calendar, in November and December (R-SV-07)."""

from datetime import datetime

from core.calendar_loading import load_calendar_year_from_package, package_knows_year
from core.jobs import scheduled
from core.models import CalendarYear


@scheduled(
    "core.next_year_calendar",
    "检查明年节假日安排",
    cron="30 6 * 11,12 *",
    schedule="每年11月、12月每天6:30",
)
def next_year_calendar(on: datetime) -> str:
    """Load next year's holidays from the chinese-calendar package once it knows them; until then, warn."""
    year = on.year + 1
    if CalendarYear.objects.filter(year=year).exists():
        return f"{year}年节假日安排已载入，无需处理。"
    if package_knows_year(year):
        load_calendar_year_from_package(year)
        return f"已从节假日数据包载入{year}年节假日安排。"
    return (
        f"提醒管理员：{year}年节假日安排尚未载入，数据包中也还没有；"
        f"国务院办公厅通知发布后，请在后台按通知导入。在此之前，跨入{year}年的办结期限为暂定期限。"
    )
