"""R-CV-05 under concurrency: two threads recording entries for one case end with the right balance."""

import threading
from decimal import Decimal

import pytest
from django.db import connection

from conversion.ledger import balance_from_entries, ledger_record_task, task_assign
from conversion.models import ConversionCase
from tests.factories.conversion import OPENED, enrolled_case


@pytest.mark.django_db(transaction=True)
def test_two_threads_recording_entries_at_once_end_with_the_right_balance_R_CV_05(center, clerk):
    case = enrolled_case(center, by=clerk)
    tasks = [
        task_assign(case=case, title=f"任务{i}", assigned_on=OPENED, due_on=OPENED, assigned_by=clerk)
        for i in range(10)
    ]
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(batch, completed):
        try:
            barrier.wait()
            for task in batch:
                ledger_record_task(task=task, completed=completed, recorded_by=clerk, closed_on=OPENED)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=work, args=(tasks[:6], True)),
        threading.Thread(target=work, args=(tasks[6:], False)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    case = ConversionCase.objects.get(pk=case.pk)
    assert case.balance == Decimal("5") + Decimal("3") - Decimal("2") == balance_from_entries(case)
    total = case.base_points
    for entry in case.entries.order_by("pk"):  # every stored running balance is base + the sum so far
        total += entry.amount
        assert entry.balance_after == total
