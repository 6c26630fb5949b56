"""Member status changes as dated events (R-MB-02, R-MB-03)."""

from __future__ import annotations

from datetime import date
from typing import cast

from django.db import transaction

from core.transitions import Machine, Problem, Transition, perform
from members.exceptions import MemberError
from members.models import Discipline, Member, MemberStatusEvent

S = Member.Status

# R-MB-02: the member status table. An action is named after the status it leads to.
_FROM = {
    S.FULL: (S.PROBATIONARY, S.TRANSFERRED_OUT),
    S.PROBATIONARY: (S.TRANSFERRED_OUT,),
    S.TRANSFERRED_OUT: (S.PROBATIONARY, S.FULL),
    S.DECEASED: (S.PROBATIONARY, S.FULL),
    S.EXPELLED: (S.PROBATIONARY, S.FULL),
    S.REMOVED: (S.PROBATIONARY, S.FULL),
}
_REASON_REQUIRED = Problem("状态变动须填写原因（R-MB-02）。", "R-MB-02")


def _refused(member: Member, t: Transition) -> Problem:
    return Problem(
        f"{member.name}的状态不能从“{member.get_status_display()}”变为“{S(t.target).label}”（R-MB-02）。",
        "R-MB-02",
    )


MACHINE = Machine(
    model=Member,
    state_field="status",
    changes=MemberStatusEvent,
    subject="member",
    transitions={
        str(to): Transition(str(to), f"变更为{to.label}", sources, to, note_required=_REASON_REQUIRED)
        for to, sources in _FROM.items()
    },
    error=MemberError,
    refused=_refused,
    save_also=("name_initials",),
    recorded={"create": "建立党员档案"},
)


def _full_member_since(effective_on: date):
    def then(member: Member, event: MemberStatusEvent) -> list[str]:
        if event.from_state == S.PROBATIONARY and event.to_state == S.FULL:
            # R-MB-03: party age counts from the end of probation.
            member.full_member_on = effective_on
            return ["full_member_on"]
        return []

    return then


@transaction.atomic
def change_status(
    *, member: Member, to_status: str, effective_on: date, reason: str, recorded_by
) -> MemberStatusEvent:
    """R-MB-02: the only way a member's status changes; writes the dated event."""
    event = perform(
        member,
        str(to_status),
        by=recorded_by,
        note=reason,
        row={"effective_on": effective_on},
        then=_full_member_since(effective_on),
    )
    return cast(MemberStatusEvent, event)


def has_full_rights(member: Member, on: date) -> bool:
    """R-MB-02: under 留党察看 a member may not vote, elect, be elected or act as introducer."""
    return (
        not Discipline.objects.filter(member=member, kind=Discipline.Kind.PROBATION, decided_on__lte=on)
        .exclude(rights_restored_on__lte=on)
        .exists()
    )


def members_without_rights_ids(on: date) -> set[int]:
    return members_without_rights_by_day([on])[on]


def members_without_rights_by_day(days) -> dict[date, set[int]]:
    """R-MB-02: for each of ``days``, the members under 留党察看 that day (rights not yet restored) — one query
    for all the days."""
    days = sorted(set(days))
    if not days:
        return {}
    rows = list(
        Discipline.objects.filter(kind=Discipline.Kind.PROBATION, decided_on__lte=days[-1]).values_list(
            "member_id", "decided_on", "rights_restored_on"
        )
    )
    return {
        day: {
            member
            for member, decided_on, restored_on in rows
            if decided_on <= day and (restored_on is None or restored_on > day)
        }
        for day in days
    }


@transaction.atomic
def discipline_record(
    *, member: Member, kind: str, decided_on: date, decided_by: str, reason: str, recorded_by
) -> Discipline:
    """R-MB-02: record a party discipline with its date. Expulsion also ends membership (a status event)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if kind not in Discipline.Kind.values:
        raise MemberError("处分类型无效（R-MB-02）。", rule="R-MB-02")
    if not member.is_active_member:
        raise MemberError(f"{member.name}不是在册党员，不能记录处分（R-MB-02）。", rule="R-MB-02")
    if not decided_by.strip() or not reason.strip():
        raise MemberError("请填写决定机关和处分事由（R-MB-02）。", rule="R-MB-02")
    discipline = Discipline.objects.create(
        member=member,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        reason=reason,
        recorded_by=recorded_by,
    )
    if kind == Discipline.Kind.EXPULSION:
        change_status(
            member=member,
            to_status=Member.Status.EXPELLED,
            effective_on=decided_on,
            reason=f"{decided_by}决定开除党籍",
            recorded_by=recorded_by,
        )
    return discipline


@transaction.atomic
def discipline_restore_rights(*, discipline: Discipline, restored_on: date, recorded_by) -> Discipline:
    """R-MB-02: end 留党察看 — from ``restored_on`` the member may vote, elect, be elected and introduce."""
    discipline = Discipline.objects.select_for_update().get(pk=discipline.pk)
    if discipline.kind != Discipline.Kind.PROBATION:
        raise MemberError("只有留党察看处分需要恢复党员权利（R-MB-02）。", rule="R-MB-02")
    if discipline.rights_restored_on is not None:
        raise MemberError(f"已于{discipline.rights_restored_on}恢复党员权利。", rule="R-MB-02")
    if restored_on < discipline.decided_on:
        raise MemberError("恢复权利日期不能早于处分日期（R-MB-02）。", rule="R-MB-02")
    discipline.rights_restored_on = restored_on
    discipline.save(update_fields=["rights_restored_on"])
    return discipline
