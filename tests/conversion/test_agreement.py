"""R-CV-06 / R-CV-07: the rule, the queryset, the 工作台, the case list (badge and ?flag=) and the case page agree,
each case judged by the rule profile in force at its enrolment — including the ledger step (R-CV-03).

Two profile versions: the first (high mark 6, step 0.5) governs case ``old``; the second (high mark 20, low
mark 4, step 1) came into force before case ``new`` was enrolled. Both are read on both sides of the marks.
"""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conversion.ledger import ledger_record_task, review_is_due, task_assign
from conversion.models import ConversionCase, ConversionTask
from core.models import RuleProfile
from tests.clock import dashboard_count, frozen_at
from tests.factories.conversion import OPENED, enrolled_case

pytestmark = pytest.mark.django_db

REVIEW_LINE, REFERRAL_LINE = "达到15分待组织民主评议", "低于3分待镇党委处理"


def version(**marks):
    return RuleProfile.objects.create(effective_from=timezone.now() - timedelta(microseconds=1), **marks)


@pytest.fixture
def cases(center, clerk):
    version(points_high=Decimal("6"))
    old = enrolled_case(center, by=clerk, village="东村")
    version(points_high=Decimal("20"), points_low=Decimal("4"), points_step=Decimal("1"))
    new = enrolled_case(center, by=clerk, village="西村")
    return old, new


def score(case, *, completed: bool, by, times: int = 1) -> ConversionCase:
    for n in range(times):
        task = task_assign(case=case, title=f"任务{n}", assigned_on=OPENED, due_on=OPENED, assigned_by=by)
        ledger_record_task(task=task, completed=completed, recorded_by=by, closed_on=OPENED)
    case.refresh_from_db()
    return case


def list_row(client, case, query="") -> str | None:
    html = client.get(f"/conversion/{query}").content.decode()
    found = re.search(rf'<tr class="[^"]*">\s*<td><a href="/conversion/{case.pk}/">.*?</tr>', html, re.S)
    return found.group(0) if found else None


def assert_review_due_agrees(client, clerk, cases, expected: dict[int, bool]) -> None:
    by_query = set(ConversionCase.objects.review_due().values_list("pk", flat=True))
    for case in cases:
        due = expected[case.pk]
        assert review_is_due(case) is due
        assert (case.pk in by_query) is due
        assert ("待组织民主评议" in list_row(client, case)) is due
        assert (list_row(client, case, "?flag=review_due") is not None) is due
        assert (
            f"/conversion/{case.pk}/reviews/new/" in client.get(f"/conversion/{case.pk}/").content.decode()
        ) is due
    assert dashboard_count(clerk, REVIEW_LINE) == sum(expected.values())


def test_the_ledger_step_is_the_one_of_the_enrolment_profile_R_CV_03(cases, clerk):
    old, new = cases
    assert score(old, completed=True, by=clerk).balance == Decimal("5.5")
    assert score(new, completed=True, by=clerk).balance == Decimal("6")


def test_review_due_agrees_on_both_sides_of_each_cases_own_high_mark_R_CV_07(client, cases, clerk):
    client.force_login(clerk)
    old, new = cases
    old = score(old, completed=True, by=clerk)  # 5.5: below its mark of 6
    new = score(new, completed=True, by=clerk)  # 6: the old mark, below its own of 20
    assert_review_due_agrees(client, clerk, [old, new], {old.pk: False, new.pk: False})
    old = score(old, completed=True, by=clerk)  # 6.0: reaches its mark
    assert_review_due_agrees(client, clerk, [old, new], {old.pk: True, new.pk: False})
    new = score(new, completed=True, by=clerk, times=13)  # 19: above the old mark, still below its own
    assert_review_due_agrees(client, clerk, [old, new], {old.pk: True, new.pk: False})
    new = score(new, completed=True, by=clerk)  # 20: the highest mark of any version, its own
    assert_review_due_agrees(client, clerk, [old, new], {old.pk: True, new.pk: True})


def test_below_the_low_mark_agrees_on_both_sides_of_each_cases_own_low_mark_R_CV_06(client, cases, clerk):
    client.force_login(clerk)
    old, new = cases
    old = score(old, completed=False, by=clerk, times=4)  # 5 → 3.0: not below its low mark of 3
    new = score(new, completed=False, by=clerk)  # 5 → 4: not below its low mark of 4

    def agree(expected):
        by_query = set(ConversionCase.objects.awaiting_committee().values_list("pk", flat=True))
        for case in (old, new):
            below = expected[case.pk]
            assert case.committee_referrals.filter(state="awaiting").exists() is below
            assert (case.pk in by_query) is below
            assert ("待镇党委处理" in list_row(client, case)) is below
            assert (list_row(client, case, "?flag=referral") is not None) is below
            assert ("记录处理决定" in client.get(f"/conversion/{case.pk}/").content.decode()) is below
        assert dashboard_count(clerk, REFERRAL_LINE) == sum(expected.values())

    agree({old.pk: False, new.pk: False})
    old = score(old, completed=False, by=clerk)  # 2.5
    new = score(new, completed=False, by=clerk)  # 3: below 4, though not below the old mark of 3
    agree({old.pk: True, new.pk: True})
    assert "低于4分待镇党委处理" in list_row(client, new) and "低于3分待镇党委处理" in list_row(client, old)


def test_a_task_is_overdue_from_the_day_after_its_due_date_everywhere_R_CV_03(client, cases, clerk):
    old, _ = cases
    due = date(2026, 4, 30)
    task = task_assign(case=old, title="走访群众", assigned_on=OPENED, due_on=due, assigned_by=clerk)
    for day, overdue in {due: False, date(2026, 5, 1): True}.items():
        with frozen_at(day):
            client.force_login(clerk)
            task.refresh_from_db()
            assert task.is_overdue(day) is overdue
            assert ConversionTask.objects.overdue(day).filter(pk=task.pk).exists() is overdue
            assert dashboard_count(clerk, "逾期未评定的转化任务") == int(overdue)
            assert ("任务逾期" in list_row(client, old)) is overdue
            assert (list_row(client, old, "?flag=overdue") is not None) is overdue
            assert ('badge-danger">逾期<' in client.get(f"/conversion/{old.pk}/").content.decode()) is overdue
