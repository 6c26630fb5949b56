"""The foundation's scheduled jobs: next year's holiday calendar (R-SV-07), the reminders round, the expired
files of 我的任务 — and the holiday-notice load started from the admin."""

from datetime import date, datetime

from django.urls import reverse
from django.utils import timezone

from core import reminders
from core.calendar_loading import (
    load_calendar_year,
    load_calendar_year_from_package,
    next_year_awaits_notice,
    package_knows_year,
)
from core.exceptions import DomainError
from core.jobs import USER_RETRY, Outcome, job, progress, purge_expired_files, requester, scheduled
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


@scheduled("core.purge_job_files", "清理过期的任务文件", cron="45 3 * * *", schedule="每天3:45")
def purge_job_files(on: datetime) -> str:
    """The files of 我的任务 are kept JOB_FILE_DAYS days (core.jobs.purge_expired_files)."""
    removed = purge_expired_files(max(on, timezone.now()))
    return f"删除过期文件{removed}个。" if removed else "没有过期的任务文件。"


@job("core.load_calendar", "载入节假日安排", retry=USER_RETRY)
def load_calendar_job(year: int, holidays: list, workdays: list, source: str) -> Outcome:
    """R-SV-07: load a year from the State Council notice (parsed and checked by the admin page) and, through
    ``calendar_changed``, recompute every open deadline in it — core.calendar_loading.load_calendar_year, the
    same call as before. For an administrator who may still change the calendar."""
    from core.access import is_admin

    user = requester()
    if not (is_admin(user) and user.has_perm("core.change_calendaryear")):
        raise DomainError("您已没有修改节假日安排的权限，任务未执行。")
    progress(0, None, "载入并重算期限")
    load_calendar_year(
        year,
        holidays={date.fromisoformat(day): name for day, name in holidays},
        workdays={date.fromisoformat(day): name for day, name in workdays},
        source=source,
    )
    return Outcome(
        summary=f"已载入{year}年：节假日{len(holidays)}天，调休上班日{len(workdays)}天；相关期限已重新计算。",
        url=reverse("admin:core_calendaryear_changelist"),
    )
