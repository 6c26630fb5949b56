"""Loading a year's holidays and make-up working days (R-SV-07).

Loading a year makes every deadline in it final. Apps recompute their open deadlines by connecting to
``core.signals.calendar_changed``, which is sent inside the same transaction as the load.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction

from core.dates import invalidate_calendar_cache
from core.exceptions import DomainError
from core.models import CalendarDay, CalendarYear
from core.signals import calendar_changed


def package_knows_year(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_holiday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def next_year_awaits_notice(on: date) -> int | None:
    """R-SV-07: in November and December, next year's calendar is not loaded and the package does not know it
    yet — the administrator must load the State Council's notice by hand. The year, or None. The nightly
    check (``core.tasks.next_year_calendar``) and the administrator's reminder both ask this."""
    if on.month < 11:
        return None
    year = on.year + 1
    if CalendarYear.objects.filter(year=year).exists() or package_knows_year(year):
        return None
    return year


def days_from_package(year: int) -> tuple[dict[date, str], dict[date, str]]:
    """Holidays and make-up working days of ``year`` as the chinese-calendar package knows them."""
    import chinese_calendar

    if not package_knows_year(year):
        raise DomainError(
            f"节假日数据包尚未包含{year}年的安排，请在后台按国务院办公厅通知手工导入（R-SV-07）。",
            rule="R-SV-07",
        )
    holidays: dict[date, str] = {}
    workdays: dict[date, str] = {}
    day = date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday and name is not None:
            holidays[day] = _holiday_name(name)
        elif not on_holiday and day.weekday() >= 5:
            workdays[day] = f"{_holiday_name(name)}调休" if name else "调休上班"
        day += timedelta(days=1)
    return holidays, workdays


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "抗战胜利70周年纪念日",
}


def _holiday_name(name: str) -> str:
    return _NAMES.get(name, name)


@transaction.atomic
def load_calendar_year(
    year: int, *, holidays: dict[date, str], workdays: dict[date, str], source: str
) -> CalendarYear:
    """Replace ``year``'s calendar with the given days, mark it loaded, and tell the apps (R-SV-07)."""
    for day in [*holidays, *workdays]:
        if day.year != year:
            raise DomainError(f"{day:%Y-%m-%d} 不属于{year}年。", rule="R-SV-07")
    clash = set(holidays) & set(workdays)
    if clash:
        first = min(clash)
        raise DomainError(f"{first:%Y-%m-%d} 不能同时是节假日和调休上班日。", rule="R-SV-07")
    CalendarDay.objects.filter(date__year=year).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(date=d, kind=CalendarDay.Kind.HOLIDAY, name=n) for d, n in sorted(holidays.items())]
        + [CalendarDay(date=d, kind=CalendarDay.Kind.WORKDAY, name=n) for d, n in sorted(workdays.items())]
    )
    calendar_year, _ = CalendarYear.objects.update_or_create(year=year, defaults={"source": source})
    invalidate_calendar_cache()
    transaction.on_commit(invalidate_calendar_cache)
    calendar_changed.send(sender=CalendarYear, years={year})
    return calendar_year


def load_calendar_year_from_package(year: int) -> CalendarYear:
    holidays, workdays = days_from_package(year)
    return load_calendar_year(year, holidays=holidays, workdays=workdays, source="chinese-calendar")


def package_years() -> list[int]:
    """Every year the installed chinese-calendar package knows."""
    years, year = [], 2004
    while package_knows_year(year):
        years.append(year)
        year += 1
    return years
