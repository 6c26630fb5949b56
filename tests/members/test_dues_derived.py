"""Arrears from the derived months-paid record (members.DuesYear) equal arrears counted from the payments
(R-MB-07, issue 9).

The reference below is the computation as it stood before the derived record: the same SQL, counting each
member's payments in a correlated subquery. Both run on the same members and payments, for every day a
boundary falls on, and must agree member by member.
"""

import importlib
import pkgutil
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import IntegerField, QuerySet
from django.db.models.expressions import RawSQL

import members.migrations
from members.dues import (
    _expected_range,
    dues_record,
    members_in_arrears,
    period_due_range,
    with_due_months,
)
from members.models import DuesPayment, DuesYear, Member
from tests import factories

pytestmark = pytest.mark.django_db

# --- the reference: arrears counted from the payments, per member (members/dues.py before issue 9) ---------

_START_SQL = "GREATEST(date_trunc('month', COALESCE({member}.joined_on, %s::date)), %s::date)::date"
_MONTHS_SQL = """
CASE WHEN {member}.status IN ('probationary', 'full') THEN GREATEST(0,
  (extract(year FROM %s::date) * 12 + extract(month FROM %s::date))
  - (extract(year FROM {start}) * 12 + extract(month FROM {start})) + 1
)::integer {unpaid} ELSE 0 END
"""
_UNPAID = """- (
    SELECT count(*) FROM members_duespayment paid
    WHERE paid.member_id = {member}.id AND paid.month >= {start} AND paid.month <= %s::date)::integer"""


def reference_due_months(queryset: QuerySet, *, first: date, last: date) -> QuerySet:
    table = '"members_member"'
    start = _START_SQL.format(member=table)
    expected = _MONTHS_SQL.format(member=table, start=start, unpaid="")
    unpaid = _MONTHS_SQL.format(member=table, start=start, unpaid=_UNPAID.format(member=table, start=start))
    params = [last, last, first, first, first, first]
    return queryset.annotate(
        ref_expected=RawSQL(expected, params, output_field=IntegerField()),
        ref_arrears=RawSQL(unpaid, [*params, first, first, last], output_field=IntegerField()),
    )


# --- the members: every case the months owed depend on ---------------------------------------------------


def _pay(member, *months):
    DuesPayment.objects.bulk_create(
        DuesPayment(member=member, month=m, amount=Decimal("2.00"), paid_on=m) for m in months
    )


def _months(year, first, last):
    return [date(year, m, 1) for m in range(first, last + 1)]


@pytest.fixture
def varied_members(branch_a, branch_b):
    make = factories.make_member
    cases = {
        "paid_to_last_month": make(branch_a),  # on 22 Nov: January–October paid, nothing owed
        "one_month_short": make(branch_a),  # October unpaid: exactly one month owed
        "two_months_short": make(branch_a),  # September and October unpaid: one more
        "gap_early_in_year": make(branch_b),
        "prepaid_ahead": make(branch_b),  # pays December in November
        "paid_last_year_only": make(branch_b),
        "never_paid": make(branch_a),
        "joined_mid_year": make(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 3, 15)),
        "joined_on_a_first": make(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 6, 1)),
        "joined_on_a_last_day": make(
            branch_b, status=Member.Status.PROBATIONARY, joined_on=date(2026, 8, 31)
        ),
        "joined_this_month": make(branch_b, status=Member.Status.PROBATIONARY, joined_on=date(2026, 11, 5)),
        "joined_next_year": make(branch_b, status=Member.Status.PROBATIONARY, joined_on=date(2027, 1, 10)),
        "joined_last_december": make(
            branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2025, 12, 31)
        ),
        "no_joining_date": make(branch_a, joined_on=None, full_member_on=None),
        "paid_before_joining": make(branch_b, status=Member.Status.PROBATIONARY, joined_on=date(2026, 5, 20)),
        "transferred_out": make(branch_a, status=Member.Status.TRANSFERRED_OUT),
        "deceased": make(branch_b, status=Member.Status.DECEASED),
        "expelled": make(branch_b, status=Member.Status.EXPELLED),
    }
    _pay(cases["paid_to_last_month"], *_months(2025, 1, 12), *_months(2026, 1, 10))
    _pay(cases["one_month_short"], *_months(2026, 1, 9))
    _pay(cases["two_months_short"], *_months(2026, 1, 8), date(2026, 11, 1))
    _pay(cases["gap_early_in_year"], date(2026, 1, 1), *_months(2026, 3, 10))
    _pay(cases["prepaid_ahead"], *_months(2026, 1, 12))
    _pay(cases["paid_last_year_only"], *_months(2025, 1, 12))
    _pay(cases["joined_mid_year"], *_months(2026, 3, 10))
    _pay(cases["joined_on_a_first"], *_months(2026, 6, 9))
    _pay(cases["joined_last_december"], date(2025, 12, 1), *_months(2026, 2, 10))
    _pay(cases["no_joining_date"], *_months(2026, 1, 5))
    _pay(cases["paid_before_joining"], date(2026, 2, 1), *_months(2026, 5, 10))  # entered in the admin
    _pay(cases["transferred_out"], date(2026, 1, 1))
    _pay(cases["deceased"], *_months(2026, 1, 3))
    return cases


