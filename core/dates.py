"""Counting periods and deadlines — the one place that does it (R-GN-01, R-GN-02, R-GN-03, R-SV-07).

Nobody adds ``timedelta(days=…)`` to a deadline elsewhere: call these functions.

* ``period_end``      — where a period of days/months/years ends (R-GN-01).
* ``min_wait_until``  — the earliest day a minimum waiting time allows something; never extended (R-GN-02).
* ``deadline``        — the last day of a *deadline*; extended past holidays and weekends (R-GN-02).
* ``add_working_days``— a limit counted in working days (R-GN-03, R-SV-05, R-SV-07).
* ``latest_start`` / ``latest_deadline_start`` — the same turned round: the latest start a period or deadline
  counted from ends or is over by a day, for SQL to compare stored starts with one value.
* ``period_end_sql`` / ``last_working_day_before_sql`` (and the ``PeriodEnd`` / ``LastWorkingDayBefore`` /
  ``deadline_passed_sql`` expressions) — the same counting in SQL, for ordering and counting many rows in one
  query; tests/core/test_dates_sql.py proves they agree with the Python functions.
* ``working_days_between`` / ``working_day_ordinals`` — working days a span took (R-SV-07).

Working days come from the calendar table (core.models.CalendarDay). A year without a CalendarYear row is
not loaded: it is computed on weekends alone and every result that touches it is ``provisional``.
"""

from __future__ import annotations

import calendar
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import DateField, Expression, Func, Value
from django.db.models.lookups import LessThanOrEqual
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
# Counts every change of what this process knows of the calendar: each invalidation and each year (re)loaded
# into ``_cache``. What was built from the calendar (core.sqlreuse) is kept for one generation only.
_generation = 0


_listeners: list[Callable[[], None]] = []


def on_calendar_invalidated(listener: Callable[[], None]) -> None:
    """Call ``listener`` whenever the cached calendar is forgotten (core.sqlreuse empties its store)."""
    _listeners.append(listener)


def invalidate_calendar_cache() -> None:
    """Forget cached years; called whenever a calendar row changes."""
    global _generation
    with _lock:
        _cache.clear()
        _generation += 1
    for listener in _listeners:
        listener()


def calendar_generation() -> int:
    """Which state of the calendar cache this is: it changes whenever the cache is emptied or a year is loaded."""
    return _generation


def calendar_fresh_until() -> float:
    """The ``time.monotonic()`` moment the oldest cached year expires (``_CACHE_SECONDS`` from now if none is
    cached): what was read from the cache now is no staler than the cache until then."""
    with _lock:
        loaded = [at for at, _ in _cache.values()]
    return min(loaded, default=time.monotonic()) + _CACHE_SECONDS


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
    global _generation
    with _lock:
        _cache[year] = (now, entry)
        _generation += 1
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


