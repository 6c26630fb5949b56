"""The steps of the dues expected per organisation (members.DuesDueTally, migration 0019) and their sums before
each year (R-MB-07, R-MB-13, R-MB-14): the sum before year Y is the months owed and their money in the December
before, counted member by member, after every kind of write; the whole tally is what a rebuild from the rows
recorded gives; the figures of a year read one row per organisation, across the turn of a year and after the
last year with a sum (DuesDueTally.HORIZON). Two transactions writing the tally of the same organisations at
the same moment both commit: each trigger writes its rows in one insert, in key order."""

import importlib
import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.db.models import F

from members.dues import dues_base_set, dues_reduction_record, with_due_months
from members.models import DuesBase, DuesDueTally, Member
from members.status import change_status
from tests import factories, tallies
from tests.reports.test_dues_block_equivalence import direct_expected, kept_expected

_MIGRATION = importlib.import_module("members.migrations.0020_dues_due_tally_cumulative")
HORIZON = DuesDueTally.HORIZON
# The years whose sums are checked: before the oldest joining date in these tests, through the years of their
# bases, the years after (no step of their own), and the last ones with a sum.
YEARS = [*range(1989, 2032), HORIZON - 1, HORIZON]
# Windows read across the turn of each year, in years without a step of their own and after HORIZON.
READ_YEARS = [2025, 2026, 2027, 2028, 2029, 2031, HORIZON, HORIZON + 1, HORIZON + 5]


def kept_before(year: int) -> dict:
    return {
        org: (months, amount)
        for org, months, amount in DuesDueTally.objects.filter(
            cumulative=True, month=date(year, 1, 1)
        ).values_list("organization_id", "months", "amount")
    }


def direct_before(year: int) -> dict:
    """Per organisation: the months owed in December of the year before and their money, member by member."""
    december = date(year - 1, 12, 1)
    figures: dict[int, tuple[int, Decimal]] = {}
    for m in with_due_months(
        Member.objects.filter(status__in=Member.ACTIVE_STATUSES), first=december, last=december
    ):
        count, amount = figures.get(m.organization_id, (0, Decimal("0")))
        figures[m.organization_id] = (count + m.expected_count, amount + m.expected_amount)
    return {org: figure for org, figure in figures.items() if figure != (0, Decimal("0"))}


def kept_rows() -> set:
    return set(DuesDueTally.objects.values_list("organization_id", "cumulative", "month", "months", "amount"))


def rebuilt_rows() -> set:
    """The tally rebuilt from the members and bases recorded (the migration's fill), then rolled back."""
    return tallies.rebuilt_rows(_MIGRATION.FILL, kept_rows)


def assert_kept_exact() -> None:
    rows = kept_rows()
    assert rows == rebuilt_rows()
    assert not [row for row in rows if row[3] == 0 and row[4] == 0]  # emptied rows are removed
    assert not [row for row in rows if row[1] and row[2].year > HORIZON]
    for year in YEARS:
        assert kept_before(year) == direct_before(year), year
    for year in READ_YEARS:
        for first, last in [(date(year, 1, 1), date(year, 12, 1)), (date(year, 4, 1), date(year, 9, 1))]:
            assert kept_expected(first, last) == direct_expected(first, last), (first, last)


def _member(branch, **fields):
    return factories.make_member(branch, full_member_on=None, **fields)


def _base(member, year, base, clerk):
    return dues_base_set(
        member=member,
        year=year,
        category="salaried",
        base=Decimal(base),
        set_on=date(year, 1, 5),
        set_by=clerk,
    )


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


