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