def latest_start(end: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """R-GN-01 turned round: the latest start whose period ends on ``end`` or before. A period from an earlier
    start never ends later (a month from 29, 30 or 31 January ends on 28 February), so "the period from
    ``start`` ends by ``end``" is ``start <= latest_start(end, …)``: SQL compares a stored start with one value
    computed here for the day, instead of counting the period from every row (issue 21).

    >>> latest_start(date(2026, 2, 28), months=1)
    datetime.date(2026, 1, 31)
    """
    # the period from this start ends on or before ``end`` (its day is kept or clamped to the month's last)
    start = add_months(end - timedelta(days=days), -(months + 12 * years))
    while period_end(start + timedelta(days=1), days=days, months=months, years=years) <= end:
        start += timedelta(days=1)  # at most 3 days: from the 28th of a short month to the 31st
    return start


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


def last_working_day_before(day: date) -> date:
    """The last working day strictly before ``day`` (R-SV-07).

    R-GN-02: a deadline whose period ends on ``end`` is over on ``day`` exactly when
    ``end <= last_working_day_before(day)`` — the deadline is ``end`` moved forward to a working day, and every
    day between that working day and ``day`` is off. This lets SQL compare stored dates with one value.
    """
    current = day
    while True:
        current -= timedelta(days=1)
        if is_working_day(current):
            return current


def latest_deadline_start(on: date, *, days: int = 0, months: int = 0, years: int = 0) -> date:
    """R-GN-02 turned round: the latest start whose ``deadline`` is over on ``on`` (its period ends on
    ``last_working_day_before(on)`` or before): "the deadline from ``start`` is over" is
    ``start <= latest_deadline_start(on, …)``, one value for every row (``deadline_passed_sql`` with a date)."""
    return latest_start(last_working_day_before(on), days=days, months=months, years=years)


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


# --- the same counting in SQL (for ordering and counting many rows at once) ------------------------------


def period_end_sql(start: str, *, days: int = 0, months: int | str = 0, years: int = 0) -> str:
    """SQL twin of ``period_end`` (R-GN-01), over SQL text: PostgreSQL's ``date + interval 'n months'`` keeps
    the day of the month, or takes the month's last day where it has none, as ``add_months`` does. ``start`` is
    a date expression; ``months`` a number or an SQL expression (a number read from the row). Nest two calls
    for two periods counted one after the other."""
    if isinstance(months, int):
        months = str(months + 12 * years)
    elif years:
        months = f"({months}) + {12 * int(years)}"
    return f"((({start})::date + make_interval(months => ({months})::integer))::date + {int(days)})"


class PeriodEnd(Func):
    """``period_end_sql`` as an ORM expression; ``months`` may be an expression."""

    output_field = DateField()

    def __init__(self, start, *, days: int = 0, months: int | Expression = 0, years: int = 0):
        self.days, self.years = days, years
        self.months = months if isinstance(months, int) else None
        super().__init__(start, *([] if isinstance(months, int) else [months]))

    def as_sql(self, compiler, connection, **extra_context):
        parts = [compiler.compile(expression) for expression in self.get_source_expressions()]
        (start, params), months = parts[0], self.months
        if len(parts) == 2:
            months, months_params = parts[1]
            params = [*params, *months_params]
        return period_end_sql(start, days=self.days, months=months, years=self.years), list(params)


# R-SV-07 in SQL, as ``is_working_day``: calendar rows count only for a loaded year; a make-up working day (调休)
# works, a statutory holiday does not, otherwise Monday to Friday.
_WORKING_DAY_SQL = """CASE
    WHEN NOT EXISTS (SELECT 1 FROM {years} y WHERE y.year = extract(year FROM {day})::integer)
        THEN extract(isodow FROM {day}) < 6
    WHEN EXISTS (SELECT 1 FROM {days} c WHERE c.date = {day} AND c.kind = 'workday') THEN true
    WHEN EXISTS (SELECT 1 FROM {days} c WHERE c.date = {day} AND c.kind = 'holiday') THEN false
    ELSE extract(isodow FROM {day}) < 6 END"""


def _latest_working_day_sql(day: str, first: int, last: int) -> str:
    """The latest working day among ``day - first`` … ``day - last`` (NULL if none)."""
    from core.models import CalendarDay, CalendarYear

    working = _WORKING_DAY_SQL.format(
        years=CalendarYear._meta.db_table, days=CalendarDay._meta.db_table, day="s.day"
    )
    return (
        f"(SELECT max(s.day) FROM (SELECT ({day})::date - g.n AS day FROM generate_series({first}, {last}) "
        f"AS g(n)) AS s WHERE {working})"
    )


def last_working_day_before_sql(day: str) -> str:
    """SQL twin of ``last_working_day_before`` over SQL text (``day`` appears twice: repeat its parameters).
    The 16 days before are searched first (a run of days off is never longer: the longest, Spring Festival
    with its weekend, is 9 days), then the 10 years before those."""
    return f"COALESCE({_latest_working_day_sql(day, 1, 16)}, {_latest_working_day_sql(day, 17, 3660)})"


class LastWorkingDayBefore(Func):
    """``last_working_day_before_sql`` as an ORM expression."""

    output_field = DateField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        day, params = compiler.compile(self.get_source_expressions()[0])
        return last_working_day_before_sql(day), [*params, *params]


def deadline_passed_sql(end, *, on) -> LessThanOrEqual:
    """R-GN-02 in SQL: the deadline whose period ends on ``end`` (an expression, e.g. ``PeriodEnd``) is over
    on ``on`` — a date, or an expression read from the row. The same as ``deadline(…).date < on``."""
    if isinstance(on, date):
        return LessThanOrEqual(end, Value(last_working_day_before(on)))
    return LessThanOrEqual(end, LastWorkingDayBefore(on))


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
