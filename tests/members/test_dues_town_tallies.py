"""The town's sums of the dues tallies (members.DuesDueTownTally, DuesPaidTownPattern, migration 0026, issue 21)
equal members.DuesDueTally and DuesPaidPattern summed over the organisations, and their rebuild, after every kind
of write the tallies follow — payments, bases, members, bulk SQL, truncation — and the 工作台's arrears of the
whole town that read them equal a count member by member (R-MB-07, R-MB-13, R-MB-14); a branch secretary's are
read per organisation, and equal theirs too. With a trigger dropped the sums and the arrears go wrong."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F

from core.models import Organization
from members.dues import arrears_totals, arrears_totals_in, dues_pay
from members.models import (
    DuesBase,
    DuesDueTally,
    DuesDueTownTally,
    DuesPaidPattern,
    DuesPaidTownPattern,
    DuesPayment,
    Member,
)
from tests import factories, tallies
from tests.reports.test_dues_block_equivalence import TOTALS_DAYS, _base_row, _many_members

pytestmark = pytest.mark.django_db

_MIGRATION = importlib.import_module("members.migrations.0026_dues_town_tallies")
_DUE = ("cumulative", "month")
_PAID = ("year", "owed_mask", "paid_mask", "reduced_mask")


def _summed(model, keys: tuple, figures: tuple) -> set:
    sums: dict = {}
    for row in model.objects.values_list(*keys, *figures):
        key, values = row[: len(keys)], row[len(keys) :]
        sums[key] = tuple(a + b for a, b in zip(sums.get(key, (0,) * len(figures)), values, strict=True))
    return {(*key, *values) for key, values in sums.items() if any(values)}


def kept_town() -> set:
    """Both town tallies' rows, each tagged with its tally."""
    return {("due", *row) for row in DuesDueTownTally.objects.values_list(*_DUE, "months", "amount")} | {
        ("paid", *row)
        for row in DuesPaidTownPattern.objects.values_list(*_PAID, "members", "amount", "reduced_amount")
    }


def summed_town() -> set:
    """The per-organisation tallies summed here, organisation by organisation, tagged as ``kept_town``."""
    return {("due", *row) for row in _summed(DuesDueTally, _DUE, ("months", "amount"))} | {
        ("paid", *row) for row in _summed(DuesPaidPattern, _PAID, ("members", "amount", "reduced_amount"))
    }


def assert_exact(scopes) -> None:
    kept = kept_town()
    assert kept == summed_town()
    assert kept == tallies.rebuilt_rows(_MIGRATION.FILL, kept_town)
    for today in TOTALS_DAYS:
        for org_ids in scopes:
            members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
            if org_ids is not None:
                members = members.filter(organization_id__in=org_ids)
            shown, direct = arrears_totals_in(org_ids, today), arrears_totals(members, today)
            assert (shown["members"], shown["amount"] or 0) == (direct["members"], direct["amount"] or 0), (
                today,
                org_ids,
            )


@pytest.fixture
def dues_town(branch_a, branch_b):
    group = factories.make_branch(
        "东村第一党小组", kind=Organization.Kind.PARTY_GROUP, parent=branch_a, code="EAST1"
    )
    members = _many_members(branch_a, branch_b, group)
    return members, [None, {branch_a.pk}, {branch_b.pk, group.pk}]


def test_the_town_sums_equal_the_tallies_summed_after_every_kind_of_write_R_MB_07_R_MB_13(
    dues_town, branch_a, branch_b, clerk
):
    members, scopes = dues_town
    assert_exact(scopes)
    assert {row[0] for row in kept_town()} == {"due", "paid"}  # the checks compare sums that are not empty
    a, b, c = [m for m in members if m.status in Member.ACTIVE_STATUSES][:3]

    payer = factories.make_member(branch_a, joined_on=date(2026, 3, 9), status=Member.Status.PROBATIONARY)
    dues_pay(
        member=payer,
        months=[date(2026, m, 1) for m in range(3, 9)],
        paid_on=date(2026, 9, 1),
        recorded_by=clerk,
    )
    DuesPayment.objects.filter(member=b, month__year=2026).delete()
    fresh = factories.make_member(branch_b, joined_on=date(2024, 5, 6), full_member_on=None)
    DuesPayment.objects.filter(member=c, month__year=2025).update(member=fresh)
    assert_exact(scopes)
    DuesBase.objects.filter(year=2026).update(monthly_amount=F("monthly_amount") + Decimal("0.50"))
    DuesBase.objects.filter(member=a).delete()
    DuesBase.objects.bulk_create([_base_row(a, 2026, "9.90", reduced="0", reduced_from=5)])
    assert_exact(scopes)
    Member.objects.filter(organization=branch_b).update(organization=branch_a)
    Member.objects.filter(pk=b.pk).update(status=Member.Status.TRANSFERRED_OUT, joined_on=date(2026, 4, 2))
    factories.make_member(branch_b, joined_on=date(2026, 2, 3), full_member_on=None)
    assert_exact(scopes)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duespayment (member_id, month, amount, paid_on) "
            "SELECT m.id, DATE '2026-06-01', 2, DATE '2026-06-01' FROM members_member m "
            "WHERE NOT EXISTS (SELECT 1 FROM members_duespayment p "
            "WHERE p.member_id = m.id AND p.month = DATE '2026-06-01')"
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE members_duesbase")
    assert_exact(scopes)
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE members_duespayment")
    assert_exact(scopes)
    assert not DuesPaidTownPattern.objects.exists()


@pytest.mark.parametrize(
    "trigger",
    [
        "members_duesduetally_town_insert ON members_duesduetally",
        "members_duespaidpattern_town_insert ON members_duespaidpattern",
    ],
)
def test_with_a_trigger_dropped_the_town_sums_and_the_arrears_go_wrong_R_MB_07(branch_a, trigger):
    """Proof that the checks above can fail: the town's arrears read the town's sums, not the tallies."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TRIGGER {trigger}")
    member = factories.make_member(branch_a, joined_on=date(2020, 1, 1), full_member_on=None)
    DuesPayment.objects.bulk_create(
        DuesPayment(member=member, month=date(2026, m, 1), amount=Decimal("2.00"), paid_on=date(2026, m, 1))
        for m in (1, 2)
    )
    assert kept_town() != summed_town()
    today = date(2026, 4, 1)
    members = Member.objects.filter(status__in=Member.ACTIVE_STATUSES)
    assert arrears_totals_in(None, today) != arrears_totals(members, today)
    assert arrears_totals_in({branch_a.pk}, today) == arrears_totals(
        members, today
    )  # per organisation: right
