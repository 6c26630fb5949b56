"""Relation transfers with numbered introduction letters (R-MB-05)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from core.dates import period_end
from core.models import CenterProfile, Organization
from core.numbering import format_number, next_number
from members.exceptions import MemberError
from members.models import Member, RelationTransfer
from members.signals import relation_transferred

LETTER_SERIES = "introduction_letter"
DEFAULT_VALID_DAYS = 30


@transaction.atomic
def transfer_start(
    *,
    member: Member,
    direction: str,
    issued_on: date,
    created_by,
    to_organization: Organization | None = None,
    to_unit: str = "",
    from_unit: str = "",
    reason: str = "",
    valid_days: int = DEFAULT_VALID_DAYS,
) -> RelationTransfer:
    """Open a transfer and issue its gap-free numbered letter (R-MB-05). The member does not move yet."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if direction not in RelationTransfer.Direction.values:
        raise MemberError("转接类型无效。", rule="R-MB-05")
    if not member.is_active_member and direction != RelationTransfer.Direction.IN:
        raise MemberError(
            f"{member.name}当前状态为{member.get_status_display()}，不能办理转出（R-MB-05）。", rule="R-MB-05"
        )
    if RelationTransfer.objects.filter(member=member, state=RelationTransfer.State.PENDING).exists():
        raise MemberError(
            f"{member.name}已有一份待接收的组织关系介绍信，请先接收或撤销（R-MB-05）。", rule="R-MB-05"
        )
    if direction == RelationTransfer.Direction.OUT:
        if not to_unit.strip():
            raise MemberError("转出到镇外时须填写接收单位（R-MB-05）。", rule="R-MB-05")
        to_organization = None
    else:
        if to_organization is None or not to_organization.is_branch:
            raise MemberError("请选择接收的党支部（R-MB-05）。", rule="R-MB-05")
        if direction == RelationTransfer.Direction.INTERNAL and to_organization.pk == member.organization_id:
            raise MemberError("接收组织与现所在组织相同，无需转接（R-MB-05）。", rule="R-MB-05")
    if valid_days < 1 or valid_days > 180:
        raise MemberError("介绍信有效期应在1至180天之间（R-MB-05）。", rule="R-MB-05")
    year = issued_on.year
    sequence = next_number(LETTER_SERIES, year)
    return RelationTransfer.objects.create(
        member=member,
        direction=direction,
        from_organization=None if direction == RelationTransfer.Direction.IN else member.organization,
        from_unit=from_unit if direction == RelationTransfer.Direction.IN else "",
        to_organization=to_organization,
        to_unit=to_unit,
        letter_year=year,
        letter_sequence=sequence,
        letter_number=format_number(CenterProfile.current().letter_prefix, year, sequence),
        issued_on=issued_on,
        valid_days=valid_days,
        valid_until=period_end(issued_on, days=valid_days),
        reason=reason,
        created_by=created_by,
    )


@transaction.atomic
def transfer_accept(*, transfer: RelationTransfer, accepted_on: date, accepted_by) -> RelationTransfer:
    """The receiving side accepts: only now does the member's organisation change (R-MB-05)."""
    transfer = RelationTransfer.objects.select_for_update().get(pk=transfer.pk)
    member = Member.objects.select_for_update().get(pk=transfer.member_id)
    if transfer.state != RelationTransfer.State.PENDING:
        raise MemberError(
            f"介绍信{transfer.letter_number}当前为“{transfer.get_state_display()}”，不能再接收。",
            rule="R-MB-05",
        )
    if accepted_on < transfer.issued_on:
        raise MemberError("接收日期不能早于介绍信开具日期（R-MB-05）。", rule="R-MB-05")
    if transfer.from_organization_id is not None and member.organization_id != transfer.from_organization_id:
        # The letter moves the member out of the organisation that issued it, nothing else (R-MB-05).
        raise MemberError(
            f"介绍信{transfer.letter_number}的党员已不在转出组织{transfer.from_organization}，不能接收；"
            "请撤销这封介绍信，由党员现在所在的组织重新开具。",
            rule="R-MB-05",
        )
    previous = member.organization
    if transfer.direction == RelationTransfer.Direction.OUT:
        _set_status(
            member,
            Member.Status.TRANSFERRED_OUT,
            accepted_on,
            f"组织关系转出至{transfer.to_unit}",
            accepted_by,
        )
    else:
        if transfer.to_organization is None:  # the form and the import always name it for IN and BETWEEN
            raise MemberError("请注明接收组织（R-MB-05）。", rule="R-MB-05")
        member.organization = transfer.to_organization
        member.party_group = None
        member.save(update_fields=["organization", "party_group", "name_initials"])
    transfer.state = RelationTransfer.State.ACCEPTED
    transfer.accepted_on = accepted_on
    transfer.accepted_by = accepted_by
    transfer.save(update_fields=["state", "accepted_on", "accepted_by"])
    relation_transferred.send(
        sender=RelationTransfer, transfer=transfer, member=member, previous_organization=previous
    )
    return transfer


@transaction.atomic
def transfer_cancel(*, transfer: RelationTransfer, cancelled_by, reason: str) -> RelationTransfer:
    transfer = RelationTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.state != RelationTransfer.State.PENDING:
        raise MemberError("只有待接收的介绍信可以撤销（R-MB-05）。", rule="R-MB-05")
    if not reason.strip():
        raise MemberError("撤销介绍信须说明原因。", rule="R-MB-05")
    transfer.state = RelationTransfer.State.CANCELLED
    transfer.reason = f"{transfer.reason}；撤销：{reason}".strip("；")
    transfer.save(update_fields=["state", "reason"])
    return transfer


def overdue_letters(on: date | None = None):
    """Letters not accepted within their validity (口袋党员, R-MB-05)."""
    on = on or timezone.localdate()
    return RelationTransfer.objects.filter(state=RelationTransfer.State.PENDING, valid_until__lt=on)


def _set_status(member: Member, to_status: str, effective_on: date, reason: str, recorded_by) -> None:
    from members.status import change_status

    change_status(
        member=member, to_status=to_status, effective_on=effective_on, reason=reason, recorded_by=recorded_by
    )