def _both(first: date, last: date) -> tuple[dict, dict]:
    members = Member.objects.all()
    ref = {
        pk: (e, a)
        for pk, e, a in reference_due_months(members, first=first, last=last).values_list(
            "pk", "ref_expected", "ref_arrears"
        )
    }
    new = {
        pk: (e, a)
        for pk, e, a in with_due_months(members, first=first, last=last).values_list(
            "pk", "expected_count", "arrears_count"
        )
    }
    return ref, new


CHECK_DAYS = [
    date(2026, 1, 1),  # January: nothing of the year owed yet
    date(2026, 1, 31),
    date(2026, 2, 1),  # January owed from today
    date(2026, 2, 28),
    date(2026, 3, 31),
    date(2026, 6, 1),
    date(2026, 9, 1),
    date(2026, 10, 31),
    date(2026, 11, 1),  # October owed from today
    date(2026, 11, 22),
    date(2026, 12, 31),
    date(2027, 2, 15),
]


@pytest.mark.parametrize("on", CHECK_DAYS, ids=str)
def test_arrears_from_the_derived_record_equal_arrears_counted_from_payments_R_MB_07(varied_members, on):
    first, last = _expected_range(on)
    ref, new = _both(first, last)
    assert new == ref
    in_arrears = set(members_in_arrears(Member.objects.all(), on).values_list("pk", flat=True))
    assert in_arrears == {pk for pk, (_, arrears) in ref.items() if arrears > 0}


def test_the_boundary_one_month_owed_versus_two_and_none_R_MB_07(varied_members):
    first, last = _expected_range(date(2026, 11, 22))
    _, new = _both(first, last)
    arrears = {name: new[m.pk][1] for name, m in varied_members.items()}
    assert arrears["paid_to_last_month"] == 0
    assert arrears["one_month_short"] == 1
    assert arrears["two_months_short"] == 2  # November paid in advance does not make up for September
    assert arrears["prepaid_ahead"] == 0
    assert arrears["paid_last_year_only"] == 10  # last year's payments never count for this year
    assert arrears["joined_mid_year"] == 0  # owes from March, the joining month
    assert arrears["joined_on_a_last_day"] == 3  # August, September, October
    assert arrears["joined_this_month"] == arrears["joined_next_year"] == 0
    assert arrears["joined_last_december"] == 1  # January 2026
    assert arrears["no_joining_date"] == 5  # owes from January
    assert arrears["paid_before_joining"] == 0  # February was never owed, and does not count
    assert arrears["transferred_out"] == arrears["deceased"] == arrears["expelled"] == 0


@pytest.mark.parametrize(
    "start,end",
    [
        (date(2026, 1, 1), date(2026, 12, 31)),
        (date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2026, 8, 1), date(2026, 8, 31)),
        (date(2026, 11, 1), date(2026, 11, 30)),  # not owed yet on 22 November
        (date(2025, 1, 1), date(2025, 12, 31)),
        (date(2025, 10, 1), date(2025, 12, 31)),
    ],
    ids=str,
)
def test_statistics_periods_from_the_derived_record_equal_the_payments_R_MB_07(varied_members, start, end):
    first, last = period_due_range(start, end, date(2026, 11, 22))
    ref, new = _both(first, last)
    assert new == ref


