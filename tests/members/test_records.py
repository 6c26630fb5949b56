"""Organisation tree, status events, party age, ID numbers and transfers (R-MB-01 … R-MB-05)."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from core.idnumbers import id_number_problem, make_id_number
from core.models import Organization
from members.exceptions import MemberError
from members.models import Discipline, Member, MemberStatusEvent, RelationTransfer
from members.status import change_status, discipline_record, discipline_restore_rights, has_full_rights
from members.transfers import overdue_letters, transfer_accept, transfer_start
from tests import factories

pytestmark = pytest.mark.django_db


def test_party_group_must_sit_inside_a_branch_R_MB_01(town, branch_a):
    group = Organization(name="错组", kind=Organization.Kind.PARTY_GROUP, parent=town, code="X1")
    with pytest.raises(ValidationError, match="R-MB-01"):
        group.full_clean()
    member = factories.make_member(branch_a)
    member.organization = factories.make_party_group(branch_a)
    with pytest.raises(ValidationError, match="R-MB-01"):
        member.full_clean()


def test_status_change_writes_a_dated_event_and_forbids_leaving_death_R_MB_02(branch_a, clerk):
    member = factories.make_member(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2025, 5, 1))
    change_status(
        member=member, to_status="full", effective_on=date(2026, 5, 1), reason="转正", recorded_by=clerk
    )
    change_status(
        member=member, to_status="deceased", effective_on=date(2026, 8, 1), reason="病故", recorded_by=clerk
    )
    assert list(MemberStatusEvent.objects.filter(member=member).values_list("to_state", flat=True)) == [
        "deceased",
        "full",
    ]
    with pytest.raises(MemberError, match="R-MB-02"):
        change_status(
            member=member, to_status="full", effective_on=date(2026, 9, 1), reason="x", recorded_by=clerk
        )


def test_probation_discipline_suspends_rights_until_restored_R_MB_02(branch_a, clerk):
    member = factories.make_member(branch_a)
    d = discipline_record(
        member=member,
        kind=Discipline.Kind.PROBATION,
        decided_on=date(2026, 1, 10),
        decided_by="镇纪委",
        reason="违纪",
        recorded_by=clerk,
    )
    assert has_full_rights(member, date(2026, 1, 9)) and not has_full_rights(member, date(2026, 6, 1))
    discipline_restore_rights(discipline=d, restored_on=date(2027, 1, 10), recorded_by=clerk)
    assert not has_full_rights(member, date(2027, 1, 9)) and has_full_rights(member, date(2027, 1, 10))


def test_expulsion_ends_membership_with_a_status_event_R_MB_02(branch_a, clerk):
    member = factories.make_member(branch_a)
    discipline_record(
        member=member,
        kind="expulsion",
        decided_on=date(2026, 2, 1),
        decided_by="镇党委",
        reason="严重违纪",
        recorded_by=clerk,
    )
    member.refresh_from_db()
    assert member.status == "expelled" and member.status_events.filter(to_state="expelled").exists()


def test_party_age_counts_from_full_membership_not_joining_R_MB_03(branch_a, clerk):
    member = factories.make_member(branch_a, status=Member.Status.PROBATIONARY, joined_on=date(2020, 6, 30))
    assert member.party_age(date(2026, 7, 1)) is None
    change_status(
        member=member, to_status="full", effective_on=date(2021, 6, 30), reason="转正", recorded_by=clerk
    )
    member.refresh_from_db()
    assert member.full_member_on == date(2021, 6, 30)
    assert member.party_age(date(2026, 6, 29)) == 4 and member.party_age(date(2026, 6, 30)) == 5


def test_id_number_checksum_x_and_birth_date_R_MB_04():
    good = make_id_number("110105", date(1949, 12, 31), 1)
    assert id_number_problem(good, date(1949, 12, 31)) is None
    assert "校验位" in id_number_problem(good[:17] + ("0" if good[17] != "0" else "1"))
    assert "不一致" in id_number_problem(good, date(1950, 1, 1))
    assert id_number_problem("11010519491231002X") is None  # the GB 11643 example ends in X
    assert id_number_problem("11010519491231002x") is None  # lower-case x is normalised
    assert "18位" in id_number_problem("1101051949123100")


def test_id_number_is_unique_per_person_R_MB_04(branch_a):
    member = factories.make_member(branch_a)
    twin = Member(
        name="重复",
        gender="M",
        birth_date=member.birth_date,
        id_number=member.id_number,
        organization=branch_a,
        status="full",
    )
    with pytest.raises(ValidationError):
        twin.full_clean()


def test_member_moves_only_when_the_transfer_is_accepted_R_MB_05(branch_a, branch_b, clerk):
    member = factories.make_member(branch_a)
    transfer = transfer_start(
        member=member,
        direction="internal",
        issued_on=date(2026, 3, 1),
        created_by=clerk,
        to_organization=branch_b,
    )
    member.refresh_from_db()
    assert member.organization == branch_a
    transfer_accept(transfer=transfer, accepted_on=date(2026, 3, 5), accepted_by=clerk)
    member.refresh_from_db()
    assert member.organization == branch_b


def test_letters_are_numbered_gap_free_and_overdue_ones_are_pocket_members_R_MB_05(branch_a, branch_b, clerk):
    first = transfer_start(
        member=factories.make_member(branch_a),
        direction="internal",
        issued_on=date(2026, 3, 1),
        created_by=clerk,
        to_organization=branch_b,
    )
    with pytest.raises(MemberError):
        transfer_start(
            member=factories.make_member(branch_a, status="deceased"),
            direction="out",
            issued_on=date(2026, 3, 2),
            created_by=clerk,
            to_unit="外省",
        )
    second = transfer_start(
        member=factories.make_member(branch_a),
        direction="out",
        issued_on=date(2026, 3, 2),
        created_by=clerk,
        to_unit="某市某支部",
    )
    assert (first.letter_sequence, second.letter_sequence) == (1, 2)  # the refused one took no number
    assert first.valid_until == date(2026, 3, 31)
    assert list(overdue_letters(date(2026, 4, 1))) == [first] or set(overdue_letters(date(2026, 4, 1))) == {
        first
    }
    assert first.is_overdue(date(2026, 4, 1)) and not first.is_overdue(date(2026, 3, 31))
    transfer_accept(transfer=second, accepted_on=date(2026, 3, 10), accepted_by=clerk)
    assert second.member.__class__.objects.get(pk=second.member_id).status == "transferred_out"
    assert RelationTransfer.objects.filter(state="accepted").count() == 1
