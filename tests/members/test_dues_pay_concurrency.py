"""Two clerks recording the same month of one member at the same moment, each on their own connection: one
receipt is written, the other clerk gets a Chinese refusal (R-MB-14)."""

import threading
from datetime import date

import pytest
from django.db import connection

from members.dues import dues_pay
from members.exceptions import MemberError
from members.models import DuesPayment, DuesReceipt
from tests import factories


@pytest.mark.django_db(transaction=True)
def test_two_clerks_recording_the_same_month_one_wins_the_other_is_refused_R_MB_14():
    member = factories.make_member(factories.make_branch())
    start = threading.Barrier(2)
    results: list[object] = []

    def record(months):
        try:
            start.wait()
            results.append(dues_pay(member=member, months=months, paid_on=date(2026, 3, 5), recorded_by=None))
        except BaseException as exc:  # noqa: BLE001 — reported by the test
            results.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=record, args=([date(2026, 1, 1), date(2026, 2, 1)],)),
        threading.Thread(target=record, args=([date(2026, 2, 1)],)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    receipts = [r for r in results if isinstance(r, DuesReceipt)]
    refusals = [r for r in results if isinstance(r, MemberError)]
    assert len(receipts) == 1 and len(refusals) == 1, results
    assert "2026年2月的党费已登记" in str(refusals[0])
    assert DuesPayment.objects.filter(member=member, month=date(2026, 2, 1)).count() == 1
    assert DuesReceipt.objects.count() == 1 and DuesReceipt.objects.get().sequence == 1  # no number lost
