"""Annual reviews (R-MB-09), training rotations and pairings (R-MB-11), pairing aid (R-MB-12)."""

from datetime import date

import pytest

from members.aid import aid_household_create, aid_pair, aid_visit_record
from members.exceptions import MemberError
from members.reviews import review_record
from members.training import pairing_create, rotation_enroll, rotation_year
from tests import factories

pytestmark = pytest.mark.django_db


def test_annual_review_is_recorded_once_per_year_R_MB_09(branch_a, clerk):
    member = factories.make_member(branch_a)
    review_record(member=member, year=2025, result="qualified", recorded_by=clerk)
    with pytest.raises(MemberError, match="R-MB-09"):
        review_record(member=member, year=2025, result="excellent", recorded_by=clerk)


def _young(branch):
    return factories.make_member(
        branch, birth_date=date(1998, 3, 3), joined_on=date(2020, 7, 1), full_member_on=date(2021, 7, 1)
    )


def test_a_sixteenth_trainee_is_refused_and_fewer_than_ten_is_flagged_R_MB_11(branch_a):
    for n in range(15):
        rotation_enroll(member=_young(branch_a), year=2026, started_on=date(2026, 3, 1))
        if n == 8:
            assert rotation_year(2026).below_minimum
    assert not rotation_year(2026).below_minimum
    with pytest.raises(MemberError, match="R-MB-11"):
        rotation_enroll(member=_young(branch_a), year=2026, started_on=date(2026, 3, 1))


def test_trainee_must_be_young_or_a_reserve_cadre_R_MB_11(branch_a):
    older = factories.make_member(branch_a, birth_date=date(1970, 1, 1))
    with pytest.raises(MemberError, match="R-MB-11"):
        rotation_enroll(member=older, year=2026, started_on=date(2026, 3, 1))
    cadre = factories.make_member(branch_a, birth_date=date(1970, 1, 2), is_reserve_cadre=True)
    assert rotation_enroll(member=cadre, year=2026, started_on=date(2026, 3, 1))


def test_mentor_from_the_center_branch_takes_at_most_two_trainees_one_to_one_R_MB_11(center, branch_a):
    mentor = factories.make_member(center)
    rotations = [
        rotation_enroll(member=_young(branch_a), year=2026, started_on=date(2026, 3, 1)) for _ in range(3)
    ]
    pairing_create(mentor=mentor, rotation=rotations[0], started_on=date(2026, 3, 2))
    pairing_create(mentor=mentor, rotation=rotations[1], started_on=date(2026, 3, 2))
    with pytest.raises(MemberError, match="最多2名"):
        pairing_create(mentor=mentor, rotation=rotations[2], started_on=date(2026, 3, 2))
    with pytest.raises(MemberError, match="已有带教人"):
        pairing_create(
            mentor=factories.make_member(center), rotation=rotations[0], started_on=date(2026, 3, 2)
        )
    with pytest.raises(MemberError, match="中心党支部"):
        pairing_create(
            mentor=factories.make_member(branch_a), rotation=rotations[2], started_on=date(2026, 3, 2)
        )


def test_pairing_aid_records_visits_within_the_pairing_R_MB_12(branch_a, clerk):
    household = aid_household_create(head_name="赵大", village="东村", difficulty="因病致贫")
    pairing = aid_pair(
        member=factories.make_member(branch_a), household=household, started_on=date(2026, 1, 1)
    )
    visit = aid_visit_record(
        pairing=pairing, visited_on=date(2026, 2, 1), content="送米送油", recorded_by=clerk
    )
    assert visit.pairing.household == household
    with pytest.raises(MemberError, match="R-MB-12"):
        aid_visit_record(pairing=pairing, visited_on=date(2025, 12, 1), content="x", recorded_by=clerk)
