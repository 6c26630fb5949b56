"""Concurrency: task entries and an attendance correction on the same conversion case (R-CV-04, R-CV-05)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from conversion.ledger import balance_from_entries, ledger_record_task, task_assign
from conversion.models import ConversionCase, LedgerEntry
from members.meetings import meeting_create, record_attendance
from tests.factories.conversion import OPENED, enrolled_case

ROUNDS = 3


@pytest.mark.django_db(transaction=True)
def test_task_entries_and_an_attendance_correction_at_once_keep_the_balance_equal_to_the_sum_R_CV_04_R_CV_05(
    center, clerk
):
    case = enrolled_case(center, by=clerk)
    tasks = [
        task_assign(case=case, title=f"任务{i}", assigned_on=OPENED, due_on=OPENED, assigned_by=clerk)
        for i in range(8)
    ]
    meeting = meeting_create(
        organization=center, kind="party_day", held_on=date(2026, 3, 4), topic="主题党日", recorded_by=clerk
    )
    barrier = threading.Barrier(2)
    errors: list[BaseException] = []

    def record_tasks():
        try:
            barrier.wait()
            for i, task in enumerate(tasks):  # 6 completed (+3), 2 not (−1)
                ledger_record_task(task=task, completed=i % 3 != 2, recorded_by=clerk, closed_on=OPENED)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    def correct_roll():
        try:
            barrier.wait()
            for _ in range(ROUNDS):  # absent → present → absent, several times over
                record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)
                record_attendance(meeting=meeting, present_ids=[case.member_id], recorded_by=clerk)
            record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)
        except BaseException as exc:  # noqa: BLE001 — reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=record_tasks), threading.Thread(target=correct_roll)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []

    case = ConversionCase.objects.get(pk=case.pk)
    # tasks +3 −1; the roll ends absent: exactly one live absence entry (−0.5)
    assert case.balance == Decimal("5") + Decimal("2") - Decimal("0.5") == balance_from_entries(case)
    absences = case.entries.filter(source=LedgerEntry.Source.ABSENCE)
    assert absences.count() == ROUNDS + 1
    assert absences.filter(reversed_by__isnull=True).count() == 1
    assert case.entries.filter(source=LedgerEntry.Source.CORRECTION).count() == ROUNDS
    assert case.entries.filter(source=LedgerEntry.Source.TASK).count() == len(tasks)
    total = case.base_points
    for entry in case.entries.order_by("pk"):  # every stored running balance is base + the sum so far
        total += entry.amount
        assert entry.balance_after == total
    assert total == case.balance
