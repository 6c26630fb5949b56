"""Hostile input: validators and date arithmetic never crash, whatever they are given (hypothesis)."""

import re
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core import dates
from core.calendar_loading import load_calendar_year_from_package
from core.idnumbers import id_number_problem, make_id_number

CHINESE = re.compile(r"[\u4e00-\u9fff]")
fuzz = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

id_like = st.one_of(
    st.text(max_size=40),
    st.text(alphabet="0123456789Xx -\u3000\n", max_size=20),
    st.builds(lambda s: s + "X", st.text(alphabet="0123456789", min_size=17, max_size=17)),
)


@fuzz
@given(value=id_like, birth=st.one_of(st.none(), st.dates()))
def test_id_number_problem_never_crashes_and_refuses_in_chinese_R_MB_04(value, birth):
    problem = id_number_problem(value, birth)
    assert problem is None or (isinstance(problem, str) and CHINESE.search(problem) and "R-MB-04" in problem)


@fuzz
@given(
    region=st.text(alphabet="0123456789", min_size=6, max_size=6),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31)),
    sequence=st.integers(min_value=0, max_value=10**6),
)
def test_make_id_number_always_makes_a_valid_number_for_that_birth_date_R_MB_04(region, born, sequence):
    number = make_id_number(region, born, sequence)
    assert id_number_problem(number, born) is None


@pytest.fixture
def loaded_calendar(db):
    for year in (2025, 2026):
        load_calendar_year_from_package(year)


# Half the examples fall around the loaded years, where holidays and make-up days (调休) matter.
some_dates = st.one_of(
    st.dates(min_value=date(2024, 10, 1), max_value=date(2026, 12, 31)),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)),
)


@pytest.mark.django_db
@fuzz
@given(
    start=some_dates,
    days=st.integers(0, 3650),
    months=st.integers(0, 240),
    years=st.integers(0, 5),
)
def test_deadline_is_never_before_the_period_end_and_is_a_working_day_R_GN_02(
    loaded_calendar, start, days, months, years
):
    end = dates.period_end(start, days=days, months=months, years=years)
    due = dates.deadline(start, days=days, months=months, years=years)
    assert end >= start
    assert due.date >= end
    assert dates.is_working_day(due.date)
    assert dates.min_wait_until(start, days=days, months=months, years=years) == end


@pytest.mark.django_db
@fuzz
@given(start=some_dates, count=st.integers(1, 60))
def test_working_day_limit_ends_on_a_working_day_after_the_start_R_GN_03(loaded_calendar, start, count):
    due = dates.add_working_days(start, count)
    assert due.date > start
    assert dates.is_working_day(due.date)
    assert dates.working_days_between(start, due.date) == count


@pytest.mark.django_db
@fuzz
@given(start=some_dates, count=st.integers(max_value=0))
def test_working_day_limit_refuses_a_count_below_one(start, count):
    with pytest.raises(ValueError):
        dates.add_working_days(start, count)
