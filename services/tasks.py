"""The service desk's jobs: mark overdue matters (R-SV-10), the same call as `manage.py mark_overdue`; the
year's service records (R-SV-17) started from the records page."""

from datetime import datetime

from django.utils import timezone

from core.access import roles_of
from core.exceptions import DomainError
from core.jobs import USER_RETRY, Outcome, job, progress, requester, scheduled
from services.access import DESK_ROLES
from services.accountability import mark_overdue


@scheduled("services.mark_overdue", "认定超期办件", cron="*/15 * * * *", schedule="每15分钟")
def mark_overdue_matters(on: datetime) -> str:
    marked = mark_overdue(now=max(on, timezone.now()))
    if not marked:
        return "没有新的超期办件。"
    numbers = "、".join(row.receipt_number for row in marked)
    return f"认定超期{len(marked)}件：{numbers}。"


@job("services.records_csv", "导出便民服务记录", retry=USER_RETRY)
def records_job(year: int) -> Outcome:
    """services.views.records_file, as the download, for a user who still holds a desk role."""
    from services.views import records_file

    user = requester()
    if not roles_of(user) & DESK_ROLES:
        raise DomainError("您已没有查看便民服务记录的权限，任务未执行。")
    progress(0, None, "生成文件")
    content, filename, count = records_file(year)
    return Outcome(summary=f"已导出{year}年便民服务记录{count}件。", file_name=filename, content=content)
