"""The members app's lines on the 工作台, for the user's scope (core.access). Every count is one SQL query."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from core.access import scope_queryset
from core.dates import local_today, month_bounds, quarter_bounds, quarter_of
from core.registry import DashboardItem
from members.models import DuesPayment, FloatingMember, Meeting, Member, Organization
from members.transfers import overdue_letters

SECTION = "党员管理"


def member_items(user) -> list[DashboardItem]:
    today = local_today()
    return [
        *_meeting_items(user, today),
        *_floating_items(user, today),
        _dues_item(user, today),
        _letters_item(user, today),
    ]


def branches_missing_meeting(user, kind: str, start, end):
    """Active branches in scope without a meeting of ``kind`` held between ``start`` and ``end`` (R-MB-08)."""
    held = Meeting.objects.filter(organization=OuterRef("pk"), kind=kind, held_on__range=(start, end))
    branches = Organization.objects.branches().filter(is_active=True)
    return scope_queryset(branches, user, "pk").filter(~Exists(held))


def _meeting_items(user, today) -> list[DashboardItem]:
    month_start, month_end = month_bounds(today.year, today.month)
    quarter_start, quarter_end = quarter_bounds(today.year, quarter_of(today))
    url = reverse("members:organizations")
    monthly = branches_missing_meeting(user, Meeting.Kind.COMMITTEE_MEETING, month_start, today).count()
    quarterly = branches_missing_meeting(user, Meeting.Kind.MEMBER_MEETING, quarter_start, today).count()
    return [
        DashboardItem(
            SECTION, "本月未召开支部委员会的支部", monthly, f"{url}?missing=month", _level(monthly, "warning")
        ),
        DashboardItem(
            SECTION,
            "本季度未召开支部党员大会的支部",
            quarterly,
            f"{url}?missing=quarter",
            _level(quarterly, "warning"),
        ),
    ]


def stale_floating(user, today=None):
    """Floating members still away and not contacted for FLOATING_CONTACT_WARNING_DAYS (R-MB-06)."""
    today = today or local_today()
    cutoff = today - timedelta(days=settings.FLOATING_CONTACT_WARNING_DAYS)  # a look-back, not a deadline
    away = FloatingMember.objects.filter(returned_on__isnull=True, member__status__in=Member.ACTIVE_STATUSES)
    away = scope_queryset(away, user, "member__organization")
    return away.filter(
        Q(last_contacted_on__lt=cutoff) | Q(last_contacted_on__isnull=True, flowed_out_on__lt=cutoff)
    )


def lost_floating(user, today=None):
    """Floating members marked lost contact, or not reached for FLOATING_LOST_CONTACT_DAYS (失联, R-MB-06)."""
    today = today or local_today()
    cutoff = today - timedelta(days=settings.FLOATING_LOST_CONTACT_DAYS)
    away = FloatingMember.objects.filter(returned_on__isnull=True, member__status__in=Member.ACTIVE_STATUSES)
    away = scope_queryset(away, user, "member__organization")
    return away.filter(
        Q(lost_contact_since__isnull=False)
        | Q(last_contacted_on__lt=cutoff)
        | Q(last_contacted_on__isnull=True, flowed_out_on__lt=cutoff)
    )


def _floating_items(user, today) -> list[DashboardItem]:
    url = reverse("members:list")
    lost = lost_floating(user, today).count()
    stale = stale_floating(user, today).count() - lost
    days = settings.FLOATING_CONTACT_WARNING_DAYS
    return [
        DashboardItem(SECTION, "流动党员失联", lost, f"{url}?filter=lost", _level(lost, "danger")),
        DashboardItem(
            SECTION,
            f"流动党员超过{days}天未联系",
            max(stale, 0),
            f"{url}?filter=stale",
            _level(stale, "warning"),
        ),
    ]


def in_arrears(user, today=None):
    """Active members in scope with no dues recorded for last month (R-MB-07)."""
    today = today or local_today()
    last_month = month_bounds(today.year, today.month)[0] - timedelta(days=1)
    paid = DuesPayment.objects.filter(member=OuterRef("pk"), month=last_month.replace(day=1))
    members = scope_queryset(Member.objects.filter(status__in=Member.ACTIVE_STATUSES), user)
    return members.filter(~Exists(paid))


def _dues_item(user, today) -> DashboardItem:
    count = in_arrears(user, today).count()
    return DashboardItem(
        SECTION,
        "上月党费未交纳的党员",
        count,
        f"{reverse('members:list')}?filter=arrears",
        _level(count, "warning"),
    )


def _letters_item(user, today) -> DashboardItem:
    letters = overdue_letters(today)
    scoped = scope_queryset(letters, user, "from_organization") | scope_queryset(
        letters, user, "to_organization"
    )
    count = scoped.distinct().count()
    return DashboardItem(
        SECTION,
        "介绍信超过有效期未接收（口袋党员）",
        count,
        f"{reverse('members:transfers')}?overdue=1",
        _level(count, "danger"),
    )


def _level(count: int, level: str) -> str:
    return level if count else "ok"
