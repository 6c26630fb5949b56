"""The statistics' dues block (党费收缴, R-MB-07, R-MB-13, R-MB-14) gives exactly the figures of a direct count,
for every period the page offers and after every kind of write: the 实交 column from the sums the database keeps
per organisation and month (members.DuesMonthTally, migration 0013), the 应交 column from the steps it keeps per
organisation and month (members.DuesDueTally, migrations 0014 and 0019), the arrears from the members who may owe
(members.DuesGap) — each compared with with_due_months over every member on the roll, whose arrears are proven
in tests/members/test_dues_gap.py and test_dues_derived.py."""

import importlib
import random
from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from core.models import Organization
from members import analysis
from members.dues import (
    arrears_by_organization,
    arrears_totals,
    arrears_totals_in,
    dues_base_set,
    dues_pay,
    dues_reduction_record,
    expected_by_organization,
    period_due_range,
    with_due_months,
)
from members.models import DuesBase, DuesDueTally, DuesMonthTally, DuesPaidPattern, DuesPayment, Member
from members.status import change_status
from reports.periods import Period
from tests import factories, tallies

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


def direct_block(start: date, end: date, today: date = TODAY) -> dict:
    """Per branch name: expected, collected, arrears, members in arrears — counted member by member."""
    first, last = period_due_range(start, end, today)
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


# --- 应交: the kept steps (members.DuesDueTally) against with_due_months over every member ------------------

# Every month of three years, each quarter and each year: a wrong step shows in the month it is wrong.
WINDOWS = (
    [(date(y, m, 1), date(y, m, 1)) for y in (2025, 2026, 2027) for m in range(1, 13)]
    + [(date(y, q * 3 - 2, 1), date(y, q * 3, 1)) for y in (2025, 2026, 2027) for q in range(1, 5)]
    + [(date(y, 1, 1), date(y, 12, 1)) for y in (2024, 2025, 2026, 2027)]
)
# The days the block is checked on: January (the window is last year), mid-year, the last day of the year.
BLOCK_DAYS = [date(2026, 1, 10), date(2026, 7, 1), date(2026, 11, 22), date(2027, 1, 1), date(2027, 12, 31)]


def direct_expected(first: date, last: date) -> dict:
    figures: dict[int, tuple[int, Decimal]] = {}
    for m in with_due_months(
        Member.objects.filter(status__in=Member.ACTIVE_STATUSES), first=first, last=last
    ):
        count, amount = figures.get(m.organization_id, (0, Decimal("0")))
        figures[m.organization_id] = (count + m.expected_count, amount + m.expected_amount)
    return {org: figure for org, figure in figures.items() if figure != (0, Decimal("0"))}


def kept_expected(first: date, last: date) -> dict:
    figures = {
        row["organization_id"]: (row["expected_count"], row["expected_amount"])
        for row in expected_by_organization(first=first, last=last)
    }
    return {org: figure for org, figure in figures.items() if figure != (0, Decimal("0"))}


def assert_expected_exact() -> None:
    for first, last in WINDOWS:
        assert kept_expected(first, last) == direct_expected(first, last), (first, last)
    for today in BLOCK_DAYS:
        for period in [*PERIODS, Period("quarter", 2027, 1), Period("year", 2027)]:
            shown = {
                b.branch: (b.expected, b.collected, b.arrears, b.members_in_arrears)
                for b in analysis.dues(org_ids=None, start=period.start, end=period.end, today=today)
            }
            assert shown == direct_block(period.start, period.end, today), (today, period)


def _reduce(member, year, amount, from_month):
    dues_reduction_record(
        member=member,
        year=year,
        reduced_amount=Decimal(amount),
        from_month=from_month,
        branch_decision="支部决定",
        branch_decided_on=date(year, 1, 2),
        committee_approval="镇党委批准",
        committee_approved_on=date(year, 1, 3),
        recorded_by=None,
    )


def _base(member, year, base, set_on, clerk):
    return dues_base_set(
        member=member,
        year=year,
        category="salaried",
        base=Decimal(base),
        set_on=set_on,
        set_by=clerk,
    )


