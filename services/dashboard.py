"""Dashboard items of the service desk: every count one SQL aggregate, side by side in one query (core.counting)."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.counting import side_by_side
from core.dates import local_today
from core.registry import DashboardItem
from services.access import may_use_desk
from services.deadlines import due_soon_limit
from services.models import (
    AccountabilityCase,
    Complaint,
    Matter,
    MatterState,
    due_soon_condition,
    overdue_condition,
)

SECTION = "便民服务"


def _counts(now: datetime, last_day: date) -> dict:
    # Every count is of open matters: read only those (the partial index matter_open_queue), not the archive.
    # R-SV-10: overdue as Matter.objects.overdue() decides (a justified delay is not; no wait for the nightly run).
    return {
        "matters": (
            Matter.objects.open(),
            {
                "overdue": Count("pk", filter=overdue_condition(now)),
                "due_soon": Count("pk", filter=due_soon_condition(now, last_day)),
                "supplements": Count("pk", filter=Q(state=MatterState.AWAITING_MATERIALS)),
            },
        ),
        "complaints": (
            Complaint.objects.exclude(state=Complaint.State.REPLIED),
            {"complaints": Count("pk")},
        ),
        "cases": (
            AccountabilityCase.objects.filter(state=AccountabilityCase.State.OPEN),
            {"cases": Count("pk")},
        ),
    }


def dashboard_items(user) -> list[DashboardItem]:
    if not may_use_desk(user):
        return []
    today = local_today()
    soon = due_soon_limit(today)
    # Compiled once per day (core.sqlreuse), the time of day bound at each run; the last day of "due soon"
    # follows from the day and the calendar (which the store watches).
    counts = side_by_side(
        lambda now: _counts(now, soon.date),
        reuse=("services.dashboard.dashboard_items", today),
        now=timezone.now(),
    )
    complaints, cases = counts["complaints"], counts["cases"]
    queue = reverse("services:queue")
    items = [
        DashboardItem(SECTION, "超期办件", counts["overdue"], f"{queue}?scope=all&due=overdue", "danger"),
        DashboardItem(
            SECTION, "两个工作日内到期", counts["due_soon"], f"{queue}?scope=all&due=soon", "warning"
        ),
        DashboardItem(
            SECTION, "待补充材料", counts["supplements"], f"{queue}?scope=all&state=awaiting_materials"
        ),
        DashboardItem(SECTION, "未办结投诉", complaints, reverse("services:complaints"), "warning"),
        DashboardItem(SECTION, "待处理责任追究", cases, reverse("services:cases"), "danger"),
    ]
    return [item for item in items if item.count]
