"""Enrolment into conversion management (R-CV-01, R-CV-02)."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from conversion.exceptions import ConversionError
from conversion.models import CaseStateChange, ConversionCase
from core.models import Organization
from core.numbering import issue_center_document_number
from core.profile import rule_profile
from members.models import Member, RelationTransfer
from members.transfers import transfer_accept, transfer_start


def center_branch() -> Organization:
    center = Organization.objects.filter(is_center=True, is_active=True).first()
    if center is None:
        raise ConversionError(
            "尚未设置党员服务转化中心党支部，请先在组织管理中设置（R-CV-01）。", rule="R-CV-01"
        )
    return center


@transaction.atomic
def case_enrol(*, member: Member, opened_on: date, reason: str, decided_by) -> ConversionCase:
    """R-CV-01: the town committee moves the member into the center's branch through a relation transfer
    (members.transfers, with its numbered letter) and the original branch is remembered.
    R-CV-02: the case opens with the base points of the rule profile in force.
    The case file number (案卷号) is drawn here, in this transaction, from the center's one document series
    (core.numbering): a rolled-back enrolment gives it back, and no other center document can print it."""
    center = center_branch()
    member = Member.objects.select_for_update().select_related("organization").get(pk=member.pk)
    if not reason.strip():
        raise ConversionError(
            "请填写镇党委决定纳入转化管理的原因（R-CV-01）。", rule="R-CV-01", field="reason"
        )
    if ConversionCase.objects.filter(member=member).exclude(state=ConversionCase.State.CLOSED).exists():
        raise ConversionError(
            f"{member.name}已有未结案的转化案件（R-CV-01）。", rule="R-CV-01", field="member"
        )
    if member.organization_id == center.pk:
        raise ConversionError(
            f"{member.name}的组织关系已在中心党支部，无法确定原支部，请核实（R-CV-01）。",
            rule="R-CV-01",
            field="member",
        )
    original = member.organization
    transfer = transfer_start(
        member=member,
        direction=RelationTransfer.Direction.INTERNAL,
        issued_on=opened_on,
        created_by=decided_by,
        to_organization=center,
        reason="镇党委决定纳入转化管理",
    )
    transfer = transfer_accept(transfer=transfer, accepted_on=opened_on, accepted_by=decided_by)
    # R-CV-02: the base of the version the case is judged by from now on (ConversionCase.profile)
    created_at = timezone.now()
    base = rule_profile(at=created_at).points_base
    case = ConversionCase.objects.create(
        created_at=created_at,
        member=member,
        original_organization=original,
        enrolment_transfer=transfer,
        opened_on=opened_on,
        file_number=issue_center_document_number(opened_on),
        reason=reason.strip(),
        base_points=base,
        balance=base,
        opened_by=decided_by,
    )
    CaseStateChange.objects.create(
        case=case,
        action="enrol",
        from_state="",
        to_state=ConversionCase.State.ACTIVE,
        effective_on=opened_on,
        note=f"由{original.name}转入中心党支部，介绍信{transfer.letter_number}",
        by=decided_by,
    )
    return case
