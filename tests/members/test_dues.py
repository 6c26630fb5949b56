"""Dues and arrears (R-MB-07)."""

from datetime import date
from decimal import Decimal

import pytest

from members.dues import arrears_months, dues_record, members_in_arrears, unpaid_months, with_arrears
from members.exceptions import MemberError
from members.models import Member
from tests import factories

pytestmark = pytest.mark.django_db


def _pay(member, month, clerk):
    return dues_record(member=member, month=month, amount=Decimal("2.00"), paid_on=month, recorded_by=clerk)


def test_arrears_count_months_of_this_year_before_the_current_month_R_MB_07(branch_a, clerk):
    member = factories.make_member(branch_a, joined_on=date(2005, 7, 1))
    _pay(member, date(2026, 1, 1), clerk)
    _pay(member, date(2026, 3, 1), clerk)
    on = date(2026, 5, 20)  # January–April expected; May is not due until its end
    assert arrears_months(member, on) == 2
    assert unpaid_months(member, on) == [date(2026, 2, 1), date(2026, 4, 1)]


def test_arrears_start_from_the_joining_month_R_MB_07(branch_a, clerk):
    member = factories.make_member(
        branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2026, 3, 15), full_member_on=None
    )
    assert arrears_months(member, date(2026, 6, 1)) == 3  # March, April, May
    assert arrears_months(member, date(2026, 3, 31)) == 0


def test_members_in_arrears_is_one_query_and_skips_members_who_left_R_MB_07(
    branch_a, clerk, django_assert_num_queries
):
    paid = factories.make_member(branch_a)
    owing = factories.make_member(branch_a)
    gone = factories.make_member(branch_a, status=Member.Status.DECEASED)
    _pay(paid, date(2026, 1, 1), clerk)
    with django_assert_num_queries(1):
        rows = dict(with_arrears(Member.objects.all(), date(2026, 2, 10)).values_list("pk", "arrears_count"))
    assert rows == {paid.pk: 0, owing.pk: 1, gone.pk: 0}
    assert list(members_in_arrears(Member.objects.all(), date(2026, 2, 10))) == [owing]


def test_a_month_cannot_be_recorded_twice_R_MB_07(branch_a, clerk):
    member = factories.make_member(branch_a)
    _pay(member, date(2026, 1, 1), clerk)
    with pytest.raises(MemberError, match="R-MB-14.*已登记"):
        dues_record(
            member=member,
            month=date(2026, 1, 20),
            amount=Decimal("2"),
            paid_on=date(2026, 2, 1),
            recorded_by=clerk,
        )


def test_dues_refuse_a_zero_amount_and_months_more_than_a_year_ahead_R_MB_07_R_MB_14(branch_a, clerk):
    member = factories.make_member(branch_a)
    with pytest.raises(MemberError):
        dues_record(
            member=member,
            month=date(2026, 1, 1),
            amount=Decimal("0"),
            paid_on=date(2026, 1, 1),
            recorded_by=clerk,
        )
    with pytest.raises(MemberError):
        dues_record(
            member=member,
            month=date(2027, 2, 1),
            amount=Decimal("2"),
            paid_on=date(2026, 1, 5),
            recorded_by=clerk,
        )
    dues_record(
        member=member,
        month=date(2027, 1, 1),
        amount=Decimal("2"),
        paid_on=date(2026, 1, 5),
        recorded_by=clerk,
    )
