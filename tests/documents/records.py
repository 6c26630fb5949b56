"""Real records to print: made through the members app's own operations where it has them."""

from __future__ import annotations

from datetime import date

from django.db import transaction

from core.dates import period_end
from core.models import CenterProfile, Organization
from core.numbering import format_number, next_number
from members.meetings import meeting_create, record_attendance
from members.models import FloatingCertificate, FloatingMember, Meeting, Member, RelationTransfer
from members.transfers import transfer_start
from tests import factories


def make_transfer(
    member: Member, to_organization: Organization, *, issued_on: date, created_by
) -> RelationTransfer:
    return transfer_start(
        member=member,
        direction=RelationTransfer.Direction.INTERNAL,
        issued_on=issued_on,
        to_organization=to_organization,
        reason="工作调动",
        created_by=created_by,
    )


def make_floating(member: Member, **extra) -> FloatingMember:
    fields = {
        "flowed_out_on": date(2026, 2, 20),
        "destination": "江苏省苏州市工业园区",
        "current_work": "苏州某电子有限公司 技术员",
        "home_address": f"{member.organization.village}村民组12号",
        "contact_phone": "13912345678",
        "last_contacted_on": date(2026, 4, 1),
    }
    fields.update(extra)
    return FloatingMember.objects.create(member=member, **fields)


@transaction.atomic
def make_certificate(floating: FloatingMember, *, issued_on: date, issued_by=None) -> FloatingCertificate:
    """Numbered like the members app numbers certificates: gap-free per year (core.numbering)."""
    sequence = next_number("floating_certificate", issued_on.year)
    return FloatingCertificate.objects.create(
        floating=floating,
        year=issued_on.year,
        sequence=sequence,
        number=format_number(CenterProfile.current().certificate_prefix, issued_on.year, sequence),
        issued_on=issued_on,
        valid_until=period_end(issued_on, years=1),
        issued_by=issued_by,
    )


def make_meeting(
    organization: Organization,
    *,
    held_on: date,
    recorded_by,
    absent: dict[Member, str] | None = None,
    topic: str = "学习贯彻党的二十届四中全会精神",
    kind: str = Meeting.Kind.MEMBER_MEETING,
) -> Meeting:
    meeting = meeting_create(
        organization=organization,
        kind=kind,
        held_on=held_on,
        topic=topic,
        location="村党员活动室",
        host="王书记",
        minutes="一、传达学习上级会议精神。\n二、讨论本季度党员发展工作。\n三、布置下月主题党日活动。",
        recorded_by=recorded_by,
    )
    absent = absent or {}
    present_ids = [m.pk for m in Member.objects.filter(organization=organization) if m not in absent]
    record_attendance(
        meeting=meeting,
        present_ids=present_ids,
        recorded_by=recorded_by,
        absence_reasons={m.pk: reason for m, reason in absent.items()},
    )
    return meeting


def make_named_member(organization: Organization, name: str, **extra) -> Member:
    return factories.make_member(organization, name=name, **extra)