def test_expected_equals_a_direct_count_after_every_kind_of_write_R_MB_07_R_MB_13_R_MB_14(
    branch_a, branch_b, clerk
):
    old = factories.make_member(branch_a, joined_on=date(1990, 3, 15), monthly_dues=Decimal("1.50"))
    undated = factories.make_member(branch_a, joined_on=None, monthly_dues=Decimal("3.00"))
    mid = factories.make_member(
        branch_b, joined_on=date(2026, 5, 20), status=Member.Status.PROBATIONARY
    )  # joins mid-quarter, mid-year
    january = factories.make_member(branch_b, joined_on=date(2026, 1, 1), status=Member.Status.PROBATIONARY)
    late = factories.make_member(branch_b, joined_on=date(2027, 12, 31), status=Member.Status.PROBATIONARY)
    probationary = factories.make_member(
        branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2025, 8, 1)
    )
    assert_expected_exact()
    assert kept_expected(
        date(2026, 1, 1), date(2026, 12, 1)
    )  # the checks compare figures that are not all zero

    # Bases: one for this year; one for last year only (this year is provisional at last year's amount,
    # R-MB-14); one set late in the year; a re-set; a reduction from a month; an exemption from a month.
    _base(old, 2026, "4000", date(2026, 1, 5), clerk)
    _base(undated, 2025, "12000", date(2025, 2, 1), clerk)
    assert_expected_exact()
    _base(mid, 2026, "8000", date(2026, 11, 30), clerk)
    _base(old, 2026, "6000", date(2026, 3, 1), clerk)
    assert_expected_exact()
    _base(january, 2026, "2000", date(2026, 1, 20), clerk)
    _reduce(old, 2026, "20.00", 4)
    _reduce(january, 2026, "0", 7)  # exempt from July: those months are not owed
    assert_expected_exact()
    _base(january, 2025, "9000", date(2025, 12, 1), clerk)  # before joining: owes nothing for 2025
    _base(probationary, 2025, "3500", date(2025, 9, 1), clerk)
    _base(probationary, 2027, "500", date(2027, 1, 5), clerk)  # 2026 on 2025's, 2027 its own
    assert_expected_exact()
    # Base rows written directly: an update of one, of many, a move of a base to another year, deletions.
    DuesBase.objects.filter(member=undated, year=2025).update(monthly_amount=Decimal("99.99"))
    DuesBase.objects.filter(year=2026).update(monthly_amount=F("monthly_amount") + Decimal("1.00"))
    assert_expected_exact()
    DuesBase.objects.filter(member=probationary, year=2025).update(year=2024)
    DuesBase.objects.filter(member=old, year=2026).update(reduced_amount=Decimal("0"))
    assert_expected_exact()
    DuesBase.objects.filter(member=probationary, year=2024).delete()
    DuesBase.objects.filter(member=january).delete()
    assert_expected_exact()

    # Members: joining date changed (later, earlier, removed), the record's amount, a move, a bulk move back,
    # a member leaving (a dated status change) and a correction back, a bulk status update, a deletion.
    Member.objects.filter(pk=mid.pk).update(joined_on=date(2026, 8, 31))
    Member.objects.filter(pk=late.pk).update(joined_on=date(2026, 12, 1))
    Member.objects.filter(pk=january.pk).update(joined_on=None)
    assert_expected_exact()
    Member.objects.filter(pk=undated.pk).update(monthly_dues=Decimal("0.20"))
    Member.objects.filter(pk=old.pk).update(organization=branch_b)
    assert_expected_exact()
    Member.objects.filter(organization=branch_b).update(organization=branch_a, monthly_dues=Decimal("2.50"))
    assert_expected_exact()
    change_status(
        member=mid,
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 10, 3),
        reason="病故",
        recorded_by=clerk,
    )
    assert_expected_exact()
    Member.objects.filter(pk=mid.pk).update(status=Member.Status.PROBATIONARY)  # a correction in bulk
    Member.objects.filter(pk__in=[old.pk, probationary.pk]).update(status=Member.Status.TRANSFERRED_OUT)
    assert_expected_exact()
    Member.objects.update(name="改名")  # a bulk update that changes nothing the figures depend on
    late.delete()
    assert_expected_exact()
    # Members and bases added by SQL in bulk, as the demo data and the import do.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duesbase (member_id, year, category, monthly_amount, set_on, "
            "branch_decision, committee_approval) "
            "SELECT m.id, 2027, 'relief', 0.20, DATE '2027-01-02', '', '' FROM members_member m "
            "WHERE m.status IN ('full', 'probationary') AND NOT EXISTS ("
            "SELECT 1 FROM members_duesbase b WHERE b.member_id = m.id AND b.year = 2027)"
        )
    assert_expected_exact()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE members_duesbase")
    assert_expected_exact()


