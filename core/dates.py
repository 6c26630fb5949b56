"""Counting periods and deadlines — the one place that does it (R-GN-01, R-GN-02, R-GN-03, R-SV-07).

Nobody adds ``timedelta(days=…)`` to a deadline elsewhere: call these functions.

* ``period_end``      — where a period of days/months/years ends (R-GN-01).
* ``min_wait_until``  — the earliest day a minimum waiting time allows something; never extended (R-GN-02).
* ``deadline``        — the last day of a *deadline*; extended past holidays and weekends (R-GN-02).
* ``add_working_days``— a limit counted in working days (R-GN-03, R-SV-05, R-SV-07).
* ``working_days_between`` / ``working_day_ordinals`` — working days a span took (R-SV-07).

Working days come from the calendar table (core.models.CalendarDay). A year without a CalendarYear row is
not loaded: it is computed on weekends alone and every result that touches it is ``provisional``.
"""

from __future__ import annotations

import calendar
import threading
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

SHANGHAI = ZoneInfo("Asia/Shanghai")
_CACHE_SECONDS = 60


@dataclass(frozen=True)
class Deadline:
    """The last day of a deadline. It ends at 24:00 of that day, Asia/Shanghai (R-GN-03)."""

    date: date
    provisional: bool = False

    @property
    def ends_at(self) -> datetime:
        return datetime.combine(self.date + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)

    def is_passed(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) >= self.ends_at


# --- calendar lookups -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    loaded: bool
    holidays: frozenset[date]
    workdays: frozenset[date]


_cache: dict[int, tuple[float, _Year]] = {}
_lock = threading.Lock()


def invalidate_calendar_cache() -> None:
    """Forget cached years; called whenever a calendar row changes."""
    with _lock:
        _cache.clear()


def _year(year: int) -> _Year:
    now = time.monotonic()
    with _lock:
        hit = _cache.get(year)
        if hit and now - hit[0] < _CACHE_SECONDS:
            return hit[1]
    from core.models import CalendarDay, CalendarYear

    loaded = CalendarYear.objects.filter(year=year).exists()
    holidays: set[date] = set()
    workdays: set[date] = set()
    if loaded:
        for day, kind in CalendarDay.objects.filter(date__year=year).values_list("date", "kind"):
            (holidays if kind == CalendarDay.Kind.HOLIDAY else workdays).add(day)
    entry = _Year(loaded, frozenset(holidays), frozenset(workdays))
    with _lock:
        _cache[year] = (now, entry)
    return entry


def is_year_loaded(year: int) -> bool:
    return _year(year).loaded


def _is_working(day: date, holidays: frozenset[date], workdays: frozenset[date]) -> bool:
    """R-SV-07: weekends and statutory holidays are off, official make-up days (调休) are working days.

    ``holidays`` and ``workdays`` are calendar rows of loaded years only: a year not loaded has none, so its
    working days are counted on weekends alone.
    """
    if day in workdays:
        return True
    if day in holidays:
        return False
    return day.weekday() < 5


def is_working_day(day: date) -> bool:
    """R-SV-07 (``_is_working``) with the calendar of the day's year."""
    info = _year(day.year)
    return _is_working(day, info.holidays, info.workdays)


def _loaded_calendar_days(first: date, last: date) -> tuple[frozenset[date], frozenset[date]]:
    """Holidays and make-up working days in [first, last] of the loaded years: one query, read now."""
    from core.models import CalendarDay, CalendarYear

    rows = CalendarDay.objects.filter(
        date__range=(first, last), date__year__in=CalendarYear.objects.values("year")
    ).values_list("date", "kind")
    holidays = frozenset(day for day, kind in rows if kind == CalendarDay.Kind.HOLIDAY)
    return holidays, frozenset(day for day, _ in rows if day not in holidays)


