"""Members' scheduled jobs: flag floating members who lost contact (R-MB-06), count overdue letters (R-MB-05)."""

from datetime import datetime

from core.dates import local_today
from core.jobs import scheduled
from members.floating import mark_lost_contact
from members.transfers import overdue_letters


@scheduled("members.mark_lost_contact", "标记失联流动党员", cron="10 0 * * *", schedule="每天0:10")
def lost_contact(on: datetime) -> str:
    marked = mark_lost_contact(on=max(on.date(), local_today()))
    return f"新标记失联流动党员{marked}名。" if marked else "没有新失联的流动党员。"


@scheduled("members.overdue_letters", "清点逾期介绍信", cron="15 0 * * *", schedule="每天0:15")
def letters(on: datetime) -> str:
    count = overdue_letters(max(on.date(), local_today())).count()
    return (
        f"有{count}封组织关系介绍信已过有效期仍未接收，请在工作台查看。"
        if count
        else "没有逾期未接收的介绍信。"
    )
