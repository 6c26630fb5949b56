"""Plain factory functions for test data. Each takes keyword overrides and saves the object."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group, User

from core.access import ROLE_GROUP_NAMES, Role
from core.idnumbers import make_id_number
from core.models import Organization, StaffProfile
from members.models import Member

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


def make_user(
    role: Role | None = None,
    *,
    organization: Organization | None = None,
    username: str | None = None,
    **extra,
) -> User:
    n = next(_seq)
    user = User.objects.create_user(
        username=username or f"user{n}",
        password="Test-pass-2026",
        first_name=extra.pop("first_name", f"用户{n}"),
        is_staff=role == Role.ADMIN,
        **extra,
    )
    if role is not None:
        user.groups.add(Group.objects.get(name=ROLE_GROUP_NAMES[role]))
    if organization is not None or role is not None:
        StaffProfile.objects.create(user=user, organization=organization)
    return user