def next_working_day(day: date) -> tuple[date, bool]:
    """The first working day strictly after ``day``, and whether an unloaded year was consulted."""
    provisional = False
    current = day
    while True:
        current += timedelta(days=1)
        provisional |= not is_year_loaded(current.year)
        if is_working_day(current):
            return current, provisional


# --- periods (R-GN-01) ----------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding day ``months`` later; the month's last day where it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def period_end(start: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """R-GN-01: the start day is not counted; a month/year period ends on the corresponding day.

    >>> period_end(date(2026, 1, 31), months=1)
    datetime.date(2026, 2, 28)
    """
    end = add_months(start, months + 12 * years)
    return end + timedelta(days=days)


def min_wait_until(start: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """R-GN-02: the earliest day on which a minimum waiting time is complete. Never moved past holidays."""
    return period_end(start, days=days, months=months, years=years)


def deadline(start: date, *, days: int = 0, months: int = 0, years: int = 0) -> Deadline:
    """R-GN-02: a deadline whose last day is a holiday or weekend ends on the next working day."""
    end = period_end(start, days=days, months=months, years=years)
    provisional = not is_year_loaded(end.year)
    if not is_working_day(end):
        end, later_provisional = next_working_day(end)
        provisional |= later_provisional
    return Deadline(end, provisional)


def add_working_days(start: date, count: int) -> Deadline:
    """R-GN-03 / R-SV-05: ``count`` working days, the first being the first working day after ``start``."""
    if count < 1:
        raise ValueError("count must be at least 1")
    current, provisional = start, not is_year_loaded(start.year)
    for _ in range(count):
        current, step_provisional = next_working_day(current)
        provisional |= step_provisional
    return Deadline(current, provisional)


def working_days_between(start: date, end: date) -> int:
    """Working days in (start, end]: how many working days a matter took. 0 when end <= start."""
    count, current = 0, start
    while current < end:
        current += timedelta(days=1)
        count += is_working_day(current)
    return count


def working_day_ordinals(first: date, last: date) -> dict[date, int]:
    """Every day in [first, last] with the number of working days in (first, day] (R-SV-07).

    For many spans at once (reports): the working days in (a, b] are ``ordinals[b] - ordinals[a]`` for
    ``first <= a <= b <= last``, the same as ``working_days_between(a, b)`` — one pass over the days, by the
    same rule (``_is_working``), with the calendar of [first, last] read in one query.
    """
    holidays, workdays = _loaded_calendar_days(first, last)
    ordinals, count, current = {first: 0}, 0, first
    while current < last:
        current += timedelta(days=1)
        count += _is_working(current, holidays, workdays)
        ordinals[current] = count
    return ordinals


def minutes_after(moment: datetime, minutes: int) -> datetime:
    """R-GN-03: the immediate-matter limit is counted in minutes, not days."""
    return moment + timedelta(minutes=minutes)


# --- small helpers for reports --------------------------------------------------------------------------


def local_today() -> date:
    return timezone.localdate()


def day_start(day: date) -> datetime:
    """00:00 of ``day``, local time (the moment ``__date`` lookups switch to ``day``).

    ``moment >= day_start(a) and moment < day_start(b + 1 day)`` means "on a local day in [a, b]" as
    ``moment__date__range=(a, b)`` does, but a plain index on the timestamp can serve it (issue 9).
    """
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def day_end(day: date) -> datetime:
    """24:00 of ``day``, local time: the first moment that is no longer on ``day``."""
    return day_start(day + timedelta(days=1))


def on_local_days(field: str, first: date, last: date) -> dict[str, datetime]:
    """Filter arguments for "``field`` falls on a local day in [first, last]" (see ``day_start``)."""
    return {f"{field}__gte": day_start(first), f"{field}__lt": day_end(last)}


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    last_month = 3 * quarter
    return first, date(year, last_month, calendar.monthrange(year, last_month)[1])


def month_bounds(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])


def age_on(birth_date: date, on: date) -> int:
    """Completed years of age on a day (a person is 18 on their 18th birthday; 29 Feb birthdays on 1 Mar)."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
