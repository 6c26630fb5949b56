"""Clerks recording and removing one member's dues at the same moment: the months-paid record loses no month
and keeps none that was removed (members.DuesYear, R-MB-07), and the runs of unpaid months stay exact
(members.DuesGap: each transaction recomputes them after the others commit)."""

import threading
import time
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection, transaction

from members.models import DuesPayment, DuesYear
from tests import factories
from tests.members.test_dues_gap import kept_runs, recomputed_runs

MONTHS = [date(2026, m, 1) for m in range(1, 13)]


def _in_parallel(work, months):
    errors: list[BaseException] = []
    start = threading.Barrier(len(months))

    def run(month):
        try:
            start.wait()
            with transaction.atomic():
                work(month)
                time.sleep(0.05)  # hold the transaction open while the others write
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(m,)) for m in months]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors


@pytest.mark.django_db(transaction=True)
def test_months_paid_and_removed_at_the_same_time_are_all_counted_R_MB_07():
    member = factories.make_member(factories.make_branch())

    def pay(month):
        DuesPayment.objects.create(member=member, month=month, amount=Decimal("2"), paid_on=month)

    _in_parallel(pay, MONTHS)
    assert DuesYear.objects.get(member=member, year=2026).paid_months == 0b1111_1111_1111
    assert kept_runs() == recomputed_runs()

    _in_parallel(lambda month: DuesPayment.objects.filter(member=member, month=month).delete(), MONTHS[1:])
    assert DuesYear.objects.get(member=member, year=2026).paid_months == 0b1
    assert kept_runs() == recomputed_runs()

    _in_parallel(lambda month: DuesPayment.objects.filter(member=member, month=month).delete(), MONTHS[:1])
    assert not DuesYear.objects.filter(member=member).exists()
    assert kept_runs() == recomputed_runs()


@pytest.mark.django_db(transaction=True)
def test_payments_bases_and_member_changes_at_the_same_time_keep_the_arrears_exact_R_MB_07_R_MB_14():
    """The months owed and paid per organisation (members.DuesPaidPattern) stay exact when one member's
    payments, dues bases and record are written at the same moment: each trigger locks the member first and
    reads the others' committed rows."""
    from members.models import DuesBase, Member
    from tests.reports.test_dues_block_equivalence import direct_arrears, kept_arrears

    branch, other = factories.make_branch(), factories.make_branch()
    member = factories.make_member(branch)
    DuesPayment.objects.create(member=member, month=MONTHS[0], amount=Decimal("2"), paid_on=MONTHS[0])

    def base(year, amount):
        def write():
            DuesBase.objects.update_or_create(
                member=member,
                year=year,
                defaults={
                    "category": "relief",
                    "monthly_amount": Decimal(amount),
                    "set_on": date(year, 1, 2),
                },
            )

        return write

    jobs = [
        *(
            (
                lambda month=month: DuesPayment.objects.create(
                    member=member, month=month, amount=Decimal("2"), paid_on=month
                )
            )
            for month in MONTHS[1:7]
        ),
        base(2026, "3.30"),
        base(2025, "1.10"),
        lambda: Member.objects.filter(pk=member.pk).update(monthly_dues=Decimal("4.40")),
        lambda: Member.objects.filter(pk=member.pk).update(organization=other),
    ]
    _in_parallel(lambda job: job(), jobs)
    for first, last in [(date(2026, 1, 1), date(2026, 12, 1)), (date(2026, 3, 1), date(2026, 5, 1))]:
        assert kept_arrears(first, last) == direct_arrears(first, last)
    assert kept_arrears(date(2026, 1, 1), date(2026, 12, 1)) == {other.pk: (Decimal("16.50"), 1)}


@pytest.mark.django_db
def test_each_paid_pattern_trigger_writes_in_one_statement_and_deletes_only_the_rows_it_emptied():
    """The members.DuesPaidPattern triggers (migrations 0016, 0022) write the patterns as they were and as they
    are in one insert, in key order, and remove only the rows that insert returned at zero, by id: no other
    pattern is read or locked."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT p.proname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgname LIKE 'members\\_%%\\_dues\\_paid\\_%%' AND NOT t.tgisinternal"
        )
        functions = dict(cursor.fetchall())
    assert len(functions) == 11
    for name, source in functions.items():
        if name in ("members_duesyear_dues_paid_truncate", "members_member_dues_paid_truncate"):
            assert "INSERT" not in source, name
            assert source.count("DELETE FROM members_duespaidpattern") == 1, name
            continue
        assert source.count("INSERT INTO members_duespaidpattern") == 1, name
        assert "ORDER BY 2, 1, 3, 4, 5" in source, name
        assert "RETURNING id, members, amount, reduced_amount" in source, name
        deletes = [part.split(";")[0] for part in source.split("DELETE FROM members_duespaidpattern")[1:]]
        # nothing is deleted but the rows the insert emptied (and locked), except when everything is rebuilt
        rebuild = name == "members_duesbase_dues_paid_truncate"
        assert deletes == [""] * rebuild + [" WHERE id = ANY (emptied)"], name
