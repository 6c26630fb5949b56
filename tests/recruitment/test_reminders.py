"""Flags on the candidate page, the board and the dashboard: filing after approval (R-RC-16) and the
conversion application about a week before probation ends (R-RC-19)."""

from datetime import date

import pytest
from django.urls import reverse

from core.registry import dashboard_for
from core.rules import cite
from recruitment import records, stages
from recruitment.models import Approval, ConversionApplication
from tests.factories import recruitment as b

pytestmark = pytest.mark.django_db

FILING = "入党后超过1个月未备案（R-RC-16）"
CONVERSION = "预备期满前一周未递交转正申请（R-RC-19）"


def rules_flagged(candidate, on):
    return [p.rule for p in stages.reminders(candidate, on)]


def test_filing_is_flagged_the_day_after_the_month_moved_past_the_weekend_R_RC_16(branch_a):
    # Approved Thursday 10 July 2025: 1 month ends Sunday 10 August, so Monday 11 August (R-GN-02).
    c = b.admitted(branch_a, approved_on=date(2025, 7, 10))
    assert "R-RC-16" not in rules_flagged(c, date(2025, 8, 11))
    assert "R-RC-16" in rules_flagged(c, date(2025, 8, 12))


def test_filing_within_the_month_clears_the_flag_and_a_late_one_stays_flagged_R_RC_16(branch_a):
    on_time = b.admitted(branch_a, approved_on=date(2025, 7, 10), filed_on=date(2025, 8, 11))
    assert "R-RC-16" not in rules_flagged(on_time, date(2026, 1, 1))
    late = b.admitted(branch_a, approved_on=date(2025, 7, 10))
    approval = Approval.objects.get(vote__candidate=late)
    records.approval_file(approval=approval, filed_on=date(2025, 8, 20))
    [problem] = [p for p in stages.reminders(late, date(2026, 1, 1)) if p.rule == "R-RC-16"]
    assert "晚于期限2025年8月11日" in problem.message


def test_unfiled_admission_is_counted_on_the_dashboard_in_scope_R_RC_16(
    clerk, secretary_b, branch_a, branch_b
):
    b.admitted(branch_a, approved_on=date(2025, 7, 10))
    b.admitted(branch_a, approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20))
    assert {i.label: i.count for i in dashboard_for(clerk)}.get(FILING) == 1
    assert FILING not in {i.label for i in dashboard_for(secretary_b)}


def test_filing_date_is_recorded_on_the_candidate_page_R_RC_16(client, clerk, branch_a):
    c = b.admitted(branch_a, approved_on=date(2025, 7, 10))
    client.force_login(clerk)
    page = client.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    assert "应于2025年8月11日前报上级组织部门备案" in page
    approval = Approval.objects.get(vote__candidate=c)
    response = client.post(
        reverse("recruitment:approval_filing", args=[approval.pk]), {"filed_on": "2025-08-01"}
    )
    assert response.status_code == 302
    page = client.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    assert "至今尚未备案" not in page


def test_conversion_reminder_starts_a_week_before_probation_ends_R_RC_19(branch_a):
    # Branch meeting 27 June 2025: probation ends 27 June 2026 (R-RC-17); a week before is 20 June.
    c = b.admitted(
        branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20)
    )
    assert "R-RC-19" not in rules_flagged(c, date(2026, 6, 19))
    assert "R-RC-19" in rules_flagged(c, date(2026, 6, 20))
    b.add(ConversionApplication(candidate=c, submitted_on=date(2026, 6, 20)))
    assert "R-RC-19" not in rules_flagged(c, date(2026, 6, 20))


def test_missing_conversion_application_is_on_the_dashboard_and_the_candidate_page_R_RC_19(
    client, clerk, branch_a
):
    c = b.admitted(
        branch_a, meeting_on=date(2025, 6, 27), approved_on=date(2025, 7, 10), filed_on=date(2025, 7, 20)
    )
    assert {i.label: i.count for i in dashboard_for(clerk)}.get(CONVERSION) == 1
    client.force_login(clerk)
    page = client.get(reverse("recruitment:candidate", args=[c.pk])).content.decode()
    assert cite("尚未递交转正申请，请党支部提醒本人递交（R-RC-19）") in page
    b.add(ConversionApplication(candidate=c, submitted_on=date(2026, 6, 20)))
    assert CONVERSION not in {i.label for i in dashboard_for(clerk)}
