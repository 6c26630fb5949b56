"""Which rule-profile version governs a case: the one in force at enrolment, for its base (R-CV-02) and for its
marks (R-CV-06 below 3, R-CV-07 reaching 15). A later profile change never moves a running case's marks."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conversion.exceptions import ConversionError
from conversion.ledger import case_profile, review_is_due
from conversion.models import ThresholdCrossing
from conversion.review import review_schedule
from core.models import RuleProfile
from tests.factories.conversion import bring_to, enrolled_case

pytestmark = pytest.mark.django_db

Kind = ThresholdCrossing.Kind


def raise_high_mark_to_20():
    return RuleProfile.objects.create(
        effective_from=timezone.now() + timedelta(microseconds=1), points_high=20
    )


def test_a_case_keeps_the_high_mark_of_its_enrolment_after_the_profile_changes_R_CV_07(center, clerk):
    case = enrolled_case(center, by=clerk)
    raise_high_mark_to_20()
    assert case_profile(case).points_high == Decimal("15")
    case = bring_to(case, Decimal("15"), by=clerk)
    assert case.crossings.filter(kind=Kind.REACHED_HIGH, threshold=Decimal("15")).count() == 1
    assert review_is_due(case)
    review_schedule(case=case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)


def test_a_case_enrolled_after_the_change_is_measured_against_the_new_mark_R_CV_07(center, clerk):
    raise_high_mark_to_20()
    case = bring_to(enrolled_case(center, by=clerk), Decimal("15"), by=clerk)
    assert not case.crossings.filter(kind=Kind.REACHED_HIGH).exists() and not review_is_due(case)
    with pytest.raises(ConversionError, match="R-CV-07"):
        review_schedule(case=case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)
    case = bring_to(case, Decimal("20"), by=clerk)
    assert case.crossings.filter(kind=Kind.REACHED_HIGH, threshold=Decimal("20")).count() == 1


def test_a_lower_low_mark_set_later_does_not_spare_a_running_case_R_CV_06(center, clerk):
    case = enrolled_case(center, by=clerk)
    RuleProfile.objects.create(effective_from=timezone.now() + timedelta(microseconds=1), points_low=2)
    case = bring_to(case, Decimal("2.5"), by=clerk)
    assert case.committee_referrals.filter(state="awaiting").count() == 1
