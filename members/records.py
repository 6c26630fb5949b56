"""Validation of a member record (R-MB-01, R-MB-04)."""

from datetime import date

from django.core.exceptions import ValidationError

from core.dates import local_today
from core.idnumbers import id_number_problem, normalize_id_number
from core.models import Organization
from members.models import Member


def validate_member(member: Member, *, today: date | None = None) -> None:
    """``today`` (default: local_today()) lets an import of thousands of rows ask for the day once."""
    errors = {}
    member.id_number = normalize_id_number(member.id_number)
    if member.id_number:
        problem = id_number_problem(member.id_number, member.birth_date)
        if problem:
            errors["id_number"] = problem
    if member.organization_id:
        org = member.organization
        # R-MB-01: a member belongs to exactly one branch; a party group is recorded separately.
        if not org.is_branch:
            errors["organization"] = "党员的组织关系应在党支部（或党总支），党小组请另行选择（R-MB-01）。"
        if member.party_group is not None and (
            member.party_group.kind != Organization.Kind.PARTY_GROUP or member.party_group.parent_id != org.pk
        ):
            errors["party_group"] = "所选党小组不属于该党员所在的党支部（R-MB-01）。"
    if member.birth_date and member.birth_date > (today or local_today()):
        errors["birth_date"] = "出生日期不能晚于今天，请核对。"
    if member.joined_on and member.birth_date and member.joined_on <= member.birth_date:
        errors["joined_on"] = "入党日期不能早于出生日期。"
    if member.full_member_on and member.joined_on and member.full_member_on < member.joined_on:
        errors["full_member_on"] = "转正日期不能早于入党日期（R-MB-03）。"
    if errors:
        raise ValidationError(errors)


def member_create(
    *, recorded_by, status: str = Member.Status.FULL, reason: str = "建立党员档案", **fields
) -> Member:
    """Create a member record with its first dated status event (R-MB-02). Validates like a form would."""
    from django.db import transaction

    from members.models import MemberStatusEvent

    with transaction.atomic():
        member = Member(status=status, **fields)
        member.full_clean()
        member.save()
        MemberStatusEvent.objects.create(
            member=member,
            action="create",
            from_state="",
            to_state=status,
            effective_on=member.joined_on or member.created_at.date(),
            note=reason,
            by=recorded_by,
        )
    return member