def test_a_wrong_expected_step_is_seen_R_MB_07(branch_a):
    """Proof that the check above can fail: the block's 应交 reads the kept steps, not the members."""
    factories.make_member(branch_a)
    first, last = date(2026, 1, 1), date(2026, 3, 1)
    assert kept_expected(first, last) == direct_expected(first, last) == {branch_a.pk: (3, Decimal("6.00"))}
    DuesDueTally.objects.create(
        organization=branch_a, cumulative=False, month=date(2026, 3, 1), months=0, amount=Decimal("1")
    )
    assert kept_expected(first, last) != direct_expected(first, last)
    shown = analysis.dues(org_ids=None, start=first, end=date(2026, 3, 31), today=TODAY)
    assert {b.expected for b in shown if b.branch == branch_a.name} == {Decimal("7.00")}


# --- arrears: the kept steps and the months owed and paid (members.DuesPaidPattern) against with_due_months --

ARREARS_WINDOWS = WINDOWS + [(date(y, 1, 1), date(y, m, 1)) for y in (2025, 2026, 2027) for m in range(2, 12)]
# The 工作台's days: its window is January … the last month due (_expected_range), last year's in January.
TOTALS_DAYS = [date(2026, 1, 10), date(2026, 2, 1), date(2026, 6, 15), date(2026, 12, 7), date(2027, 4, 30)]


def direct_arrears(first: date, last: date, org_ids=None) -> dict:
    """Per organisation: the arrears and the members in arrears, counted member by member."""
    members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
    if org_ids is not None:
        members = members.filter(organization_id__in=org_ids)
    figures: dict[int, tuple[Decimal, int]] = {}
    for m in with_due_months(members, first=first, last=last):
        amount, count = figures.get(m.organization_id, (Decimal("0"), 0))
        figures[m.organization_id] = (amount + m.arrears_amount, count + (m.arrears_count > 0))
    return {org: figure for org, figure in figures.items() if figure != (Decimal("0"), 0)}


def kept_arrears(first: date, last: date, org_ids=None) -> dict:
    figures = {
        org: (f.arrears, f.members)
        for org, f in arrears_by_organization(first=first, last=last, org_ids=org_ids).items()
    }
    return {org: figure for org, figure in figures.items() if figure != (Decimal("0"), 0)}


_PAID_PATTERN = importlib.import_module("members.migrations.0022_dues_paid_pattern_prune_emptied")


def kept_patterns() -> set:
    return set(
        DuesPaidPattern.objects.values_list(
            "organization_id",
            "year",
            "owed_mask",
            "paid_mask",
            "reduced_mask",
            "members",
            "amount",
            "reduced_amount",
        )
    )


def rebuilt_patterns() -> set:
    """The patterns rebuilt from the months paid, members and bases recorded (the migration's fill), then
    rolled back."""
    return tallies.rebuilt_rows(_PAID_PATTERN.FILL, kept_patterns)


def assert_arrears_exact(scopes) -> None:
    rows = kept_patterns()
    assert rows == rebuilt_patterns()
    assert not [row for row in rows if row[5:] == (0, 0, 0)]  # emptied patterns are removed
    assert not DuesPaidPattern.objects.filter(members__lte=0).exists()
    for first, last in ARREARS_WINDOWS:
        for org_ids in scopes:
            assert kept_arrears(first, last, org_ids) == direct_arrears(first, last, org_ids), (first, last)
    for today in TOTALS_DAYS:
        for org_ids in scopes:
            members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
            if org_ids is not None:
                members = members.filter(organization_id__in=org_ids)
            kept, direct = arrears_totals_in(org_ids, today), arrears_totals(members, today)
            assert kept["members"] == direct["members"], (today, org_ids)
            assert (kept["amount"] or 0) == (direct["amount"] or 0), (today, org_ids)
    for today in (date(2026, 7, 1), date(2027, 1, 1)):
        for period in PERIODS:
            shown = {
                b.branch: (b.expected, b.collected, b.arrears, b.members_in_arrears)
                for b in analysis.dues(org_ids=None, start=period.start, end=period.end, today=today)
            }
            assert shown == direct_block(period.start, period.end, today), (today, period)


def _base_row(member, year, amount, reduced=None, reduced_from=None):
    approval = {}
    if reduced is not None:
        approval = {
            "reduced_amount": Decimal(reduced),
            "reduced_from": reduced_from,
            "branch_decision": "支部决定",
            "branch_decided_on": date(year, 1, 2),
            "committee_approval": "镇党委批准",
            "committee_approved_on": date(year, 1, 3),
        }
    return DuesBase(
        member=member,
        year=year,
        category="salaried",
        monthly_amount=Decimal(amount),
        set_on=date(year, 1, 5),
        **approval,
    )


