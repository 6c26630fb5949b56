"""Validation of a member record (R-MB-01, R-MB-04, R-MB-13)."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

from core.dates import local_today
from core.idnumbers import id_number_problem, normalize_id_number
from core.models import Organization
from members.dues import record_amount_problem
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
    dues_problem = record_amount_problem(member.monthly_dues)
    if dues_problem:
        errors["monthly_dues"] = dues_problem
    if member.birth_date and member.birth_date > (today or local_today()):
        errors["birth_date"] = "出生日期不能晚于今天，请核对。"
    if member.joined_on and member.birth_date and member.joined_on <= member.birth_date:
        errors["joined_on"] = "入党日期不能早于出生日期。"
    if member.full_member_on and member.joined_on and member.full_member_on < member.joined_on:
        errors["full_member_on"] = "转正日期不能早于入党日期（R-MB-03）。"
    if errors:
        raise ValidationError(errors)


def first_status_day(member: Member, *, made_on: date | None = None) -> date:
    """R-MB-02: the day a new record's first status event is effective — the joining day or, without one, the
    local day (Asia/Shanghai) the record was made: at 00:30 in Shanghai it is still the day before in UTC.
    ``made_on`` is that day when the caller knows it (an import of thousands of records made at one moment)."""
    return member.joined_on or made_on or timezone.localdate(member.created_at)


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
            effective_on=first_status_day(member),
            note=reason,
            by=recorded_by,
        )
    return member
