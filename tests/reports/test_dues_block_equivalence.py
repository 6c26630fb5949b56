"""The statistics' dues block (党费收缴, R-MB-07, R-MB-13) gives exactly the figures of a direct count, for every
period the page offers and after every kind of write: the 实交 column from the sums the database keeps per
organisation and month (members.DuesMonthTally, migration 0013), the rest from the months owed (with_due_months,
whose arrears are proven in tests/members/test_dues_gap.py and test_dues_derived.py)."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from members import analysis
from members.dues import dues_pay, period_due_range, with_due_months
from members.models import DuesMonthTally, DuesPayment, Member
from reports.periods import Period
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 22)
PERIODS = [
    Period("month", 2026, 1),
    Period("month", 2026, 10),
    Period("quarter", 2026, 1),
    Period("quarter", 2026, 4),
    Period("year", 2026),
    Period("year", 2025),
]


def recomputed_tally() -> dict:
    sums: Counter = Counter()
    for org, month, amount in DuesPayment.objects.values_list("member__organization_id", "month", "amount"):
        sums[(org, month)] += amount
    return dict(sums)


def kept_tally() -> dict:
    return {(o, m): a for o, m, a in DuesMonthTally.objects.values_list("organization_id", "month", "amount")}


def direct_block(start: date, end: date) -> dict:
    """Per branch name: expected, collected, arrears, members in arrears — counted member by member."""
    first, last = period_due_range(start, end, TODAY)
    figures: dict[int, list] = {}
    for m in with_due_months(
        Member.objects.filter(status__in=Member.ACTIVE_STATUSES), first=first, last=last
    ):
        row = figures.setdefault(m.organization_id, [Decimal("0"), Decimal("0"), Decimal("0"), 0])
        row[0] += m.expected_amount
        row[2] += m.arrears_amount
        row[3] += m.arrears_count > 0
    for payment in DuesPayment.objects.filter(month__range=(start, end)).select_related("member"):
        row = figures.setdefault(
            payment.member.organization_id, [Decimal("0"), Decimal("0"), Decimal("0"), 0]
        )
        row[1] += payment.amount
    return {
        branch.name: tuple(figures.get(branch.pk, [Decimal("0"), Decimal("0"), Decimal("0"), 0]))
        for branch in analysis.branches(None)
    }


def assert_exact() -> None:
    assert kept_tally() == recomputed_tally()
    for period in PERIODS:
        shown = {
            b.branch: (b.expected, b.collected, b.arrears, b.members_in_arrears)
            for b in analysis.dues(org_ids=None, start=period.start, end=period.end, today=TODAY)
        }
        assert shown == direct_block(period.start, period.end), period


def _pay(member, *months, amount="2.00"):
    DuesPayment.objects.bulk_create(
        DuesPayment(member=member, month=m, amount=Decimal(amount), paid_on=m) for m in months
    )


def test_the_dues_block_equals_a_direct_count_after_every_kind_of_write_R_MB_07(branch_a, branch_b, clerk):
    a, b, c = (
        factories.make_member(branch_a),
        factories.make_member(branch_a),
        factories.make_member(branch_b),
    )
    _pay(a, *(date(2025, m, 1) for m in range(10, 13)), *(date(2026, m, 1) for m in range(1, 8)))
    _pay(c, date(2026, 1, 1), date(2026, 2, 1), amount="5.00")
    assert_exact()
    assert kept_tally()  # the checks compare figures that are not all zero
    dues_pay(
        member=b,
        months=[date(2026, m, 1) for m in range(1, 11)],
        paid_on=date(2026, 10, 30),
        recorded_by=clerk,
    )
    assert_exact()
    # Corrections: the month, the amount, the member; deletions of one and of many.
    DuesPayment.objects.filter(member=a, month=date(2026, 7, 1)).update(month=date(2026, 8, 1))
    DuesPayment.objects.filter(member=c).update(amount=Decimal("7.50"))
    DuesPayment.objects.filter(member=a, month=date(2025, 12, 1)).update(member=c)
    assert_exact()
    DuesPayment.objects.filter(member=b, month=date(2026, 3, 1)).get().delete()
    DuesPayment.objects.filter(member=a, month__year=2025).delete()
    assert_exact()
    # A member moves branch (the sums of their payments move with them), then a whole branch in bulk.
    Member.objects.filter(pk=a.pk).update(organization=branch_b)
    assert_exact()
    Member.objects.filter(organization=branch_b).update(organization=branch_a)
    assert_exact()
    # The demo data's INSERT … SELECT, then everything removed at once.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on) "
            "SELECT m.id, g.month::date, 3, g.month::date FROM members_member m "
            "CROSS JOIN generate_series(%s::date, %s::date, interval '1 month') AS g(month) "
            "WHERE m.id = %s",
            [date(2026, 11, 1), date(2027, 2, 1), c.pk],
        )
    assert_exact()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses pending deferred FK checks
        cursor.execute("TRUNCATE members_duespayment")
    assert_exact()
    assert kept_tally() == {}


def test_a_wrong_tally_is_seen_R_MB_07(branch_a):
    """Proof that the check above can fail: the block reads the kept sums, not the payments."""
    member = factories.make_member(branch_a)
    _pay(member, date(2026, 3, 1))
    DuesMonthTally.objects.update(amount=Decimal("99.00"))
    assert kept_tally() != recomputed_tally()
    period = Period("quarter", 2026, 1)
    shown = analysis.dues(org_ids=None, start=period.start, end=period.end, today=TODAY)
    assert {b.collected for b in shown if b.branch == branch_a.name} == {Decimal("99.00")}
