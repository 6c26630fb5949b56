"""Member events on the member page's timeline (core.registry.register_timeline, from MembersConfig.ready)."""

from __future__ import annotations

from django.db.models import Prefetch, prefetch_related_objects
from django.urls import reverse

from core.registry import NavItem, TimelineEvent, register_dashboard, register_nav, register_timeline
from members.models import (
    Attendance,
    DuesPayment,
    FloatingContact,
    MemberStatusEvent,
    RelationTransfer,
)

SOURCE = "党员管理"


def prefetch_member_records(member) -> None:
    """Fetch the member's transfers (with both organisations) and disciplines once, for the member page and
    its timeline; a no-op when already fetched."""
    prefetch_related_objects(
        [member],
        Prefetch(
            "transfers",
            queryset=RelationTransfer.objects.select_related("from_organization", "to_organization"),
        ),
        "disciplines",
    )


def member_events(member, user) -> list[TimelineEvent]:
    prefetch_member_records(member)
    return [
        *_status_events(member),
        *_transfers(member),
        *_attendance(member),
        *_dues(member),
        *_disciplines(member),
        *_contacts(member),
    ]


def _status_events(member):
    for event in MemberStatusEvent.objects.filter(member=member):
        title = f"党员状态：{event.get_to_state_display()}"
        if event.from_state:
            title = f"党员状态：{event.get_from_state_display()} → {event.get_to_state_display()}"
        yield TimelineEvent(event.effective_on, title, event.note, source=SOURCE, level="ok")


def _transfers(member):
    for t in member.transfers.all():
        target = t.to_organization or t.to_unit
        detail = f"介绍信{t.letter_number}，{t.from_organization or t.from_unit or '镇外'} → {target}"
        overdue = t.is_overdue()
        yield TimelineEvent(
            t.issued_on,
            f"组织关系{t.get_direction_display()}（{t.get_state_display()}{'，已超过有效期' if overdue else ''}）",
            detail,
            source=SOURCE,
            level="danger" if overdue else "info",
        )
        if t.accepted_on:
            yield TimelineEvent(
                t.accepted_on, "组织关系转接已接收", f"接收方：{target}", source=SOURCE, level="ok"
            )


def _attendance(member):
    rows = Attendance.objects.filter(member=member).select_related("meeting", "meeting__organization")
    for row in rows:
        meeting = row.meeting
        state = "出席" if row.present else "缺席"
        detail = meeting.topic + (f"（缺席原因：{row.absence_reason}）" if row.absence_reason else "")
        yield TimelineEvent(
            meeting.held_on,
            f"{state}{meeting.get_kind_display()}",
            detail,
            url=reverse("members:meeting", args=[meeting.pk]),
            source=SOURCE,
            level="info" if row.present else "warning",
        )


def _dues(member):
    for payment in DuesPayment.objects.filter(member=member).select_related("receipt"):
        receipt = payment.receipt
        detail = f"{payment.amount}元"
        if receipt is not None:
            detail += f"，收据{receipt.number}" + (f"，{receipt.paid_by}代交" if receipt.paid_by else "")
        yield TimelineEvent(
            payment.paid_on,
            f"交纳{payment.month:%Y年%-m月}党费",
            detail,
            source=SOURCE,
            level="ok",
        )


def _disciplines(member):
    for d in member.disciplines.all():
        yield TimelineEvent(
            d.decided_on,
            f"党纪处分：{d.get_kind_display()}",
            f"{d.decided_by}：{d.reason}",
            source=SOURCE,
            level="danger",
        )
        if d.rights_restored_on:
            yield TimelineEvent(d.rights_restored_on, "恢复党员权利", "", source=SOURCE, level="ok")


def _contacts(member):
    for c in FloatingContact.objects.filter(floating__member=member):
        state = "联系上" if c.reached else "未联系上"
        yield TimelineEvent(
            c.contacted_on,
            f"流动党员联系（{c.get_method_display()}，{state}）",
            c.note,
            source=SOURCE,
            level="info" if c.reached else "warning",
        )


def register() -> None:
    """Called from MembersConfig.ready(): the members app's navigation, dashboard lines and timeline events."""
    from members.dashboard import member_items

    register_nav(NavItem("党员", "members:list", order=10))
    register_nav(NavItem("三会一课", "members:meetings", order=20))
    register_nav(NavItem("关系转接", "members:transfers", order=30))
    register_nav(NavItem("党组织", "members:organizations", order=40))
    register_dashboard(member_items)
    register_timeline(member_events)
