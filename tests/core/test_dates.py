"""Counting periods and working days (R-GN-01, R-GN-02, R-GN-03, R-SV-07) with real 2026 dates."""

from datetime import date, datetime, timedelta

import pytest

from core import dates
from core.calendar_loading import load_calendar_year
from core.dates import SHANGHAI, Deadline


def test_month_period_from_31_january_ends_on_last_day_of_february_R_GN_01():
    assert dates.period_end(date(2026, 1, 31), months=1) == date(2026, 2, 28)
    assert dates.period_end(date(2028, 1, 31), months=1) == date(2028, 2, 29)


def test_start_day_is_not_counted_R_GN_01():
    assert dates.period_end(date(2026, 11, 1), days=7) == date(2026, 11, 8)
    assert dates.period_end(date(2025, 3, 5), years=1) == date(2026, 3, 5)


def test_year_period_from_29_february_ends_28_february_R_GN_01():
    assert dates.period_end(date(2024, 2, 29), years=1) == date(2025, 2, 28)


@pytest.mark.django_db
def test_deadline_ending_on_national_day_moves_to_first_working_day_R_GN_02():
    # 1 September + 1 month = 1 October 2026, a holiday; National Day runs to 7 October.
    assert dates.deadline(date(2026, 9, 1), months=1) == Deadline(date(2026, 10, 8), provisional=False)


@pytest.mark.django_db
def test_minimum_wait_is_not_extended_past_holidays_R_GN_02():
    assert dates.min_wait_until(date(2026, 9, 1), months=1) == date(2026, 10, 1)


@pytest.mark.django_db
def test_deadline_ending_on_a_weekend_moves_to_monday_R_GN_02():
    # 7 November 2026 + 7 days = Saturday 14 November.
    assert dates.deadline(date(2026, 11, 7), days=7).date == date(2026, 11, 16)


@pytest.mark.django_db
def test_deadline_on_a_make_up_saturday_is_not_moved_R_GN_02_R_SV_07():
    # 10 October 2026 is an official make-up working Saturday.
    assert dates.deadline(date(2026, 10, 3), days=7).date == date(2026, 10, 10)


def test_deadline_ends_at_midnight_shanghai_R_GN_03():
    last_day = Deadline(date(2026, 10, 16))
    assert last_day.ends_at == datetime(2026, 10, 17, 0, 0, tzinfo=SHANGHAI)
    assert not last_day.is_passed(datetime(2026, 10, 16, 23, 59, tzinfo=SHANGHAI))
    assert last_day.is_passed(datetime(2026, 10, 17, 0, 0, tzinfo=SHANGHAI))


@pytest.mark.django_db
def test_working_days_cross_national_day_and_count_the_make_up_saturday_R_GN_03_R_SV_07():
    # Accepted Monday 28 September: 29, 30 Sep, 8, 9, 10 (make-up Saturday), 12–16 October.
    assert dates.add_working_days(date(2026, 9, 28), 10) == Deadline(date(2026, 10, 16), provisional=False)


@pytest.mark.django_db
def test_make_up_sunday_before_national_day_is_a_working_day_R_SV_07():
    assert dates.is_working_day(date(2026, 9, 20))
    assert not dates.is_working_day(date(2026, 10, 5))
    assert not dates.is_working_day(date(2026, 10, 11))


@pytest.mark.django_db
def test_working_days_across_spring_festival_R_SV_07():
    # Accepted Friday 13 February 2026: 14 Feb is a make-up Saturday, 15–23 Feb the holiday.
    assert dates.add_working_days(date(2026, 2, 13), 3) == Deadline(date(2026, 2, 25), provisional=False)


@pytest.mark.django_db
def test_limit_starting_on_a_holiday_counts_from_first_working_day_after_R_GN_03():
    assert dates.add_working_days(date(2026, 10, 3), 1).date == date(2026, 10, 8)


