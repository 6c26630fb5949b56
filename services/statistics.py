"""Statistics of the service desk for any period — matters by kind and by service, on-time rate, average
working days, overdue by staff, complaints — and a server-drawn SVG bar chart (no JavaScript).

``desk_report`` is the one computation: the desk's monthly page (``monthly_report``) and the statistics page
(reports/service_blocks.py) both call it. Matters are counted from daily tallies the database keeps exact
(services.models.IntakeTally, CompletionTally), overdue cases from services.models.CaseTally; working days
come from core.dates. The number of queries and the rows they read do not depend on the number of matters.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, Sum

from core.counting import side_by_side
from core.dates import month_bounds, on_local_days, working_day_ordinals
from core.sqlreuse import reused_rows
from services.models import (
    CaseTally,
    Complaint,
    CompletionTally,
    IntakeTally,
    MatterKind,
    Service,
)


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
    """The desk's figures for [start, end] (local dates): 5 queries whatever the number of matters.

    Matters are counted from the daily tallies (services.models.IntakeTally, CompletionTally) and overdue cases
    from services.models.CaseTally, which the database keeps exact; complaints are few and counted directly.
    """
    report = DeskReport(start, end)
    by_kind: dict[str, int] = {}
    notice = returned = 0
    for by, kind, name, n, with_notice, was_returned in _intake_sums(start, end):
        if by == "kind":
            by_kind[kind] = n
            notice, returned = notice + with_notice, returned + was_returned
        else:
            report.by_service.append((name or NO_SERVICE, n))
    report.by_kind = [(kind.label, by_kind.get(kind.value, 0)) for kind in MatterKind]
    # R-SV-02: a supplement (补充件) or returned (退回件) matter is a state a registered matter reached.
    report.by_kind[-2] = (MatterKind.SUPPLEMENT.label, notice)
    report.by_kind[-1] = (MatterKind.RETURNED.label, returned)
    _count_completed(report)
    # The statements are compiled once per period (core.sqlreuse), run every time.
    # Overdue cases (those resting on a matter, R-SV-10) by the day they were opened, kept per day and person.
    report.overdue_by_staff = reused_rows(
        ("services.statistics.overdue_by_staff", start, end),
        lambda: (
            CaseTally.objects.filter(opened_on__range=(start, end), with_matter=True)
            .values_list("responsible__username")
            .annotate(n=Sum("cases"))
            .order_by("-n", "responsible__username")
        ),
    )
    complaints = side_by_side(
        lambda: {
            "complaints": (
                Complaint.objects.filter(**on_local_days("received_at", start, end)),
                {"received": Count("pk"), "replied": Count("pk", filter=Q(state=Complaint.State.REPLIED))},
            )
        },
        reuse=("services.statistics.complaints", start, end),
    )
    report.complaints_received = complaints["received"]
    report.complaints_replied = complaints["replied"]
    report.complaints_open = complaints["received"] - complaints["replied"]
    return report


def _intake_sums(start: date, end: date) -> list[tuple[str, str, str | None, int, int, int]]:
    """One query over the intake tallies of [start, end]: ("kind", kind, None, registered, with notice,
    returned) per kind, then ("service", None, service name, registered, 0, 0) per service name with
    matters, most first (then by name; the matters of no service, or of a deleted one, last)."""
    from django.db import connection

    sql = (
        "SELECT CASE WHEN GROUPING(t.kind) = 0 THEN 'kind' ELSE 'service' END, t.kind, s.name,"
        " sum(t.registered), sum(t.with_notice), sum(t.returned)"
        f" FROM {IntakeTally._meta.db_table} t LEFT JOIN {Service._meta.db_table} s ON s.id = t.service_id"
        " WHERE t.day BETWEEN %s AND %s"
        " GROUP BY GROUPING SETS ((t.kind), (s.name))"
        " HAVING GROUPING(t.kind) = 0 OR sum(t.registered) > 0"
        " ORDER BY GROUPING(t.kind), sum(t.registered) DESC, s.name"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [start, end])
        return [(by, kind, name, int(n), int(notice), int(ret)) for by, kind, name, n, notice, ret in cursor]


def _count_completed(report: DeskReport) -> None:
    """Matters completed in the period that had a deadline: how many, how many by their deadline (R-SV-10),
    and the mean working days from the day after the clock started to the completion day (R-SV-07), counted
    by core.dates over each distinct (start, completion day) pair."""
    spans = reused_rows(
        ("services.statistics.completed", report.start, report.end),
        lambda: (
            CompletionTally.objects.filter(day__range=(report.start, report.end))
            .values_list("clock_started_on", "day")
            .annotate(n=Sum("completed"), on_time=Sum("on_time"))
            .filter(n__gt=0)
        ),
    )
    report.completed = sum(n for _, _, n, _ in spans)
    report.on_time = sum(on_time for _, _, _, on_time in spans)
    timed = [(started, day, n) for started, day, n, _ in spans if started is not None]
    # The calendar is read (one query) even for a period without completions: a constant query count.
    days = [report.start, report.end, *(started for started, _, _ in timed)]
    ordinals = working_day_ordinals(min(days), max(days))
    if timed:
        # working_days_between(started, day): 0 when the matter was completed on or before its start day.
        total = sum(n * max(ordinals[day] - ordinals[started], 0) for started, day, n in timed)
        report.average_working_days = round(total / sum(n for _, _, n in timed), 1)


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
