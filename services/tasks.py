"""The service desk's scheduled job: mark overdue matters (R-SV-10), the same call as `manage.py mark_overdue`."""

from datetime import datetime

from django.utils import timezone

from core.jobs import scheduled
from services.accountability import mark_overdue


@scheduled("services.mark_overdue", "认定超期办件", cron="*/15 * * * *", schedule="每15分钟")
def mark_overdue_matters(on: datetime) -> str:
    marked = mark_overdue(now=max(on, timezone.now()))
    if not marked:
        return "没有新的超期办件。"
    numbers = "、".join(row.receipt_number for row in marked)
    return f"认定超期{len(marked)}件：{numbers}。"