@pytest.mark.django_db
def test_period_into_unloaded_2027_is_provisional_then_final_once_loaded_R_SV_07():
    provisional = dates.add_working_days(date(2026, 12, 24), 5)
    assert provisional == Deadline(date(2026, 12, 31), provisional=False)
    into_2027 = dates.add_working_days(date(2026, 12, 24), 10)
    assert into_2027 == Deadline(date(2027, 1, 7), provisional=True)  # weekends only: 1 Jan counted
    load_calendar_year(
        2027,
        holidays={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦"},
        workdays={},
        source="测试：国务院办公厅通知",
    )
    assert dates.add_working_days(date(2026, 12, 24), 10) == Deadline(date(2027, 1, 8), provisional=False)


@pytest.mark.django_db
def test_loading_a_year_announces_it_to_the_apps_R_SV_07():
    from core.signals import calendar_changed

    seen = []

    def receiver(sender, years, **kwargs):
        seen.append(years)

    calendar_changed.connect(receiver)
    try:
        load_calendar_year(2027, holidays={}, workdays={}, source="测试")
    finally:
        calendar_changed.disconnect(receiver)
    assert seen == [{2027}]


def test_age_on_birthday_R_RC_01_helper():
    assert dates.age_on(date(2008, 11, 22), date(2026, 11, 22)) == 18
    assert dates.age_on(date(2008, 11, 23), date(2026, 11, 22)) == 17


def _days(first: date, last: date) -> list[date]:
    return [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last"),
    [
        (date(2026, 9, 15), date(2026, 10, 20)),  # National Day 2026, make-up Sunday 20 Sep, Saturday 10 Oct
        (date(2026, 2, 8), date(2026, 3, 6)),  # Spring Festival 2026, make-up Saturdays 14 and 28 Feb
        (date(2026, 12, 20), date(2027, 1, 20)),  # into 2027, not loaded: weekends alone (provisional)
    ],
)
def test_working_day_ordinals_count_the_same_as_working_days_between_for_every_pair_R_SV_07(first, last):
    """The statistics count many spans at once with ordinals; each span equals the one-by-one count."""
    assert dates.is_year_loaded(2026) and not dates.is_year_loaded(2027)
    ordinals = dates.working_day_ordinals(first, last)
    assert sorted(ordinals) == _days(first, last)
    for start in _days(first, last):
        for end in _days(first, last):
            expected = dates.working_days_between(start, end)
            assert max(ordinals[end] - ordinals[start], 0) == expected, (start, end)


def test_local_day_bounds_match_date_lookups_R_GN_03():
    """``on_local_days`` selects the same moments as ``__date__range``: 00:00 to 24:00, Asia/Shanghai."""
    bounds = dates.on_local_days("at", date(2026, 10, 1), date(2026, 10, 31))
    assert bounds == {
        "at__gte": datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI),
        "at__lt": datetime(2026, 11, 1, 0, 0, tzinfo=SHANGHAI),
    }


@pytest.mark.django_db
def test_the_latest_start_is_where_periods_stop_ending_and_deadlines_stop_being_over_by_the_day_R_GN_01_R_GN_02():
    """``latest_start`` / ``latest_deadline_start``: a start up to them, and none after, has its period ended
    (its deadline over) by the day — read every day over month ends, 29 February, Spring Festival with its
    make-up Saturdays, National Day and weekends, for every start that could fall either side."""
    ons = [date(2025, 2, 20) + timedelta(days=n) for n in range(14)]
    ons += [date(2026, 1, 25) + timedelta(days=n) for n in range(45)]
    ons += [date(2026, 9, 26) + timedelta(days=n) for n in range(20)]
    for kwargs in ({"months": 1}, {"months": 3}, {"years": 1}, {"years": 1, "days": -7}):
        back = kwargs.get("months", 0) + 12 * kwargs.get("years", 0)
        for on in ons:
            period, over = dates.latest_start(on, **kwargs), dates.latest_deadline_start(on, **kwargs)
            around = dates.add_months(on, -back)
            for start in (around + timedelta(days=n) for n in range(-25, 12)):
                assert (start <= period) == (dates.period_end(start, **kwargs) <= on), (start, kwargs, on)
                assert (start <= over) == (dates.deadline(start, **kwargs).date < on), (start, kwargs, on)
    assert dates.latest_start(date(2025, 2, 28), years=1) == date(2024, 2, 29)
    # 1 September + 1 month is National Day: the deadline is 8 October, over on the 9th
    assert dates.latest_deadline_start(date(2026, 10, 8), months=1) == date(2026, 8, 31)
    assert dates.latest_deadline_start(date(2026, 10, 9), months=1) == date(2026, 9, 8)
