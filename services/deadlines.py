"""Deadlines of service matters — computed only with ``core.dates`` (R-GN-03, R-SV-03 … R-SV-08).

* immediate (即办件, R-SV-03): ``immediate_limit_minutes`` (30) after acceptance, counted in minutes;
* promised / joint (承诺件/联办件, R-SV-04, R-SV-05): the catalog's limit, or ``default_limit_working_days``
  (10) where no law sets one, counted in working days; the first working day after the acceptance day is day 1;
* petition (信访件, R-SV-06): ``petition_limit_working_days`` (15) working days;
* reported up (上报件): the deadline set by the higher authority, entered at acceptance;
* consultation (咨询件): answered on the spot, no deadline.

A limit counted in days ends at 24:00 of its last day, Asia/Shanghai. A deadline touching a year whose
calendar is not loaded is *provisional* and is recomputed when that year is loaded (R-SV-07).

Supplement (R-SV-08), our reading of 限时办结制 2 and (三) 4 ("当场一次告知其需补办的全部材料"; the rules'
"the clock restarts when the materials are complete"): while materials are missing the matter has no running
deadline; on the day the materials are complete the clock starts again with a **new full limit**, counted from
that day as from an acceptance day. Working days used before the notice are not carried over.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import NamedTuple, cast

from django.db.models import Q
from django.utils import timezone

from core.dates import Deadline, add_working_days, minutes_after
from core.profile import rule_profile
from services.models import OPEN_STATES, Matter, MatterKind, Service

WORKING_DAY_KINDS = [MatterKind.PROMISED, MatterKind.JOINT, MatterKind.PETITION]
# What start_clock / stop_clock set on a matter (saved by the caller).
CLOCK_FIELDS = (
    "clock_started_on",
    "limit_working_days",
    "deadline_date",
    "deadline_at",
    "deadline_provisional",
)


def limit_for(*, kind: str, service: Service | None, at: datetime | None = None) -> int | None:
    """The limit in working days fixed at acceptance (R-SV-04/05/06); None for kinds not counted in days."""
    profile = rule_profile(at=at)
    if kind == MatterKind.PETITION:
        return profile.petition_limit_working_days
    if kind in (MatterKind.PROMISED, MatterKind.JOINT):
        if service is not None and service.limit_working_days:
            return service.limit_working_days
        return profile.default_limit_working_days
    return None


def immediate_deadline(accepted_at: datetime) -> datetime:
    """R-SV-03 / R-GN-03: the immediate-matter limit is counted in minutes from acceptance."""
    return minutes_after(accepted_at, rule_profile(at=accepted_at).immediate_limit_minutes)


def start_clock(matter: Matter, *, day: date, at: datetime) -> None:
    """Start (or restart, R-SV-08) the matter's clock on ``day`` and fix its deadline. Does not save."""
    matter.clock_started_on = day
    matter.limit_working_days = limit_for(kind=matter.kind, service=matter.service, at=at)
    apply_deadline(matter, at=at)


def stop_clock(matter: Matter) -> None:
    """R-SV-08: while materials are missing no deadline runs. Does not save."""
    matter.clock_started_on = None
    matter.deadline_date = None
    matter.deadline_at = None
    matter.deadline_provisional = False


def apply_deadline(matter: Matter, *, at: datetime) -> None:
    """Set deadline_date / deadline_at / deadline_provisional from the matter's kind and clock."""
    matter.deadline_date, matter.deadline_at, matter.deadline_provisional = None, None, False
    if matter.kind == MatterKind.IMMEDIATE:
        matter.deadline_at = immediate_deadline(at)
        matter.deadline_date = timezone.localtime(matter.deadline_at).date()
    elif matter.kind == MatterKind.REPORTED_UP and matter.external_deadline:
        last = Deadline(matter.external_deadline, provisional=False)
        matter.deadline_date, matter.deadline_at = last.date, last.ends_at
    elif matter.limit_working_days and matter.clock_started_on:
        last = add_working_days(matter.clock_started_on, matter.limit_working_days)
        matter.deadline_date, matter.deadline_at = last.date, last.ends_at
        matter.deadline_provisional = last.provisional


class Recomputed(NamedTuple):
    updated: int  # matters whose deadline was recomputed
    overdue_before: dict[
        int, tuple[date | None, datetime | None]
    ]  # overdue ones: id → deadline date, moment before


def recompute_open_deadlines(years: Iterable[int]) -> Recomputed:
    """R-SV-07: after a calendar year is loaded or edited, recompute every open deadline counted in working days
    whose counting window touches one of ``years``. Set-based: one computation and one UPDATE per distinct
    (start day, limit). Returns the number updated and the previous deadlines of the ones already marked overdue
    (services.accountability decides whether they still are)."""
    years = set(years)
    if not years:
        return Recomputed(0, {})
    affected = Matter.objects.filter(
        state__in=OPEN_STATES,
        kind__in=WORKING_DAY_KINDS,
        clock_started_on__isnull=False,
        limit_working_days__isnull=False,
        clock_started_on__year__lte=max(years),
    ).filter(Q(deadline_date__isnull=True) | Q(deadline_date__year__gte=min(years)))
    overdue_before = {
        pk: (day, moment)
        for pk, day, moment in affected.filter(overdue_at__isnull=False).values_list(
            "pk", "deadline_date", "deadline_at"
        )
    }
    # Both are set: the filter above leaves out matters without a clock or a limit.
    pairs = cast(
        list[tuple[date, int]],
        list(affected.values_list("clock_started_on", "limit_working_days").distinct()),
    )
    updated = 0
    for start, limit in pairs:
        last = add_working_days(start, limit)
        updated += affected.filter(clock_started_on=start, limit_working_days=limit).update(
            deadline_date=last.date, deadline_at=last.ends_at, deadline_provisional=last.provisional
        )
    return Recomputed(updated, overdue_before)


def due_soon_limit(today: date) -> Deadline:
    """The last day that counts as "due soon": within 2 working days of today (queue colours)."""
    return add_working_days(today, 2)