# --- the derived record is exact whichever path writes the payments ---------------------------------------


def _recomputed() -> dict:
    months = {}
    for member_id, month in DuesPayment.objects.values_list("member_id", "month"):
        key = (member_id, month.year)
        months[key] = months.get(key, 0) | 1 << (month.month - 1)
    return months


def _derived() -> dict:
    return {(m, y): bits for m, y, bits in DuesYear.objects.values_list("member_id", "year", "paid_months")}


def test_every_way_of_writing_payments_keeps_the_months_paid_exact_R_MB_07(branch_a, clerk):
    a, b, c = (factories.make_member(branch_a) for _ in range(3))
    dues_record(
        member=a, month=date(2026, 1, 1), amount=Decimal("2"), paid_on=date(2026, 1, 5), recorded_by=clerk
    )
    assert _derived() == _recomputed() == {(a.pk, 2026): 0b1}
    # The admin saves a payment directly; bulk writes; a correction of the month, of the member; deletions.
    DuesPayment.objects.create(member=a, month=date(2026, 3, 1), amount=2, paid_on=date(2026, 3, 2))
    _pay(b, *_months(2025, 11, 12), *_months(2026, 1, 4))
    assert _derived() == _recomputed()
    DuesPayment.objects.filter(member=a, month=date(2026, 3, 1)).update(month=date(2026, 2, 1))
    DuesPayment.objects.filter(member=b, month=date(2025, 11, 1)).update(member=c)
    assert _derived() == _recomputed()
    DuesPayment.objects.filter(member=b, month__year=2025).delete()
    DuesPayment.objects.filter(member=a, month=date(2026, 1, 1)).get().delete()
    assert _derived() == _recomputed()
    assert (b.pk, 2025) not in _derived()  # no month of 2025 left: no row
    # Months swapped within one statement.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE members_duespayment SET month = CASE month WHEN %s THEN %s ELSE %s END "
            "WHERE member_id = %s AND month IN (%s, %s)",
            [date(2026, 1, 1), date(2026, 6, 1), date(2026, 1, 1), b.pk, date(2026, 1, 1), date(2026, 2, 1)],
        )
    assert _derived() == _recomputed()
    # The demo data's INSERT … SELECT, then everything removed at once.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on) "
            "SELECT m.id, g.month::date, 2, g.month::date FROM members_member m "
            "CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') AS g(month) "
            "WHERE m.id = %s",
            [date(2026, 7, 1), date(2026, 10, 1), c.pk],
        )
    assert _derived() == _recomputed()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred FK checks
        cursor.execute("TRUNCATE members_duespayment")
    assert _derived() == _recomputed() == {}


def test_a_duplicate_month_is_refused_and_leaves_the_months_paid_unchanged_R_MB_07(branch_a, clerk):
    member = factories.make_member(branch_a)
    _pay(member, date(2026, 1, 1))
    before = _derived()
    with pytest.raises(Exception):  # noqa: B017 — the unique constraint, whatever the driver calls it
        from django.db import transaction

        with transaction.atomic():
            _pay(member, date(2026, 1, 1), date(2026, 2, 1))
    assert _derived() == before == _recomputed()


def test_the_migration_fills_the_months_paid_from_payments_already_recorded_R_MB_07(varied_members):
    expected = _recomputed()
    fill = next(
        module.FILL
        for info in pkgutil.iter_modules(members.migrations.__path__)
        if hasattr(module := importlib.import_module(f"members.migrations.{info.name}"), "FILL")
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM members_duesyear")
        cursor.execute(fill)
    assert _derived() == expected and expected


def test_the_demo_datas_bulk_insert_fills_the_months_paid_R_MB_07(branch_a):
    from members import demo

    for _ in range(20):
        factories.make_member(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 4, 2))
    demo._dues(date(2026, 11, 22))  # one INSERT … SELECT, as for the benchmark's 50,000 members
    assert _derived() == _recomputed()
    assert set(_derived().values()) == {0b11_1111_1000, 0b00_0111_1000}  # April–October; 1 in 15 owes
