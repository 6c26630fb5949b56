"""core.sqlreuse: compiled SQL reused within a process, never a result (issue 21).

The suite runs in check mode (tests/conftest.py): every reuse is rebuilt and compared, so a key that does not
name an input of its build fails wherever a test calls it twice; these tests show it, and what the store adds
on its own (the calendar, settings, empty results, the ORM's converters)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import Count, DecimalField, DurationField, ExpressionWrapper, F, Max, Min, Q, Sum, Value
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from core import dates, sqlreuse
from core.counting import side_by_side
from core.models import CalendarDay, CalendarYear, Organization
from core.sqlreuse import Statement, reused_rows

pytestmark = pytest.mark.django_db

# A Wednesday of a year loaded for these tests only: the working day before it is the Tuesday, unless that
# Tuesday becomes a holiday.
WEDNESDAY = date(2031, 3, 5)


@pytest.fixture
def loaded_year():
    CalendarYear.objects.get_or_create(year=WEDNESDAY.year)
    CalendarDay.objects.filter(date__year=WEDNESDAY.year).delete()
    return WEDNESDAY.year


def _calendar_statement(day: date) -> Statement:
    """A build that reads the calendar (core.dates' cache), as the rules' deadlines do."""
    sql, params = (
        CalendarDay.objects.filter(date__lte=dates.last_working_day_before(day))
        .values("pk")
        .query.sql_with_params()
    )
    return Statement(sql, tuple(params))


def test_a_key_missing_an_input_is_caught_by_check_mode():
    day = [date(2026, 1, 5)]

    def build():  # reads ``day``, which its key does not name
        return CalendarDay.objects.filter(date__lte=day[0]).values_list("pk", flat=True)

    reused_rows(("test", "the key"), build)
    reused_rows(("test", "the key"), build)  # the same input: the same statement
    day[0] = date(2026, 1, 6)
    with pytest.raises(AssertionError, match="does not name every input"):
        reused_rows(("test", "the key"), build)
    # Named in the key, the input gives its own statement.
    assert reused_rows(("test", "the key", day[0]), build) == list(build())


def test_without_check_mode_a_hit_does_not_build():
    built = []

    def build():
        built.append(1)
        return Organization.objects.values_list("pk", flat=True)

    with override_settings(SQL_REUSE_CHECK=False):
        first = reused_rows(("test", "no check"), build)
        second = reused_rows(("test", "no check"), build)
    assert first == second == list(Organization.objects.values_list("pk", flat=True))
    assert len(built) == 1


def test_check_mode_rebuilds_on_every_hit():
    built = []

    def build():
        built.append(1)
        return Organization.objects.values_list("pk", flat=True)

    reused_rows(("test", "checked"), build)
    reused_rows(("test", "checked"), build)
    assert len(built) == 2


def test_a_calendar_change_gives_new_sql(loaded_year):
    key = ("test", "calendar", WEDNESDAY)
    before = sqlreuse.reuse(key, lambda: _calendar_statement(WEDNESDAY))
    assert before.params == (WEDNESDAY - timedelta(days=1),)
    assert sqlreuse.reuse(key, lambda: _calendar_statement(WEDNESDAY)) == before
    assert sqlreuse.size()
    # The Tuesday becomes a holiday: the row's signal invalidates the calendar cache, which empties the store.
    CalendarDay.objects.create(date=WEDNESDAY - timedelta(days=1), kind=CalendarDay.Kind.HOLIDAY)
    assert not sqlreuse.size()
    with override_settings(SQL_REUSE_CHECK=False):  # (a rebuild, not a checked hit)
        after = sqlreuse.reuse(key, lambda: _calendar_statement(WEDNESDAY))
    assert after.params == (WEDNESDAY - timedelta(days=2),)


def test_a_calendar_reload_starts_a_new_generation(loaded_year):
    generation = dates.calendar_generation()
    dates.is_working_day(WEDNESDAY)  # loads the year into the cache
    assert dates.calendar_generation() != generation
    generation = dates.calendar_generation()
    dates.is_working_day(WEDNESDAY)  # cached: nothing changes
    assert dates.calendar_generation() == generation
    dates.invalidate_calendar_cache()
    assert dates.calendar_generation() != generation


def test_a_build_that_loads_the_calendar_is_stored_by_the_next_one(loaded_year):
    dates.invalidate_calendar_cache()
    key = ("test", "loads", WEDNESDAY)
    sqlreuse.reuse(key, lambda: _calendar_statement(WEDNESDAY))  # loads 2031: not stored
    assert not sqlreuse.size()
    sqlreuse.reuse(key, lambda: _calendar_statement(WEDNESDAY))
    assert sqlreuse.size() == 1


def test_an_entry_lives_no_longer_than_the_calendar_cache(monkeypatch):
    built = []

    def build():
        built.append(1)
        return Organization.objects.values_list("pk", flat=True)

    with override_settings(SQL_REUSE_CHECK=False):
        monkeypatch.setattr(dates, "calendar_fresh_until", lambda: 0.0)  # already expired
        reused_rows(("test", "expired"), build)
        reused_rows(("test", "expired"), build)
    assert len(built) == 2


def test_override_settings_clears_the_store():
    reused_rows(("test", "settings"), lambda: Organization.objects.values_list("pk", flat=True))
    assert sqlreuse.size()
    with override_settings(FLOATING_CONTACT_WARNING_DAYS=1):
        assert not sqlreuse.size()


def test_the_store_is_bounded(monkeypatch):
    monkeypatch.setattr(sqlreuse, "MAX_ENTRIES", 2)
    for i in range(3):
        reused_rows(("test", "bounded", i), lambda: Organization.objects.values_list("pk", flat=True))
    assert sqlreuse.size() == 2


def test_results_are_never_reused():
    def parts():
        return {"organizations": (Organization.objects.all(), {"n": Count("pk")})}

    def names():
        return Organization.objects.order_by("pk").values_list("name", flat=True)

    before = side_by_side(parts, reuse=("test", "results"))["n"]
    names_before = reused_rows(("test", "names"), names)
    Organization.objects.create(
        name="新建党支部", code="TEST-SQLREUSE", kind=Organization.Kind.TOWN_COMMITTEE
    )
    assert side_by_side(parts, reuse=("test", "results"))["n"] == before + 1
    assert reused_rows(("test", "names"), names) == [*names_before, "新建党支部"]


def test_an_empty_part_is_stored_with_its_defaults():
    def parts():
        return {
            "none": (Organization.objects.none(), {"nothing": Count("pk")}),
            "all": (Organization.objects.all(), {"all": Count("pk")}),
        }

    expected = {"nothing": 0, "all": Organization.objects.count()}
    assert side_by_side(parts, reuse=("test", "empty part")) == expected
    assert side_by_side(parts, reuse=("test", "empty part")) == expected
    # Every part empty: no SQL at all, on a miss and on a hit.
    with CaptureQueriesContext(connection) as queries:
        for _ in range(2):
            assert side_by_side(
                lambda: {"none": (Organization.objects.none(), {"n": Count("pk")})},
                reuse=("test", "all empty"),
            ) == {"n": 0}
        assert reused_rows(("test", "empty rows"), lambda: Organization.objects.none().values("pk")) == []
        assert reused_rows(("test", "empty rows"), lambda: Organization.objects.none().values("pk")) == []
    assert not queries


def test_rows_equal_the_orms_through_its_converters(loaded_year):
    CalendarDay.objects.create(date=date(2031, 1, 1), kind=CalendarDay.Kind.HOLIDAY)
    CalendarDay.objects.create(date=date(2031, 2, 3), kind=CalendarDay.Kind.HOLIDAY)
    CalendarDay.objects.create(date=date(2031, 2, 8), kind=CalendarDay.Kind.WORKDAY)
    money = DecimalField(max_digits=10, decimal_places=2)

    def grouped():
        return (
            CalendarDay.objects.filter(date__year=2031)
            .values("kind")
            .annotate(
                first=Min("date"),
                span=ExpressionWrapper(Max("date") - Min("date"), output_field=DurationField()),
                money=Sum(Value(Decimal("1.25"), output_field=money), output_field=money),
                days=Count("pk"),
            )
            .order_by("kind")
        )

    def as_tuples():
        return grouped().values_list("kind", "first", "span", "money", "days")

    def flat():
        return CalendarDay.objects.filter(date__year=2031).order_by("date").values_list(F("date"), flat=True)

    for _ in range(2):  # a miss, then a (checked) hit
        rows = reused_rows(("test", "dicts"), grouped)
        assert rows == list(grouped())
        assert rows[0]["span"] == timedelta(days=33) and rows[0]["money"] == Decimal("2.50")
        assert [type(v) for v in rows[0].values()] == [type(v) for v in next(iter(grouped())).values()]
        assert reused_rows(("test", "tuples"), as_tuples) == list(as_tuples())
        assert reused_rows(("test", "flat"), flat) == list(flat())


def test_where_narrows_one_stored_statement_to_each_value():
    """``reused_rows(where=…)``: the rows of the narrowed queryset, for any value, from one statement."""
    made = [
        Organization.objects.create(
            name=f"党委{i}", code=f"TEST-WHERE-{i}", kind=Organization.Kind.TOWN_COMMITTEE
        )
        for i in range(3)
    ]

    def rows():
        return Organization.objects.order_by().values("name", organization=F("pk"))

    before = sqlreuse.stats()["misses"]
    for organization in [*made, made[0]]:
        found = reused_rows(("test", "where"), rows, where={"organization": organization.pk})
        assert found == [{"name": organization.name, "organization": organization.pk}]
    assert reused_rows(("test", "where"), rows, where={"organization": -1}) == []
    assert sqlreuse.stats()["misses"] == before + 1


def test_the_time_of_day_is_a_parameter_bound_at_each_run():
    from datetime import UTC, datetime

    from django.contrib.auth.models import User

    joined = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
    User.objects.create(username="sqlreuse-now", date_joined=joined)

    def parts(now):
        return {
            "users": (
                User.objects.filter(username="sqlreuse-now"),
                {"n": Count("pk", filter=Q(date_joined__lte=now))},
            )
        }

    before = sqlreuse.stats()["hits"]
    with CaptureQueriesContext(connection) as queries:
        counts = [
            side_by_side(parts, reuse=("test", "now"), now=joined + timedelta(seconds=delta))["n"]
            for delta in (-1, 0, 1)
        ]
    assert counts == [0, 1, 1]
    assert sqlreuse.stats()["hits"] - before == 2  # one statement, compiled once, run three times
    assert len(queries) == 3
    # Built with NOW in the time's place: a build reading the clock instead differs and check mode catches it.
    assert sqlreuse.NOW in sqlreuse._store[("side_by_side", ("test", "now"))].statement.params
    with pytest.raises(ValueError, match="aware"):
        side_by_side(parts, reuse=("test", "now"), now=datetime(2026, 11, 16, 10, 0))


def test_in_array_binds_the_ids_as_one_parameter():
    from core.sqlreuse import InArray

    ids = list(Organization.objects.values_list("pk", flat=True))[:3] + [10**12 + n for n in range(60)]
    query = Organization.objects.filter(InArray(F("pk"), ids)).values_list("pk", flat=True)
    _, params = query.query.sql_with_params()
    assert list(params) == [ids]
    assert sorted(query) == sorted(Organization.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert not Organization.objects.filter(InArray(F("pk"), [])).exists()
