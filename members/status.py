"""Member status changes as dated events (R-MB-02, R-MB-03)."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from members.exceptions import MemberError
from members.models import Discipline, Member, MemberStatusEvent

_ALLOWED = {
    Member.Status.PROBATIONARY: {
        Member.Status.FULL,
        Member.Status.REMOVED,
        Member.Status.TRANSFERRED_OUT,
        Member.Status.DECEASED,
        Member.Status.EXPELLED,
    },
    Member.Status.FULL: {
        Member.Status.TRANSFERRED_OUT,
        Member.Status.DECEASED,
        Member.Status.EXPELLED,
        Member.Status.REMOVED,
    },
    Member.Status.TRANSFERRED_OUT: {Member.Status.FULL, Member.Status.PROBATIONARY},
    Member.Status.DECEASED: set(),
    Member.Status.EXPELLED: set(),
    Member.Status.REMOVED: set(),
}


@transaction.atomic
def change_status(
    *, member: Member, to_status: str, effective_on: date, reason: str, recorded_by
) -> MemberStatusEvent:
    """R-MB-02: the only way a member's status changes; writes the dated event."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not reason.strip():
        raise MemberError("状态变动须填写原因（R-MB-02）。", rule="R-MB-02")
    if to_status not in _ALLOWED.get(member.status, set()):
        raise MemberError(
            f"{member.name}的状态不能从“{member.get_status_display()}”变为“{Member.Status(to_status).label}”（R-MB-02）。",
            rule="R-MB-02",
        )
    fields = ["status"]
    if to_status == Member.Status.FULL and member.status == Member.Status.PROBATIONARY:
        # R-MB-03: party age counts from the end of probation.
        member.full_member_on = effective_on
        fields.append("full_member_on")
    event = MemberStatusEvent.objects.create(
        member=member,
        from_status=member.status,
        to_status=to_status,
        effective_on=effective_on,
        reason=reason,
        recorded_by=recorded_by,
    )
    member.status = to_status
    member.save(update_fields=[*fields, "name_initials"])
    return event


def has_full_rights(member: Member, on: date) -> bool:
    """R-MB-02: under 留党察看 a member may not vote, elect, be elected or act as introducer."""
    return (
        not Discipline.objects.filter(member=member, kind=Discipline.Kind.PROBATION, decided_on__lte=on)
        .exclude(rights_restored_on__lte=on)
        .exists()
    )


def members_without_rights_ids(on: date) -> set[int]:
    return set(
        Discipline.objects.filter(kind=Discipline.Kind.PROBATION, decided_on__lte=on)
        .exclude(rights_restored_on__lte=on)
        .values_list("member_id", flat=True)
    )