@pytest.mark.django_db
def test_the_sums_before_each_year_equal_a_direct_recount_after_every_kind_of_write_R_MB_07_R_MB_14(
    branch_a, branch_b, clerk
):
    old = _member(branch_a, joined_on=date(1990, 3, 15), monthly_dues=Decimal("1.50"))
    undated = _member(branch_a, joined_on=None, monthly_dues=Decimal("3.00"))
    recent = _member(branch_b, joined_on=date(2026, 5, 20), status=Member.Status.PROBATIONARY)
    future = _member(branch_b, joined_on=date(2027, 12, 31), status=Member.Status.PROBATIONARY)
    assert_kept_exact()
    assert kept_before(2027)  # the checks compare sums that are not all zero

    # New bases: this year, next year (set before the year turns), last year only (this year provisional).
    _base(old, 2026, "4000", clerk)
    _base(old, 2027, "12000", clerk)
    _base(undated, 2025, "2500", clerk)
    _base(recent, 2026, "8000", clerk)
    assert_kept_exact()
    # Changed bases: re-set, a reduction and an exemption from a month, direct updates of one and of many, a
    # base moved to another year, deletions.
    _base(old, 2026, "6000", clerk)
    _reduce(old, 2026, "20.00", 4)
    _reduce(recent, 2026, "0", 9)
    assert_kept_exact()
    DuesBase.objects.filter(member=undated, year=2025).update(monthly_amount=Decimal("99.99"))
    DuesBase.objects.filter(year=2026).update(monthly_amount=F("monthly_amount") + Decimal("1.00"))
    DuesBase.objects.filter(member=undated, year=2025).update(year=2024)
    assert_kept_exact()
    DuesBase.objects.filter(member=old, year=2027).delete()
    assert_kept_exact()

    # Members join: today, with a date long past (an import), without a date, off the roll.
    joined = _member(branch_b, joined_on=date(1995, 1, 1), monthly_dues=Decimal("0.20"))
    _member(branch_a, joined_on=date(2026, 12, 1))
    _member(branch_b, joined_on=None)
    _member(branch_a, joined_on=date(2001, 6, 1), status=Member.Status.TRANSFERRED_OUT)
    assert_kept_exact()
    # … leave (a dated status change, a bulk one), come back by a correction …
    change_status(
        member=old,
        to_status=Member.Status.DECEASED,
        effective_on=date(2026, 10, 3),
        reason="病故",
        recorded_by=clerk,
    )
    Member.objects.filter(pk__in=[joined.pk, future.pk]).update(status=Member.Status.TRANSFERRED_OUT)
    assert_kept_exact()
    Member.objects.filter(pk=old.pk).update(status=Member.Status.FULL)
    assert_kept_exact()
    # … move organisation (one, then a whole branch), change joining date and amount, are deleted.
    Member.objects.filter(pk=old.pk).update(organization=branch_b)
    assert_kept_exact()
    Member.objects.filter(organization=branch_b).update(organization=branch_a, monthly_dues=Decimal("2.50"))
    Member.objects.filter(pk=undated.pk).update(joined_on=date(1989, 12, 1))
    Member.objects.filter(pk=recent.pk).update(joined_on=date(2027, 2, 1))
    assert_kept_exact()
    future.delete()
    assert_kept_exact()

    # The bases of next year for everyone in one statement, as the annual check does; then all of them removed.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO members_duesbase (member_id, year, category, monthly_amount, set_on, "
            "branch_decision, committee_approval) "
            "SELECT m.id, 2027, 'relief', 0.20, DATE '2027-01-02', '', '' FROM members_member m "
            "WHERE NOT EXISTS (SELECT 1 FROM members_duesbase b WHERE b.member_id = m.id AND b.year = 2027)"
        )
    assert_kept_exact()
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("TRUNCATE members_duesbase")
    assert_kept_exact()
    Member.objects.exclude(pk=old.pk).delete()
    assert_kept_exact()
    Member.objects.filter(pk=old.pk).update(status=Member.Status.TRANSFERRED_OUT)  # nobody left on the roll
    assert kept_rows() == set()


