"""Members and core: organisations, members, staff users, and the member records documents print (transfers,
floating members and their certificates, meetings), made through the members app's own operations where it has
them. Each function takes keyword overrides and saves what it makes."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User
from django.db import transaction

from core.access import ROLE_GROUP_NAMES, Role
from core.dates import period_end
from core.idnumbers import make_id_number
from core.models import CenterProfile, Organization, StaffProfile
from core.numbering import format_number, next_number
from members.floating import floating_register
from members.meetings import meeting_create, record_attendance
from members.models import (
    Attendance,
    DuesPayment,
    FloatingCertificate,
    FloatingMember,
    Meeting,
    Member,
    RelationTransfer,
)
from members.transfers import transfer_start

_seq = itertools.count(1)


def town_committee() -> Organization:
    org = Organization.objects.filter(kind=Organization.Kind.TOWN_COMMITTEE, parent__isnull=True).first()
    return org or Organization.objects.create(
        name="中共某某镇委员会",
        kind=Organization.Kind.TOWN_COMMITTEE,
        code="TOWN",
        has_approval_authority=True,
    )


def make_branch(
    name: str | None = None, *, village: str = "", parent: Organization | None = None, **extra
) -> Organization:
    n = next(_seq)
    return Organization.objects.create(
        name=name or f"第{n}村党支部",
        kind=extra.pop("kind", Organization.Kind.BRANCH),
        parent=parent or town_committee(),
        code=extra.pop("code", f"B{n:05d}"),
        village=village or f"第{n}村",
        **extra,
    )


def center_branch() -> Organization:
    org = Organization.objects.filter(is_center=True).first()
    return org or make_branch(
        "党员服务转化中心党支部", village="", is_center=True, category=Organization.Category.CENTER
    )


def make_party_group(branch: Organization, name: str | None = None) -> Organization:
    n = next(_seq)
    return Organization.objects.create(
        name=name or f"第{n}党小组", kind=Organization.Kind.PARTY_GROUP, parent=branch, code=f"G{n:05d}"
    )


def make_member(organization: Organization | None = None, **extra) -> Member:
    n = next(_seq)
    born = extra.pop("birth_date", date(1980, 1, 1 + n % 28))
    fields = {
        "name": f"测试党员{n}",
        "gender": Member.Gender.MALE,
        "birth_date": born,
        "id_number": make_id_number("320102", born, n),
        "organization": organization or make_branch(),
        "status": Member.Status.FULL,
        "joined_on": date(2005, 7, 1),
        "full_member_on": date(2006, 7, 1),
        "phone": f"139{n:08d}",
        "monthly_dues": Decimal("2.00"),
    }
    fields.update(extra)
    if fields["status"] == Member.Status.PROBATIONARY and "full_member_on" not in extra:
        fields["full_member_on"] = None
    return Member.objects.create(**fields)


# Staff are people with names, as in the demo town (pages and PDFs name them, core.people): 姓 + 名, drawn by
# the factory's sequence — names no test gives a member.
_STAFF_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
_STAFF_GIVEN = "晓岚 思远 嘉怡 子涵 雨桐 浩然 若溪 俊杰 静怡 梓萱 明轩 欣悦".split()


def make_user(
    role: Role | None = None,
    *,
    organization: Organization | None = None,
    username: str | None = None,
    **extra,
) -> User:
    n = next(_seq)
    if "first_name" not in extra and "last_name" not in extra:  # a name given whole stays as given
        extra["last_name"] = _STAFF_FAMILY[n % len(_STAFF_FAMILY)]
        extra["first_name"] = _STAFF_GIVEN[(n // len(_STAFF_FAMILY)) % len(_STAFF_GIVEN)]
    user = User.objects.create_user(
        username=username or f"user{n}",
        password="Test-pass-2026",
        is_staff=role == Role.ADMIN,
        **extra,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
    if organization is not None or role is not None:
        StaffProfile.objects.create(user=user, organization=organization)
    return user


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


def registered_away(member: Member, recorded_by, left_on: date = date(2025, 1, 1), **extra) -> FloatingMember:
    """A floating member registered through the operation (``floating_register``), then ``extra`` written
    straight to the record (contact dates, lost contact) as time would have left them."""
    floating = floating_register(
        member=member,
        direction="out",
        flowed_out_on=left_on,
        destination="江苏省苏州市",
        current_work="某电子厂",
        home_address="东村",
        contact_phone="139",
        recorded_by=recorded_by,
    )
    FloatingMember.objects.filter(pk=floating.pk).update(**extra)
    return floating


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
    return make_member(organization, name=name, **extra)


# Rows written straight, for figures over a known past (tests/reports): no operation, no checks.
_letters = itertools.count(1)


def transfer_row(member, direction, *, to=None, frm=None, accepted_on=None) -> RelationTransfer:
    """A relation transfer written straight as a 2026 row, accepted on ``accepted_on`` or pending: history
    for the figures, not the transfer operation (``make_transfer``)."""
    n = next(_letters)
    issued = accepted_on or date(2026, 1, 2)
    return RelationTransfer.objects.create(
        member=member,
        direction=direction,
        to_organization=to,
        from_organization=frm,
        to_unit="" if to else "外省某支部",
        letter_year=2026,
        letter_sequence=n,
        letter_number=f"测试介{n}",
        issued_on=min(issued, date(2026, 1, 2)),
        valid_until=date(2026, 12, 31),
        state=RelationTransfer.State.ACCEPTED if accepted_on else RelationTransfer.State.PENDING,
        accepted_on=accepted_on,
    )


def dues_row(member, month, amount) -> None:
    """A 2026 dues payment for ``month``, written straight as a row."""
    DuesPayment.objects.create(
        member=member, month=date(2026, month, 1), amount=Decimal(amount), paid_on=date(2026, month, 20)
    )


def meeting_row(org, kind, day, roll=None) -> Meeting:
    """A meeting row with its roll (``{member: present}``), without the meeting operation's checks."""
    m = Meeting.objects.create(organization=org, kind=kind, held_on=day, topic="学习")
    for member, present in (roll or {}).items():
        Attendance.objects.create(meeting=m, member=member, present=present)
    return m
