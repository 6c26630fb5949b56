"""A whole case: enrolment (R-CV-01/02) → tasks (R-CV-03) → 15 (R-CV-07) → review pass (R-CV-08/09) →
return (R-CV-10) → transition end (R-CV-11)."""

from datetime import date
from decimal import Decimal

import pytest

from conversion.enrolment import case_enrol
from conversion.exceptions import ConversionError
from conversion.ledger import balance_from_entries
from conversion.models import ConversionCase, DemocraticReview, ReviewParticipant
from conversion.review import (
    ParticipantData,
    review_conclude,
    review_record_scores,
    review_schedule,
    review_set_roster,
)
from conversion.transition import case_close, discipline_referral_record, observation_record
from members.models import RelationTransfer
from tests import factories
from tests.factories.conversion import OPENED, record_tasks

pytestmark = pytest.mark.django_db


def test_case_runs_from_enrolment_to_the_end_of_transition_R_CV_01_R_CV_10_R_CV_11(center, branch_a, clerk):
    member = factories.make_member(branch_a, village="东村")
    case = case_enrol(member=member, opened_on=OPENED, reason="长期不参加组织生活", decided_by=clerk)
    member.refresh_from_db()
    # R-CV-01: the relation moved through a real transfer; the original branch is remembered
    assert member.organization == center and case.original_organization == branch_a
    assert case.enrolment_transfer.direction == RelationTransfer.Direction.INTERNAL
    assert case.enrolment_transfer.state == RelationTransfer.State.ACCEPTED
    with pytest.raises(ConversionError, match="R-CV-01"):
        case_enrol(member=member, opened_on=OPENED, reason="再次", decided_by=clerk)

    record_tasks(case, completed=True, count=20, by=clerk)
    assert case.balance == Decimal("15") == balance_from_entries(case)

    review = review_schedule(case=case, scheduled_on=date(2026, 6, 1), scheduled_by=clerk)
    people = review_set_roster(
        review=review,
        participants=[
            ParticipantData("甲", ReviewParticipant.Category.CENTER_STAFF, "镇区"),
            ParticipantData("乙", ReviewParticipant.Category.VILLAGE_CADRE, "东村"),
        ],
        recorded_by=clerk,
    )
    review_record_scores(
        review=review, scores={people[0].pk: Decimal("85"), people[1].pk: Decimal("75")}, recorded_by=clerk
    )
    review = review_conclude(review=review, concluded_on=date(2026, 6, 2), concluded_by=clerk)
    assert review.state == DemocraticReview.State.PASSED and review.mean_score == Decimal("80.00")

    case.refresh_from_db()
    member.refresh_from_db()
    # R-CV-10: back to the original branch the same way; R-CV-11: six months of transition
    assert member.organization == branch_a
    assert case.state == ConversionCase.State.TRANSITION
    assert case.return_transfer.to_organization == branch_a
    assert case.transition_ends_on == date(2026, 12, 2)

    seen = observation_record(
        case=case, observed_on=date(2026, 8, 1), note="酒后滋事", misconduct=True, recorded_by=clerk
    )
    referral = discipline_referral_record(
        case=case,
        referred_on=date(2026, 8, 3),
        matter="过渡期内酒后滋事",
        observation=seen,
        recorded_by=clerk,
    )
    assert referral.referred_to == "镇组织办、镇纪委"

    with pytest.raises(ConversionError, match="R-CV-11"):
        case_close(case=case, closed_on=date(2026, 12, 1), closed_by=clerk)
    case = case_close(case=case, closed_on=date(2026, 12, 2), closed_by=clerk)
    assert case.state == ConversionCase.State.CLOSED
    assert list(case.state_changes.values_list("to_state", flat=True)) == ["active", "transition", "closed"]