@pytest.mark.django_db
def test_a_year_reads_one_sum_per_organisation_R_MB_07(branch_a, branch_b):
    """The figures of a year come from one sum per organisation and the steps of that year, not from a row per
    year of history; after HORIZON, from the sum before it and the steps since."""
    for year in range(1970, 2026, 5):
        _member((branch_a, branch_b)[year % 2], joined_on=date(year, 2, 1))
    first, last = date(2026, 1, 1), date(2026, 11, 1)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM members_duesduetally WHERE cumulative AND month = %s "
            "OR NOT cumulative AND month BETWEEN %s AND %s",
            [first, first, last],
        )
        assert cursor.fetchone()[0] == 2
    assert kept_expected(first, last) == direct_expected(first, last)
    assert kept_expected(date(HORIZON + 3, 1, 1), date(HORIZON + 3, 2, 1)) == direct_expected(
        date(HORIZON + 3, 1, 1), date(HORIZON + 3, 2, 1)
    )
    # A step after HORIZON (a member joining then) is read from the steps after it.
    _member(branch_a, joined_on=date(HORIZON + 1, 7, 1))
    assert kept_expected(date(HORIZON + 3, 1, 1), date(HORIZON + 3, 2, 1)) == direct_expected(
        date(HORIZON + 3, 1, 1), date(HORIZON + 3, 2, 1)
    )


@pytest.mark.django_db
def test_each_trigger_writes_the_tally_in_one_statement_in_key_order():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname LIKE 'members\\_%%\\_dues\\_due\\_%%' AND NOT t.tgisinternal"
        )
        functions = dict(cursor.fetchall())
    assert len(functions) == 8
    for name, source in functions.items():
        if name == "members_member_dues_due_truncate":
            assert "INSERT" not in source
            continue
        assert source.count("INSERT INTO members_duesduetally") == 1, name
        assert "ORDER BY 1, 2, 3" in source, name
        # nothing is deleted but the rows the insert emptied (and locked), except when everything is rebuilt
        assert source.count("DELETE FROM members_duesduetally") == 1 + name.endswith("_truncate"), name


# --- two writers at the same moment -------------------------------------------------------------------------

ROUNDS = 6


def _at_once(*jobs) -> list[BaseException]:
    """Run each job in its own thread, connection and transaction, all started together and held open a
    moment after writing."""
    errors: list[BaseException] = []
    start = threading.Barrier(len(jobs))

    def run(job):
        try:
            start.wait()
            with transaction.atomic():
                job()
                time.sleep(0.05)
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


@pytest.mark.django_db(transaction=True)
def test_two_writers_in_the_same_organisations_both_commit_and_the_tally_stays_exact_R_MB_07():
    """The writes that took 0014's two statements in opposite orders: members moving between two branches in
    opposite directions (each subtracts from the branch the other adds to), and in one branch two members'
    joining dates swapping months and years, earlier than both (each subtracts the steps the other adds). Each writer moves a
    group of members with bases of several years, so that its statement takes a while."""
    one, two = factories.make_branch(), factories.make_branch()
    groups = []
    for branch, joined in ((one, date(1998, 3, 1)), (two, date(2012, 9, 1))):
        members = [_member(branch, joined_on=joined) for _ in range(20)]
        DuesBase.objects.bulk_create(
            DuesBase(
                member=m, year=y, category="relief", monthly_amount=Decimal("0.20"), set_on=date(y, 1, 2)
            )
            for m in members
            for y in (2024, 2025, 2026)
        )
        groups.append([m.pk for m in members])

    def move(ids, to):
        return lambda: Member.objects.filter(pk__in=ids).update(organization=to)

    def join_on(ids, day):
        return lambda: Member.objects.filter(pk__in=ids).update(joined_on=day)

    errors = []
    for n in range(ROUNDS):
        there, back = (two, one) if n % 2 == 0 else (one, two)
        errors += _at_once(move(groups[0], there), move(groups[1], back))
    # both groups in one branch now; their joining dates swap between 1990 and 1994, back and forth
    Member.objects.filter(pk__in=groups[1]).update(organization=one)
    for n in range(ROUNDS):
        early, late = (date(1990, 3, 1), date(1994, 9, 1))[:: 1 if n % 2 else -1]
        errors += _at_once(join_on(groups[0], early), join_on(groups[1], late))
    assert errors == []
    assert kept_rows() == rebuilt_rows()
    for year in (1999, 2013, 2026, 2027, 2028):
        assert kept_before(year) == direct_before(year), year
    assert kept_expected(date(2026, 1, 1), date(2026, 12, 1)) == direct_expected(
        date(2026, 1, 1), date(2026, 12, 1)
    )
