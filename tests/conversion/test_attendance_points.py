"""R-CV-04: absences from center-branch meetings, exactly once per absence, corrections reversed."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from conversion.exceptions import ConversionError
from conversion.ledger import balance_from_entries, ledger_record_absence
from conversion.models import LedgerEntry
from members.meetings import meeting_create, record_attendance
from tests import factories
from tests.factories.conversion import enrolled_case

pytestmark = pytest.mark.django_db


def _meeting(org, clerk, held_on=date(2026, 3, 4)):
    return meeting_create(
        organization=org, kind="party_day", held_on=held_on, topic="主题党日", recorded_by=clerk
    )


def _balance(case):
    case.refresh_from_db()
    assert case.balance == balance_from_entries(case)
    return case.balance


def test_absence_from_center_meeting_costs_half_a_point_R_CV_04(center, clerk):
    case = enrolled_case(center, by=clerk)
    record_attendance(meeting=_meeting(center, clerk), present_ids=[], recorded_by=clerk)
    assert _balance(case) == Decimal("4.5")
    entry = case.entries.get()
    assert entry.source == LedgerEntry.Source.ABSENCE and entry.recorded_by == clerk


def test_presence_and_other_branches_meetings_cost_nothing_R_CV_04(center, clerk):
    case = enrolled_case(center, by=clerk)
    other = factories.make_member(center)
    record_attendance(meeting=_meeting(center, clerk), present_ids=[case.member_id], recorded_by=clerk)
    record_attendance(meeting=_meeting(case.original_organization, clerk), present_ids=[], recorded_by=clerk)
    assert _balance(case) == Decimal("5")
    assert not LedgerEntry.objects.filter(case__member=other).exists()


def test_second_absence_in_the_same_meeting_is_impossible_R_CV_04(center, clerk):
    case = enrolled_case(center, by=clerk)
    record_attendance(meeting=_meeting(center, clerk), present_ids=[], recorded_by=clerk)
    attendance = case.entries.get().attendance
    with pytest.raises(ConversionError):
        ledger_record_absence(attendance=attendance, recorded_by=clerk)
    # and the database refuses it even if the operation were bypassed
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            case=case,
            amount=Decimal("-0.5"),
            reason="重复",
            source="absence",
            attendance=attendance,
            balance_after=4,
        )
    assert _balance(case) == Decimal("4.5")


def test_corrected_roll_reverses_the_absence_and_a_new_absence_counts_again_R_CV_04(center, clerk):
    case = enrolled_case(center, by=clerk)
    meeting = _meeting(center, clerk)
    record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)
    record_attendance(meeting=meeting, present_ids=[case.member_id], recorded_by=clerk)  # absent → present
    assert _balance(case) == Decimal("5")
    record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)  # present → absent again
    assert _balance(case) == Decimal("4.5")
    record_attendance(meeting=meeting, present_ids=[], recorded_by=clerk)  # unchanged roll: nothing new
    assert _balance(case) == Decimal("4.5")
    sources = list(case.entries.order_by("pk").values_list("source", "source_round"))
    assert sources == [("absence", 0), ("correction", 0), ("absence", 1)]


def test_meeting_before_enrolment_does_not_count_R_CV_04(center, clerk):
    case = enrolled_case(center, by=clerk)
    record_attendance(
        meeting=_meeting(center, clerk, held_on=date(2026, 2, 1)), present_ids=[], recorded_by=clerk
    )
    assert _balance(case) == Decimal("5")
