"""An overdue mark that rested on a deadline the calendar has since moved (R-SV-07, R-SV-10, R-SV-11).

A matter accepted on 24 December 2026, before the 2027 calendar is loaded, has the provisional last day
7 January 2027 (1 January counted as a working day). Marked overdue on 8 January, it is not overdue once the
2027 calendar makes 1 January a holiday and the last day 8 January.
"""

from datetime import date

import pytest
from django.utils import timezone

from core.calendar_loading import load_calendar_year
from services import accountability
from services.models import AccountabilityCase, MatterChange, Sanction, Violation
from tests.factories.services import at, register

NEW_YEAR = {date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦"}


@pytest.fixture
def overdue_matter(clerk, monkeypatch):
    matter = register(clerk, when=at(2026, 12, 24))
    assert matter.deadline_provisional and matter.deadline_date == date(2027, 1, 7)
    accountability.mark_overdue(now=at(2027, 1, 8, 9))
    # The calendar is loaded on the morning of 8 January 2027, before the corrected deadline has passed.
    monkeypatch.setattr(timezone, "now", lambda: at(2027, 1, 8, 11))
    return matter


def _load_2027():
    load_calendar_year(2027, holidays=NEW_YEAR, workdays={}, source="测试：国务院办公厅通知")


def test_overdue_mark_and_open_case_are_withdrawn_when_the_deadline_moves_into_the_future_R_SV_07_R_SV_10(
    overdue_matter,
):
    case = AccountabilityCase.objects.get(matter=overdue_matter)
    _load_2027()
    overdue_matter.refresh_from_db()
    case.refresh_from_db()
    assert overdue_matter.deadline_date == date(2027, 1, 8) and overdue_matter.overdue_at is None
    assert case.state == AccountabilityCase.State.WITHDRAWN
    assert "2027年1月7日 24:00" in case.withdrawn_reason and "2027年1月8日 24:00" in case.withdrawn_reason
    change = MatterChange.objects.get(matter=overdue_matter, action="overdue_withdrawn")
    assert f"责任追究 #{case.pk}" in change.note and "R-SV-07" in change.note


def test_withdrawn_case_is_reopened_once_when_the_new_deadline_passes_too_R_SV_10(overdue_matter, clerk):
    _load_2027()
    assert accountability.mark_overdue(now=at(2027, 1, 8, 23, 59)) == []
    marked = accountability.mark_overdue(now=at(2027, 1, 9, 0, 0))
    assert [m.matter_id for m in marked] == [overdue_matter.pk] and marked[0].case_id is not None
    assert accountability.mark_overdue(now=at(2027, 1, 10)) == []
    case = AccountabilityCase.objects.get()
    assert case.state == AccountabilityCase.State.OPEN and case.withdrawn_at is None
    assert case.opened_at == at(2027, 1, 9, 0, 0) and case.responsible == clerk


def test_decided_case_is_left_to_the_administrator_and_flagged_for_review_R_SV_07_R_SV_11(
    overdue_matter, admin_user
):
    case = accountability.accountability_decide(
        case=AccountabilityCase.objects.get(),
        violation=Violation.OTHER,
        sanctions=[Sanction.SELF_CRITICISM],
        findings="无故超期",
        decided_by=admin_user,
    )
    _load_2027()
    overdue_matter.refresh_from_db()
    case.refresh_from_db()
    assert case.state == AccountabilityCase.State.DECIDED
    assert overdue_matter.overdue_at is not None
    review = MatterChange.objects.get(matter=overdue_matter, action="overdue_review")
    assert "请管理员复核" in review.note and f"#{case.pk}" in review.note


def test_overdue_mark_stays_when_the_recomputed_deadline_has_passed_too_R_SV_10(overdue_matter, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: at(2027, 1, 12))
    _load_2027()
    overdue_matter.refresh_from_db()
    assert overdue_matter.deadline_date == date(2027, 1, 8) and overdue_matter.overdue_at is not None
    assert AccountabilityCase.objects.get().state == AccountabilityCase.State.OPEN
    assert not MatterChange.objects.filter(action__in=["overdue_withdrawn", "overdue_review"]).exists()


def test_withdrawn_case_needs_a_reason_in_the_database_R_SV_10(overdue_matter):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        AccountabilityCase.objects.filter(matter=overdue_matter).update(
            state=AccountabilityCase.State.WITHDRAWN
        )