def _many_members(branch_a, branch_b, group):
    """Members in every state the rule knows, drawn from a fixed seed: joining before the years checked, in
    them (any month), after them, without a date; probationary, full and off the roll; bases of one year, of
    the year before only, none; reductions and exemptions from a month; payments in several years, from
    January on (the usual case), scattered, ahead."""
    rng = random.Random(21)
    statuses = [Member.Status.FULL] * 5 + [Member.Status.PROBATIONARY] * 2 + [Member.Status.TRANSFERRED_OUT]
    joined = [None, date(1999, 5, 3), date(2024, 11, 30)] + [
        date(y, m, d) for y in (2025, 2026, 2027) for m in (1, 2, 6, 11, 12) for d in (1, 17)
    ]
    members, bases, payments = [], [], []
    for n in range(36):
        members.append(
            factories.make_member(
                (branch_a, branch_b, group)[n % 3],
                joined_on=rng.choice(joined),
                status=rng.choice(statuses),
                full_member_on=None,
                monthly_dues=Decimal(rng.choice(["0.20", "1.50", "2.00", "12.35"])),
            )
        )
    for member in members:
        for year in (2025, 2026, 2027):
            kind = rng.randrange(6)
            if kind == 1:
                bases.append(_base_row(member, year, rng.choice(["3.00", "45.10"])))
            elif kind == 2:
                bases.append(_base_row(member, year, "8.00", reduced="1.00", reduced_from=rng.randint(1, 12)))
            elif kind == 3:
                bases.append(_base_row(member, year, "8.00", reduced="0", reduced_from=rng.randint(1, 12)))
            shape = rng.randrange(4)
            if shape == 0:
                months = []
            elif shape == 1:
                months = list(range(1, rng.randint(1, 12) + 1))  # from January
            elif shape == 2:
                months = rng.sample(range(1, 13), rng.randint(1, 6))  # scattered
            else:
                months = list(range(1, 13))
            payments += [
                DuesPayment(
                    member=member, month=date(year, m, 1), amount=Decimal("2.00"), paid_on=date(year, m, 1)
                )
                for m in months
            ]
    DuesBase.objects.bulk_create(bases)
    DuesPayment.objects.bulk_create(payments)
    return members


def test_arrears_equal_a_direct_count_after_every_kind_of_write_R_MB_07_R_MB_13_R_MB_14(
    branch_a, branch_b, clerk
):
    group = factories.make_branch(
        "东村第一党小组", kind=Organization.Kind.PARTY_GROUP, parent=branch_a, code="EAST1"
    )
    scopes = [None, {branch_a.pk}, {branch_b.pk, group.pk}]
    members = _many_members(branch_a, branch_b, group)
    assert DuesPaidPattern.objects.exists() and kept_arrears(date(2026, 1, 1), date(2026, 12, 1))
    assert_arrears_exact(scopes)
    on_roll = [m for m in members if m.status in Member.ACTIVE_STATUSES]
    a, b, c, d = on_roll[:4]

    # Payments through the operation, corrected, moved to another member, deleted one and in bulk.
    fresh = factories.make_member(branch_b, joined_on=date(2026, 3, 9), status=Member.Status.PROBATIONARY)
    dues_pay(
        member=fresh,
        months=[date(2026, m, 1) for m in range(3, 9)],
        paid_on=date(2026, 9, 1),
        recorded_by=clerk,
    )
    assert_arrears_exact(scopes)
    DuesPayment.objects.filter(member=fresh, month=date(2026, 8, 1)).update(month=date(2026, 10, 1))
    DuesPayment.objects.filter(member=a, month__year=2026, month__month__in=[1, 2, 11, 12]).update(
        member=fresh
    )
    DuesPayment.objects.filter(member=b, month__in=[date(2026, 2, 1), date(2025, 12, 1)]).delete()
    DuesPayment.objects.filter(member__organization=branch_b, month__year=2025, month__month__gte=6).delete()
    assert_arrears_exact(scopes)

    # Bases: next year's set (it stops falling back to this year's), this year's removed (next year falls back
    # to the year before), an exemption and a reduction written directly, an amount changed in bulk.
    DuesBase.objects.filter(member=c, year=2027).delete()
    DuesBase.objects.bulk_create([_base_row(c, 2027, "6.60")])
    DuesBase.objects.filter(member=d, year=2026).delete()
    assert_arrears_exact(scopes)
    DuesBase.objects.filter(year=2026, reduced_amount__isnull=False).update(reduced_amount=Decimal("0"))
    DuesBase.objects.filter(year=2025).update(monthly_amount=F("monthly_amount") + Decimal("0.50"))
    DuesBase.objects.filter(year=2027, reduced_from__isnull=False).update(reduced_from=3)
    assert_arrears_exact(scopes)

    # Members: joining dates, a move, a whole branch moved in bulk, the record's amount, off the roll and back
    # (the operation and in bulk), a deletion.
    Member.objects.filter(pk=a.pk).update(joined_on=date(2026, 7, 15))
    Member.objects.filter(pk=b.pk).update(joined_on=None)
    Member.objects.filter(pk=fresh.pk).update(organization=branch_a, monthly_dues=Decimal("5.55"))
    assert_arrears_exact(scopes)
    Member.objects.filter(organization=group).update(organization=branch_b)
    change_status(
        member=Member.objects.get(pk=c.pk),
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 10, 3),
        reason="病故",
        recorded_by=clerk,
    )
    assert_arrears_exact(scopes)
    Member.objects.filter(status=Member.Status.TRANSFERRED_OUT).update(status=Member.Status.FULL)
    Member.objects.filter(pk__in=[m.pk for m in members[10:20]]).update(status=Member.Status.TRANSFERRED_OUT)
    Member.objects.update(name="改名")  # changes nothing the figures depend on
    assert_arrears_exact(scopes)
    DuesPayment.objects.filter(member=d).delete()
    DuesBase.objects.filter(member=d).delete()
    Member.objects.get(pk=d.pk).delete()
    assert_arrears_exact(scopes)

    # Bulk SQL as the demo data and the import write: a month paid by everyone, then everything removed.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on) "
            "SELECT m.id, DATE '2026-05-01', 2, DATE '2026-05-01' FROM members_member m "
            "WHERE NOT EXISTS (SELECT 1 FROM members_duespayment p "
            "WHERE p.member_id = m.id AND p.month = DATE '2026-05-01')"
        )
    assert_arrears_exact(scopes)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE members_duesbase")
    assert_arrears_exact(scopes)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_duespayment")
    assert_arrears_exact(scopes)
    assert not DuesPaidPattern.objects.exists()


