"""Democratic review: R-CV-07 scheduling, R-CV-08 roster and own-village share, R-CV-09 scoring, R-CV-10 fail."""

from datetime import date
from decimal import Decimal

import pytest

from conversion.exceptions import ConversionError
from conversion.models import ConversionCase, DemocraticReview, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_outcome,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from tests.factories.conversion import bring_to, enrolled_case

pytestmark = pytest.mark.django_db
DAY = date(2026, 6, 1)
C = ReviewParticipant.Category


def _roster(own: int, other: int) -> list[ParticipantData]:
    return [ParticipantData(f"本村{i}", C.VILLAGE_CADRE, "东村") for i in range(own)] + [
        ParticipantData(f"外村{i}", C.CENTER_STAFF, "西村") for i in range(other)
    ]


@pytest.fixture
def review(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk, village="东村"), Decimal("15"), by=clerk)
    return review_schedule(case=case, scheduled_on=DAY, scheduled_by=clerk)


def test_review_cannot_be_scheduled_below_fifteen_R_CV_07(center, clerk):
    case = bring_to(enrolled_case(center, by=clerk), Decimal("14.5"), by=clerk)
    with pytest.raises(ConversionError, match="R-CV-07"):
        review_schedule(case=case, scheduled_on=DAY, scheduled_by=clerk)


def test_exactly_half_from_own_village_passes_R_CV_08(review, clerk):
    saved = review_set_roster(review=review, participants=_roster(3, 3), recorded_by=clerk)
    assert len(saved) == 6


def test_half_plus_one_person_from_own_village_fails_R_CV_08(review, clerk):
    with pytest.raises(ConversionError, match="R-CV-08"):
        review_set_roster(review=review, participants=_roster(4, 3), recorded_by=clerk)
    assert not review.participants.exists()


def test_participant_needs_a_category_and_village_R_CV_08(review, clerk):
    with pytest.raises(ConversionError, match="R-CV-08"):
        review_set_roster(
            review=review, participants=[ParticipantData("某", "boss", "西村")], recorded_by=clerk
        )


def test_score_outside_0_to_100_is_refused_R_CV_09(review, clerk):
    (p,) = review_set_roster(review=review, participants=_roster(0, 1), recorded_by=clerk)
    with pytest.raises(ConversionError, match="R-CV-09"):
        review_record_scores(review=review, scores={p.pk: Decimal("100.5")}, recorded_by=clerk)


@pytest.mark.parametrize(
    ("scores", "mean", "passed"),
    [
        (["79.99"], "79.99", False),
        (["80"], "80.00", True),
        (["80", "79.98"], "79.99", False),
        (["79.99", "80", "80"], "79.99", False),  # exact mean 79.9966…: shown rounded down, fails
        (["100", "60", "80"], "80.00", True),
    ],
)
def test_mean_of_79_99_fails_and_80_passes_R_CV_09(scores, mean, passed):
    assert review_outcome([Decimal(s) for s in scores], Decimal("80")) == (Decimal(mean), passed)


def test_failed_review_keeps_the_case_and_a_later_review_can_be_scheduled_R_CV_10(review, clerk):
    participants = review_set_roster(review=review, participants=_roster(1, 1), recorded_by=clerk)
    review_record_scores(
        review=review,
        scores={participants[0].pk: Decimal("80"), participants[1].pk: Decimal("79.98")},
        recorded_by=clerk,
    )
    review = review_conclude(review=review, concluded_on=DAY, concluded_by=clerk)
    assert review.state == DemocraticReview.State.FAILED and review.mean_score == Decimal("79.99")
    case = ConversionCase.objects.get(pk=review.case_id)
    assert case.state == ConversionCase.State.ACTIVE and case.member.organization.is_center
    again = review_schedule(case=case, scheduled_on=date(2026, 9, 1), scheduled_by=clerk)
    assert again.state == DemocraticReview.State.SCHEDULED


def test_review_cannot_conclude_with_missing_scores_R_CV_09(review, clerk):
    review_set_roster(review=review, participants=_roster(1, 1), recorded_by=clerk)
    with pytest.raises(ConversionError, match="R-CV-09"):
        review_conclude(review=review, concluded_on=DAY, concluded_by=clerk)
