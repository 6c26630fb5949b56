"""The foundation's scheduled jobs: next year's holiday calendar (R-SV-07) and the reminders round."""

from datetime import datetime

from core import reminders
from core.calendar_loading import (
    load_calendar_year_from_package,
    next_year_awaits_notice,
    package_knows_year,
)
from core.jobs import scheduled
from core.models import CalendarYear


@scheduled(
    "core.next_year_calendar",
    "检查明年节假日安排",
    cron="30 6 * 11,12 *",
    schedule="每年11月、12月每天6:30",
)
def next_year_calendar(on: datetime) -> str:
    """Load next year's holidays from the chinese-calendar package once it knows them; until then, the
    administrators get a reminder (the source ``core.calendar`` asks ``next_year_awaits_notice`` too)."""
    year = on.year + 1
    if CalendarYear.objects.filter(year=year).exists():
        return f"{year}年节假日安排已载入，无需处理。"
    if package_knows_year(year):
        load_calendar_year_from_package(year)
        return f"已从节假日数据包载入{year}年节假日安排。"
    if next_year_awaits_notice(on.date()) is None:  # outside November and December (run by hand)
        return f"{year}年节假日安排尚未载入；每年11月起开始检查。"
    reminders.run_round(
        kinds=[reminders.CALENDAR.kind]
    )  # reaches the administrators now, not at the next hour
    return (
        f"已提醒管理员：{year}年节假日安排尚未载入，数据包中也还没有；"
        f"国务院办公厅通知发布后，请在后台按通知导入。在此之前，跨入{year}年的办结期限为暂定期限。"
    )


@scheduled("core.reminders", "生成并发送提醒", cron="5 * * * *", schedule="每小时第5分钟", last=True)
def reminder_round(on: datetime) -> str:
    """Make the reminders due now for everyone and send the new ones once (core/reminders.py)."""
    return reminders.run_round()
