"""Monthly statistics of the service desk: matters by kind, on-time rate, average working days, overdue by
staff — and a server-drawn SVG bar chart (no JavaScript)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from core.dates import month_bounds, working_days_between
from services.models import AccountabilityCase, Matter, MatterKind


@dataclass
class MonthlyReport:
    year: int
    month: int
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    completed: int = 0
    on_time: int = 0
    average_working_days: float | None = None
    overdue_by_staff: list[tuple[str, int]] = field(default_factory=list)

    @property
    def on_time_rate(self) -> float | None:
        return round(100 * self.on_time / self.completed, 1) if self.completed else None

    @property
    def label(self) -> str:
        return f"{self.year}年{self.month}月"


def monthly_report(*, year: int, month: int) -> MonthlyReport:
    first, last = month_bounds(year, month)
    report = MonthlyReport(year, month)
    registered = Matter.objects.filter(registered_at__date__range=(first, last))
    counts = dict(registered.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    report.by_kind = [(kind.label, counts.get(kind.value, 0)) for kind in MatterKind]
    counts_states = registered.aggregate(
        supplement=Count("pk", filter=Q(supplement_notice__isnull=False)),
        returned=Count("pk", filter=Q(state="returned")),
    )
    report.by_kind[-2] = (MatterKind.SUPPLEMENT.label, counts_states["supplement"])
    report.by_kind[-1] = (MatterKind.RETURNED.label, counts_states["returned"])
    completed = Matter.objects.filter(
        state="completed", completed_at__date__range=(first, last), deadline_at__isnull=False
    )
    totals = completed.aggregate(
        n=Count("pk"), on_time=Count("pk", filter=Q(completed_at__lte=F("deadline_at")))
    )
    report.completed, report.on_time = totals["n"], totals["on_time"]
    spans = [
        working_days_between(start, timezone.localtime(done).date())
        for start, done in completed.filter(clock_started_on__isnull=False).values_list(
            "clock_started_on", "completed_at"
        )
    ]
    report.average_working_days = round(sum(spans) / len(spans), 1) if spans else None
    report.overdue_by_staff = list(
        AccountabilityCase.objects.filter(opened_at__date__range=(first, last), matter__isnull=False)
        .values_list("responsible__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "responsible__username")
    )
    return report


def bar_chart(pairs: list[tuple[str, int]], *, width: int = 560, bar_height: int = 22) -> dict:
    """Geometry for a horizontal bar chart rendered as SVG by the template."""
    label_width, gap = 70, 8
    top = max((n for _, n in pairs), default=0) or 1
    usable = width - label_width - 40
    bars = [
        {
            "label": label,
            "value": n,
            "y": i * (bar_height + gap),
            "text_y": i * (bar_height + gap) + bar_height * 0.7,
            "width": round(usable * n / top),
            "value_x": label_width + round(usable * n / top) + 4,
        }
        for i, (label, n) in enumerate(pairs)
    ]
    return {
        "width": width,
        "height": len(pairs) * (bar_height + gap),
        "bar_height": bar_height,
        "label_width": label_width,
        "bars": bars,
    }
