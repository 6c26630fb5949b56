"""Meetings, attendance rolls and missing-meeting flags (R-MB-08)."""

from datetime import date

import pytest

from members.meetings import meeting_create, missing_meetings, record_attendance
from members.models import Meeting
from tests import factories

pytestmark = pytest.mark.django_db


def _hold(org, kind, held_on, user):
    return meeting_create(organization=org, kind=kind, held_on=held_on, topic="学习", recorded_by=user)


def test_branch_without_meetings_misses_every_kind_R_MB_08(branch_a, clerk):
    group = factories.make_party_group(branch_a, "一组")
    missing = missing_meetings(organizations=[branch_a], on=date(2026, 5, 20))
    kinds = sorted((m.organization.pk, m.kind) for m in missing)
    assert kinds == sorted(
        [
            (branch_a.pk, Meeting.Kind.MEMBER_MEETING),
            (branch_a.pk, Meeting.Kind.PARTY_LECTURE),
            (branch_a.pk, Meeting.Kind.COMMITTEE_MEETING),
            (branch_a.pk, Meeting.Kind.PARTY_DAY),
            (group.pk, Meeting.Kind.GROUP_MEETING),
        ]
    )
    assert "2026年第2季度未召开支部党员大会" in {str(m).replace(branch_a.name, "") for m in missing}


def test_quarterly_meetings_count_for_the_quarter_monthly_ones_for_the_month_R_MB_08(
    branch_a, branch_b, clerk
):
    group = factories.make_party_group(branch_a, "一组")
    _hold(branch_a, Meeting.Kind.MEMBER_MEETING, date(2026, 4, 8), clerk)
    _hold(branch_a, Meeting.Kind.PARTY_LECTURE, date(2026, 4, 8), clerk)
    _hold(branch_a, Meeting.Kind.COMMITTEE_MEETING, date(2026, 4, 8), clerk)  # April: not May
    _hold(branch_a, Meeting.Kind.PARTY_DAY, date(2026, 5, 6), clerk)
    _hold(group, Meeting.Kind.GROUP_MEETING, date(2026, 5, 12), clerk)
    _hold(branch_a, Meeting.Kind.PARTY_DAY, date(2026, 3, 4), clerk)  # last quarter: ignored
    missing = missing_meetings(organizations=[branch_a, branch_b], on=date(2026, 5, 20))
    assert [(m.kind) for m in missing if m.branch == branch_a] == [Meeting.Kind.COMMITTEE_MEETING]
    assert len([m for m in missing if m.branch == branch_b]) == 4


def test_missing_meetings_uses_a_fixed_number_of_queries_R_MB_08(clerk, django_assert_num_queries):
    branches = [factories.make_branch() for _ in range(5)]
    for b in branches:
        factories.make_party_group(b)
    with django_assert_num_queries(2):
        assert len(missing_meetings(organizations=branches, on=date(2026, 5, 20))) == 25


def test_attendance_roll_records_absences_per_member_R_MB_08(branch_a, clerk):
    present, absent = factories.make_member(branch_a), factories.make_member(branch_a)
    meeting = _hold(branch_a, Meeting.Kind.MEMBER_MEETING, date(2026, 4, 8), clerk)
    record_attendance(
        meeting=meeting, present_ids=[present.pk], recorded_by=clerk, absence_reasons={absent.pk: "外出"}
    )
    rows = {a.member_id: a for a in meeting.attendance.all()}
    assert rows[present.pk].present and not rows[absent.pk].present
    assert rows[absent.pk].absence_reason == "外出"


def test_group_meeting_must_be_held_by_a_party_group_R_MB_08(branch_a, clerk):
    from members.exceptions import MemberError

    with pytest.raises(MemberError, match="R-MB-08"):
        _hold(branch_a, Meeting.Kind.GROUP_MEETING, date(2026, 4, 8), clerk)


def test_branches_missing_each_kind_are_found_in_two_queries_R_MB_08(clerk, django_assert_num_queries):
    from core.models import Organization
    from members.meetings import branches_missing_by_kind

    branches = [factories.make_branch() for _ in range(5)]
    for b in branches:
        factories.make_party_group(b)
    _hold(branches[0], Meeting.Kind.PARTY_DAY, date(2026, 5, 6), clerk)
    with django_assert_num_queries(2):
        missing = branches_missing_by_kind(
            branches=Organization.objects.filter(pk__in=[b.pk for b in branches]), on=date(2026, 5, 20)
        )
    ids = {b.pk for b in branches}
    assert missing[Meeting.Kind.PARTY_DAY] == ids - {branches[0].pk}
    assert missing[Meeting.Kind.GROUP_MEETING] == missing[Meeting.Kind.MEMBER_MEETING] == ids
