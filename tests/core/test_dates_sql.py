"""The SQL twins in core.dates count exactly as the Python functions (R-GN-01, R-GN-02, R-SV-07).

Every day of a stretch with month ends, 29 February, Spring Festival, National Day, make-up working Saturdays
and a year whose calendar is not loaded goes through both and must come out the same.
"""

from datetime import date, timedelta

import pytest
from django.db.models import Value

from core import dates
from core.calendar_loading import load_calendar_year
from core.dates import LastWorkingDayBefore, PeriodEnd, deadline_passed_sql
from core.models import CalendarYear

pytestmark = pytest.mark.django_db


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _sql(expressions: list) -> list:
    """Evaluate many expressions in as few queries as possible (one row of any table carries them)."""
    values = []
    for start in range(0, len(expressions), 400):
        chunk = expressions[start : start + 400]
        row = (
            CalendarYear.objects.order_by("pk")
            .annotate(**{f"e{i}": e for i, e in enumerate(chunk)})
            .values(*[f"e{i}" for i in range(len(chunk))])
            .first()
        )
        values += [row[f"e{i}"] for i in range(len(chunk))]
    return values


def _first_unloaded_year() -> int:
    loaded = set(CalendarYear.objects.values_list("year", flat=True))
    return next(y for y in range(2026, 2100) if y not in loaded)


def test_period_end_in_sql_keeps_the_day_or_takes_the_last_day_of_the_month_R_GN_01():
    cases = [
        (day, kwargs)
        for day in _days(date(2023, 11, 25), date(2025, 3, 31))
        for kwargs in (
            {"months": 1},
            {"months": 3},
            {"months": -1},
            {"years": 1},
            {"days": -7},
            {"months": 6},
        )
    ]
    sql = _sql([PeriodEnd(Value(day), **kwargs) for day, kwargs in cases])
    python = [dates.period_end(day, **kwargs) for day, kwargs in cases]
    assert sql == python
    # the boundaries by name: 31 January + 1 month, 29 February + 1 year, 364 / 365 days of a leap year
    assert _sql([PeriodEnd(Value(date(2024, 1, 31)), months=1)]) == [date(2024, 2, 29)]
    assert _sql([PeriodEnd(Value(date(2024, 2, 29)), years=1)]) == [date(2025, 2, 28)]
    assert _sql([PeriodEnd(Value(date(2024, 1, 1)), days=365)]) == [date(2024, 12, 31)]


def test_two_periods_one_after_the_other_are_counted_one_after_the_other_in_sql_R_GN_01():
    """Probation of 1 year, then an extension of 6 months (R-RC-17, R-RC-21): 29 February 2024 → 28 February
    2025 → 28 August 2025, not 29 August (18 months at once)."""
    cases = [(day, m) for day in _days(date(2024, 1, 25), date(2024, 3, 5)) for m in (0, 6, 7, 12)]
    sql = _sql([PeriodEnd(PeriodEnd(Value(day), years=1), months=Value(m)) for day, m in cases])
    python = [dates.period_end(dates.period_end(day, years=1), months=m) for day, m in cases]
    assert sql == python
    assert _sql([PeriodEnd(PeriodEnd(Value(date(2024, 2, 29)), years=1), months=Value(6))]) == [
        date(2025, 8, 28)
    ]


def test_last_working_day_before_in_sql_follows_the_calendar_R_SV_07():
    unloaded = _first_unloaded_year()
    days = _days(date(2025, 12, 20), date(2026, 12, 31)) + _days(date(unloaded, 1, 1), date(unloaded, 2, 10))
    assert _sql([LastWorkingDayBefore(Value(day)) for day in days]) == [
        dates.last_working_day_before(day) for day in days
    ]
    # National Day 2026: 1–7 October off; Friday 9 October works (and Saturday 10 October, made up).
    assert dates.last_working_day_before(date(2026, 10, 8)) == date(2026, 9, 30)
    assert dates.last_working_day_before(date(2026, 10, 11)) == date(2026, 10, 10)


def test_a_made_up_working_day_counts_in_sql_once_its_year_is_loaded_R_SV_07():
    """A year loaded later (R-SV-07): SQL sees it at once, as the Python calendar does after loading."""
    year = _first_unloaded_year()
    saturday = next(d for d in _days(date(year, 3, 1), date(year, 3, 31)) if d.weekday() == 5)
    holiday = saturday - timedelta(days=1)  # a Friday
    monday = saturday + timedelta(days=2)
    assert _sql([LastWorkingDayBefore(Value(monday))]) == [holiday]
    load_calendar_year(year, holidays={holiday: "测试假日"}, workdays={saturday: "测试调休"}, source="test")
    assert dates.last_working_day_before(monday) == saturday
    assert _sql([LastWorkingDayBefore(Value(monday))]) == [saturday]
    assert _sql([LastWorkingDayBefore(Value(saturday))]) == [holiday - timedelta(days=1)]


def test_a_deadline_is_over_exactly_when_its_period_end_is_on_or_before_the_last_working_day_R_GN_02():
    """The identity behind ``deadline_passed_sql``, in Python, for every start and the days around the
    deadline: after a weekend, Spring Festival, National Day, a make-up Saturday, and in an unloaded year."""
    unloaded = _first_unloaded_year()
    starts = _days(date(2025, 12, 1), date(2026, 11, 30)) + _days(
        date(unloaded - 1, 12, 1), date(unloaded, 1, 31)
    )
    for start in starts:
        for months in (1, 3):
            end = dates.period_end(start, months=months)
            last = dates.deadline(start, months=months).date
            for on in {end - timedelta(days=1), end, end + timedelta(days=1), last, last + timedelta(days=1)}:
                assert (last < on) == (end <= dates.last_working_day_before(on)), (start, months, on)


def test_deadline_passed_in_sql_agrees_with_deadline_R_GN_02():
    cases = []
    for start in _days(date(2025, 12, 20), date(2026, 10, 10)):
        end = dates.period_end(start, months=1)
        last = dates.deadline(start, months=1).date
        cases += [(start, on) for on in (end, last, last + timedelta(days=1))]
    with_a_day = _sql([deadline_passed_sql(PeriodEnd(Value(s), months=1), on=on) for s, on in cases])
    with_a_column = _sql(
        [deadline_passed_sql(PeriodEnd(Value(s), months=1), on=Value(on)) for s, on in cases]
    )
    python = [dates.deadline(s, months=1).date < on for s, on in cases]
    assert with_a_day == python
    assert with_a_column == python
    # 1 September + 1 month ends on National Day: the deadline is 8 October, over on the 9th, not the 8th.
    start = date(2026, 9, 1)
    assert _sql([deadline_passed_sql(PeriodEnd(Value(start), months=1), on=date(2026, 10, 8))]) == [False]
    assert _sql([deadline_passed_sql(PeriodEnd(Value(start), months=1), on=date(2026, 10, 9))]) == [True]
