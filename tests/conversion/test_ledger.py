"""The points ledger: R-CV-02, R-CV-03, R-CV-05 and the thresholds R-CV-06 / R-CV-07."""

from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from conversion.exceptions import ConversionError, LedgerImmutableError
from conversion.ledger import (
    balance_from_entries,
    ledger_record_task,
    ledger_reverse,
    referral_decide,
    task_assign,
)
from conversion.models import CommitteeReferral, ConversionTask, LedgerEntry, ThresholdCrossing
from tests.factories.conversion import OPENED, bring_to, enrolled_case, record_tasks

pytestmark = pytest.mark.django_db


def test_case_opens_with_base_of_five_points_R_CV_02(center, clerk):
    case = enrolled_case(center, by=clerk)
    assert case.base_points == Decimal("5") and case.balance == Decimal("5")
    assert balance_from_entries(case) == Decimal("5")


def test_completed_task_adds_half_and_missed_task_subtracts_half_R_CV_03(center, clerk):
    case = enrolled_case(center, by=clerk)
    record_tasks(case, completed=True, count=3, by=clerk)
    assert case.balance == Decimal("6.5")
    record_tasks(case, completed=False, count=1, by=clerk)
    assert case.balance == Decimal("6.0") == balance_from_entries(case)
    assert [e.balance_after for e in case.entries.order_by("pk")] == [
        Decimal(x) for x in ("5.5", "6", "6.5", "6")
    ]


def test_task_cannot_be_assessed_twice_R_CV_03(center, clerk):
    case = enrolled_case(center, by=clerk)
    task = task_assign(case=case, title="任务", assigned_on=OPENED, due_on=OPENED, assigned_by=clerk)
    ledger_record_task(task=task, completed=True, recorded_by=clerk, closed_on=OPENED)
    with pytest.raises(ConversionError):
        ledger_record_task(task=task, completed=True, recorded_by=clerk, closed_on=OPENED)
    case.refresh_from_db()
    assert case.balance == Decimal("5.5")


def test_reversing_entry_restores_the_balance_and_reopens_the_task_R_CV_05(center, clerk):
    case = enrolled_case(center, by=clerk)
    record_tasks(case, completed=False, count=1, by=clerk)
    wrong = case.entries.get()
    reversal = ledger_reverse(entry=wrong, reason="误评为未完成", recorded_by=clerk)
    case.refresh_from_db()
    assert reversal.amount == Decimal("0.5") and reversal.reverses == wrong
    assert case.balance == Decimal("5") == balance_from_entries(case)
    assert wrong.task.__class__.objects.get(pk=wrong.task_id).status == ConversionTask.Status.OPEN
    # the task can now be assessed anew, and the earlier entries stay as they were
    ledger_record_task(task=wrong.task, completed=True, recorded_by=clerk, closed_on=OPENED)
    case.refresh_from_db()
    assert case.balance == Decimal("5.5") == balance_from_entries(case)
    assert case.entries.count() == 3


def test_an_entry_cannot_be_reversed_twice_R_CV_05(center, clerk):
    case = record_tasks(enrolled_case(center, by=clerk), completed=True, count=1, by=clerk)
    entry = case.entries.get()
    ledger_reverse(entry=entry, reason="误评", recorded_by=clerk)
    with pytest.raises(ConversionError):
        ledger_reverse(entry=entry, reason="再冲一次", recorded_by=clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            case=case,
            amount=Decimal("-0.5"),
            reason="x",
            source="correction",
            reverses=entry,
            balance_after=0,
        )


def test_ledger_row_cannot_be_updated_or_deleted_through_the_orm_R_CV_05(center, clerk):
    case = record_tasks(enrolled_case(center, by=clerk), completed=True, count=1, by=clerk)
    entry = case.entries.get()
    entry.amount = Decimal("10")
    with pytest.raises(LedgerImmutableError):
        entry.save()
    with pytest.raises(LedgerImmutableError):
        entry.delete()
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("10"))
    with pytest.raises(LedgerImmutableError):
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("0.5")


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE conversion_ledgerentry SET amount = 10 WHERE id = %s",
        "DELETE FROM conversion_ledgerentry WHERE id = %s",
    ],
)
def test_ledger_row_cannot_be_updated_or_deleted_with_raw_sql_R_CV_05(center, clerk, sql):
    case = record_tasks(enrolled_case(center, by=clerk), completed=True, count=1, by=clerk)
    entry = case.entries.get()
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(sql, [entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).amount == Decimal("0.5")


def test_balance_of_3_0_is_not_below_three_R_CV_06(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("3"), by=clerk)
    assert case.balance == Decimal("3.0")
    assert not CommitteeReferral.objects.filter(case=case).exists()


def test_balance_of_2_5_is_below_three_and_referred_to_committee_R_CV_06(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("2.5"), by=clerk)
    referral = CommitteeReferral.objects.get(case=case)
    assert referral.state == CommitteeReferral.State.AWAITING
    assert referral.crossing.kind == ThresholdCrossing.Kind.FELL_BELOW_LOW
    assert referral.crossing.entry == case.entries.order_by("pk").last()
    # falling further does not raise it a second time
    bring_to(case, Decimal("2"), by=clerk)
    assert CommitteeReferral.objects.filter(case=case).count() == 1


def test_recovered_case_leaves_committee_list_but_decision_is_kept_R_CV_06(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("2.5"), by=clerk)
    first = CommitteeReferral.objects.get(case=case)
    referral_decide(referral=first, decision="谈话提醒，限期整改", decided_on=OPENED, decided_by=clerk)
    bring_to(case, Decimal("3"), by=clerk)  # recovers
    bring_to(case, Decimal("2.5"), by=clerk)  # falls again: a new referral
    second = CommitteeReferral.objects.filter(case=case).exclude(pk=first.pk).get()
    bring_to(case, Decimal("3.5"), by=clerk)  # recovers before a decision
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == CommitteeReferral.State.DECIDED and first.decision == "谈话提醒，限期整改"
    assert second.state == CommitteeReferral.State.RECOVERED
    kinds = list(case.crossings.values_list("kind", flat=True))
    assert kinds == ["fell_below_low", "recovered_low", "fell_below_low", "recovered_low"]


def test_committee_decision_requires_text_R_CV_06(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("2.5"), by=clerk)
    with pytest.raises(ConversionError):
        referral_decide(
            referral=case.committee_referrals.get(), decision=" ", decided_on=OPENED, decided_by=clerk
        )


def test_14_5_plus_0_5_reaches_fifteen_and_makes_review_due_R_CV_07(center, clerk):
    from conversion.dashboard import cases_review_due

    case = bring_to(enrolled_case(center, by=clerk), Decimal("14.5"), by=clerk)
    assert not case.crossings.filter(kind=ThresholdCrossing.Kind.REACHED_HIGH).exists()
    assert case not in cases_review_due()
    record_tasks(case, completed=True, count=1, by=clerk)
    assert case.balance == Decimal("15")
    assert case.crossings.filter(kind=ThresholdCrossing.Kind.REACHED_HIGH).exists()
    assert case in cases_review_due()
    record_tasks(case, completed=False, count=1, by=clerk)  # falls back: no longer due
    assert case.crossings.filter(kind=ThresholdCrossing.Kind.FELL_FROM_HIGH).exists()
    assert case not in cases_review_due()
