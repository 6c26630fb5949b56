"""Matter deadlines with real 2026 dates (R-GN-03, R-SV-03 … R-SV-08)."""

from datetime import date, datetime, timedelta

import pytest

from core.calendar_loading import load_calendar_year
from core.dates import SHANGHAI
from services import desk
from services.models import Matter, MatterKind, MatterState
from tests.factories.services import at, register


def test_promised_matter_crosses_national_day_and_counts_make_up_saturday_R_SV_04_R_SV_05_R_SV_07(clerk):
    # Accepted Monday 28 Sep 2026: 29, 30 Sep, 8, 9, 10 (make-up Saturday), 12–16 Oct.
    matter = register(clerk, when=at(2026, 9, 28, 15))
    assert matter.state == MatterState.ACCEPTED
    assert matter.limit_working_days == 10
    assert matter.deadline_date == date(2026, 10, 16)
    assert matter.deadline_at == datetime(2026, 10, 17, 0, 0, tzinfo=SHANGHAI)
    assert matter.deadline_provisional is False


def test_make_up_sunday_20_september_is_day_one_R_GN_03_R_SV_07(clerk):
    # Accepted Saturday 19 Sep; Sunday 20 Sep 2026 is a working day, so it is day 1.
    matter = register(clerk, when=at(2026, 9, 19))
    # 20–24 Sep are days 1–5 (25 Sep is Mid-Autumn), 28–30 Sep days 6–8, 1–7 Oct the holiday, 8–9 Oct days 9–10.
    assert matter.deadline_date == date(2026, 10, 9)


def test_petition_has_fifteen_working_days_across_national_day_R_SV_06(clerk):
    matter = register(clerk, kind=MatterKind.PETITION, when=at(2026, 9, 28))
    # 29, 30 Sep, 8, 9, 10, 12–16, 19–23 October.
    assert matter.limit_working_days == 15
    assert matter.deadline_date == date(2026, 10, 23)


def test_catalog_limit_overrides_default_R_SV_05_R_SV_16(clerk, service):
    service.limit_working_days = 3
    service.save()
    matter = register(clerk, service=service, when=at(2026, 2, 13))
    # Spring Festival 2026: 14 Feb is a make-up Saturday, 15–23 Feb the holiday.
    assert matter.deadline_date == date(2026, 2, 25)


def test_default_ten_days_across_spring_festival_R_SV_05_R_SV_07(clerk):
    matter = register(clerk, when=at(2026, 2, 12))
    # 13, 14 (make-up Sat), 24, 25, 26, 27, 28 (make-up Sat) Feb, 2, 3, 4 March.
    assert matter.deadline_date == date(2026, 3, 4)


def test_matter_accepted_on_a_holiday_counts_from_first_working_day_after_R_GN_03(clerk):
    matter = register(clerk, when=at(2026, 10, 3))
    # 8, 9, 10 (make-up Sat), 12–16, 19, 20 October.
    assert matter.deadline_date == date(2026, 10, 20)


def test_deadline_into_2027_is_provisional_then_recomputed_when_2027_is_loaded_R_SV_07(clerk):
    matter = register(clerk, when=at(2026, 12, 24))
    assert matter.deadline_provisional is True
    assert matter.deadline_date == date(2027, 1, 7)  # weekends only: 1 January counted as a working day
    closed = register(clerk, when=at(2026, 12, 24), applicant_name="李四")
    desk.matter_complete(matter=closed, result="已办结", by=clerk, at=at(2026, 12, 25))
    load_calendar_year(
        2027,
        holidays={date(2027, 1, 1): "元旦", date(2027, 1, 2): "元旦", date(2027, 1, 3): "元旦"},
        workdays={},
        source="测试：国务院办公厅通知",
    )
    matter.refresh_from_db()
    assert matter.deadline_provisional is False
    assert matter.deadline_date == date(2027, 1, 8)
    assert matter.deadline_at == datetime(2027, 1, 9, tzinfo=SHANGHAI)
    closed.refresh_from_db()
    assert closed.deadline_provisional is True  # closed matters are history, left as they were


def test_immediate_matter_is_due_thirty_minutes_after_acceptance_R_SV_03(clerk):
    accepted = at(2026, 11, 2, 9, 0)
    matter = register(clerk, kind=MatterKind.IMMEDIATE, when=accepted)
    assert matter.deadline_at == accepted + timedelta(minutes=30)
    assert Matter.objects.filter(pk=matter.pk, deadline_at__gt=accepted + timedelta(minutes=29)).exists()
    assert not Matter.objects.filter(pk=matter.pk, deadline_at__gt=accepted + timedelta(minutes=31)).exists()


def test_reported_up_matter_uses_the_external_deadline_R_SV_02(clerk):
    matter = register(clerk, kind=MatterKind.REPORTED_UP, external_deadline=date(2026, 12, 15))
    assert matter.deadline_at == datetime(2026, 12, 16, tzinfo=SHANGHAI)


def test_consultation_has_no_deadline_and_closes_when_answered_R_SV_02(clerk):
    matter = register(clerk, kind=MatterKind.CONSULTATION)
    assert matter.state == MatterState.REGISTERED and matter.deadline_at is None
    matter = desk.matter_answer(matter=matter, answer="已解答", by=clerk)
    assert matter.state == MatterState.ANSWERED


@pytest.mark.parametrize("minutes, overdue", [(29, False), (31, True)])
def test_immediate_matter_at_29_and_31_minutes_R_SV_03_R_SV_10(clerk, minutes, overdue):
    from services.accountability import mark_overdue

    accepted = at(2026, 11, 2, 9, 0)
    matter = register(clerk, kind=MatterKind.IMMEDIATE, when=accepted)
    marked = mark_overdue(now=accepted + timedelta(minutes=minutes))
    assert [m.matter_id for m in marked] == ([matter.pk] if overdue else [])
