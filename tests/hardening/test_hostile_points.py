"""Hostile input on the points ledger (hypothesis): any short run of task results and reversals on one case
keeps the balance equal to base + sum and the threshold flags in line with it (R-CV-03, R-CV-05 … R-CV-07);
every refusal is a Chinese ConversionError, never an IntegrityError or a 500."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conversion.exceptions import ConversionError
from conversion.ledger import (
    balance_from_entries,
    case_profile,
    ledger_record_task,
    ledger_reverse,
    review_is_due,
    task_assign,
)
from conversion.models import (
    CommitteeReferral,
    ConversionCase,
    ConversionTask,
    LedgerEntry,
    ThresholdCrossing,
)
from tests.factories.conversion import OPENED, bring_to, enrolled_case

CHINESE = re.compile(r"[\u4e00-\u9fff]")
DUE = date(2026, 4, 1)
fuzz = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

steps = st.lists(
    st.one_of(
        st.tuples(st.just("new_task"), st.booleans()),  # assign a task and assess it
        st.tuples(st.just("reassess"), st.integers(0, 50), st.booleans()),  # assess an existing task again
        st.tuples(st.just("reverse"), st.integers(0, 50)),  # reverse any entry (a correction, twice …)
        st.tuples(st.just("reverse_last_twice"), st.just(0)),  # reverse the newest entry, then again
    ),
    max_size=12,
)


def _check_invariants(case: ConversionCase, expected: Decimal) -> None:
    case.refresh_from_db()
    assert case.balance == expected == balance_from_entries(case)  # R-CV-05
    total = case.base_points
    for entry in case.entries.order_by("pk"):
        total += entry.amount
        assert entry.balance_after == total
    profile = case_profile(case)
    low, high = profile.points_low, profile.points_high
    awaiting = CommitteeReferral.objects.filter(case=case, state=CommitteeReferral.State.AWAITING)
    assert awaiting.exists() == (case.balance < low)  # R-CV-06 (no committee decision in these runs)
    assert awaiting.count() <= 1
    assert review_is_due(case) == (case.balance >= high)  # R-CV-07
    kinds = ThresholdCrossing.Kind
    last_low = (
        case.crossings.filter(kind__in=[kinds.FELL_BELOW_LOW, kinds.RECOVERED_LOW]).order_by("pk").last()
    )
    if case.balance < low:
        assert last_low is not None and last_low.kind == kinds.FELL_BELOW_LOW
    else:
        assert last_low is None or last_low.kind == kinds.RECOVERED_LOW
    last_high = (
        case.crossings.filter(kind__in=[kinds.REACHED_HIGH, kinds.FELL_FROM_HIGH]).order_by("pk").last()
    )
    if case.balance >= high:
        assert last_high is not None and last_high.kind == kinds.REACHED_HIGH
    else:
        assert last_high is None or last_high.kind == kinds.FELL_FROM_HIGH


def _refused(exc: ConversionError) -> None:
    assert CHINESE.search(str(exc)) and "R-CV-0" in str(exc)


@pytest.mark.django_db
@fuzz
@given(start=st.sampled_from(["5", "3", "3.5", "14.5", "15"]), ops=steps)
def test_any_run_of_task_results_and_reversals_keeps_balance_and_flags_consistent_R_CV_05(
    center, clerk, start, ops
):
    with transaction.atomic():
        case = bring_to(enrolled_case(center, by=clerk), Decimal(start), by=clerk)
        expected = case.balance
        _check_invariants(case, expected)
        for op in ops:
            kind = op[0]
            try:
                if kind == "new_task":
                    task = task_assign(
                        case=case, title="任务", assigned_on=OPENED, due_on=DUE, assigned_by=clerk
                    )
                    entry = ledger_record_task(
                        task=task, completed=op[1], recorded_by=clerk, closed_on=OPENED
                    )
                    expected += entry.amount
                elif kind == "reassess":
                    tasks = list(ConversionTask.objects.filter(case=case).order_by("pk"))
                    task = tasks[op[1] % len(tasks)] if tasks else None
                    if task is None:
                        continue
                    was_open = task.status == ConversionTask.Status.OPEN
                    entry = ledger_record_task(
                        task=task, completed=op[2], recorded_by=clerk, closed_on=OPENED
                    )
                    assert was_open  # a task already assessed must be refused (R-CV-03)
                    expected += entry.amount
                else:
                    entries = list(LedgerEntry.objects.filter(case=case).order_by("pk"))
                    if not entries:
                        continue
                    target = entries[-1] if kind == "reverse_last_twice" else entries[op[1] % len(entries)]
                    for attempt in range(2 if kind == "reverse_last_twice" else 1):
                        refusable = (
                            target.source == LedgerEntry.Source.CORRECTION
                            or LedgerEntry.objects.filter(reverses=target).exists()
                        )
                        try:
                            ledger_reverse(entry=target, reason="录入有误", recorded_by=clerk)
                        except ConversionError as exc:
                            assert refusable, exc
                            _refused(exc)
                        else:
                            assert not refusable and attempt == 0  # R-CV-05: never twice, never a correction
                            expected -= target.amount
                        _check_invariants(case, expected)
            except ConversionError as exc:
                _refused(exc)
            _check_invariants(case, expected)
        transaction.set_rollback(True)
