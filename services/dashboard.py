"""Dashboard items of the service desk: every count one SQL aggregate, side by side in one query (core.counting),
each from a kept tally or an index-only scan of what it counts."""

from __future__ import annotations

from datetime import date, datetime

from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone

from core.counting import side_by_side
from core.dates import local_today
from core.registry import DashboardItem
from services.access import may_use_desk
from services.deadlines import due_soon_limit
from services.models import AccountabilityCase, CaseTally, Complaint, Matter, MatterState, OpenMatterTally

SECTION = "便民服务"


def _counts(now: datetime, last_day: date) -> dict:
    # Each count reads only what it counts, so its cost does not grow with the matters (issue 21): what does
    # not depend on the time from the kept tallies, the rest by an index-only range scan of a partial index.
    # R-SV-10: overdue is marked (kept per state) or past its deadline and not yet marked (a justified delay
    # is not; no wait for the nightly run): the two disjoint halves of overdue_condition, summed below.
    return {
        "kept": (
            OpenMatterTally.objects.all(),
            {
                "overdue_marked": Sum("matters", filter=Q(overdue_marked=True), default=0),
                "supplements": Sum("matters", filter=Q(state=MatterState.AWAITING_MATERIALS), default=0),
            },
        ),
        "past_deadline": (Matter.objects.past_deadline(now), {"past_deadline": Count("*")}),
        "due_soon": (Matter.objects.due_soon(now, last_day), {"due_soon": Count("*")}),
        "complaints": (
            Complaint.objects.exclude(state=Complaint.State.REPLIED),
            {"complaints": Count("pk")},
        ),
        "cases": (
            CaseTally.objects.filter(state=AccountabilityCase.State.OPEN),
            {"cases": Sum("cases", default=0)},
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
    overdue = counts["overdue_marked"] + counts["past_deadline"]
    queue = reverse("services:queue")
    items = [
        DashboardItem(SECTION, "超期办件", overdue, f"{queue}?scope=all&due=overdue", "danger"),
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