def test_a_wrong_paid_pattern_is_seen_R_MB_07(branch_a):
    """Proof that the checks above can fail: the arrears read the kept patterns, not the members."""
    member = factories.make_member(branch_a)
    _pay(member, date(2026, 1, 1), date(2026, 2, 1))
    first, last = date(2026, 1, 1), date(2026, 3, 1)
    assert kept_arrears(first, last) == direct_arrears(first, last) == {branch_a.pk: (Decimal("2.00"), 1)}
    DuesPaidPattern.objects.update(paid_mask=0b111)
    assert kept_arrears(first, last) != direct_arrears(first, last)
    assert arrears_totals_in(None, date(2026, 4, 1)) == {"members": 0, "amount": Decimal("0.00")}


def test_members_whose_months_start_or_stop_inside_the_window_are_counted_from_the_steps_R_MB_07(branch_a):
    """The members owing a month of a window whose run of months owed starts or stops inside it are counted
    from the months-owed steps and the exemptions starting in the window (members.dues.arrears_parts, EXEMPTED):
    an exemption starting inside the window for a member who joined before it, or who joined inside it, or
    before the member joined (exempt from the joining month), or at the window's first month."""
    cases = {
        "joined before, exempt from April": (date(2020, 5, 1), 4),
        "joined in March, exempt from June": (date(2026, 3, 9), 6),
        "joined in June, exempt from March": (date(2026, 6, 20), 3),
        "joined in May, exempt from May": (date(2026, 5, 2), 5),
        "undated, exempt from February": (None, 2),
        "joined in April, exempt from January": (date(2026, 4, 1), 1),
    }
    for joined_on, exempt_from in cases.values():
        member = factories.make_member(
            branch_a, joined_on=joined_on, status=Member.Status.FULL, full_member_on=None
        )
        DuesBase.objects.bulk_create([_base_row(member, 2026, "8.00", reduced="0", reduced_from=exempt_from)])
    factories.make_member(branch_a, joined_on=date(2026, 7, 1), status=Member.Status.PROBATIONARY)
    for first, last in [(date(2026, 1, 1), date(2026, m, 1)) for m in range(2, 13)] + [
        (date(2026, 3, 1), date(2026, 5, 1)),
        (date(2026, 4, 1), date(2026, 9, 1)),
    ]:
        assert kept_arrears(first, last) == direct_arrears(first, last), (first, last)
    for today in (date(2026, 3, 2), date(2026, 6, 15), date(2026, 12, 7)):
        members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
        kept, direct = arrears_totals_in(None, today), arrears_totals(members, today)
        assert (kept["members"], kept["amount"] or 0) == (direct["members"], direct["amount"] or 0), today
