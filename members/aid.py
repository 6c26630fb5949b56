"""Pairing aid: members paired with households in difficulty, and visit records (R-MB-12, record)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from members.exceptions import MemberError
from members.models import AidHousehold, AidPairing, AidVisit, Member
from members.pairings import active_member_for_update, end_period


@transaction.atomic
def aid_household_create(*, head_name: str, village: str, difficulty: str, address: str = "") -> AidHousehold:
    if not head_name.strip() or not village.strip() or not difficulty.strip():
        raise MemberError("请填写户主姓名、所在村和困难情况（R-MB-12）。", rule="R-MB-12")
    return AidHousehold.objects.create(
        head_name=head_name.strip(), village=village.strip(), address=address.strip(), difficulty=difficulty
    )


@transaction.atomic
def aid_pair(*, member: Member, household: AidHousehold, started_on: date) -> AidPairing:
    """R-MB-12: pair an active member with a household (one open pairing per member and household)."""
    member = active_member_for_update(member, doing="结对帮扶", rule="R-MB-12")
    if AidPairing.objects.filter(member=member, household=household, ended_on__isnull=True).exists():
        raise MemberError(f"{member.name}已与{household}结对（R-MB-12）。", rule="R-MB-12")
    return AidPairing.objects.create(member=member, household=household, started_on=started_on)


@transaction.atomic
def aid_end(*, pairing: AidPairing, ended_on: date) -> AidPairing:
    return end_period(
        pairing,
        ended_on=ended_on,
        rule="R-MB-12",
        already_ended="该结对帮扶已结束。",
        too_early="结束日期不能早于结对日期（R-MB-12）。",
    )


@transaction.atomic
def aid_visit_record(*, pairing: AidPairing, visited_on: date, content: str, recorded_by) -> AidVisit:
    """R-MB-12: a visit record, within the pairing's dates."""
    if not content.strip():
        raise MemberError("请填写帮扶内容（R-MB-12）。", rule="R-MB-12")
    if visited_on < pairing.started_on or (pairing.ended_on and visited_on > pairing.ended_on):
        raise MemberError("走访日期应在结对期间内（R-MB-12）。", rule="R-MB-12")
    return AidVisit.objects.create(
        pairing=pairing, visited_on=visited_on, content=content.strip(), recorded_by=recorded_by
    )
