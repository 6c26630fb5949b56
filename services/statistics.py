"""Statistics of the service desk for any period — matters by kind and by service, on-time rate, average
working days, overdue by staff, complaints — and a server-drawn SVG bar chart (no JavaScript).

``desk_report`` is the one computation: the desk's monthly page (``monthly_report``) and the statistics page
(reports/service_blocks.py) both call it. Every figure is an SQL aggregation; the number of queries does not
depend on the number of matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.db.models import Avg, Count, F, FloatField, Q
from django.db.models.expressions import RawSQL

from core.dates import month_bounds
from core.models import CalendarDay, CalendarYear
from services.models import AccountabilityCase, Complaint, Matter, MatterKind

# R-SV-07: working days in (clock_started_on, local completion day], the same rule as
# core.dates.is_working_day: a make-up working day (调休) counts, a statutory holiday does not, otherwise
# Monday–Friday; calendar rows count only for a loaded year.
_WORKING_DAYS_SQL = f"""
(SELECT count(*) FROM generate_series(
    "{Matter._meta.db_table}".clock_started_on + 1,
    ("{Matter._meta.db_table}".completed_at AT TIME ZONE %s)::date,
    interval '1 day') AS d(day)
  WHERE CASE
    WHEN NOT EXISTS (SELECT 1 FROM {CalendarYear._meta.db_table} y
                     WHERE y.year = extract(year FROM d.day)) THEN extract(isodow FROM d.day) < 6
    WHEN EXISTS (SELECT 1 FROM {CalendarDay._meta.db_table} c
                 WHERE c.date = d.day::date AND c.kind = 'workday') THEN true
    WHEN EXISTS (SELECT 1 FROM {CalendarDay._meta.db_table} c
                 WHERE c.date = d.day::date AND c.kind = 'holiday') THEN false
    ELSE extract(isodow FROM d.day) < 6
  END)
"""


def working_days_taken() -> RawSQL:
    """Working days a completed matter took, computed in SQL (matches ``core.dates.working_days_between``)."""
    return RawSQL(_WORKING_DAYS_SQL, [settings.TIME_ZONE], output_field=FloatField())


@dataclass
class DeskReport:
    start: date
    end: date
    by_kind: list[tuple[str, int]] = field(default_factory=list)
    by_service: list[tuple[str, int]] = field(default_factory=list)
    completed: int = 0  # completed in the period, with a deadline
    on_time: int = 0
    average_working_days: float | None = None
    overdue_by_staff: list[tuple[str, int]] = field(default_factory=list)
    complaints_received: int = 0
    complaints_replied: int = 0
    complaints_open: int = 0  # received in the period and not yet answered

    @property
    def on_time_rate(self) -> float | None:
        """Percentage, one decimal."""
        return round(100 * self.on_time / self.completed, 1) if self.completed else None

    @property
    def on_time_fraction(self) -> float | None:
        return self.on_time / self.completed if self.completed else None

    @property
    def year(self) -> int:
        return self.start.year

    @property
    def month(self) -> int:
        return self.start.month

    @property
    def label(self) -> str:
        if (self.start, self.end) == month_bounds(self.start.year, self.start.month):
            return f"{self.start.year}年{self.start.month}月"
        return f"{self.start:%Y-%m-%d}至{self.end:%Y-%m-%d}"


# The monthly page's name for it.
MonthlyReport = DeskReport

NO_SERVICE = "未关联服务事项"


def desk_report(*, start: date, end: date) -> DeskReport:
    """The desk's figures for [start, end] (local dates): 7 queries whatever the number of matters."""
    report = DeskReport(start, end)
    registered = Matter.objects.filter(registered_at__date__range=(start, end))
    counts = dict(registered.values_list("kind").annotate(n=Count("pk")).values_list("kind", "n"))
    report.by_kind = [(kind.label, counts.get(kind.value, 0)) for kind in MatterKind]
    counts_states = registered.aggregate(
        supplement=Count("pk", filter=Q(supplement_notice__isnull=False)),
        returned=Count("pk", filter=Q(state="returned")),
    )
    report.by_kind[-2] = (MatterKind.SUPPLEMENT.label, counts_states["supplement"])
    report.by_kind[-1] = (MatterKind.RETURNED.label, counts_states["returned"])
    report.by_service = [
        (name or NO_SERVICE, n)
        for name, n in registered.values_list("service__name")
        .annotate(n=Count("pk"))
        .order_by("-n", "service__name")
    ]
    completed = Matter.objects.filter(
        state="completed", completed_at__date__range=(start, end), deadline_at__isnull=False
    )
    totals = completed.aggregate(
        n=Count("pk"),
        on_time=Count("pk", filter=Q(completed_at__lte=F("deadline_at"))),
        days=Avg(working_days_taken(), filter=Q(clock_started_on__isnull=False)),
    )
    report.completed, report.on_time = totals["n"], totals["on_time"]
    report.average_working_days = round(totals["days"], 1) if totals["days"] is not None else None
    report.overdue_by_staff = list(
        AccountabilityCase.objects.filter(opened_at__date__range=(start, end), matter__isnull=False)
        .values_list("responsible__username")
        .annotate(n=Count("pk"))
        .order_by("-n", "responsible__username")
    )
    complaints = Complaint.objects.filter(received_at__date__range=(start, end)).aggregate(
        received=Count("pk"),
        replied=Count("pk", filter=Q(state=Complaint.State.REPLIED)),
    )
    report.complaints_received = complaints["received"]
    report.complaints_replied = complaints["replied"]
    report.complaints_open = complaints["received"] - complaints["replied"]
    return report


def monthly_report(*, year: int, month: int) -> DeskReport:
    first, last = month_bounds(year, month)
    return desk_report(start=first, end=last)


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
